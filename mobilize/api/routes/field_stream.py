"""The field page's live feed (SSE): a small "changed" frame whenever something of the person's own is recorded,
and nothing else: no payload, no other person's records. The page then reads `/api/field/me` again.

It rides on the live feed's machinery (`mobilize.api.routes.stream`): the same shared tail and log bell, the same
heartbeats, revocation and per-token and per-process bounds; only what a stretch of the log becomes differs.
"""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from mobilize.api.deps import BEARER, App, Principal, responder
from mobilize.api.errors import refusals
from mobilize.api.read_side import ReadSides
from mobilize.api.routes.field_scope import watched
from mobilize.api.routes.stream import (
    Feed,
    Pacing,
    Streams,
    frames,
    log_bell,
    log_tail,
    open_streams,
    pacing,
    query_credentials,
)
from mobilize.application import Mobilize
from mobilize.feeds.bell import Bell
from mobilize.feeds.tail import Entry, Tail
from mobilize.log.reader import LAST

router = APIRouter(tags=["field"])

KINDS = {"Person.ShiftBooked": "shift", "Person.ShiftReleased": "shift", "Shift": "shift", "Dispatch": "dispatch",
         "RollCall": "roll_call", "TaskForce": "task_force", "Person": "person", "FieldLog": "field_log",
         "Inbox": "notification", "Notification": "notification", "TestingSite": "site"}
"""The coarse kind a changed frame names, by its event's type or else the aggregate the event belongs to."""


def field_caller(request: Request, app: App,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
                 token: Annotated[str | None, Query(
                     description="the responder token, for browsers' EventSource, which cannot send headers")] = None,
                 ) -> Principal:
    """The person behind a responder token, by `Authorization` header or `?token=` (403 for any other token)."""
    return responder(app, query_credentials(request, credentials, token))


class FieldFeed(Feed):
    """One person's page reading the log: which records are theirs, re-read when what they are part of changes."""

    def __init__(self, tail: Tail, app: Mobilize, caller: Principal, after: int, sides: ReadSides) -> None:
        super().__init__(tail, app, caller, after)
        assert caller.person_id is not None, "field_caller lets only a person's token through"
        self.person_id: UUID = caller.person_id
        self.sides = sides
        self.mention = str(caller.person_id)
        self.watched: dict[UUID, str] = {}
        self.triggers: set[UUID] = set()

    def rescope(self) -> None:
        """Read again what the person is part of (their shifts, task forces, dispatches, what they command)."""
        with self.sides.lease() as views:
            self.watched, self.triggers = watched(self.app, views, self.person_id)

    def moves(self, entry: Entry) -> bool:
        """Whether the entry may change what the person is part of: an event of the person, of a task force of
        theirs, of a site they command, or one naming them (enlisted, appointed, put on a roll)."""
        return entry.aggregate_id in self.triggers or (entry.frame is not None and self.mention in entry.frame)

    def needs_store(self, entries: list[Entry]) -> bool:
        """Rescoping reads the store and the views: not on the event loop."""
        return any(self.moves(entry) for entry in entries)

    def _frames(self, entries: list[Entry], caught_up: bool) -> tuple[str, bool]:
        if self.revoked:
            return "", True
        before = self.watched
        if any(self.moves(entry) for entry in entries):
            self.rescope()
        sent = []
        for entry in entries:
            kind = self.watched.get(entry.aggregate_id) or before.get(entry.aggregate_id)
            if kind is None and not (entry.frame is not None and self.mention in entry.frame):
                continue
            if entry.frame is not None:  # "event: Shift.Assigned"
                event_type = entry.frame.split("\n", 2)[1].removeprefix("event: ")
                kind = KINDS.get(event_type) or KINDS.get(event_type.split(".")[0], kind)
            sent.append(changed(entry.position, kind or "other"))
        if entries:
            self.after = entries[-1].position
        return "".join(sent), caught_up


def changed(position: int, kind: str) -> str:
    """The frame the page is sent: where in the log, and what kind of thing of theirs changed."""
    return f"id: {position}\nevent: changed\ndata: {json.dumps({'position': position, 'kind': kind})}\n\n"


@router.get("/field/stream", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "changed frames"},
                       **refusals(401, 403, 422, 429, 500, 503)})
def field_stream(request: Request, app: App, caller: Annotated[Principal, Depends(field_caller)],
                 pace: Annotated[Pacing, Depends(pacing)], bell: Annotated[Bell, Depends(log_bell)],
                 tail: Annotated[Tail, Depends(log_tail)], streams: Annotated[Streams, Depends(open_streams)],
                 last_event_id: Annotated[int | None, Header(ge=0, le=LAST, description="resume after this position")]
                 = None,
                 ) -> StreamingResponse:
    """A `changed` event (position and kind: shift, dispatch, roll_call, notification, …) whenever one of the
    person's own records changes, from now on; a heartbeat after silence; `revoked` and the end when the token
    is revoked. Counted with the live feeds against the token's and the process's bounds."""
    start = (app.recorder.max_notification_id() or 0) if last_event_id is None else last_event_id
    feed = FieldFeed(tail, app, caller, start, request.app.state.read_side)
    streams.admit(feed)
    try:
        feed.rescope()
    except BaseException:
        streams.release(feed)
        raise
    return StreamingResponse(frames(feed, pace, bell, streams), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
