"""Projections and the runner that feeds them the log: catch up from the recorded position, then follow.

An equivalent of eventsourcing's `ProjectionRunner`, chosen because the library's runner cannot
subscribe to SQLite (the embedded default) and applies one event per transaction; this one reads
the log in batches and commits each batch's rows with its position, on SQLite and PostgreSQL alike.
A rebuild runs at tens of thousands of events a second because the log is read as plain rows
(`mobilize.log.reader`), only the events a view handles are decoded, with orjson
(`mobilize.log.codec`), and on PostgreSQL a batch's writes are pipelined (`mobilize.projections.store`).

Faults (ADR 0010). While the store is away, `follow` backs off and tries again, reconnecting its view
store, and goes on from the recorded position: nothing to restart. An event a projection cannot apply
(a handler raising, PostgreSQL refusing a value) is not a fault of the store: the runner finds which
event it is (the batch again, one event a transaction), records the projection's name, the position, the
error and its message in `projection_failures`, logs `projection.stuck`, and stops that projection
(`ProjectionStuck`) — the other projections go on. The record goes once the view has passed that position
(after a fix, or a rebuild).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import structlog
from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.application.store.postgres import CONNECT_TIMEOUT, unavailable
from mobilize.log.codec import Decoder
from mobilize.log.reader import POSITION, TOPIC, Log, Row
from mobilize.log.wakeup import Backoff, waiter_for
from mobilize.projections.store import Transaction, ViewStore

log = structlog.get_logger("mobilize.projections")

BATCH = 2_000
"""Events read and applied per transaction: big enough that a round trip or a commit is spread thin, small
enough that a batch's notifications and pipelined statements stay a few megabytes."""


FAILURES = """CREATE TABLE IF NOT EXISTS projection_failures (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    error TEXT NOT NULL,
    message TEXT NOT NULL,
    failed_at TEXT NOT NULL
)"""
"""Beside `projection_positions`: the event each stuck projection could not apply, and why."""

MESSAGE_CHARS = 1_000


@dataclass(frozen=True)
class Failure:
    """A projection stuck on an event: where, and why."""

    projection: str
    position: int
    error: str  # the exception's class, with its module: psycopg.errors.UntranslatableCharacter
    message: str
    failed_at: str  # ISO 8601, UTC

    def as_dict(self) -> dict[str, Any]:
        """As JSON shows it."""
        return asdict(self)


