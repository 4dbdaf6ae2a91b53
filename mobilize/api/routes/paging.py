"""Pages (呼叫) for the command center: which are unanswered, where each went, and a person's own inbox with
every delivery attempt (auditors and operators over the person's grid)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from mobilize.api.deps import App, CommandBody, Operator, Reachable, Trusted
from mobilize.api.read_side import Views
from mobilize.api.routes.common import READ_REFUSALS, REFUSALS, Done, run
from mobilize.api.routes.views import Limit
from mobilize.domain.base import InvalidCommand, NotFound
from mobilize.domain.notification import Inbox
from mobilize.domain.person import Person
from mobilize.projections import paging

router = APIRouter(tags=["paging"])

State = Literal["open", "sent", "delivered", "acknowledged", "escalated", "withdrawn"]


@router.get("/pages", response_model=list[dict[str, Any]], responses=READ_REFUSALS)
def pages(app: App, views: Views, caller: Trusted, reach: Reachable, limit: Limit = 200,
          state: Annotated[State | None, Query(description="open: any page still waiting for its answer")] = None,
          level: Annotated[int | None, Query(ge=0, le=2, description="0 the person, 1 grid leaders, "
                                                                     "2 the command center")] = None,
          incident_id: UUID | None = None, person_id: UUID | None = None) -> list[dict[str, Any]]:
    """Pages the caller's subtree answers for (the person's home grid, else the grid of the shift or site): the
    board of unanswered and escalated pages (`state=open`: the highest level and the longest waiting first;
    `level=2` for what reached the command center); newest first otherwise."""
    if person_id is not None:
        reach.require(person_id, what="person")
        app.load(Person, person_id, "person")
    if incident_id is not None:
        reach.require_related(incident_id, what="incident")
    return paging.listing(views, state, level, str(incident_id) if incident_id else None,
                          str(person_id) if person_id else None, limit, None if reach.everything else str(reach.scope))


@router.get("/people/{person_id}/pages", response_model=list[dict[str, Any]], responses=READ_REFUSALS)
def inbox(person_id: UUID, app: App, caller: Trusted, reach: Reachable) -> list[dict[str, Any]]:
    """One person's pages, newest first, with each delivery (channel, time) and webhook attempt (outcome,
    status, error) and each escalation (level, to whom)."""
    reach.require(person_id, what="person")
    app.load(Person, person_id, "person")  # a person who does not exist is a 404, even to who sees everything
    try:
        box = app.load(Inbox, Inbox.create_id(person_id), "inbox")
    except NotFound:  # never paged: an empty inbox
        return []
    return sorted(box.notifications.values(), key=lambda entry: entry["sent_at"], reverse=True)


@router.post("/people/{person_id}/pages/{notification_id}/acknowledge", response_model=Done, responses=REFUSALS)
def acknowledge_for(person_id: UUID, notification_id: UUID, body: CommandBody, app: App, caller: Operator,
                    request: Request) -> Done:
    """Acknowledge a page on the person's behalf (they answered by phone): the reason says how; the operator is
    recorded as who acknowledged it."""
    if not (body.reason and body.reason.strip()):
        raise InvalidCommand("acknowledging a page for someone else needs a reason (how they answered)",
                             field="reason", zh="代他人确认呼叫须写明原因（本人是如何答复的）")
    try:
        entry = app.load(Inbox, Inbox.create_id(person_id), "inbox").get(notification_id)
    except NotFound:
        raise NotFound(f"no page {notification_id} for person {person_id}", id=notification_id) from None
    # a page belongs to the grid answering for it (the person's home grid, else the shift's; a leader's copy:
    # the grid they lead, which may not be their own): its operators answer it
    return run(app, request, caller, body, entry["unit_id"] or person_id, app.acknowledge_page, person_id,
               notification_id)
