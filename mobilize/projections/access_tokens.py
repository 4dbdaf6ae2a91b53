"""A person's responder tokens as the audit trail tells them: when each was issued and by whom, whether and when
it was revoked, by whom and why. The trail carries each token's events (never a secret, nor its hash)."""

from __future__ import annotations

from typing import Any

from mobilize.projections.store import ViewStore

EVENTS = """SELECT aggregate_id, event_type, actor, reason, recorded_at FROM audit_trail
    WHERE aggregate_id IN (SELECT aggregate_id FROM audit_trail
                           WHERE person_id = ? AND event_type = 'AccessToken.Issued')
    ORDER BY position"""


def responder_tokens(views: ViewStore, person_id: str) -> list[dict[str, Any]]:
    """The person's responder tokens, oldest first (the audit trail must have caught up with the log)."""
    tokens: dict[str, dict[str, Any]] = {}
    for token_id, kind, actor, reason, recorded_at in views.query(EVENTS, (person_id,)):
        if kind == "AccessToken.Issued":
            tokens[token_id] = {"token_id": token_id, "issued_at": recorded_at, "issued_by": actor, "revoked": False,
                                "revoked_at": None, "revoked_by": None, "reason": None}
        elif kind == "AccessToken.Revoked" and token_id in tokens:
            tokens[token_id].update(revoked=True, revoked_at=recorded_at, revoked_by=actor, reason=reason)
    return list(tokens.values())
