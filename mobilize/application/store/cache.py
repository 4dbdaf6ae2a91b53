"""The aggregate cache of the write path, kept true by reading the log's tail once per request.

A command loads several aggregates (the caller's token, the shift, the person, the grids above
them); read from the store one by one, each is a round trip and a replay of its history. Here
loaded aggregates are kept in memory, and instead of asking the store about each of them, the
cache reads the part of the log written since it last looked — by any process — and drops every
entry that log has passed. One short read per request replaces a read per aggregate.

What a caller gets is exactly what a full replay would give at a moment no earlier than its
*horizon*: the time its request arrived (set by the API for the whole request with `reads_after`),
or the moment of the call when no horizon is set. A sync that began after the horizon covers it;
concurrent requests share syncs, so under load there are fewer syncs than requests.

Why this is safe with several processes on one store:
- the log is read in position order, and positions follow commit order (eventsourcing's recorders
  lock the table for each insert on PostgreSQL; SQLite has one writer), so reading past position
  P sees every commit after P and none is passed over;
- an aggregate read from the store while a sync runs might be older than what that sync saw; it is
  kept only if none of the syncs that finished since its read saw a newer version of it (the last
  `RECENT_SYNCS` syncs are remembered for this check, otherwise it is simply not kept);
- a command that decided on an aggregate which became stale after its horizon cannot commit: its
  new version collides with the one already stored (409, retryable), as without a cache;
- the cache holds each aggregate pickled, never the object: every caller unpickles its own copy
  (three times cheaper than `deepcopy`), and nothing a caller does to it reaches the cache.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from uuid import UUID

from eventsourcing.application import Cache, LRUCache, Repository, project_aggregate
from eventsourcing.utils import strtobool

from mobilize.settings import DEFAULT_CACHE_SIZE, BadSetting

if TYPE_CHECKING:
    from eventsourcing.application import Application

DEFAULT_MAXSIZE = DEFAULT_CACHE_SIZE
"""Aggregates kept when no size is configured."""
SYNC_PAGE = 1_000
"""Log events read per round trip while syncing."""
RESET_AFTER = 20_000
"""Log events written elsewhere since the last sync beyond which the whole cache is dropped instead."""
RECENT_SYNCS = 256
"""Syncs remembered to decide whether an aggregate read during one of them may be kept."""

_horizon: ContextVar[float | None] = ContextVar("mobilize_read_horizon", default=None)


@contextmanager
def reads_after(moment: float | None = None) -> Iterator[float]:
    """Within the block, aggregates are read as of no earlier than `moment` (time.monotonic(); default now).

    The API opens one per request at its arrival, so a whole request costs one sync at most. A
    block nested in another keeps the outer (earlier) horizon.
    """
    outer = _horizon.get()
    if outer is not None:
        yield outer
        return
    horizon = time.monotonic() if moment is None else moment
    token = _horizon.set(horizon)
    try:
        yield horizon
    finally:
        _horizon.reset(token)


@contextmanager
def fresh_reads() -> Iterator[float]:
    """Within the block, aggregates are read as of no earlier than now, whatever an outer block said: for a
    command running again because what it had read changed (`CommandService.handle`)."""
    horizon = time.monotonic()
    token = _horizon.set(horizon)
    try:
        yield horizon
    finally:
        _horizon.reset(token)


class _Entry(NamedTuple):
    version: int
    pickled: bytes


@dataclass
class CacheStats:
    """What the cache has done (for benchmarks and tests)."""

    hits: int = 0
    misses: int = 0
    syncs: int = 0
    dropped: int = 0
    resets: int = 0
    not_kept: int = 0


class SyncedCache(Repository[UUID]):
    """eventsourcing's repository with a cache that is synced from the log's tail (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stats = CacheStats()
        self._lock = threading.Lock()  # entries, generation and the record of recent syncs
        self._syncing = threading.Lock()  # one sync at a time; waiters share the next one
        self._synced_to: int | None = None
        self._sync_began = float("-inf")
        self._generation = 0
        self._recent: deque[tuple[int, dict[UUID, int] | None]] = deque(maxlen=RECENT_SYNCS)

    @property
    def generation(self) -> int:
        """How many syncs have finished: taken before a read or a write, it is what `keep` needs."""
        return self._generation

    def get(self, aggregate_id: UUID, *, version: int | None = None,
            projector_func: Callable[..., Any] = project_aggregate, fastforward_skipping: bool = False,
            deepcopy_from_cache: bool = True) -> Any:
        if self.cache is None or version is not None or projector_func is not project_aggregate:
            return super().get(aggregate_id, version=version, projector_func=projector_func)
        self.sync(_horizon.get())
        with self._lock:
            generation = self._generation
            try:
                cached = self.cache.get(aggregate_id)
            except KeyError:
                cached = None
        if cached is not None:
            self.stats.hits += 1
            return pickle.loads(cast("_Entry", cached).pickled)  # noqa: S301 - pickled here, from our own aggregates
        self.stats.misses += 1
        fresh = self._reconstruct_aggregate(aggregate_id, None, projector_func)
        self.keep(fresh, generation)
        return fresh

    def keep(self, aggregate: Any, generation: int) -> None:
        """Cache an aggregate (as it is now) read or saved after `generation` syncs had finished, unless a
        later sync saw it pass that version."""
        if self.cache is None:
            return
        aggregate_id, version = aggregate.id, aggregate.version
        entry = _Entry(version, pickle.dumps(aggregate, protocol=pickle.HIGHEST_PROTOCOL))
        with self._lock:
            missed = self._generation - generation
            if missed > len(self._recent):
                self.stats.not_kept += 1
                return
            for _, changed in list(self._recent)[len(self._recent) - missed:]:
                if changed is None or changed.get(aggregate_id, -1) > version:
                    self.stats.not_kept += 1
                    return
            try:
                current = self.cache.get(aggregate_id)
            except KeyError:
                current = None
            if current is None or current.version < version:
                self.cache.put(aggregate_id, cast("Any", entry))  # the cache holds entries, not aggregates

    def sync(self, horizon: float | None = None) -> None:
        """Make the cache reflect every commit made before `horizon` (time.monotonic(); default now)."""
        if self.cache is None:
            return
        horizon = time.monotonic() if horizon is None else horizon
        if self._sync_began >= horizon:
            return
        with self._syncing:
            if self._sync_began >= horizon:  # a sync that began after the horizon ended while we waited
                return
            began = time.monotonic()
            self._read_tail()
            self._sync_began = began

    def _read_tail(self) -> None:
        recorder: Any = self.event_store.recorder
        if self._synced_to is None:  # first look: entries kept before it cannot be vouched for
            top = recorder.max_notification_id() or 0
            self._finish(None, top)
            return
        changed: dict[UUID, int] = {}
        position = self._synced_to
        while True:
            notes = recorder.select_notifications(position + 1, SYNC_PAGE)
            for note in notes:
                key = note.originator_id if isinstance(note.originator_id, UUID) else UUID(str(note.originator_id))
                if changed.get(key, -1) < note.originator_version:
                    changed[key] = note.originator_version
            if notes:
                position = notes[-1].id
            if len(notes) < SYNC_PAGE:
                self._finish(changed, position)
                return
            if len(changed) > RESET_AFTER:
                self._finish(None, recorder.max_notification_id() or position)
                return

    def _finish(self, changed: dict[UUID, int] | None, position: int) -> None:
        """Drop what the tail passed (everything, when `changed` is None) and count the sync."""
        assert self.cache is not None
        with self._lock:
            self.stats.syncs += 1
            if changed is None:  # a new cache: eventsourcing's LRUCache.clear() leaves its entries in place
                self.cache = LRUCache(maxsize=self.cache.maxsize) if isinstance(self.cache, LRUCache) else Cache()
                self.stats.resets += 1
            else:
                for aggregate_id, version in changed.items():
                    try:
                        cached = self.cache.get(aggregate_id)
                    except KeyError:
                        continue
                    if cached.version < version:
                        self.cache.get(aggregate_id, evict=True)
                        self.stats.dropped += 1
            self._generation += 1
            self._recent.append((self._generation, changed))
            self._synced_to = position


def construct_repository(app: Application[UUID]) -> Repository[UUID]:
    """The application's repository: eventsourcing's, with the synced cache unless switched off.

    The size is the application's AGGREGATE_CACHE_MAXSIZE (from `Settings.cache_size`), DEFAULT_MAXSIZE when
    unset; an empty value or 0 turns the cache off (every load then reads the store). A cache that is
    not fast-forwarded (AGGREGATE_CACHE_FASTFORWARD=n) is refused: with several API processes it would
    hand out stale aggregates that then fail every command on them until restart.
    """
    env = app.env
    size_text = env.get(app.AGGREGATE_CACHE_MAXSIZE)
    if size_text is None:
        size: int | None = DEFAULT_MAXSIZE
    else:
        try:
            size = int(size_text) if size_text.strip() else None
        except ValueError:
            raise BadSetting(f"AGGREGATE_CACHE_MAXSIZE {size_text!r}: expected a whole number") from None
        if size is not None and size < 1:
            size = None
    if size is not None and not strtobool(env.get(app.AGGREGATE_CACHE_FASTFORWARD, "y")):
        raise BadSetting("AGGREGATE_CACHE_FASTFORWARD=n would serve stale aggregates when several processes "
                         "write one store; leave it on (the default)")
    repository = SyncedCache(event_store=app.events, snapshot_store=app.snapshots)
    if size is not None:
        repository.cache = LRUCache(maxsize=size)
    return repository
