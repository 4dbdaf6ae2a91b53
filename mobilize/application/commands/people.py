"""Commands on people: registration, qualifications, availability."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import InvalidCommand, require
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person


class PeopleCommands(CommandService):
    """Register people and keep their qualifications and availability true."""

    @command
    def register_person(self, name: str, roles: list[str], home_grid_id: UUID | None = None,
                        home_unit: str | None = None, phone: str | None = None, id_number: str | None = None,
                        qualifications: dict[str, datetime] | None = None, legal_basis: str | None = None,
                        basis_incident_id: UUID | None = None) -> UUID:
        """Register a person, with the qualifications they already hold and, for their personal data, its legal
        basis (PIPL Art. 13: `emergency` naming the incident it serves, `consent` or `duty`; default duty)."""
        if home_grid_id is not None:
            grid = self.load(OrgUnit, home_grid_id, "home grid")
            require(grid.kind == "grid", InvalidCommand, f"home grid {grid.name} is a {grid.kind}, not a grid",
                    home_grid_id=home_grid_id)
        person = Person.register(name, roles, home_grid_id, home_unit, phone, id_number)
        if legal_basis is not None or basis_incident_id is not None:
            if basis_incident_id is not None:
                self.load(Incident, basis_incident_id, "incident")
            person.record_legal_basis(legal_basis or "duty", basis_incident_id)
        for skill, valid_until in (qualifications or {}).items():
            person.certify(skill, valid_until)
        return self.commit(person)

    @command
    def certify(self, person_id: UUID, skill: str, valid_until: datetime) -> UUID:
        """Record (or renew) a person's qualification."""
        person = self.load(Person, person_id, "person")
        person.certify(skill, valid_until)
        return self.commit(person)

    @command
    def revoke_qualification(self, person_id: UUID, skill: str) -> UUID:
        """Withdraw a person's qualification."""
        person = self.load(Person, person_id, "person")
        person.revoke(skill)
        return self.commit(person)

    @command
    def set_availability(self, person_id: UUID, availability: str) -> UUID:
        """Mark a person available, on leave or out of service."""
        person = self.load(Person, person_id, "person")
        person.set_availability(availability)
        return self.commit(person)
