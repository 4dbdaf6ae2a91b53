"""Group commit: concurrent commands of one process share one database transaction.

eventsourcing's PostgreSQL recorder takes `LOCK TABLE … IN EXCLUSIVE MODE` in every insert
transaction, so that notification ids are issued in commit order and a reader tailing the log
never passes over a gap that is filled in later. That lock makes one save per command cost a
whole serialised transaction (~0.8k commands/s). Here the API worker threads of a process hand
their command's stored events to a `GroupCommitter`, which writes everything waiting as ONE
`recorder.insert_events(...)` call (one transaction, one table lock, one fsync) and then tells
each caller its own outcome:

- No added latency when idle: the first caller to arrive leads and writes at once ("natural
  batching"); callers arriving meanwhile queue up and are written together by the next leader,
  so a batch grows with the load (bounded by `max_batch` commands and `max_events` events).
- A conflicting command fails ALONE, with the same `IntegrityError` a lone `save` would raise,
  so `CommandService.commit` answers it as before (an earlier result for a retried command id,
  else `ConcurrentChange`):
  * two commands of one batch that touch the same aggregate (or share a command id) are never
    written together: the later one waits for the earlier one's outcome; if the earlier one
    committed, the later one certainly conflicts (both loaded the aggregate before either was
    written) and is refused without a round trip, otherwise it goes into the next batch;
  * likewise a command that read (ADR 0011) what an earlier command of the batch writes: refused as
    stale (`StaleRead`) once that one committed. Read sets are checked in the transaction against
    the store as it was before the batch, so writing what an earlier command only read is fine;
  * when the database refuses a batch (a stale version from another process, a command id
    another process recorded first), the committer asks the store which commands' first new
    version already exists, refuses those and writes the rest; if it cannot tell, it bisects.
    The transaction of a refused batch is rolled back whole, so nothing of it is visible.
- Durable: a caller returns only after the transaction that holds its events has committed, with
  the server's own synchronous commit; nothing is acknowledged from memory.
- Order: each command's events are contiguous and in its own order; commands are written in
  arrival order; notification ids follow commit order exactly as eventsourcing's recorder
  guarantees for any insert (the table lock). A refused transaction consumes sequence numbers on
  PostgreSQL, so ids may skip values, as they already do for a lone conflicting save.

The aggregate cache that spares a command its reads is in `mobilize.application.store.cache`.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import (
    DataError,
    IntegrityError,
    InternalError,
    Notification,
    ProgrammingError,
    Recording,
    StoredEvent,
)

from mobilize.application.store.reads import Reads, StaleRead, merged, stale_among
from mobilize.settings import GROUP_COMMIT, on_off

if TYPE_CHECKING:
    from eventsourcing.application import Application

log = structlog.get_logger("mobilize.group_commit")

MAX_BATCH = 256
"""Commands per transaction at most."""
MAX_EVENTS = 5_000
"""Events per transaction at most (a single save of ~50k events hangs psycopg's pipeline)."""

SPLITTABLE = (IntegrityError, DataError, ProgrammingError, InternalError)
"""Errors that one command of a batch can cause: the batch is split so that only that command fails.
Connection errors (OperationalError, InterfaceError) concern everyone and fail the whole batch."""


class Refused(IntegrityError):
    """A command of a batch conflicted with what the store already holds (raised to its own caller only)."""


@dataclass(eq=False)
class _Unit:
    """One command's stored events on their way into a batch."""

    stored: list[StoredEvent]
    firsts: dict[UUID, int]
    """Each aggregate it writes, with the first new version: the row that collides if it is stale."""
    reads: Reads = field(default_factory=dict)
    """Each aggregate it read and does not write, with the version read (see `reads`)."""
    done: threading.Event = field(default_factory=threading.Event)
    notification_ids: Sequence[int] | None = None
    error: BaseException | None = None

    def succeed(self, notification_ids: Sequence[int] | None) -> None:
        self.notification_ids = notification_ids
        self.done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()


@dataclass
class Stats:
    """What the committer has done so far (for benchmarks and tests)."""

    transactions: int = 0
    committed: int = 0
    refused: int = 0
    largest_batch: int = 0
    splits: int = 0


class GroupCommitter:
    """Writes the commands of concurrent threads of one application in shared transactions."""

    def __init__(self, app: Application[UUID], max_batch: int = MAX_BATCH, max_events: int = MAX_EVENTS,
                 linger: float = 0.0) -> None:
        self.app = app
        self.max_batch = max_batch
        self.max_events = max_events
        self.linger = linger
        """Seconds a leader waits for more commands before writing a batch smaller than `max_batch`."""
        self.stats = Stats()
        self._condition = threading.Condition()
        self._queue: deque[_Unit] = deque()
        self._leading = False

    # --- what a command calls ---------------------------------------------------------------------

    def save(self, *objs: Any, reads: Reads | None = None) -> list[Recording[UUID]]:
        """Like `Application.save`, but written in the current shared transaction; returns after commit.

        Raises the store's IntegrityError (a `Refused`, or a `StaleRead` when one of `reads` is stale) when
        this command conflicts; other commands of the same transaction are not affected.
        """
        processing = ProcessingEvent[UUID]()
        processing.collect_events(*objs)
        events = processing.events
        stored = [self.app.mapper.to_stored_event(e) for e in events]  # encoded here, in the caller's thread
        firsts: dict[UUID, int] = {}
        for s in stored:
            firsts.setdefault(UUID(str(s.originator_id)), s.originator_version)
        unit = _Unit(stored, firsts, {k: v for k, v in (reads or {}).items() if k not in firsts})
        if stored:
            self._submit(unit)
        else:
            unit.succeed([])
        if unit.error is not None:
            raise unit.error
        recordings = self._recordings(events, stored, unit.notification_ids)
        self._after_commit(processing, recordings)
        return recordings

    def _recordings(self, events: list[Any], stored: list[StoredEvent],
                    notification_ids: Sequence[int] | None) -> list[Recording[UUID]]:
        if not notification_ids:
            return []
        return [Recording(e, Notification(originator_id=s.originator_id, originator_version=s.originator_version,
                                          topic=s.topic, state=s.state, id=n))
                for e, s, n in zip(events, stored, notification_ids, strict=True)]

    def _after_commit(self, processing: ProcessingEvent[UUID], recordings: list[Recording[UUID]]) -> None:
        """What `Application.save` does after recording, for this command alone, in its own thread (the
        aggregate cache is kept by `CommandService.commit`, see `mobilize.application.store.cache`)."""
        app = self.app
        app._take_snapshots(processing)
        app._notify(recordings)
        app.notify(processing.events)

    # --- leader and followers ---------------------------------------------------------------------

    def _submit(self, unit: _Unit) -> None:
        """Queue the unit; lead a batch whenever nobody else does, until the unit's outcome is known."""
        with self._condition:
            self._queue.append(unit)
            if self.linger > 0:
                self._condition.notify_all()  # a lingering leader may be waiting for company
            while not unit.done.is_set():
                if self._leading:
                    self._condition.wait()
                    continue
                self._leading = True
                if self.linger > 0 and len(self._queue) < self.max_batch:
                    self._condition.wait_for(lambda: len(self._queue) >= self.max_batch, timeout=self.linger)
                batch = self._take()
                self._condition.release()
                deferred: list[_Unit] = []
                try:
                    deferred = self._write(batch)
                except BaseException as error:
                    for waiting in batch:
                        if not waiting.done.is_set():
                            waiting.fail(error)
                    if not isinstance(error, Exception):
                        raise
                finally:
                    self._condition.acquire()
                    self._queue.extendleft(reversed(deferred))
                    self._leading = False
                    self._condition.notify_all()

    def _take(self) -> list[_Unit]:
        batch: list[_Unit] = []
        events = 0
        while self._queue and len(batch) < self.max_batch:
            size = len(self._queue[0].stored)
            if batch and events + size > self.max_events:
                break
            batch.append(self._queue.popleft())
            events += size
        return batch

    # --- writing a batch --------------------------------------------------------------------------

    def _write(self, batch: list[_Unit]) -> list[_Unit]:
        """Write a batch: no two commands on one aggregate together, and none that read what an earlier one of
        the batch writes (reads are checked against the store as it was before the batch, so a command may write
        what an earlier one read: they commit as if one after the other); returns the commands left for later."""
        chosen: list[_Unit] = []
        later: list[_Unit] = []
        written: set[UUID] = set()
        for unit in batch:
            if written.isdisjoint(unit.firsts) and written.isdisjoint(unit.reads):
                chosen.append(unit)
                written.update(unit.firsts)
            else:
                later.append(unit)
        self._insert(chosen)
        committed: set[UUID] = set()
        for unit in chosen:
            if unit.error is None:
                committed.update(unit.firsts)
        deferred = []
        for unit in later:
            clash = committed.intersection(unit.firsts)
            stale = committed.intersection(unit.reads)
            if clash:
                # It loaded these aggregates before a command of the same batch changed them: stale.
                self.stats.refused += 1
                unit.fail(Refused(f"conflicts with a command committed in the same batch on {sorted(map(str, clash))}"))
            elif stale:
                self.stats.refused += 1
                unit.fail(StaleRead({aggregate_id: unit.reads[aggregate_id] for aggregate_id in stale}))
            else:
                deferred.append(unit)
        return deferred

    def _insert(self, units: list[_Unit]) -> None:
        """One transaction for all units; on a refusal, take out who caused it and write the rest."""
        if not units:
            return
        stored = [s for unit in units for s in unit.stored]
        self.stats.transactions += 1
        reads = merged([unit.reads for unit in units])
        try:
            notification_ids = self.app.recorder.insert_events(stored, reads=reads) if reads else \
                self.app.recorder.insert_events(stored)
        except SPLITTABLE as error:
            if len(units) == 1:
                self.stats.refused += 1
                units[0].fail(error)
                return
            self.stats.splits += 1
            offenders = self._stale(units) if isinstance(error, IntegrityError) else []
            if offenders:
                for unit, stale in offenders:
                    self.stats.refused += 1
                    unit.fail(StaleRead(stale) if stale else Refused(f"stale or repeated: {error}"))
                failed = [unit for unit, _ in offenders]
                self._insert([unit for unit in units if unit not in failed])
            else:
                middle = len(units) // 2
                self._insert(units[:middle])
                self._insert(units[middle:])
            return
        except Exception as error:  # noqa: BLE001 - e.g. the database is down: everyone in it hears so
            for unit in units:
                unit.fail(_own_copy(error))
            return
        self.stats.committed += len(units)
        self.stats.largest_batch = max(self.stats.largest_batch, len(units))
        position = 0
        for unit in units:
            size = len(unit.stored)
            unit.succeed(notification_ids[position:position + size] if notification_ids else None)
            position += size

    def _stale(self, units: list[_Unit]) -> list[tuple[_Unit, dict[UUID, int]]]:
        """The units whose first new version of some aggregate is already in the store (with {}), or else some
        of whose reads are stale (with those reads)."""
        recorder = self.app.recorder
        taken: dict[tuple[UUID, int], bool] = {}
        offenders: list[tuple[_Unit, dict[UUID, int]]] = []
        for unit in units:
            for aggregate_id, version in unit.firsts.items():
                key = (aggregate_id, version)
                if key not in taken:
                    taken[key] = bool(recorder.select_events(aggregate_id, gt=version - 1, limit=1))
                if taken[key]:
                    offenders.append((unit, {}))
                    break
            else:
                stale = stale_among(recorder, unit.reads)
                if stale:
                    offenders.append((unit, stale))
        return offenders


def _own_copy(error: Exception) -> Exception:
    """A copy of an error shared by a whole batch, so that each caller's thread raises its own object."""
    try:
        copy = type(error)(*error.args)
    except Exception:  # noqa: BLE001 - an exception type with a constructor of its own: share it
        return error
    copy.__cause__ = error
    return copy


def group_commit_on(app: Application[UUID]) -> bool:
    """Whether the application's MOBILIZE_GROUP_COMMIT (from `Settings.group_commit`) says on."""
    return on_off(GROUP_COMMIT, app.env.get(GROUP_COMMIT))


_created = threading.Lock()


def committer_for(app: Application[UUID]) -> GroupCommitter | None:
    """The application's group committer when group commit is on, else None (decided once per application)."""
    if "_group_committer" not in app.__dict__:
        with _created:
            if "_group_committer" not in app.__dict__:
                app.__dict__["_group_committer"] = GroupCommitter(app) if group_commit_on(app) else None
    committer: GroupCommitter | None = app.__dict__["_group_committer"]
    return committer
