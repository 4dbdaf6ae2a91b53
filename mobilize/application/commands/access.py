"""Commands on access tokens, and the lookups that decide whose subtree a record belongs to."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.commands.organisation import OrganisationCommands
from mobilize.application.service import command
from mobilize.domain.access import AccessToken
from mobilize.domain.base import MobilizeAggregate, NotFound
from mobilize.domain.dispatch import Dispatch
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite


class AccessCommands(OrganisationCommands):
    """Issue and revoke tokens; tell which org unit any record sits under."""

    @command
    def issue_token(self, holder: str, role: str, scope_unit_id: UUID | None, secret_sha256: str) -> UUID:
        """Issue a token (the caller keeps the secret; only its hash is recorded)."""
        if scope_unit_id is not None:
            self.load(OrgUnit, scope_unit_id, "org unit")
        return self.commit(AccessToken.issue(holder, role, scope_unit_id, secret_sha256))

    @command
    def revoke_token(self, token_id: UUID) -> UUID:
        """Revoke a token."""
        token = self.load(AccessToken, token_id, "token")
        token.revoke()
        return self.commit(token)

    def unit_of(self, aggregate_id: UUID) -> UUID:
        """The org unit a record sits under: the unit itself, a home grid, a site's grid, an incident's scope."""
        record = self.load(MobilizeAggregate, aggregate_id, "record")
        if isinstance(record, OrgUnit):
            return record.id
        if isinstance(record, (TestingSite, Shift)):
            return record.grid_id
        if isinstance(record, TaskForce):
            return record.unit_id
        if isinstance(record, Incident):
            return record.scope_unit_id
        if isinstance(record, Dispatch):
            return self.unit_of(record.site_id or record.incident_id)
        if isinstance(record, Person) and record.home_grid_id is not None:
            return record.home_grid_id
        raise NotFound(f"record {aggregate_id} belongs to no org unit", id=aggregate_id)

    def within(self, unit_id: UUID, scope_unit_id: UUID) -> bool:
        """Whether `unit_id` lies in the subtree of `scope_unit_id`."""
        return any(unit.id == scope_unit_id for unit in self.ancestry(unit_id))
