"""A command happens at most once: its record, saved with its events, answers every retry.

A command's id (the `Idempotency-Key` over HTTP) names its `CommandRecord`: the record's id is
derived from it, so two writers of one command collide on the record at commit, and a retry finds
the first run's result there. The fingerprint says what the command was, so a reused id with
another command or body is refused rather than answered with the wrong result.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event
from eventsourcing.utils import register_topic

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, require

COMMAND_NAMESPACE = UUID("6f1d0c4e-2b7a-4f7e-9a51-3c2d8e0b7a10")
"""The namespace of command record ids (uuid5 of the command id): fixed, or retries would miss their records."""


class CommandIdReused(InvalidCommand):
    """Raised when a command id already used for one command comes back with another command or body."""

    rule = "command_id_reused"


class CommandRecord(MobilizeAggregate):
    """The fact that a command was accepted, saved with its events so a retry changes nothing."""

    id: UUID  # given: derived from the command id, so two writers of one command collide

    @event("Accepted")
    def __init__(self, name: str, fingerprint: str, result: str) -> None:
        self.name = name
        self.fingerprint = fingerprint
        self.result = result


# Logs written before the record moved here name it by its old module.
register_topic("mobilize.application.service:CommandRecord", CommandRecord)


def record_id(command_id: str) -> UUID:
    """The id of the record a command with this id leaves behind."""
    return uuid5(COMMAND_NAMESPACE, command_id)


def fingerprint(name: str, arguments: dict[str, Any]) -> str:
    """What a command was: its name and bound arguments, including the context the caller gave."""
    body = json.dumps([name, arguments], default=str, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def accepted(command_id: str, name: str, result: UUID, arguments: dict[str, Any] | None = None) -> CommandRecord:
    """The record `name` would save for `command_id`, for generators that build aggregates in bulk.

    Call it under the command's context (`current_context`), as the aggregates it goes with were
    built. With `arguments` (the command's, plus `"context"`), a later retry through the application
    is recognised as the same command; without, the record only blocks the id from being reused.
    """
    digest = fingerprint(name, arguments) if arguments is not None else "seeded"
    return new_record(record_id(command_id), name, digest, result)


def new_record(key: UUID, name: str, digest: str, result: UUID) -> CommandRecord:
    """A command record with its given id (call under the command's context)."""
    # eventsourcing takes a given id for the class's `id` annotation: the type checker cannot see that
    return CommandRecord(id=key, name=name, fingerprint=digest, result=str(result))  # type: ignore[call-arg]


def earlier_result(record: CommandRecord, name: str, digest: str) -> UUID:
    """The first run's result, if `record` is of the same command; CommandIdReused otherwise."""
    require(record.name == name, CommandIdReused,
            f"command id was already used for a different command ({record.name})", earlier_command=record.name,
            zh="该指令编号（幂等键）已用于另一项指令")
    require(record.fingerprint == digest, CommandIdReused,
            f"command id was already used for {name} with different arguments", earlier_command=record.name,
            zh="该指令编号（幂等键）已用于参数不同的同一指令")
    return UUID(record.result)
