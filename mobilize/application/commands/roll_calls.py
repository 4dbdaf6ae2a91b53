"""Commands of a roll call (PAR): call the roll of a site, answer it from the field, close it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import NotFound, now
from mobilize.domain.person import Person
from mobilize.domain.roll_call import SiteRollCall
from mobilize.domain.shift import CHECK_IN_GRACE, Shift
from mobilize.domain.testing_site import SiteRota, TestingSite


class RollCallCommands(CommandService):
    """Account for everyone on duty at a site."""

    @command
    def call_roll(self, site_id: UUID) -> UUID:
        """Call the roll of everyone checked in at the site now (点名)."""
        self.load(TestingSite, site_id, "testing site")
        calls = self._calls(site_id)
        calls.call(self.on_duty(site_id), now())
        return self.commit(calls)

    @command
    def answer_roll(self, site_id: UUID, person_id: UUID) -> UUID:
        """The person answers the site's open roll call."""
        calls = self.load(SiteRollCall, SiteRollCall.create_id(site_id), "roll call")
        calls.answer(person_id, now())
        return self.commit(calls)

    @command
    def close_roll(self, site_id: UUID) -> UUID:
        """End the site's open roll call."""
        calls = self.load(SiteRollCall, SiteRollCall.create_id(site_id), "roll call")
        calls.close(now())
        return self.commit(calls)

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

    def roll_call(self, site_id: UUID, as_of: datetime | None = None) -> SiteRollCall | None:
        """The site's roll calls, if one was ever called; `as_of` a moment: as the log had recorded them then."""
        if as_of is not None:
            return self._replayed(SiteRollCall.create_id(site_id), as_of)
        try:
            calls = self.load(SiteRollCall, SiteRollCall.create_id(site_id), "roll call")
        except NotFound:
            return None
        return calls if calls.number else None

    def _replayed(self, calls_id: UUID, as_of: datetime) -> SiteRollCall | None:
        calls: Any = None
        for stored in self.recorder.select_events(calls_id):
            event: Any = self.mapper.to_domain_event(stored)
            if event.timestamp > as_of:
                break
            calls = event.mutate(calls)
        return calls if isinstance(calls, SiteRollCall) and calls.number else None

    def _calls(self, site_id: UUID) -> SiteRollCall:
        try:
            return self.load(SiteRollCall, SiteRollCall.create_id(site_id), "roll call")
        except NotFound:
            return SiteRollCall(site_id)

