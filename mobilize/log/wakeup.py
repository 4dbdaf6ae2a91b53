"""Waking a follower when the log may have grown: LISTEN/NOTIFY on PostgreSQL, a timed wait elsewhere.

eventsourcing's PostgreSQL application recorder runs `NOTIFY <channel>` inside every transaction that
inserts events (and inside its `insert_events` database function when those are enabled), where the
channel is the events table's name with dots replaced by underscores — `mobilize_events` for this
application. PostgreSQL delivers the notification when that transaction commits, so a session that
LISTENs on the channel learns of a commit at once, without polling the table.

Notification channels are per database, not per schema: every schema's `mobilize_events` table
notifies the same channel, so a follower may also be woken by commits to another schema of the same
database. That costs one empty read of the log, never a missed event.

SQLite (and the in-memory store) has no notifications: there the waiter is a plain timed wait, i.e.
the follower polls every `poll_seconds`.
"""

from __future__ import annotations

import abc
import contextlib
import threading
import time
from types import TracebackType
from typing import Any, Protocol

import structlog

log = structlog.get_logger("mobilize.projections")

RESYNC_SECONDS = 5.0
"""On PostgreSQL, how often a follower looks at the log even when no notification came: a safety net
for writers that insert without notifying; after a lost LISTEN connection it looks at once."""

STOP_CHECK_SECONDS = 0.05
"""On PostgreSQL, how often a wait for a notification looks at `stop` (a socket wait cannot see an Event)."""

RECONNECT_SECONDS = 1.0
"""How long a lost LISTEN connection is left before connecting again (meanwhile the waiter polls)."""

BACKOFF_FIRST, BACKOFF_MOST = 0.25, 2.0
"""A follower that finds the store away tries again after 0.25 s, then twice as long each time, at most 2 s
apart: back within two seconds of the database, at a cost of one failed connection attempt a second."""


class Backoff:
    """How long a follower waits between attempts while the store is away, and what it logs about it.

    `failed(error)` logs the outage once when it begins (then every half minute) and returns the delay
    before the next attempt; `succeeded()` logs how long it lasted and starts the delays over.
    """

    def __init__(self, who: str, first: float = BACKOFF_FIRST, most: float = BACKOFF_MOST) -> None:
        self.who, self.first, self.most = who, first, most
        self.delay = 0.0
        self.since: float | None = None
        self._report_at = 0.0

    def failed(self, error: BaseException) -> float:
        """Note a failed attempt; returns how many seconds to wait before the next."""
        now = time.monotonic()
        if self.since is None:
            self.since = now
        if now >= self._report_at:
            self._report_at = now + 30
            log.warning("follower.store_unavailable", follower=self.who, error=str(error).strip()[:300],
                        error_type=type(error).__name__, down_seconds=round(now - self.since, 1))
        self.delay = min(self.most, self.delay * 2 if self.delay else self.first)
        return self.delay

    def succeeded(self) -> None:
        """Note a successful attempt (logs the end of an outage, if there was one)."""
        if self.since is not None:
            log.warning("follower.store_back", follower=self.who, down_seconds=round(time.monotonic() - self.since, 1))
        self.since, self.delay, self._report_at = None, 0.0, 0.0


