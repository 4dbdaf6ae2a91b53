"""Commands on personal data (PIPL): correct it, seal what was recorded in plain text, erase it."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import RuleViolated, require
from mobilize.domain.person import Person
from mobilize.domain.personal import ERASED, declared


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

