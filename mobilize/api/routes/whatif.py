"""What-if over HTTP: the gaps if a person or task force were pulled at a moment, beside the real ones."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from mobilize.api.deps import App, Moment, Reachable
from mobilize.api.read_side import ReadSides
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.api.routes.views import AsOf
from mobilize.forms.ics import FormProblem
from mobilize.forms.whatif import pull
from mobilize.projections.replay import BadMoment, reading

router = APIRouter(tags=["views"], responses=READ_REFUSALS)


class WhatIf(BaseModel):
    """Who is pulled, the moves the domain would make, and the gaps per post: real, and with the pull."""

    pulled: list[str]
    moves: list[dict[str, Any]]
    items: list[dict[str, Any]]
    reading: dict[str, Any]
    written: int = 0


@router.get("/what-if/gaps", response_model=WhatIf)
def what_if_gaps(app: App, reach: Reachable, request: Request,
                 at: Annotated[Moment, Query(description="when they are pulled: the log as it happened by then")],
                 person: UUID | None = None, task_force: UUID | None = None, as_of: AsOf = None,
                 incident: UUID | None = None, hours: Annotated[float, Query(gt=0, le=72)] = 12) -> WhatIf:
    """Pull a person or every member of a task force at `at`: whoever is on duty checks out then, whoever is booked
    comes off the shifts not yet over — in memory only; the gaps that would follow beside the real ones (sites in
    the caller's scope). Nothing is written (`written` is always 0)."""
    reach.require(person, task_force)
    reach.require_related(incident, what="incident")
    sides: ReadSides = request.app.state.read_side
    try:
        with sides.lease() as live:
            when = reading(app, live, as_of=as_of, as_happened=at)
        with sides.replaying():
            outcome = pull(app, when, person=None if person is None else str(person),
                           task_force=None if task_force is None else str(task_force), hours=hours,
                           incident=None if incident is None else str(incident))
    except (BadMoment, FormProblem) as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    moves = [{**move, "start": move["start"].isoformat()} for move in reach.rows(outcome.moves, "site_id")]
    return WhatIf(pulled=outcome.pulled, moves=moves, items=reach.rows(outcome.rows, "site_id"),
                  reading=when.as_dict())
