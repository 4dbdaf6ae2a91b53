"""The views an API process reads: caught up to the log before each read, so a client reads its own writes.

Faults (ADR 0010): while the store is away a read fails with the store's error (503, `mobilize.api.errors`)
and the next one reconnects the view store; nothing to restart. A projection stuck on an event it cannot
apply (`mobilize.projections.base.ProjectionStuck`) is left where it stands while the others go on: a read
of its tables answers 503 `view_stuck` with the position and the reason, reads of the other views answer.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request

from mobilize.application import Mobilize
from mobilize.application.store.postgres import unavailable
from mobilize.projections.base import Failure, ProjectionStuck, Runner, failures, reopen
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.store import ViewStore

LOCK_SECONDS = 10.0
"""How long a read waits for a read side (each serves one request at a time) before answering 503."""
POOL_SIZE = 4
"""Read sides per API process: requests read the views on this many connections at once."""
REPLAYS = 2
"""Replays of the log (`as_of` reads) one API process runs at once: each is a whole catch-up in memory."""


class ViewsBusy(Exception):
    """The view store stayed busy with other requests longer than `LOCK_SECONDS`."""


class ViewStuck(Exception):
    """A read touched the tables of a stuck projection."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"the {failure.projection} view is stuck at position {failure.position}: "
                         f"{failure.error}: {failure.message}")
        self.failure = failure


class ReadSide:
    """One connection to the view store and a runner per projection, used by one request at a time."""

    def __init__(self, app: Mobilize, store: str) -> None:
        self.store = store
        self.views = ViewStore.for_store(store)
        self.runners = [Runner(app, self.views, projection(name), store=store) for name in PROJECTIONS]
        self.lock = threading.Lock()
        self._suspect = False  # a read failed on the store: check the connection before the next

    def caught_up(self) -> ViewStore:
        """The views with every event recorded so far applied (call with the lock held); guarded against
        reads of stuck projections' tables."""
        if self._suspect:
            reopen(self.views, self.store)
            self._suspect = False
        stuck: list[tuple[Runner, Failure]] = []
        for runner in self.runners:
            try:
                runner.advance()
            except ProjectionStuck as error:
                stuck.append((runner, error.failure))
            except Exception as error:
                if unavailable(error):
                    self._suspect = True
                raise
        return Guarded(self.views, stuck) if stuck else self.views

    def stuck(self) -> dict[str, dict[str, Any]]:
        """Every stuck projection: those this process's runners found, and those recorded by others (when the
        view store answers within a moment)."""
        found = {r.projection.name: r.failure.as_dict() for r in self.runners if r.failure is not None}
        if self.lock.acquire(timeout=0.2):
            try:
                recorded = failures(self.views)
            except Exception as error:
                if not unavailable(error):
                    raise
                self._suspect = True
                recorded = {}
            finally:
                self.lock.release()
            found.update({name: failure.as_dict() for name, failure in recorded.items() if name not in found})
        return found

    def close(self) -> None:
        """Close the view store's connection."""
        self.views.close()


class Guarded(ViewStore):
    """The views, refusing reads of a stuck projection's tables (`ViewStuck`)."""

    def __init__(self, views: ViewStore, stuck: list[tuple[Runner, Failure]]) -> None:
        self.connection, self.dialect = views.connection, views.dialect  # no CREATE: the views exist
        self.in_use = views.in_use  # one connection, one lock
        self.stuck = [(re.compile(r"\b(" + "|".join(map(re.escape, runner.projection.drops)) + r")\b", re.I),
                       failure) for runner, failure in stuck if runner.projection.drops]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read rows, unless they come from a stuck projection."""
        for tables, failure in self.stuck:
            if tables.search(sql):
                raise ViewStuck(failure)
        return super().query(sql, params)


class ReadSides:
    """A few read sides, each one connection with its runners, lent to one request at a time: a slow read does
    not hold up the others. Replays of the log (`as_of`) lease one only for the moment they need the views,
    and at most `REPLAYS` run at once, so they cannot take every read side either."""

    def __init__(self, app: Mobilize, store: str, size: int = POOL_SIZE) -> None:
        # the in-memory store's views live in their connection: one read side, or each would hold other views
        self.sides = [ReadSide(app, store) for _ in range(1 if store.startswith("memory:") else max(1, size))]
        self._free: queue.SimpleQueue[ReadSide] = queue.SimpleQueue()
        for side in self.sides:
            self._free.put(side)
        self.replays = threading.BoundedSemaphore(REPLAYS)

    @contextmanager
    def lease(self) -> Iterator[ViewStore]:
        """Caught-up views on a read side of its own, for the block (ViewsBusy after `LOCK_SECONDS`)."""
        try:
            side = self._free.get(timeout=LOCK_SECONDS)
        except queue.Empty:
            raise ViewsBusy(f"the views stayed busy for {LOCK_SECONDS:g} s") from None
        try:
            with side.lock:
                yield side.caught_up()
        finally:
            self._free.put(side)

    @contextmanager
    def replaying(self) -> Iterator[None]:
        """Room for one replay of the log (ViewsBusy when `REPLAYS` have been running for `LOCK_SECONDS`)."""
        if not self.replays.acquire(timeout=LOCK_SECONDS):
            raise ViewsBusy(f"{REPLAYS} replays stayed busy for {LOCK_SECONDS:g} s")
        try:
            yield
        finally:
            self.replays.release()

    def stuck(self) -> dict[str, dict[str, Any]]:
        """Every stuck projection: what any read side's runners found, and what others recorded (asked on a free
        read side, if one is free within a moment)."""
        found = {r.projection.name: r.failure.as_dict() for side in self.sides for r in side.runners
                 if r.failure is not None}
        try:
            side = self._free.get(timeout=0.2)
        except queue.Empty:
            return found
        try:
            recorded = side.stuck()
        finally:
            self._free.put(side)
        return {**recorded, **found}

    def close(self) -> None:
        """Close every read side's connection."""
        for side in self.sides:
            side.close()


class Later(ViewStore):
    """What a read `as_of` a moment gets instead of views: no read side held while it replays the log (the
    route leases one for the moment it needs the live views, `mobilize.api.routes.views.page`)."""

    def __init__(self, sides: ReadSides) -> None:  # no connection of its own
        self.sides = sides


def read_views(request: Request) -> Iterator[ViewStore]:
    """Views as of now, held for the duration of one request."""
    sides: ReadSides = request.app.state.read_side
    with sides.lease() as views:
        yield views


def replayable_views(request: Request) -> Iterator[ViewStore]:
    """For a route that can read `as_of` a moment: views as `read_views` gives them, or a `Later` when the
    request asks for a moment (as known at, or as happened by)."""
    if request.query_params.get("as_of") is not None or request.query_params.get("as_happened") is not None:
        yield Later(request.app.state.read_side)
        return
    yield from read_views(request)


Views = Annotated[ViewStore, Depends(read_views)]
ReplayableViews = Annotated[ViewStore, Depends(replayable_views)]
