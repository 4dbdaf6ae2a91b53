"""The audit trail (ICS 214): every event in order with who, on whose order, why and when — hash-chained.

Each row carries `chain_hash = sha256(previous chain_hash + the stored event's exact bytes)`, so
altering, removing or reordering a stored event breaks every link from it on; `verify` finds the
first broken one. Keep the printed head hash somewhere else: it is what anchors the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.log.codec import Decoder, iso
from mobilize.log.envelope import payload, shown_payload
from mobilize.log.reader import notifications
from mobilize.privacy.seal import Opener
from mobilize.projections.base import Projection
from mobilize.projections.recall import Recall
from mobilize.projections.store import Transaction, ViewStore

GENESIS = "0" * 64
APPEND = "INSERT INTO audit_trail VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def link(previous: str, note: Notification) -> str:
    """The chain hash of `note` following a link whose hash is `previous`."""
    digest = hashlib.sha256(previous.encode())
    digest.update(f"|{note.id}|{note.originator_id}|{note.originator_version}|{note.topic}|".encode())
    digest.update(note.state)
    return digest.hexdigest()


class AuditTrail(Projection):
    """Every event of the store, with its context and its link in the hash chain."""

    name = "audit_trail"
    tables = (
        """CREATE TABLE IF NOT EXISTS audit_trail (
            position BIGINT PRIMARY KEY, event_type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
            version INTEGER NOT NULL, incident_id TEXT, person_id TEXT, actor TEXT, ordered_by TEXT,
            reason TEXT, command_id TEXT, correlation_id TEXT, occurred_at TEXT, recorded_at TEXT NOT NULL,
            payload TEXT NOT NULL, chain_hash TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS audit_trail_incident ON audit_trail (incident_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_trail_person ON audit_trail (person_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_trail_recorded ON audit_trail (recorded_at)",
        """CREATE TABLE IF NOT EXISTS audit_links (
            aggregate_id TEXT PRIMARY KEY, incident_id TEXT, person_id TEXT)""",
    )
    drops = ("audit_trail", "audit_links")

    def forget(self, empty: bool = False) -> None:
        """Drop the last link of the chain and the aggregates' links kept in memory."""
        self._last: tuple[int, str] = (0, GENESIS)  # saves a read per event; re-read whenever it does not fit
        self._links = Recall(_link, empty)

    def any_event(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Append the event to the trail and extend the chain."""
        aggregate_id = str(note.originator_id)
        incident_id, person_id = self._concerns(tx, event, note, aggregate_id)
        chain = link(self._previous(tx, note.id), note)
        self._last = (note.id, chain)
        kind, _, version, *told = told_by(event, note)
        tx.execute(APPEND, (note.id, kind, aggregate_id, version, incident_id, person_id, *told, chain))

    def _previous(self, tx: Transaction, position: int) -> str:
        if self._last[0] == position - 1:
            return self._last[1]
        rows = tx.execute("SELECT chain_hash FROM audit_trail WHERE position < ? ORDER BY position DESC LIMIT 1",
                          (position,))
        return rows[0][0] if rows else GENESIS

    def _concerns(self, tx: Transaction, event: Any, note: Notification,
                  aggregate_id: str) -> tuple[str | None, str | None]:
        """Which incident and person an event concerns; an aggregate's incident is remembered from its birth.

        The links are kept in memory as they are written, so that an event need not query them (on
        PostgreSQL a query stops the pipeline); an aggregate's first event has none to look up.
        """
        kind = type(event).__qualname__.split(".")[0]
        known = self._links.get(tx, aggregate_id) if note.originator_version > 1 else None
        remembered_incident, remembered_person = known or (None, None)
        incident = aggregate_id if kind == "Incident" else (
            _str(getattr(event, "incident_id", None)) or remembered_incident)
        dispatched_person = _str(event.subject_id) if getattr(event, "subject_kind", None) == "person" else None
        person = aggregate_id if kind == "Person" else (
            _str(getattr(event, "person_id", None)) or dispatched_person or remembered_person)
        if not known and (incident or dispatched_person):
            tx.execute("INSERT INTO audit_links VALUES (?, ?, ?)", (aggregate_id, incident, dispatched_person))
            self._links.keep(aggregate_id, (incident, dispatched_person))
        return incident, person


def _link(tx: Transaction, aggregate_id: str) -> tuple[str | None, str | None] | None:
    """An aggregate's link, read from the table."""
    rows = tx.execute("SELECT incident_id, person_id FROM audit_links WHERE aggregate_id = ?", (aggregate_id,))
    return (rows[0][0], rows[0][1]) if rows else None


def told_by(event: Any, note: Notification) -> tuple[Any, ...]:
    """What the trail says of an event, as the stored event itself says it: type, aggregate, version, actor,
    order, reason, command and correlation ids, occurred and recorded times, payload (`TOLD` columns)."""
    return (type(event).__qualname__, str(note.originator_id), note.originator_version,
            getattr(event, "actor", None), getattr(event, "ordered_by", None), getattr(event, "reason", None),
            getattr(event, "command_id", None), getattr(event, "correlation_id", None),
            _iso(getattr(event, "occurred_at", None)), iso(event.timestamp), payload(event))


TOLD = ("event_type", "aggregate_id", "version", "actor", "ordered_by", "reason", "command_id", "correlation_id",
        "occurred_at", "recorded_at", "payload")
"""The trail's columns that retell the stored event: `verify` checks each of them against it."""


def _iso(moment: Any) -> str | None:
    return iso(moment) if moment is not None else None


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, (UUID, str)) else None


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking the chain, and the trail's rows, against the stored events."""

    checked: int
    head: str
    broken_at: int | None = None
    problem: str | None = None
    position: int = 0  # the log position whose link is `head`

    @property
    def ok(self) -> bool:
        """Whether every link held."""
        return self.broken_at is None


def verify(app: Mobilize, views: ViewStore) -> Verdict:
    """Recompute the chain from the stored events and report the first link that does not hold, or the first
    row of the trail that does not retell its stored event (an edited actor, reason or payload).

    Positions may have gaps (PostgreSQL spends an id on a refused concurrent write), so stored events and
    chained rows are walked side by side: a row without its event was removed, an event without its row
    was slipped in, a hash that differs was altered or moved.
    """
    previous, checked, at = GENESIS, 0, 0
    decode = Decoder(app.mapper)
    rows = iter(views.query(f"SELECT position, chain_hash, {', '.join(TOLD)} FROM audit_trail ORDER BY position"))
    row = next(rows, None)
    for note in stored(app):
        if row is None:
            return Verdict(checked, previous, position=at)  # the trail has not caught up with the newest events yet
        position, recorded = int(row[0]), row[1]
        if position < note.id:
            return Verdict(checked, previous, position, f"the stored event at position {position} is missing "
                                                        "(chained, but no longer in the store)")
        if note.id < position:
            return Verdict(checked, previous, note.id, f"the stored event at position {note.id} was never chained: "
                                                       "it was slipped into the log afterwards")
        previous = link(previous, note)
        if previous != recorded:
            return Verdict(checked, previous, position, f"the stored event at position {position} was altered "
                                                        "or moved since it was chained")
        told = told_by(decode(note), note)
        wrong = [column for column, said, true in zip(TOLD, row[2:], told, strict=True) if said != true]
        if wrong:
            return Verdict(checked, previous, position, f"the trail's row at position {position} was altered: "
                                                        f"{', '.join(wrong)} differ from the stored event")
        checked, at = checked + 1, position
        row = next(rows, None)
    if row is not None:
        return Verdict(checked, previous, int(row[0]), f"the stored event at position {row[0]} is missing "
                                                       "(chained, but no longer in the store)")
    return Verdict(checked, previous, position=at)


def stored(app: Mobilize) -> Iterator[Notification]:
    return notifications(app.recorder)


COLUMNS = ("position", "event_type", "aggregate_id", "version", "incident_id", "person_id", "actor", "ordered_by",
           "reason", "command_id", "correlation_id", "occurred_at", "recorded_at", "payload", "chain_hash")


def trail(views: ViewStore, incident_id: str | None = None, person_id: str | None = None,
          since: str | None = None, until: str | None = None, limit: int | None = None,
          opener: Opener | None = None, shown: bool = True) -> list[dict[str, Any]]:
    """The trail in log order: of an incident, of a person, or of everything; `since`/`until` bound recorded time.
    Personal fields are opened by `opener` (an entitled reader), left out without one; with `shown` False the
    payloads stay as stored, for a caller that cuts a page first and shows only that (`show`)."""
    sql, params = f"SELECT {', '.join(COLUMNS)} FROM audit_trail WHERE 1 = 1", []
    for clause, value in (("incident_id = ?", incident_id), ("person_id = ?", person_id),
                          ("recorded_at >= ?", since), ("recorded_at <= ?", until)):
        if value is not None:
            sql += f" AND {clause}"
            params.append(str(value))
    sql += " ORDER BY position" + (f" LIMIT {int(limit)}" if limit else "")
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in views.query(sql, params)]
    return show(rows, opener) if shown else rows


def show(rows: list[dict[str, Any]], opener: Opener | None = None) -> list[dict[str, Any]]:
    """Trail rows with their payloads as a reader sees them: the one policy of hidden events and personal fields
    (mobilize.log.envelope), as the stream and relay apply it; opening personal fields costs a key look-up each."""
    for row in rows:
        row["payload"] = shown_payload(row["event_type"], row["payload"], row["aggregate_id"], opener)
    return rows


def position_at(views: ViewStore, recorded_by: str) -> int:
    """The last log position recorded at or before a moment (0 if none): what was known then."""
    rows = views.query("SELECT max(position) FROM audit_trail WHERE recorded_at <= ?", (recorded_by,))
    return int(rows[0][0] or 0)
