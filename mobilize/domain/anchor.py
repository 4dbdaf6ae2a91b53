"""Chain anchors: a signed checkpoint of the audit chain's head, also kept outside the database (ADR 0016)."""

from __future__ import annotations

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, require


class ChainAnchor(MobilizeAggregate):
    """The audit chain's head at a log position, signed with the system's Ed25519 anchor key."""

    @event("Signed")
    def __init__(self, position: int, head: str, signed_at: str, public_key: str, signature: str) -> None:
        self.position = position
        self.head = head
        self.signed_at = signed_at
        self.public_key = public_key
        self.signature = signature

    @classmethod
    def sign(cls, position: int, head: str, signed_at: str, public_key: str, signature: str) -> ChainAnchor:
        """Record a checkpoint signed outside the aggregate (the key never enters the log)."""
        require(position >= 0, InvalidCommand, "an anchored position is 0 or more", field="position")
        require(len(head) == 64, InvalidCommand, "the head is a SHA-256 in 64 hex digits", field="head")
        require(len(public_key) == 64 and len(signature) == 128, InvalidCommand,
                "an Ed25519 public key is 32 bytes and a signature 64 (in hex)", field="signature")
        return cls(position, head, signed_at, public_key, signature)
