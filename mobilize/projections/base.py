"""Projections and the runner that feeds them the log: catch up from the recorded position, then follow.

An equivalent of eventsourcing's `ProjectionRunner`, chosen because the library's runner cannot
subscribe to SQLite (the embedded default) and applies one event per transaction; this one reads
the log in batches and commits each batch's rows with its position, on SQLite and PostgreSQL alike.
A rebuild runs at tens of thousands of events a second because the log is read as plain rows
(`mobilize.log.reader`), only the events a view handles are decoded, with orjson
(`mobilize.log.codec`), and on PostgreSQL a batch's writes are pipelined (`mobilize.projections.store`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import structlog
from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.log.codec import Decoder
from mobilize.log.reader import POSITION, TOPIC, Log, Row
from mobilize.log.wakeup import waiter_for
from mobilize.projections.store import Transaction, ViewStore

log = structlog.get_logger("mobilize.projections")

BATCH = 2_000
"""Events read and applied per transaction: big enough that a round trip or a commit is spread thin, small
enough that a batch's notifications and pipelined statements stay a few megabytes."""


class Projection:
    """A read model: its tables, and one handler per event it cares about.

    A handler is a method named after the event's class, `Shift_CheckedIn` for `Shift.CheckedIn`;
    `any_event`, when defined, sees every event.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]] = ()
    drops: ClassVar[tuple[str, ...]] = ()

    def create(self, tx: Transaction) -> None:
        """Create the view's tables if they do not exist."""
        for ddl in self.tables:
            tx.execute(ddl)

    def drop(self, tx: Transaction) -> None:
        """Drop the view's tables, for a rebuild from zero."""
        for table in self.drops:
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def __init__(self) -> None:
        self.forget()

    def forget(self, empty: bool = False) -> None:
        """Drop what the projection keeps in memory of its rows (`mobilize.projections.recall`): they may
        have changed behind its back.

        The runner says so before a batch whenever the view is not where it left it; `empty` when the view
        has no rows at all (as in a rebuild), so that what the projection keeps from then on is every row.
        """

    def handles(self, kind: type) -> bool:
        """Whether events of class `kind` change the view (the runner does not decode the others)."""
        return bool(_handlers(type(self), kind))

    def apply(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Apply one event at its position in the log."""
        for name in _handlers(type(self), type(event)):
            getattr(self, name)(tx, event, note)


_HANDLERS: dict[tuple[type, type], tuple[str, ...]] = {}


def _handlers(projection: type[Projection], kind: type) -> tuple[str, ...]:
    """The names of a projection's methods that see events of class `kind`, in the order they run."""
    key = (projection, kind)
    if key not in _HANDLERS:
        names = (kind.__qualname__.replace(".", "_"), "any_event")
        _HANDLERS[key] = tuple(name for name in names if callable(getattr(projection, name, None)))
    return _HANDLERS[key]


class Runner:
    """Feeds one projection from the log, a committed batch at a time."""

    def __init__(self, app: Mobilize, views: ViewStore, projection: Projection, batch: int = BATCH) -> None:
        self.app = app
        self.views = views
        self.projection = projection
        self.batch = batch
        self.events = Log(app.recorder)
        decoder = Decoder(app.mapper)
        self.kind, self.decode = decoder.kind, decoder  # a topic's class; a stored event's domain event
        self._known: int | None = None  # the position the projection's memory reflects
        with views.transaction() as tx:
            projection.create(tx)

    @property
    def position(self) -> int:
        """The last log position applied."""
        return self.views.position(self.projection.name)

    def lag(self) -> int:
        """How many events of the log the view has not applied yet."""
        return max(0, (self.app.recorder.max_notification_id() or 0) - self.position)

    def catch_up(self, until: int | None = None, on_batch: Callable[[int], None] | None = None) -> int:
        """Apply every event after the recorded position (up to `until`); returns how many.

        Safe with several processes running the same projection: each batch locks the projection and
        reads its position inside the transaction, so no event is applied twice.
        """
        applied = 0
        while count := self._next_batch(until):
            applied += count
            if on_batch is not None:
                on_batch(count)
        return applied

    def _next_batch(self, until: int | None) -> int:
        """Apply the next batch and record its position, in one transaction; returns how many events it held.

        What the projection keeps in memory of its rows holds while the view stands where this runner
        left it: a view is a function of its position. Anything else (a batch rolled back, another process
        moved the view on, a rebuild) and the projection forgets.
        """
        known, self._known = self._known, None  # unknown until this batch commits
        with self.views.transaction() as tx:
            self.views.lock(tx, self.projection.name)
            position = ViewStore.read_position(tx, self.projection.name)
            if position != known:
                self.projection.forget(empty=position == 0)
            done = until is not None and position >= until
            rows = [] if done else self.events.rows(position + 1, self.batch, until)
            self._apply(tx, rows)
            if rows:
                ViewStore.record_position(tx, self.projection.name, rows[-1][POSITION])
        self._known = rows[-1][POSITION] if rows else position
        return len(rows)

    def _apply(self, tx: Transaction, rows: Sequence[Row]) -> None:
        """Apply the events of a batch that the view handles; the others are not even decoded."""
        kind, handles, apply = self.kind, self.projection.handles, self.projection.apply
        for row in rows:
            if handles(kind(row[TOPIC])):
                note = self.events.notification(row)
                apply(tx, self.decode(note), note)

    def follow(self, stop: threading.Event, poll_seconds: float = 0.05) -> None:
        """Catch up, then keep applying new events until `stop` is set.

        On PostgreSQL a LISTEN connection wakes the runner as soon as a write commits (see
        `mobilize.log.wakeup`); on SQLite and in memory it polls every `poll_seconds`. Setting
        `stop` ends a wait at once (on PostgreSQL within 50 ms) and a catch-up after its current batch,
        so a runner stops promptly even in the middle of a long catch-up.
        """

        class Stopped(Exception):
            pass

        def stop_between_batches(_: int) -> None:
            if stop.is_set():
                raise Stopped  # the batch is committed with its position; nothing is lost

        with waiter_for(self.app, stop) as waiter:  # listening before the first read: no commit slips between
            look = True
            while not stop.is_set():
                if look:
                    try:
                        self.catch_up(on_batch=stop_between_batches)
                    except Stopped:
                        break
                look = waiter.wait(poll_seconds)

    def rebuild(self, on_batch: Callable[[int], None] | None = None) -> int:
        """Drop the view and apply the whole log again from zero."""
        self._known = None
        with self.views.transaction() as tx:
            self.projection.drop(tx)
            self.projection.create(tx)
            ViewStore.record_position(tx, self.projection.name, 0)
        log.info("projection.rebuilding", projection=self.projection.name)
        return self.catch_up(on_batch=on_batch)
