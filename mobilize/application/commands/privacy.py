"""Commands on personal data (PIPL): correct it, seal what was recorded in plain text, erase it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import CommandContext, MobilizeAggregate, RuleViolated, require
from mobilize.domain.household import Household
from mobilize.domain.person import Person
from mobilize.domain.personal import ERASED, declared
from mobilize.domain.resident_request import ResidentRequest
from mobilize.domain.small_wish import SmallWish
from mobilize.domain.visit import Visit
from mobilize.log.reader import notifications

NAMING_HOUSEHOLD: tuple[Any, ...] = (getattr(Visit, "Recorded"), getattr(ResidentRequest, "Registered"),  # noqa: B009
                                     getattr(SmallWish, "Registered"))  # noqa: B009 - classes made by @event
"""The events that create a record about a household: each names it (`household_id`) once, for good."""

ERASURE = "the household's personal data was erased"
"""Why a household's open requests and wishes are closed with its erasure."""

PAGE = 2000
"""Notifications read at a time when the log is scanned for the records naming a household."""


class PrivacyCommands(CommandService):
    """Keep a person's personal data correct, sealed, and no longer than its purpose needs."""

    @command
    def correct_personal_data(self, person_id: UUID, phone: str | None = None, id_number: str | None = None,
                              home_unit: str | None = None) -> UUID:
        """Replace a person's phone, ID number and home unit (refused once they were erased)."""
        person = self.load(Person, person_id, "person")
        person.correct_personal_data(phone, id_number, home_unit)
        return self.commit(person)

    @command
    def seal_personal_data(self, person_id: UUID) -> UUID:
        """Record again, sealed, the personal data a person's older events hold in plain text."""
        person = self.load(Person, person_id, "person")
        require(self.plain_text_recorded(person_id), RuleViolated,
                f"{person.name}'s personal data is sealed already", person=person.name,
                zh=f"{person.name}的个人信息已加密")
        person.seal_forward()
        return self.commit(person)

    def plain_text_recorded(self, person_id: UUID) -> bool:
        """Whether the person's latest personal data lies in the store in plain text (recorded before sealing
        began): each event declaring personal fields records all of them, so the latest one says."""
        latest = None
        for event in self.events.get(person_id):
            declaration = declared(type(event))
            if declaration is not None:
                latest = [getattr(event, field, None) for field in declaration.fields]
        return latest is not None and any(isinstance(value, str) and value != ERASED for value in latest)

    @command
    def erase_personal_data(self, person_id: UUID) -> UUID:
        """Erase a person's personal data: the erasure is recorded, then their data key destroyed."""
        person = self.load(Person, person_id, "person")
        if person.erased:  # recorded already; its key is destroyed (again: a crash may have come between)
            self.keyring.destroy(person_id)
        person.erase_personal_data()
        result = self.commit(person)
        self.keyring.destroy(person_id)
        return result

    def erase_household_data(self, household_id: UUID, ctx: CommandContext) -> UUID:
        """Erase a household's personal data, in three steps each safe to repeat (a retry with the same context
        finishes what a crash interrupted; a second erasure changes nothing): the erasure is recorded; then its
        requests still open and wishes not yet fulfilled are closed (no resolution or note could be sealed for
        them afterwards); then the keys of the household and of every visit, request and wish naming it are
        destroyed. The last two read the log after the erasure is committed: from then on nothing more about
        the household can be recorded (a record that read it before and commits after is refused, its read set
        stale), so the log holds every record there will ever be about it."""
        result = self.record_household_erasure(household_id, ctx=ctx)
        self.close_erased_households_records(household_id, ctx=replace(ctx, command_id=f"{ctx.command_id}:close"))
        self.keyring.destroy(household_id, *self.records_naming(household_id))
        return result

    @command
    def record_household_erasure(self, household_id: UUID) -> UUID:
        """The first step of `erase_household_data`: the erasure recorded (nothing if it was already)."""
        household = self.load(Household, household_id, "household")
        household.erase_personal_data()
        return self.commit(household)

    @command
    def close_erased_households_records(self, household_id: UUID) -> UUID:
        """The second step of `erase_household_data`: an erased household's requests still open and wishes not yet
        fulfilled closed unresolved, saying why."""
        household = self.load(Household, household_id, "household")
        require(household.erased, RuleViolated, "the household's personal data is not erased",
                household_id=household_id, zh="该住户的个人信息尚未删除")
        closed = []
        for record in self.records_naming(household_id, NAMING_HOUSEHOLD[1:]):  # requests and wishes, not visits
            held = self.load(MobilizeAggregate, record, "record")
            if isinstance(held, ResidentRequest | SmallWish):
                held.withdraw(ERASURE)
                closed.append(held)
        return self.commit(*closed, result=household_id)

    def records_naming(self, household_id: UUID, creating: tuple[Any, ...] = NAMING_HOUSEHOLD) -> list[UUID]:
        """The visits, requests and small wishes (or those `creating` events make) naming a household, in log
        order, read from the log itself (the views may lag behind); only the events that create such records are
        read and decoded, their sealed fields left unopened (a log of 190,000 events holding 14,000 of them:
        0.3 s on SQLite)."""
        return [UUID(str(note.originator_id)) for note in notifications(self.recorder, *creating, page=PAGE)
                if getattr(self.mapper.to_domain_event(note), "household_id", None) == household_id]
