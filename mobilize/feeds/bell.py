"""The log bell: one per API process, rung when the log grows, so that a live feed that has read the log
to its end wakes at once instead of at its next poll.

It hears this process's commits (the application calls it back after each save) and other processes'
(PostgreSQL's NOTIFY, heard by one LISTENing thread; without NOTIFY, that thread looks at the log's end
every `LOOK_SECONDS`). It wakes only feeds that have not yet read up to the new end of the log. While no
feed is open, that thread does not read the log's end at all: a process that only handles commands spends
no query per commit on it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import anyio
import structlog

from mobilize.application import Mobilize
from mobilize.log.wakeup import PollingWaiter, Waiter, waiter_for

log = structlog.get_logger("mobilize.api")

LOOK_SECONDS = 0.03
"""Without NOTIFY, how often the bell's thread looks at the end of the log for other processes' commits."""

SPACING_PER_FEED = 0.000_25
"""How far apart the bell wakes its feeds, per open feed (seconds): a wake costs every open feed a turn on the
event loop, so with many open the wakes are spaced (1,000 feeds: at most 4 wakes a second, each carrying all
that was committed since) and the command path keeps its share of the process; with a few, no spacing to speak
of (10 feeds: 2.5 ms)."""
MAX_SPACING = 1.0

LISTEN_SECONDS = 1.0
"""With NOTIFY, the longest single wait of the listening thread (it sees `stop` within 50 ms regardless)."""


class Bell:
    """The highest log position known to be committed, and an awaitable wake-up when it grows."""

    def __init__(self, app: Mobilize) -> None:
        self.app = app
        self.position = 0  # read and written on the event loop only
        self._loop: asyncio.AbstractEventLoop | None = None
        self._grown = asyncio.Event()
        self._lock = threading.Lock()
        self._heard = 0  # the highest position rung so far, from any thread
        self._pending = False  # a wake-up is scheduled on the loop: later rings ride on it
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._feeds = 0  # open feeds; the listening thread reads the log's end only while there are some
        self._woken_at = 0.0  # on the loop's clock: when the feeds were last woken
        self._deferred = False  # a wake is scheduled for when the spacing allows it

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Ring from now on, waking feeds that wait on `loop` (call it on that loop, e.g. from the lifespan)."""
        try:
            waiter: Waiter = waiter_for(self.app, self._stop)  # listening before the end is read: nothing slips by
        except Exception as error:  # noqa: BLE001 - without LISTEN the bell still looks at the log's end
            log.warning("bell.listen_failed", error=str(error))
            waiter = PollingWaiter(self._stop)
        try:
            self.position = self._heard = self.app.recorder.max_notification_id() or 0
        except BaseException:
            waiter.close()
            raise
        self._loop, self._grown, self._pending, self._deferred = loop, asyncio.Event(), False, False
        self._stop.clear()
        self.app.add_commit_listener(self.ring)
        self._thread = threading.Thread(target=self._listen, args=(waiter,), name="mobilize-log-bell", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ring no more: stop hearing commits and end the listening thread (feeds fall back to polling)."""
        self.app.remove_commit_listener(self.ring)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread, self._loop = None, None

    @contextmanager
    def feeding(self) -> Iterator[None]:
        """A feed is open for the duration: enter it before the feed's first read of the log (commits from
        then on are rung; earlier ones that read finds itself)."""
        with self._lock:
            self._feeds += 1
        try:
            yield
        finally:
            with self._lock:
                self._feeds -= 1

    async def wait(self, after: int, timeout: float) -> bool:
        """Return once the log has grown past position `after`, or after `timeout` seconds at the latest; False
        when the bell, ringing for this loop, heard of nothing new (the caller need not look at the log)."""
        try:
            ringing = asyncio.get_running_loop() is self._loop
        except RuntimeError:  # not on asyncio: the bell cannot wake this feed
            ringing = False
        if not ringing:
            await anyio.sleep(timeout)
            return True
        with anyio.move_on_after(timeout):
            while self.position <= after:  # checked and awaited in one step of the loop: no ring is missed
                await self._grown.wait()
        return self.position > after

    def ring(self, position: int) -> None:
        """Note that the log has grown to `position` (callable from any thread; quick, never raises)."""
        with self._lock:
            if position <= self._heard:
                return
            self._heard = position
            if self._pending:
                return
            self._pending = True
            loop = self._loop
        try:
            if loop is not None:
                loop.call_soon_threadsafe(self._wake)
                return
        except RuntimeError:  # the loop is closed
            pass
        with self._lock:  # stopped: nobody waits any more
            self._pending = False

    def spacing(self) -> float:
        """The least time between two wakes, for the feeds open now."""
        return min(MAX_SPACING, self._feeds * SPACING_PER_FEED)

    def _wake(self) -> None:
        with self._lock:
            self._pending = False
            heard = self._heard
        if heard <= self.position or self._deferred or self._loop is None:
            return
        due = self._woken_at + self.spacing()
        if self._loop.time() < due:  # too soon after the last wake: wake once, later, for everything since
            self._deferred = True
            self._loop.call_at(due, self._deferred_wake)
            return
        self._woken_at = self._loop.time()
        self.position = heard
        grown, self._grown = self._grown, asyncio.Event()
        grown.set()

    def _deferred_wake(self) -> None:
        self._deferred = False
        self._wake()

    def _listen(self, waiter: Waiter) -> None:
        """The thread: whenever the waiter says the log may have grown, read its end and ring."""
        timeout = LOOK_SECONDS if isinstance(waiter, PollingWaiter) else LISTEN_SECONDS
        try:
            while not self._stop.is_set():
                if waiter.wait(timeout) and not self._stop.is_set() and self._feeds:
                    try:
                        self.ring(self.app.recorder.max_notification_id() or 0)
                    except Exception as error:  # noqa: BLE001 - a store hiccup must not silence the bell
                        log.warning("bell.look_failed", error=str(error))
                        self._stop.wait(LISTEN_SECONDS)
        finally:
            waiter.close()
