"""Every record of the district as it stood at a moment: the aggregates rebuilt from the log's events.

The domain's own aggregates are the fold (each event mutates its aggregate as when it was recorded), over
the events up to the reading's log position, and of those only the ones that occurred by the as-happened
moment when there is one. The chain's head at that position is computed on the way, for the forms' stamp.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.domain.base import MobilizeAggregate
from mobilize.log.codec import Decoder
from mobilize.projections.audit import GENESIS, link, stored
from mobilize.projections.replay import Reading, occurred

KINDS = ("Incident", "OrgUnit", "Person", "TestingSite", "Shift", "TaskForce", "Dispatch")
"""The aggregates the forms read (command records and access tokens are left alone)."""


@dataclass
class Situation:
    """The records by kind, as of `reading`, and the chain's head at its position."""

    reading: Reading
    head: str
    records: dict[str, dict[UUID, Any]] = field(default_factory=lambda: defaultdict(dict))
    born: dict[UUID, datetime] = field(default_factory=dict)  # when each record's first event occurred

    def of(self, kind: str) -> list[Any]:
        """Every record of a kind, in the order they were born."""
        return list(self.records[kind].values())

    def get(self, kind: str, record_id: UUID | str | None) -> Any:
        """One record, or None."""
        if record_id is None:
            return None
        try:
            key = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
        except ValueError:
            return None  # not an id: no such record
        return self.records[kind].get(key)

    def name(self, kind: str, record_id: UUID | str | None) -> str:
        """A record's name (or title), '' when there is none."""
        record = self.get(kind, record_id)
        return "" if record is None else str(getattr(record, "name", None) or getattr(record, "title", ""))


def situation(app: Mobilize, reading: Reading) -> Situation:
    """Rebuild the records as `reading` shows them."""
    decode, head = Decoder(app.mapper), GENESIS
    found = Situation(reading, GENESIS)
    owner: dict[UUID, str] = {}
    for note in stored(app):
        if note.id > reading.position:
            break
        head = link(head, note)
        kind = decode.kind(note.topic)
        aggregate_kind = kind.__qualname__.split(".")[0]
        if not issubclass(kind, MobilizeAggregate.Event) or aggregate_kind not in KINDS:
            continue
        event = decode(note)
        if reading.happened_by is not None and occurred(event) > reading.happened_by:
            continue
        _fold(found, owner, aggregate_kind, event)
    found.head = head
    return found


def _fold(found: Situation, owner: dict[UUID, str], kind: str, event: Any) -> None:
    record_id = event.originator_id
    current = found.records[owner[record_id]].get(record_id) if record_id in owner else None
    if current is None:
        if event.originator_version != 1:
            return  # born after the moment (as happened): its later events have nothing to change
        owner[record_id] = kind
        found.born[record_id] = occurred(event)
        found.records[kind][record_id] = event.mutate(None)
        return
    current.version = event.originator_version - 1  # events that happened later may have been left out
    with contextlib.suppress(KeyError, TypeError, AttributeError):  # its precondition happened later: no change yet
        event.mutate(current)
