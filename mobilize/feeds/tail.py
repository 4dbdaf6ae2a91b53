"""The end of the log as this process's live feeds show it, read from the store and rendered once for all.

Every open feed (a dashboard, an operator's screen) shows the same new events, each filtered by its
caller's scope. Read and rendered per feed, ten dashboards would cost ten log reads per commit and ten
decodings of every event; the tail reads each new stretch of the log once, keeps the last `KEEP` events
with their frames ready (one for every role, one for viewers, who do not see personal fields; an event
with personal fields keeps its envelope instead, opened for each entitled reader as it is sent, so that a
person erased meanwhile shows erased: `Entry.frame_for`) and
hands each feed what lies after its position. A feed that asks for events older than the tail holds
(a client resuming from far back) is served from the store, as before, without touching the tail.
"""

from __future__ import annotations

import bisect
import threading
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.log.envelope import encoded, envelope, for_viewer, personal, revealed, streamed
from mobilize.privacy.seal import Opener

BATCH = 500
"""Stored events read at once, and the most a feed is handed at once."""
KEEP = 5_000
"""Events the tail keeps (it forgets the older half once it holds twice as many)."""
class Entry(NamedTuple):
    """One stored event as the feeds show it: None for both frames when it is never streamed."""

    position: int
    aggregate_id: UUID
    frame: str | None
    viewer_frame: str | None
    body: dict[str, Any] | None = None
    """The envelope of an event with personal fields, opened per reader (its `frame` carries them sealed)."""

    def frame_for(self, opener: Opener) -> str | None:
        """The frame for an entitled reader: personal fields opened (or erased) as of now."""
        if self.body is None:
            return self.frame
        return _frame(revealed(self.body, opener))


class Tail:
    """The last stretch of the log, rendered; safe to share between the threads that serve feeds."""

    def __init__(self, app: Mobilize, keep: int = KEEP) -> None:
        self.app = app
        self.keep = keep
        self._lock = threading.Lock()
        self._entries: list[Entry] = []  # in log order
        self._floor: int | None = None  # the tail holds every event after this position ...
        self._read_to = 0  # ... up to this one (what the last read of the store reached)
        self._at_end = False  # whether that read found the end of the log

    def after(self, position: int, first: bool = False) -> tuple[list[Entry], bool]:
        """The entries after `position` (at most `BATCH`), and whether they reach the end of the log as last
        read: a feed that has them all waits for the log bell before asking again. On a feed's `first` call
        the store is asked for its end again (commits made while no feed was open rang no bell)."""
        with self._lock:
            if self._floor is None:  # never beyond the log's end: a feed from a far position must not pin the tail
                self._restart(min(position, self.app.recorder.max_notification_id() or 0))
            ahead = position > self._read_to
            if ahead and not self._reach(position):
                return [], True  # past the end of the log: nothing to show yet
            assert self._floor is not None, "set by the restart above"
            if position >= self._floor:
                if not ahead and (position == self._read_to or (first and self._at_end)):
                    self._read_more()
                start = bisect.bisect_right(self._entries, position, key=_position)
                entries = self._entries[start:start + BATCH]
                return entries, self._at_end and start + len(entries) == len(self._entries)
        return self._from_store(position)  # older than the tail holds; outside the lock, so no feed waits on it

    def held(self, position: int) -> tuple[list[Entry], bool] | None:
        """What `after` would hand a feed at `position`, if the tail already holds it: no store read and no
        wait for the lock (None then, and the feed asks `after` from a thread). Lets a woken feed be served on
        the event loop, without a thread of its own, once `read_on` has brought the tail forward for all."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._floor is None or not self._floor <= position < self._read_to:
                return None
            start = bisect.bisect_right(self._entries, position, key=_position)
            entries = self._entries[start:start + BATCH]
            return entries, self._at_end and start + len(entries) == len(self._entries)
        finally:
            self._lock.release()

    def read_on(self, position: int) -> None:
        """Bring the tail up to `position` (a position the log bell heard of), reading the store once for all
        the feeds the bell wakes (call from a thread: it reads the store)."""
        with self._lock:
            while self._floor is not None and self._read_to < position:
                reached = self._read_to
                self._read_more()
                if self._read_to == reached:
                    break

    def _reach(self, position: int) -> bool:
        """Bring the tail up to a feed ahead of it: read on over a short gap, start again at `position` after a
        long one. False when `position` lies past the end of the log (the tail stays where it is)."""
        if position > (self.app.recorder.max_notification_id() or 0):
            return False
        if position - self._read_to > self.keep:
            self._restart(position)
        while self._read_to < position:
            reached = self._read_to
            self._read_more()
            if self._read_to == reached:
                break
        return True

    def _restart(self, position: int) -> None:
        self._floor = self._read_to = position
        self._entries, self._at_end = [], False

    def _read_more(self) -> None:
        """Read and render the next stretch; nothing changes unless all of it could be rendered."""
        notes = self.app.recorder.select_notifications(self._read_to + 1, BATCH)
        entries = [self._entry(note) for note in notes]
        self._at_end = len(notes) < BATCH
        if not notes:
            return
        self._entries.extend(entries)
        self._read_to = notes[-1].id
        if len(self._entries) > 2 * self.keep:
            self._floor = self._entries[-self.keep - 1].position
            del self._entries[:-self.keep]

    def _from_store(self, position: int) -> tuple[list[Entry], bool]:
        notes = self.app.recorder.select_notifications(position + 1, BATCH)
        return [self._entry(note) for note in notes], len(notes) < BATCH

    def _entry(self, note: Notification) -> Entry:
        aggregate_id: Any = note.originator_id
        if not streamed(note):
            return Entry(note.id, aggregate_id, None, None)
        body = envelope(self.app.mapper.to_domain_event(note), note)
        viewed = for_viewer(body)
        frame = _frame(body)
        return Entry(note.id, aggregate_id, frame, frame if viewed is body else _frame(viewed),
                     body if personal(body) else None)


def _position(entry: Entry) -> int:
    return entry.position


def _frame(body: dict[str, Any]) -> str:
    return f"id: {body['position']}\nevent: {body['event_type']}\ndata: {encoded(body)}\n\n"
