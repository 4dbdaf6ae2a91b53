"""Commands of a roll call (PAR): call the roll of a site or a task force, answer it from the field, close it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import MobilizeAggregate, NotFound, RuleViolated, now, require
from mobilize.domain.person import Person
from mobilize.domain.roll_call import RollCall
from mobilize.domain.shift import CHECK_IN_GRACE, Shift
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import SiteRota, TestingSite


class NotCommanding(RuleViolated):
    """Raised when someone calls or closes from the field the roll of what they do not command (any more)."""

    rule = "not_commanding"


class RollCallCommands(CommandService):
    """Account for everyone on duty at a site, or in a task force."""

    @command
    def call_roll(self, subject_id: UUID, commander_id: UUID | None = None) -> UUID:
        """Call the roll (点名): of a site, everyone checked in there now; of a task force, all its members.
        `commander_id`: called from the field by that person, who must command the site or lead the task force
        (checked with the command's other reads: a commander relieved meanwhile is refused)."""
        subject = self.load(MobilizeAggregate, subject_id, "site or task force")
        require(isinstance(subject, (TestingSite, TaskForce)), NotFound,
                f"no site or task force with id {subject_id}", id=subject_id)
        self._require_head(subject, commander_id)
        if isinstance(subject, TaskForce):
            kind, roll = "task_force", {str(p): self.load(Person, p, "person").name for p in subject.members}
        else:
            kind, roll = "site", self.on_duty(subject_id)
        calls = self._calls(kind, subject_id)
        calls.call(roll, now())
        return self.commit(calls)

    @command
    def answer_roll(self, subject_id: UUID, person_id: UUID) -> UUID:
        """The person answers the open roll call of their site or task force."""
        calls = self.load(RollCall, RollCall.create_id(subject_id), "roll call")
        calls.answer(person_id, now())
        return self.commit(calls)

    @command
    def close_roll(self, subject_id: UUID, commander_id: UUID | None = None) -> UUID:
        """End the open roll call; who has not answered stays unaccounted in its record (`commander_id` as in
        `call_roll`)."""
        if commander_id is not None:
            self._require_head(self.load(MobilizeAggregate, subject_id, "site or task force"), commander_id)
        calls = self.load(RollCall, RollCall.create_id(subject_id), "roll call")
        calls.close(now())
        return self.commit(calls)

    @staticmethod
    def _require_head(subject: Any, commander_id: UUID | None) -> None:
        if commander_id is None:
            return
        head = subject.commander_id if isinstance(subject, TestingSite) else getattr(subject, "leader_id", None)
        require(head == commander_id, NotCommanding, "only the site's commander or the task force's leader calls "
                "and closes its roll from the field", subject_id=subject.id,
                zh="只有检测点指挥长或突击队队长才能在现场页面发起和结束点名")

    def on_duty(self, site_id: UUID) -> dict[str, str]:
        """Everyone checked in, and not yet out, on a shift at the site whose window holds now: id → name."""
        try:
            rota = self.load(SiteRota, SiteRota.create_id(site_id), "site rota")
        except NotFound:
            return {}
        at, roll = now(), {}
        for reservation in rota.reservations:
            if not reservation["start"] - CHECK_IN_GRACE <= at < reservation["end"]:
                continue
            shift = self.load(Shift, reservation["shift_id"], "shift")
            for person_id, entry in shift.people.items():
                if entry["status"] == "checked_in":
                    roll[person_id] = self.load(Person, UUID(person_id), "person").name
        return roll

    def roll_call(self, subject_id: UUID, as_of: datetime | None = None) -> RollCall | None:
        """The roll calls of a site or task force, if one was ever called; `as_of` a moment: as the log had
        recorded them then."""
        if as_of is not None:
            return self._replayed(RollCall.create_id(subject_id), as_of)
        try:
            calls = self.load(RollCall, RollCall.create_id(subject_id), "roll call")
        except NotFound:
            return None
        return calls if calls.number else None

    def _replayed(self, calls_id: UUID, as_of: datetime) -> RollCall | None:
        calls: Any = None
        for stored in self.recorder.select_events(calls_id):
            event: Any = self.mapper.to_domain_event(stored)
            if event.timestamp > as_of:
                break
            calls = event.mutate(calls)
        return calls if isinstance(calls, RollCall) and calls.number else None

    def _calls(self, kind: str, subject_id: UUID) -> RollCall:
        try:
            return self.load(RollCall, RollCall.create_id(subject_id), "roll call")
        except NotFound:
            return RollCall(kind, subject_id)

