"""The log read in bulk for the runners: rows first, and notifications only of the events a view applies.

The recorder's `select_notifications` builds every notification through a frozen dataclass's
`__init__`, from a dict row, and on SQLite parses each originator id into a UUID: at tens of thousands
of events a second that is a third of a rebuild, mostly spent on events the view then ignores (four in
ten are command records). Here the same rows come as plain tuples (on PostgreSQL in binary, so that
payloads are not hex-decoded), and a row becomes a notification only when a view applies its event.
Stores of other kinds (the in-memory one) are read through their recorder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic

from mobilize.application.store.postgres import fail_fast
from mobilize.log.codec import uuid

Row = Sequence[Any]
"""A stored event as read: position, originator id, originator version, topic, state."""
POSITION, TOPIC = 0, 3
LAST = 2**63 - 1
COLUMNS = "originator_id, originator_version, topic, state"


class Log:
    """An application's log, read in batches of rows."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.rows: Callable[[int, int, int | None], Sequence[Row]] = self._recorded
        self.originator_id: Callable[[Any], Any] = lambda same: same
        if isinstance(recorder, SQLiteApplicationRecorder):
            self.rows = self._sqlite()
            self.originator_id = uuid  # SQLite keeps ids as hex text
        elif isinstance(recorder, PostgresApplicationRecorder):
            self.rows = self._postgres()

    def notification(self, row: Row) -> Notification:
        """The row as the recorder would have given it.

        Made as the mapper makes events, with its attributes set at once: the frozen dataclass's own
        `__init__` sets them one by one through `object.__setattr__`, and costs more than reading the row.
        """
        position, originator_id, version, topic, state = row
        note = object.__new__(Notification)
        object.__setattr__(note, "__dict__", {"originator_id": self.originator_id(originator_id),
                                              "originator_version": version, "topic": topic, "state": state,
                                              "id": position})
        return note

    def _recorded(self, start: int, limit: int, stop: int | None) -> list[Row]:
        return [(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in self.recorder.select_notifications(start, limit, stop=stop)]

    def _sqlite(self) -> Callable[[int, int, int | None], Sequence[Row]]:
        sql = (f"SELECT rowid, {COLUMNS} FROM {self.recorder.events_table_name} "
               "WHERE rowid >= ? AND rowid <= ? ORDER BY rowid LIMIT ?")

        def rows(start: int, limit: int, stop: int | None) -> Sequence[Row]:
            with self.recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(sql, (start, LAST if stop is None else stop, limit))
                return cursor.fetchall()

        return rows

    def _postgres(self) -> Callable[[int, int, int | None], Sequence[Row]]:
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        sql = SQL(f"SELECT notification_id, {COLUMNS} FROM {{schema}}.{{table}} WHERE notification_id >= %s "
                  "AND notification_id <= %s ORDER BY notification_id LIMIT %s").format(
            schema=Identifier(self.recorder.datastore.schema), table=Identifier(self.recorder.events_table_name))

        def rows(start: int, limit: int, stop: int | None) -> Sequence[Row]:
            with self.recorder.datastore.get_connection() as connection, \
                    connection.cursor(row_factory=tuple_row, binary=True) as cursor:
                cursor.execute(sql, (start, LAST if stop is None else stop, limit), prepare=True)
                return cursor.fetchall()

        return fail_fast(rows, self.recorder.datastore.pool)  # as the recorder's own calls (ADR 0010)


def notifications(recorder: Any, *event_classes: type, page: int = 1000) -> Iterator[Notification]:
    """Every stored event in log order, read `page` at a time; only those of `event_classes` when given (the
    store filters them by topic, so nothing else is read)."""
    topics, start = [get_topic(cls) for cls in event_classes], 1
    while notes := recorder.select_notifications(start, page, topics=topics):
        yield from notes
        start = notes[-1].id + 1