class Waiter(Protocol):
    """Something a follower waits on between catch-ups."""

    def wait(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds; True when the log may have grown and is worth reading again."""

    def close(self) -> None:
        """Release what the waiter holds; a closed waiter waits no more."""


class _Closing(abc.ABC):
    """A waiter used as a context manager: closed on the way out."""

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @abc.abstractmethod
    def close(self) -> None:
        """Release what the waiter holds (each kind says what)."""


class PollingWaiter(_Closing):
    """A timed wait, for stores without notifications (SQLite, memory): every wait says "go and look".

    This is polling — a new event is seen up to `timeout` after its commit. A wait ends early, saying
    False, when `stop` is set.
    """

    def __init__(self, stop: threading.Event | None = None) -> None:
        self._stop = stop or threading.Event()
        self._closed = False

    def wait(self, timeout: float) -> bool:
        """Sleep `timeout` seconds, or until `stop` is set; True when the time was up (look at the log)."""
        if self._closed:
            raise RuntimeError("the waiter is closed")
        return not self._stop.wait(timeout)

    def close(self) -> None:
        """Nothing is held; later waits are refused."""
        self._closed = True


class NotifyWaiter(_Closing):
    """A dedicated PostgreSQL connection LISTENing on the channel the events table notifies.

    `wait(timeout)` returns True as soon as a commit has been notified (including any that arrived since
    the previous wait), False when `timeout` passed in silence or `stop` was set (seen within
    `STOP_CHECK_SECONDS`) — except that every `resync_seconds` it answers True anyway, and that after
    losing its connection it answers True and polls until it has reconnected, so that nothing committed
    while it was deaf is left unread.

    Open it before reading the log: a commit notified after LISTEN is never missed, so the sequence
    "listen, catch up, wait, catch up, …" cannot sleep through an event. Use it from one thread; close it
    after the last wait.
    """

    def __init__(self, conninfo: str, channel: str, resync_seconds: float = RESYNC_SECONDS,
                 stop: threading.Event | None = None) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.resync_seconds = resync_seconds
        self._stop = stop or threading.Event()
        self._connection: Any = None
        self._closed = False
        self._looked_at = time.monotonic()
        self._retry_at = 0.0
        self._report_at = 0.0  # when a failure to listen again is next worth a log line
        import psycopg

        try:
            self._connect()
        except psycopg.Error as error:  # the database is away: start deaf, poll, and listen once it is back
            log.warning("follower.listen_failed", channel=self.channel, error=str(error).strip())
            self._retry_at = time.monotonic() + RECONNECT_SECONDS

    @classmethod
    def for_recorder(cls, recorder: Any, resync_seconds: float = RESYNC_SECONDS,
                     stop: threading.Event | None = None) -> NotifyWaiter:
        """A waiter on the channel of an eventsourcing PostgreSQL application recorder, connected as its pool is."""
        from psycopg.conninfo import make_conninfo

        pool = recorder.datastore.pool
        kwargs = {k: v for k, v in dict(pool.kwargs or {}).items() if k != "row_factory"}
        if getattr(pool, "get_password_func", None):
            kwargs["password"] = pool.get_password_func()
        kwargs.setdefault("connect_timeout", 10)
        kwargs.setdefault("application_name", "mobilize-follower")
        return cls(make_conninfo(pool.conninfo or "", **kwargs), recorder.channel_name, resync_seconds, stop)

    def _connect(self) -> None:
        import psycopg
        from psycopg import sql

        connection = psycopg.connect(self.conninfo, autocommit=True)
        try:
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        except BaseException:
            connection.close()
            raise
        self._connection = connection

    def wait(self, timeout: float) -> bool:
        """Wait for a notification at most `timeout` seconds; True when the log may have grown."""
        import psycopg

        if self._closed:
            raise RuntimeError("the waiter is closed")
        if self._connection is None:
            return self._reconnect(timeout)
        try:
            notified = self._drain(timeout)
        except psycopg.Error as error:
            log.warning("follower.listen_lost", channel=self.channel, error=str(error))
            self._drop()
            self._retry_at = time.monotonic() + RECONNECT_SECONDS
            return True
        now = time.monotonic()
        if notified or now - self._looked_at >= self.resync_seconds:
            self._looked_at = now
            return True
        return False

    def _drain(self, timeout: float) -> bool:
        """Wait for the first notification (or `stop`), then take every one already received: one wake-up
        for them all."""
        connection = self._connection
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            remaining = deadline - time.monotonic()
            slice_ = max(0.0, min(remaining, STOP_CHECK_SECONDS))
            if any(True for _ in connection.notifies(timeout=slice_, stop_after=1)):
                for _ in connection.notifies(timeout=0):
                    pass
                return True
            if remaining <= STOP_CHECK_SECONDS or self._stop.is_set():
                return False

    def _reconnect(self, timeout: float) -> bool:
        """Deaf: poll, and listen again once the retry time has come."""
        import psycopg

        if time.monotonic() >= self._retry_at:
            try:
                self._connect()
            except psycopg.Error as error:
                if time.monotonic() >= self._report_at:  # once when deaf, then every half minute
                    self._report_at = time.monotonic() + 30
                    log.warning("follower.listen_failed", channel=self.channel, error=str(error).strip())
                self._retry_at = time.monotonic() + RECONNECT_SECONDS
            else:
                self._report_at = 0.0
                log.info("follower.listening_again", channel=self.channel)
                self._looked_at = time.monotonic()
                return True  # listening again: one look at the log covers what came while deaf
        self._stop.wait(max(0.0, timeout))
        self._looked_at = time.monotonic()
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken, maybe: closing is best effort
                connection.close()

    @property
    def listening(self) -> bool:
        """Whether the LISTEN connection is up."""
        return self._connection is not None and not self._connection.closed

    def close(self) -> None:
        """Stop listening and close the connection (idempotent)."""
        self._closed = True
        self._drop()


def waiter_for(app: Any, stop: threading.Event | None = None,
               resync_seconds: float = RESYNC_SECONDS) -> NotifyWaiter | PollingWaiter:
    """The waiter that fits the application's store: LISTEN/NOTIFY on PostgreSQL, a timed wait otherwise.

    Its waits end early when `stop` is set.
    """
    try:
        from eventsourcing.postgres import PostgresApplicationRecorder
    except ImportError:  # psycopg missing: there can be no PostgreSQL store either
        return PollingWaiter(stop)
    if isinstance(app.recorder, PostgresApplicationRecorder):
        return NotifyWaiter.for_recorder(app.recorder, resync_seconds, stop)
    return PollingWaiter(stop)
