"""Access tokens: who may use the API, in which role, over which part of the tree. Only a hash is kept."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import (
    InvalidCommand,
    MobilizeAggregate,
    RuleViolated,
    require,
)
from mobilize.domain.vocabulary import TokenRole, names

ROLES = names(TokenRole)
"""operator: commands within a subtree; auditor: reads everything, writes nothing; viewer: dashboards only;
responder: one person's own shifts and dispatches (the field page)."""


class AccessToken(MobilizeAggregate):
    """A bearer token issued to a holder; the secret itself is never stored, only its SHA-256."""

    @event("Issued")
    def __init__(self, holder: str, role: str, scope_unit_id: UUID | None, secret_sha256: str,
                 person_id: UUID | None = None) -> None:
        self.holder = holder
        self.person_id = person_id
        self.role = role
        self.scope_unit_id = scope_unit_id
        self.secret_sha256 = secret_sha256
        self.revoked = False

    @classmethod
    def issue(cls, holder: str, role: str, scope_unit_id: UUID | None, secret_sha256: str,
              person_id: UUID | None = None) -> AccessToken:
        """Issue a token; an operator's token is bound to an org subtree (None: the whole tree), a responder's
        to one person (their home grid as its scope, for the operators who may revoke it)."""
        require(bool(holder.strip()), InvalidCommand, "a token names the person or system holding it", field="holder")
        require(role in ROLES, InvalidCommand, f"role must be one of {', '.join(ROLES)}", role=role)
        require(len(secret_sha256) == 64, InvalidCommand, "the secret's SHA-256 must be 64 hex digits")
        require((role == "responder") == (person_id is not None), InvalidCommand,
                "a responder token, and only a responder token, is bound to one person", field="person_id",
                role=role)
        return cls(holder.strip(), role, scope_unit_id, secret_sha256, person_id)

    def revoke(self) -> None:
        """Withdraw the token; every later request with it is refused."""
        require(not self.revoked, RuleViolated, "the token is already revoked", token_id=self.id, zh="该令牌已吊销")
        self._revoke()

    @event("Revoked")
    def _revoke(self) -> None:
        self.revoked = True
