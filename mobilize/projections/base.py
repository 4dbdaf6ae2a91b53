"""Projections and the runner that feeds them the log: catch up from the recorded position, then follow.

An equivalent of eventsourcing's `ProjectionRunner`, chosen because the library's runner cannot
subscribe to SQLite (the embedded default) and applies one event per transaction; this one reads
the log in batches and commits each batch's rows with its position, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

import structlog
from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.projections.store import Transaction, ViewStore
from mobilize.projections.wakeup import waiter_for

log = structlog.get_logger("mobilize.projections")

BATCH = 500


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

    def apply(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Apply one event at its position in the log."""
        handler = getattr(self, type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(tx, event, note)
        any_event = getattr(self, "any_event", None)
        if any_event is not None:
            any_event(tx, event, note)


class Runner:
    """Feeds one projection from the log, a committed batch at a time."""

    def __init__(self, app: Mobilize, views: ViewStore, projection: Projection, batch: int = BATCH) -> None:
        self.app = app
        self.views = views
        self.projection = projection
        self.batch = batch
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
        while True:
            with self.views.transaction() as tx:
                self.views.lock(tx, self.projection.name)
                position = ViewStore.read_position(tx, self.projection.name)
                if until is not None and position >= until:
                    break
                notes = self.app.recorder.select_notifications(position + 1, self.batch, stop=until)
                if not notes:
                    break
                for note in notes:
                    self.projection.apply(tx, self.app.mapper.to_domain_event(note), note)
                ViewStore.record_position(tx, self.projection.name, notes[-1].id)
            applied += len(notes)
            if on_batch is not None:
                on_batch(len(notes))
        return applied

    def follow(self, stop: threading.Event, poll_seconds: float = 0.05) -> None:
        """Catch up, then keep applying new events until `stop` is set.

        On PostgreSQL a LISTEN connection wakes the runner as soon as a write commits (see
        `mobilize.projections.wakeup`); on SQLite and in memory it polls every `poll_seconds`. Setting
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
        with self.views.transaction() as tx:
            self.projection.drop(tx)
            self.projection.create(tx)
            ViewStore.record_position(tx, self.projection.name, 0)
        log.info("projection.rebuilding", projection=self.projection.name)
        return self.catch_up(on_batch=on_batch)