class ProjectionStuck(Exception):
    """A projection met an event it cannot apply; it applies nothing more until the view passes it."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"projection {failure.projection} is stuck at position {failure.position}: "
                         f"{failure.error}: {failure.message}")
        self.failure = failure


def failures(views: ViewStore) -> dict[str, Failure]:
    """Every stuck projection recorded in the view store, by name."""
    with views.transaction() as tx:
        tx.execute(FAILURES)
    rows = views.query("SELECT name, position, error, message, failed_at FROM projection_failures ORDER BY name")
    return {row[0]: Failure(row[0], int(row[1]), row[2], row[3], row[4]) for row in rows}


def reopen(views: ViewStore, store: str) -> bool:
    """After a failure: if the view store's PostgreSQL connection is lost, put a new one in its place.

    Returns whether it reconnected; raises (psycopg.OperationalError) while the database is still away.
    """
    if views.dialect != "postgres":
        return False
    import psycopg

    connection = views.connection
    if not connection.closed:
        try:
            connection.execute("SELECT 1")
        except psycopg.Error:
            pass
        else:
            return False  # it works: the failure was elsewhere
    url = urlparse(store)
    schema = parse_qs(url.query).get("schema", [None])[-1]
    fresh = psycopg.connect(url._replace(query="").geturl(), autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    if schema:
        fresh.execute(f'SET search_path TO "{schema}"')
    with views.in_use:  # a reader in another thread finishes on the old connection or starts on the new one
        views.connection = fresh
    with contextlib.suppress(Exception):
        connection.close()
    log.info("views.reconnected")
    return True


def follow_log(app: Mobilize, stop: threading.Event, who: str, step: Callable[[], bool],
               reconnect: Callable[[], object] | None, poll_seconds: float) -> None:
    """Run `step` now and whenever the log may have grown (woken by NOTIFY on PostgreSQL, every `poll_seconds`
    elsewhere) until `stop` is set or `step` returns False. While the store is away, `step` is tried again with
    a backoff, `reconnect` first; any other error propagates. The one follow loop of the projection runner
    and the Kafka relay."""
    backoff = Backoff(who)
    with waiter_for(app, stop) as waiter:  # listening before the first read: no commit slips between
        look = True
        while not stop.is_set():
            if look:
                try:
                    if backoff.since is not None and reconnect is not None:
                        reconnect()
                    if not step():
                        return
                except Exception as error:
                    if not unavailable(error):
                        raise
                    stop.wait(backoff.failed(error))
                    continue  # look again, without waiting for a notification
                backoff.succeeded()
            look = waiter.wait(poll_seconds)


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
    """Feeds one projection from the log, a committed batch at a time.

    Given the `store` URL, it reconnects its view store after the database was away.
    """

    def __init__(self, app: Mobilize, views: ViewStore, projection: Projection, batch: int = BATCH,
                 store: str | None = None, keep: Callable[[Any], bool] | None = None) -> None:
        self.app = app
        self.keep = keep  # which decoded events to apply (a replay "as happened by" a moment); None: all
        self.views = views
        self.projection = projection
        self.batch = batch
        self.store = store
        self.events = Log(app.recorder)
        decoder = Decoder(app.mapper)
        self.kind, self.decode = decoder.kind, decoder  # a topic's class; a stored event's domain event
        self._known: int | None = None  # the position the projection's memory reflects
        self._trying = 0  # the position of the first event of the batch being applied
        self.failure: Failure | None = None  # set when stuck
        with views.transaction() as tx:
            projection.create(tx)
            tx.execute(FAILURES)

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

        Raises `ProjectionStuck` while the projection is stuck (see `advance`) and the view has not passed
        the event; any other error goes through, the failed batch leaving neither rows nor position.
        """
        if self.failure is not None:
            if self.position < self.failure.position:
                raise ProjectionStuck(self.failure)
            self.failure = None  # moved past it (by another process, or a rebuild)
        applied = 0
        while count := self._next_batch(until):
            applied += count
            if on_batch is not None:
                on_batch(count)
        return applied

    def advance(self, on_batch: Callable[[int], None] | None = None) -> int:
        """Catch up, as a follower does: when an event cannot be applied, find it, record it, and raise
        `ProjectionStuck`; the store's own errors (`unavailable`) go through, to be tried again later."""
        for _ in range(2):
            try:
                return self.catch_up(on_batch=on_batch)
            except ProjectionStuck:
                raise
            except Exception as error:
                if unavailable(error):
                    raise
                failure = self.stuck_on(error)
                if failure is not None:
                    raise ProjectionStuck(failure) from error
        return self.catch_up(on_batch=on_batch)  # went one by one, failed as a batch: once more, then let it out

    def stuck_on(self, error: Exception) -> Failure | None:
        """After a batch failed with `error` for no fault of the store: apply it again one event a transaction,
        committing what goes, and record the event that does not; None if every one of them went."""
        log.warning("projection.batch_failed", projection=self.projection.name, first=self._trying,
                    error=f"{type(error).__name__}: {error}"[:MESSAGE_CHARS])
        for _ in range(self.batch):
            try:
                if not self._next_batch(None, limit=1):
                    return None
            except Exception as single:
                if unavailable(single):
                    raise
                return self._record(single)
        return None

    def _record(self, error: Exception) -> Failure:
        kind = type(error)
        failure = Failure(self.projection.name, self._trying, f"{kind.__module__}.{kind.__qualname__}",
                          str(error).strip()[:MESSAGE_CHARS] or repr(error), datetime.now(UTC).isoformat())
        with self.views.transaction() as tx:
            tx.execute("INSERT INTO projection_failures (name, position, error, message, failed_at) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
                       "error = excluded.error, message = excluded.message, failed_at = excluded.failed_at",
                       (failure.projection, failure.position, failure.error, failure.message, failure.failed_at))
        self.failure = failure
        log.error("projection.stuck", projection=failure.projection, position=failure.position,
                  error=failure.error, message=failure.message)
        return failure

    def _next_batch(self, until: int | None, limit: int | None = None) -> int:
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
            rows = [] if done else self.events.rows(position + 1, limit or self.batch, until)
            if rows:
                self._trying = rows[0][POSITION]
            self._apply(tx, rows)
            if rows:
                ViewStore.record_position(tx, self.projection.name, rows[-1][POSITION])
                tx.execute("DELETE FROM projection_failures WHERE name = ? AND position <= ?",
                           (self.projection.name, rows[-1][POSITION]))
        self._known = rows[-1][POSITION] if rows else position
        return len(rows)

    def _apply(self, tx: Transaction, rows: Sequence[Row]) -> None:
        """Apply the events of a batch that the view handles; the others are not even decoded."""
        kind, handles, apply, keep = self.kind, self.projection.handles, self.projection.apply, self.keep
        for row in rows:
            if handles(kind(row[TOPIC])):
                note = self.events.notification(row)
                event = self.decode(note)
                if keep is None or keep(event):
                    apply(tx, event, note)

    def follow(self, stop: threading.Event, poll_seconds: float = 0.05) -> None:
        """Catch up, then keep applying new events until `stop` is set.

        On PostgreSQL a LISTEN connection wakes the runner as soon as a write commits (see
        `mobilize.log.wakeup`); on SQLite and in memory it polls every `poll_seconds`. Setting
        `stop` ends a wait at once (on PostgreSQL within 50 ms) and a catch-up after its current batch,
        so a runner stops promptly even in the middle of a long catch-up.

        While the store is away it tries again with a backoff (at most `BACKOFF_MOST` apart), reconnecting
        the view store, and goes on from the recorded position. A stuck projection returns (`self.failure`).
        """

        class Stopped(BaseException):  # not an error of the projection's: `advance` lets it through
            pass

        def stop_between_batches(_: int) -> None:
            if stop.is_set():
                raise Stopped  # the batch is committed with its position; nothing is lost

        def step() -> bool:
            try:
                self.advance(on_batch=stop_between_batches)
            except Stopped:
                return False
            except ProjectionStuck:
                return False
            return True

        store = self.store
        follow_log(self.app, stop, self.projection.name, step,
                   None if store is None else lambda: reopen(self.views, store), poll_seconds)

    def rebuild(self, on_batch: Callable[[int], None] | None = None) -> int:
        """Drop the view and apply the whole log again from zero."""
        self._known = None
        with self.views.transaction() as tx:
            self.projection.drop(tx)
            self.projection.create(tx)
            ViewStore.record_position(tx, self.projection.name, 0)
            tx.execute(FAILURES)
            tx.execute("DELETE FROM projection_failures WHERE name = ?", (self.projection.name,))
        self.failure = None
        log.info("projection.rebuilding", projection=self.projection.name)
        return self.catch_up(on_batch=on_batch)
