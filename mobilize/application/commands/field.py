"""Commands a person gives from the field page: their own check-in, and the log of what they sent."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from mobilize.application.commands.shifts import ShiftCommands
from mobilize.application.service import command
from mobilize.domain.base import NotFound, RuleViolated, cst, now, require
from mobilize.domain.field_log import FieldLog
from mobilize.domain.shift import NotCheckedIn, Shift
from mobilize.domain.testing_site import SiteRota


class ArrivedAfterWindow(RuleViolated):
    """Raised when a check-in sent from the field reaches the server after its shift has ended."""

    rule = "check_in_arrived_after_window"


class FieldCommands(ShiftCommands):
    """A person's own actions from the field, and their field log."""

    @command
    def check_in_from_field(self, shift_id: UUID, person_id: UUID) -> UUID:
        """The person checks themself in (签到打卡) at the time their device says; it must reach the server
        before the shift ends: a phone's clock is the person's word, so once the window has closed only the
        site commander records attendance."""
        shift = self.load(Shift, shift_id, "shift")
        self._require_running(shift)
        arrived = self.clock()
        require(arrived < shift.end, ArrivedAfterWindow,
                f"this check-in, made at {now().astimezone(UTC):%H:%M} UTC, reached the command center at "
                f"{arrived.astimezone(UTC):%H:%M} UTC, after the shift ended at {shift.end.astimezone(UTC):%H:%M} UTC; "
                "ask the site commander to record it",
                shift_id=shift.id, sent_at=now(), arrived_at=arrived, end=shift.end,
                zh=f"此次签到时间为 {cst(now())}，到达指挥中心时已是 {cst(arrived)}，"
                   f"班次已于 {cst(shift.end)} 结束：请联系检测点指挥长补录")
        shift.check_in(person_id)
        return self.commit(shift)

    @command
    def hand_over_from_field(self, shift_id: UUID, person_id: UUID, notes: str) -> UUID:
        """The person hands their post over to the next shift at the same post, with a note (交接班)."""
        shift = self.load(Shift, shift_id, "shift")
        status = shift.people.get(str(person_id), {}).get("status")
        require(status in ("checked_in", "checked_out"), NotCheckedIn,
                "only someone who checked in on this shift hands it over", shift_id=shift.id, status=status,
                zh="只有本班次已签到的人才能交接班")
        rota = self.load(SiteRota, SiteRota.create_id(shift.site_id), "site rota")
        later = sorted((r for r in rota.reservations if (r["lane"], r["post"]) == (shift.lane, shift.post)
                        and r["start"] > shift.start), key=lambda r: r["start"])
        require(bool(later), RuleViolated, "no later shift is scheduled at this post to hand over to",
                shift_id=shift.id, lane=shift.lane, post=shift.post, zh="该岗位之后没有排班，无法交接")
        shift.hand_over(self.load(Shift, later[0]["shift_id"], "next shift"), notes)
        return self.commit(shift)

    @command
    def report_from_field(self, person_id: UUID, key: str, action: str, target_id: UUID,
                          device_time: datetime | None, outcome: str,
                          refusal: str | None = None, message: str | None = None) -> UUID:
        """Note in the person's field log what they sent and what became of it (a late device time is flagged)."""
        log = self._field_log(person_id)
        log.report(key, action, target_id, device_time, self.clock(), outcome, refusal, message)
        return self.commit(log)

    def _field_log(self, person_id: UUID) -> FieldLog:
        try:
            return self.load(FieldLog, FieldLog.create_id(person_id), "field log")
        except NotFound:
            return FieldLog(person_id)

    def field_log(self, person_id: UUID) -> list[dict[str, object]]:
        """The person's latest field reports, newest first (none yet: empty)."""
        try:
            return list(reversed(self.load(FieldLog, FieldLog.create_id(person_id), "field log").reports))
        except NotFound:
            return []
