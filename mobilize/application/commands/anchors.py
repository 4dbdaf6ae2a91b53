"""Commands on chain anchors."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.anchor import ChainAnchor


class AnchorCommands(CommandService):
    """Record a signed checkpoint of the audit chain."""

    @command
    def record_anchor(self, position: int, head: str, signed_at: str, public_key: str, signature: str) -> UUID:
        """Record the signed checkpoint in the log (its copy outside the database is written by the caller)."""
        return self.commit(ChainAnchor.sign(position, head, signed_at, public_key, signature))
