"""The live feed (SSE): stored events as they are recorded, in the caller's scope, resumable by log position."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, cast
from uuid import UUID

import anyio
import structlog
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from mobilize.api.deps import BEARER, App, Principal, authenticate
from mobilize.api.errors import refusals
from mobilize.api.wording import Denied
from mobilize.application import Mobilize
from mobilize.domain.access import AccessToken
from mobilize.domain.base import DomainError
from mobilize.feeds.bell import Bell
from mobilize.feeds.tail import Entry, Tail
from mobilize.log.reader import LAST
from mobilize.privacy.seal import Opener

log = structlog.get_logger("mobilize.api")
router = APIRouter(tags=["stream"])

HEARTBEAT = ": heartbeat\n\n"
RETRY_MS = 2000


@dataclass(frozen=True)
class Pacing:
    """The longest wait between two looks at the log (the log bell wakes a feed sooner), and how much silence
    is broken by a heartbeat."""

    poll: float = 1.0
    heartbeat: float = 10.0


def pacing() -> Pacing:
    """The feed's pacing (tests override this dependency to shorten it)."""
    return Pacing()


def log_bell(request: Request) -> Bell:
    """The process's log bell, which wakes every feed when the log grows."""
    return cast(Bell, request.app.state.bell)


def log_tail(request: Request) -> Tail:
    """The process's tail of the log, read and rendered once for all its feeds."""
    return cast(Tail, request.app.state.tail)


def stream_caller(request: Request, app: App,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
                  token: Annotated[str | None, Query(
                      description="the bearer token, for browsers' EventSource, which cannot send headers")] = None,
                  ) -> Principal:
    """The caller by `Authorization` header, or by `?token=` on this route only."""
    return authenticate(app, query_credentials(request, credentials, token))


def query_credentials(request: Request, credentials: HTTPAuthorizationCredentials | None,
                      token: str | None) -> HTTPAuthorizationCredentials | None:
    """The bearer credentials from the header, or else from `?token=` (streams only: EventSource sends no headers)."""
    if token and "authorization" not in request.headers:
        return HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    return credentials


STREAMS_PER_TOKEN = 10
"""Open streams one token may hold in one API process (a wall screen with a few tabs; not a leak or a loop)."""
STREAMS_PER_PROCESS = 1_000
"""Open streams one API process serves at most: each costs a little memory and a share of every wake-up, and
past some thousands a command's latency grew (issue 11's run: with 6,400 streams a POST took 6.2 s, not
0.07 s); more readers, more processes."""


class Streams:
    """The feeds open in this process, by token (weakly held: a feed whose response is gone counts no more)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[UUID, weakref.WeakSet[Feed]] = {}

    def admit(self, feed: Feed) -> None:
        """Count the feed as open, or refuse it (429) when its token or the process holds the most allowed."""
        token = feed.caller.token_id
        with self._lock:
            held = self._open.setdefault(token, weakref.WeakSet())
            total = sum(len(feeds) for feeds in self._open.values())
            if len(held) >= STREAMS_PER_TOKEN or total >= STREAMS_PER_PROCESS:
                many = (f"this token already holds {len(held)} open streams here (at most {STREAMS_PER_TOKEN})"
                        if len(held) >= STREAMS_PER_TOKEN else
                        f"this server already serves {total} open streams (at most {STREAMS_PER_PROCESS})")
                raise Denied(429, f"{many}: close one, or retry later",
                             "实时连接已达上限：请关闭一个后再试，或稍后重试", headers={"Retry-After": "10"})
            held.add(feed)

    def release(self, feed: Feed) -> None:
        """The feed has ended."""
        with self._lock:
            held = self._open.get(feed.caller.token_id)
            if held is not None:
                held.discard(feed)
                if not held:
                    del self._open[feed.caller.token_id]


def open_streams(request: Request) -> Streams:
    """The process's register of open streams."""
    return cast(Streams, request.app.state.streams)


class Feed:
    """One client's reading of the log: how far it has read, and what its token lets it see."""

    def __init__(self, tail: Tail, app: Mobilize, caller: Principal, after: int) -> None:
        self.tail = tail
        self.app = app
        self.caller = caller
        self.after = after
        self.visible: dict[UUID, bool] = {}  # a record never leaves its unit: one lookup per aggregate
        self.started = False
        self.revoked = False

    def read(self) -> tuple[str, bool]:
        """The frames of the next stretch of the log, and whether the log has been read to its end."""
        entries, caught_up = self.tail.after(self.after, first=not self.started)
        self.started = True
        if any(entry.aggregate_id == self.caller.token_id for entry in entries):  # the token changed: revoked?
            self.revoked = self.app.load(AccessToken, self.caller.token_id, "token").revoked
        return self._frames(entries, caught_up)

    def read_held(self) -> tuple[str, bool] | None:
        """`read`, when the tail already holds the next stretch and nothing in it needs the store (called on
        the event loop: no thread per woken feed); None when `read` must run in a thread."""
        held = self.tail.held(self.after) if self.started else None
        if held is None or any(entry.aggregate_id == self.caller.token_id for entry in held[0]):
            return None
        if self.needs_store(held[0]):
            return None
        return self._frames(*held)

    def needs_store(self, entries: list[Entry]) -> bool:
        """Whether framing these entries reads the store (then not on the event loop)."""
        # a record not yet placed in the tree: `sees` reads the store
        return bool(self.caller.scope_unit_id) and any(entry.frame is not None and entry.aggregate_id
                                                       not in self.visible for entry in entries)

    def _frames(self, entries: list[Entry], caught_up: bool) -> tuple[str, bool]:
        if self.revoked:  # nothing more, not even the rest of this stretch
            return "", True
        opener = Opener(self.app.keyring)  # personal fields opened as of this stretch, one key read per person
        frames = "".join(frame for entry in entries if (frame := self.frame(entry, opener)))
        if entries:
            self.after = entries[-1].position
        return frames, caught_up

    def frame(self, entry: Entry, opener: Opener | None = None) -> str | None:
        """The SSE frame of one stored event, or None when the caller may not see it."""
        if entry.frame is None or not self.sees(entry.aggregate_id):
            return None
        if self.caller.role == "viewer":
            return entry.viewer_frame
        return entry.frame_for(opener or Opener(self.app.keyring))

    def sees(self, aggregate_id: UUID) -> bool:
        """Whether the record lies in the caller's subtree (a record under no unit lies in no subtree)."""
        scope = self.caller.scope_unit_id
        if scope is None:
            return True
        if aggregate_id not in self.visible:
            try:
                self.visible[aggregate_id] = self.app.within(self.app.unit_of(aggregate_id), scope)
            except DomainError:
                self.visible[aggregate_id] = False
        return self.visible[aggregate_id]


