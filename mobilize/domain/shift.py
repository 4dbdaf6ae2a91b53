"""Shifts: a time window at one post of a site, the people on it, and their check-ins (签到打卡)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import CHINA, InvalidCommand, MobilizeAggregate, RuleViolated, aware, cst, now, require
from mobilize.domain.vocabulary import zh

CHECK_IN_GRACE = timedelta(minutes=30)
"""How early before the start a person may check in."""

NO_SHOW_AFTER = timedelta(minutes=10)
"""How long after the start someone who has not checked in may be recorded as a no-show."""


class NotAssigned(RuleViolated):
    """Raised when someone not assigned to a shift acts on it."""

    rule = "only_assigned_person"


class OutsideCheckInWindow(RuleViolated):
    """Raised when a check-in falls outside the shift's window and grace period."""

    rule = "check_in_window"


class NotCheckedIn(RuleViolated):
    """Raised when someone checks out, or hands over, without having checked in."""

    rule = "check_out_after_check_in"


class ShiftFull(RuleViolated):
    """Raised when every slot of a shift is already taken."""

    rule = "shift_full"


class Shift(MobilizeAggregate):
    """A window of duty at one post (fixed person, fixed post, fixed duty: 定人定岗定责)."""

    @event("Scheduled")
    def __init__(self, site_id: UUID, incident_id: UUID, grid_id: UUID, lane: int, post: str, skill: str,
                 start: datetime, end: datetime, slots: int) -> None:
        self.site_id = site_id
        self.incident_id = incident_id
        self.grid_id = grid_id
        self.lane = lane
        self.post = post
        self.skill = skill
        self.start = start
        self.end = end
        self.slots = slots
        self.people: dict[str, dict[str, object]] = {}
        self.handed_over_to: UUID | None = None

    @classmethod
    def schedule(cls, site_id: UUID, incident_id: UUID, grid_id: UUID, lane: int, post: str, skill: str,
                 start: datetime, end: datetime, slots: int = 1, shift_id: UUID | None = None) -> Shift:
        """Schedule a window of duty at a post; `slots` people are needed on it; `shift_id` if the caller
        derives the id (a rota does, so that a retry of it names the same shifts)."""
        start, end = aware(start, "start"), aware(end, "end")
        require(start < end, InvalidCommand, "a shift must end after it starts", start=start, end=end)
        require(end - start <= timedelta(hours=24), InvalidCommand, "a shift lasts at most 24 hours",
                start=start, end=end)
        require(1 <= slots <= 20, InvalidCommand, "a shift needs between 1 and 20 people", slots=slots)
        if shift_id is None:
            return cls(site_id, incident_id, grid_id, lane, post, skill, start, end, slots)
        # the event class @event("Scheduled") made; the type checker does not know of it
        return cls._create(cls.Scheduled, id=shift_id,  # type: ignore[attr-defined]
                           site_id=site_id, incident_id=incident_id, grid_id=grid_id, lane=lane, post=post,
                           skill=skill, start=start, end=end, slots=slots)

    @property
    def hours(self) -> float:
        """Length of the shift in hours."""
        return (self.end - self.start) / timedelta(hours=1)

    def _status(self, person_id: UUID) -> str:
        entry = self.people.get(str(person_id))
        require(entry is not None, NotAssigned, "that person is not assigned to this shift",
                person_id=person_id, shift_id=self.id, zh="此人不在这个班次上")
        assert entry is not None
        return str(entry["status"])

    def assign(self, person_id: UUID, overridden: list[str], override_reason: str | None) -> None:
        """Put a person on the shift (their own booking is checked on the person)."""
        self.check_assignment(person_id)
        self._assign(person_id=person_id, overridden=overridden, override_reason=override_reason)

    def check_assignment(self, person_id: UUID) -> None:
        """Whether `assign` would take the person, changing nothing: raises its refusal (already on, full)."""
        require(str(person_id) not in self.people, RuleViolated, "that person is already on this shift",
                person_id=person_id, shift_id=self.id, zh="此人已在这个班次上")
        require(len(self.people) < self.slots, ShiftFull, f"all {self.slots} slots of this shift are taken",
                shift_id=self.id, slots=self.slots, zh=f"这个班次的 {self.slots} 个名额已满")

    @event("Assigned")
    def _assign(self, person_id: UUID, overridden: list[str], override_reason: str | None) -> None:
        self.people[str(person_id)] = {"status": "assigned"}

    def unassign(self, person_id: UUID) -> None:
        """Take a person off the shift; not once they have checked in."""
        status = self._status(person_id)
        require(status in ("assigned", "no_show"), RuleViolated,
                f"cannot unassign someone who has {status.replace('_', ' ')}", person_id=person_id, status=status,
                zh=f"此人{zh(status)}，不能从班次中撤下")
        self._unassign(person_id=person_id)

    @event("Unassigned")
    def _unassign(self, person_id: UUID) -> None:
        del self.people[str(person_id)]

    def check_in(self, person_id: UUID) -> None:
        """The assigned person arrives at the post, within the window plus grace."""
        status = self._status(person_id)
        require(status == "assigned", RuleViolated, f"cannot check in: this person is {status.replace('_', ' ')}",
                person_id=person_id, status=status, zh=f"无法签到：此人{zh(status)}")
        at = now()
        require(self.start - CHECK_IN_GRACE <= at < self.end, OutsideCheckInWindow,
                f"check-in at {at:%Y-%m-%d %H:%M} UTC is outside the shift window "
                f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC "
                f"(check-in opens {CHECK_IN_GRACE.seconds // 60} minutes early)",
                at=at, start=self.start, end=self.end,
                zh=f"签到时间 {cst(at)} 不在班次时段 {cst(self.start)}–{self.end.astimezone(CHINA):%H:%M} 内"
                   f"（可提前 {CHECK_IN_GRACE.seconds // 60} 分钟签到）")
        self._check_in(person_id=person_id, at=at, late_minutes=max(0, int((at - self.start).total_seconds() // 60)))

    @event("CheckedIn")
    def _check_in(self, person_id: UUID, at: datetime, late_minutes: int) -> None:
        self.people[str(person_id)] = {"status": "checked_in", "checked_in_at": at}

    def check_out(self, person_id: UUID) -> None:
        """The person leaves the post; only after checking in."""
        status = self._status(person_id)
        require(status == "checked_in", NotCheckedIn,
                f"cannot check out: this person has not checked in (they are {status.replace('_', ' ')})",
                person_id=person_id, status=status, zh=f"无法签退：此人当前为「{zh(status)}」")
        checked_in_at = self.people[str(person_id)]["checked_in_at"]
        assert isinstance(checked_in_at, datetime)
        at = now()
        require(at >= checked_in_at, InvalidCommand, "check-out cannot be earlier than check-in",
                checked_in_at=checked_in_at, at=at, zh="签退时间不能早于签到时间")
        self._check_out(person_id=person_id, at=at)

    @event("CheckedOut")
    def _check_out(self, person_id: UUID, at: datetime) -> None:
        self.people[str(person_id)].update(status="checked_out", checked_out_at=at)

    def record_no_show(self, person_id: UUID) -> None:
        """Record that an assigned person did not turn up."""
        status = self._status(person_id)
        require(status == "assigned", RuleViolated, f"not a no-show: this person has {status.replace('_', ' ')}",
                person_id=person_id, status=status, zh=f"不能记缺勤：此人{zh(status)}")
        require(now() >= self.start + NO_SHOW_AFTER, RuleViolated,
                f"a no-show can be recorded only {NO_SHOW_AFTER.seconds // 60} minutes after the shift starts",
                start=self.start, at=now(), zh=f"班次开始 {NO_SHOW_AFTER.seconds // 60} 分钟后才能记缺勤")
        self._record_no_show(person_id=person_id)

    @event("NoShowRecorded")
    def _record_no_show(self, person_id: UUID) -> None:
        self.people[str(person_id)]["status"] = "no_show"

    def hand_over(self, next_shift: Shift, notes: str) -> None:
        """Hand the post over to the next shift at the same post (交接班)."""
        require(self.handed_over_to is None, RuleViolated, "this shift has already handed over",
                shift_id=self.id, handed_over_to=self.handed_over_to, zh="本班次已交接")
        require((next_shift.site_id, next_shift.lane, next_shift.post) == (self.site_id, self.lane, self.post),
                InvalidCommand, "a handover goes to a shift at the same post", next_shift_id=next_shift.id,
                zh="只能交接给同一岗位的班次")
        require(next_shift.start > self.start, InvalidCommand, "a handover goes to a later shift",
                next_shift_id=next_shift.id, zh="只能交接给之后的班次")
        require(any(p["status"] in ("checked_in", "checked_out") for p in self.people.values()), NotCheckedIn,
                "nobody checked in on this shift, so nobody can hand it over", shift_id=self.id,
                zh="本班次无人签到，无人可交接")
        self._hand_over(next_shift_id=next_shift.id, notes=notes)

    @event("HandedOver")
    def _hand_over(self, next_shift_id: UUID, notes: str) -> None:
        self.handed_over_to = next_shift_id
