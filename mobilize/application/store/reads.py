"""Read sets: a command commits only if the records it decided on, and did not change, are still as it read them.

A command loads records it does not write: the incident it dispatches into (is it open?), the site it
schedules at (is it closed?), the grids above a shift (which wartime policy?). Optimistic concurrency on
the records it writes does not cover those: a close of the incident and a dispatch into it, each writing
only its own aggregate, both committed. Here every load of a command is noted with the version it saw
(`CommandService.load`), and the versions of the records it loaded but does not write travel with its
events into the insert transaction. There, after the writer has the store to itself (PostgreSQL's table
lock, SQLite's write lock, the memory store's lock), a read whose record has a newer version fails the
whole insert with `StaleRead`; the command then runs again on fresh records (`CommandService.handle`), and
its rules decide on what is now true. See ADR 0011.

Each recorder checks in its own way:
- PostgreSQL: the insert function takes the read set as two arrays and checks it after `LOCK TABLE`,
  before inserting (`mobilize.application.store.postgres`), raising SQLSTATE `STALE_SQLSTATE`;
- SQLite: `SQLiteRecorder` below, in a `BEGIN IMMEDIATE` transaction (the write lock from the first
  statement, so that nothing commits between the check and the insert); it also never hands out a position
  twice, even after the newest rows were deleted (SQLite reuses the highest rowid otherwise);
- memory: `MemoryRecorder` below, under the recorder's lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore, SQLiteTransaction

Reads = Mapping[UUID, int]
"""The records a command read and does not write, each with the version it read."""

STALE_SQLSTATE = "23M01"
"""The SQLSTATE PostgreSQL's insert function raises for a stale read (class 23: an integrity violation)."""


class StaleRead(IntegrityError):
    """A record the command read (and did not write) changed before the command's events were inserted."""

    def __init__(self, stale: Mapping[UUID, int]) -> None:
        super().__init__(f"read records changed since: {', '.join(sorted(map(str, stale)))}")
        self.stale = dict(stale)
        """Each stale record's id with the version the command had read."""


def merged(reads: Sequence[Reads]) -> dict[UUID, int]:
    """One read set for several commands inserted together: each record at the earliest version read."""
    result: dict[UUID, int] = {}
    for read in reads:
        for aggregate_id, version in read.items():
            result[aggregate_id] = min(version, result.get(aggregate_id, version))
    return result


def stale_among(recorder: Any, reads: Reads) -> dict[UUID, int]:
    """The reads of `reads` whose record has a newer version in the store now (asked one record at a time)."""
    return {aggregate_id: version for aggregate_id, version in reads.items()
            if recorder.select_events(aggregate_id, gt=version, limit=1)}


class MemoryRecorder(POPOApplicationRecorder):
    """eventsourcing's in-memory recorder, checking a read set under its lock."""

    def insert_events(self, stored_events: Sequence[StoredEvent], *, reads: Reads | None = None,
                      **kwargs: Any) -> Sequence[int] | None:
        with self._database_lock:  # re-entrant: select_events takes it too
            stale = stale_among(self, reads or {})
            if stale:
                raise StaleRead(stale)
            return super().insert_events(stored_events, **kwargs)


class _Immediate(SQLiteTransaction):
    """eventsourcing's SQLite transaction (its error mapping, commit and rollback), begun IMMEDIATE."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor


class SQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder with read sets and positions that are never reused.

    Positions are the events table's rowids. SQLite gives a new row the highest rowid plus one, so after the
    newest rows were deleted (a truncated or restored file) it handed their positions out again, and every
    follower that had passed them skipped the new events for good. The highest position ever issued is kept
    in a table of its own, `<events table>_issued`, and new rows are numbered after it.
    """

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name)
        self.issued_table = f"{self.events_table_name}_issued"
        self.create_table_statements.append(
            f"CREATE TABLE IF NOT EXISTS {self.issued_table} (one INTEGER PRIMARY KEY CHECK (one = 1), "
            "position INTEGER NOT NULL)")
        self.insert_numbered = (f"INSERT INTO {self.events_table_name} "  # noqa: S608 - the recorder's own table
                                "(rowid, originator_id, originator_version, topic, state) VALUES (?,?,?,?,?)")

    def insert_events(self, stored_events: Sequence[StoredEvent], *, reads: Reads | None = None,
                      **kwargs: Any) -> Sequence[int] | None:
        if kwargs.get("tracking") is not None:  # not used by mobilize: eventsourcing's own path handles it
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection(commit=True) as connection, \
                _Immediate(connection, commit=True) as cursor, cursor:
            if reads:
                stale = self._stale(cursor, reads)
                if stale:
                    raise StaleRead(stale)
            return self._insert_numbered(cursor, stored_events)

    def _stale(self, cursor: SQLiteCursor, reads: Reads) -> dict[UUID, int]:
        stale = {}
        for aggregate_id, version in reads.items():
            cursor.execute(f"SELECT 1 FROM {self.events_table_name} WHERE originator_id = ? "  # noqa: S608 - our table
                           "AND originator_version > ? LIMIT 1", (aggregate_id.hex, version))
            if cursor.fetchone() is not None:
                stale[aggregate_id] = version
        return stale

    def _insert_numbered(self, cursor: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> list[int]:
        if not stored_events:
            return []
        cursor.execute(f"SELECT max(coalesce((SELECT position FROM {self.issued_table}), 0), "  # noqa: S608
                       f"coalesce((SELECT max(rowid) FROM {self.events_table_name}), 0))")
        position = int(cursor.fetchone()[0])
        positions = []
        for stored in stored_events:
            position += 1
            originator = stored.originator_id.hex if isinstance(stored.originator_id, UUID) else stored.originator_id
            cursor.execute(self.insert_numbered, (position, originator, stored.originator_version, stored.topic,
                                                  stored.state))
            positions.append(position)
        cursor.execute(f"INSERT INTO {self.issued_table} (one, position) VALUES (1, ?) "  # noqa: S608
                       "ON CONFLICT (one) DO UPDATE SET position = excluded.position", (position,))
        return positions


def recorder_for(recorder: Any) -> Any:
    """The recorder to use in place of eventsourcing's own `recorder` (the same datastore, read sets checked);
    a recorder that checks read sets already is returned as it is."""
    if type(recorder) is POPOApplicationRecorder:
        return MemoryRecorder()
    if type(recorder) is SQLiteApplicationRecorder:
        ours = SQLiteRecorder(recorder.datastore, recorder.events_table_name)
        ours.create_table()
        return ours
    return recorder

