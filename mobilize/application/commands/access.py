"""Commands on access tokens."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.commands.organisation import OrganisationCommands
from mobilize.application.service import command
from mobilize.domain.access import AccessToken
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person


class AccessCommands(OrganisationCommands):
    """Issue and revoke tokens."""

    @command
    def issue_token(self, holder: str, role: str, scope_unit_id: UUID | None, secret_sha256: str) -> UUID:
        """Issue a token (the caller keeps the secret; only its hash is recorded)."""
        if scope_unit_id is not None:
            self.load(OrgUnit, scope_unit_id, "org unit")
        return self.commit(AccessToken.issue(holder, role, scope_unit_id, secret_sha256))

    @command
    def issue_responder_token(self, person_id: UUID, secret_sha256: str) -> UUID:
        """Issue a person their own field credential: it acts as them, on their own shifts and dispatches only."""
        person = self.load(Person, person_id, "person")
        return self.commit(AccessToken.issue(person.name, "responder", person.home_grid_id, secret_sha256,
                                             person_id=person.id))

    @command
    def revoke_token(self, token_id: UUID) -> UUID:
        """Revoke a token."""
        token = self.load(AccessToken, token_id, "token")
        token.revoke()
        return self.commit(token)