async def frames(feed: Feed, pace: Pacing, bell: Bell, streams: Streams) -> AsyncIterator[str]:
    """The response body: the feed's frames as the log grows, a heartbeat after silence, until disconnect."""
    # reads run in the threadpool and waits on the event loop: a waiting feed holds no thread, and a
    # disconnect cancels the wait at once rather than after the next ring of the bell
    log.info("stream.opened", holder=feed.caller.holder, role=feed.caller.role, after=feed.after)
    yield f"retry: {RETRY_MS}\nid: {feed.after}\n\n"  # a client that reconnects before any event resumes here
    quiet_since = looked_at = time.monotonic()
    try:
        with bell.feeding():  # before the first read: a commit after it is rung, one before it is read
            while True:
                looked_at = time.monotonic()
                held = feed.read_held()  # on the loop when the tail holds it; else from a thread
                text, caught_up = held if held is not None else await anyio.to_thread.run_sync(feed.read)
                if feed.revoked:  # every worker's feed reads the revocation from the log, and ends here
                    log.info("stream.revoked", holder=feed.caller.holder)
                    yield 'event: revoked\ndata: {"message": "this token was revoked"}\n\n'
                    return
                if text:
                    quiet_since = time.monotonic()
                    yield text
                elif time.monotonic() - quiet_since >= pace.heartbeat:
                    quiet_since = time.monotonic()
                    yield HEARTBEAT
                # past what was just read: a commit since is not slept through. While the bell hears nothing
                # new, the log is looked at only once a heartbeat (in case a ring was lost), not every poll:
                # a thousand idle feeds cost no store reads
                while caught_up and not await bell.wait(feed.after, pace.poll):
                    if time.monotonic() - looked_at >= pace.heartbeat:
                        break
                if caught_up:
                    await tail_read_on(feed.tail, bell.position)
    finally:
        streams.release(feed)
        log.info("stream.closed", holder=feed.caller.holder, position=feed.after)


_reading: dict[tuple[int, int], asyncio.Event] = {}
"""Per tail (and event loop), the one store read under way that brings it up to the bell: every woken feed
waits for the same (an event, not a shared future: a feed's disconnect must not cancel the others' read)."""
_readers: set[asyncio.Task[None]] = set()


async def tail_read_on(tail: Tail, position: int) -> None:
    """Bring the shared tail up to `position` with one read in a thread, however many feeds the bell woke."""
    if position <= 0 or tail.held(position - 1) is not None:
        return  # held already (or the lock is busy: the feed's own read then waits for it)
    key = (id(tail), id(asyncio.get_running_loop()))
    done = _reading.get(key)
    if done is None:
        done = _reading[key] = asyncio.Event()
        reader = asyncio.get_running_loop().create_task(_read_on(tail, position, key, done))
        _readers.add(reader)
        reader.add_done_callback(_readers.discard)
    await done.wait()


async def _read_on(tail: Tail, position: int, key: tuple[int, int], done: asyncio.Event) -> None:
    try:
        await anyio.to_thread.run_sync(tail.read_on, position)
    except Exception as error:  # noqa: BLE001 - the feeds' own reads will meet the store's fault and say so
        log.info("stream.tail_read_failed", error=str(error))
    finally:
        _reading.pop(key, None)
        done.set()


@router.get("/stream", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "the event stream"},
                       **refusals(401, 422, 429, 500, 503)})
def stream(app: App, caller: Annotated[Principal, Depends(stream_caller)], pace: Annotated[Pacing, Depends(pacing)],
           bell: Annotated[Bell, Depends(log_bell)], tail: Annotated[Tail, Depends(log_tail)],
           streams: Annotated[Streams, Depends(open_streams)],
           last_event_id: Annotated[int | None, Header(ge=0, le=LAST, description="resume after this position")] = None,
           after: Annotated[int | None, Query(ge=0, le=LAST, description="start after this position (default: now)")]
           = None,
           ) -> StreamingResponse:
    """Every event recorded from now (or after a position), as Server-Sent Events: id = log position."""
    start = next((p for p in (last_event_id, after) if p is not None), None)
    feed = Feed(tail, app, caller, (app.recorder.max_notification_id() or 0) if start is None else start)
    streams.admit(feed)
    return StreamingResponse(frames(feed, pace, bell, streams), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
