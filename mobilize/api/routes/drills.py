"""Drills (应急演练): call a scope up to a muster point, check people in; the league table across drills."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Operator, Reachable
from mobilize.api.examples import example
from mobilize.api.read_side import ReplayableViews
from mobilize.api.routes.common import READ_REFUSALS, REFUSALS, Done, run
from mobilize.api.routes.views import AsOf, Limit, Offset, Page, page
from mobilize.projections import drill_musters

router = APIRouter(tags=["drills"])


class CallUp(CommandBody):
    model_config = example("the quarterly muster drill of Shimaqiao Community", unit_id=ex.COMMUNITY,
                           muster_point="Junhe square")

    unit_id: UUID = Field(description="the subtree called up; within the drill's scope")
    muster_point: str = Field(min_length=1, max_length=200, examples=["Junhe square"])


class Muster(CommandBody):
    model_config = example("checked in at the muster point", person_id=ex.PERSON)

    person_id: UUID


@router.post("/incidents/{incident_id}/drill-call-ups", status_code=201, response_model=Done, responses=REFUSALS)
def call_up_drill(incident_id: UUID, body: CallUp, app: App, caller: Operator, request: Request) -> Done:
    """Call everyone in a unit's subtree up to a muster point for a drill; the muster clock starts."""
    return run(app, request, caller, body, body.unit_id, app.call_up_drill, incident_id, body.unit_id,
               body.muster_point, follows=(incident_id,))


@router.post("/drill-call-ups/{call_up_id}/musters", status_code=201, response_model=Done, responses=REFUSALS)
def muster(call_up_id: UUID, body: Muster, app: App, caller: Operator, request: Request) -> Done:
    """A person checks in at the muster point (签到); the minutes since the call-up are their time."""
    return run(app, request, caller, body, body.person_id, app.muster, call_up_id, body.person_id,
               follows=(call_up_id,))


@router.post("/drill-call-ups/{call_up_id}/end", response_model=Done, responses=REFUSALS)
def end_call_up(call_up_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """End the call-up: later check-ins do not count."""
    return run(app, request, caller, body, call_up_id, app.end_call_up, call_up_id)


@router.get("/drill-league", response_model=Page, responses=READ_REFUSALS)
def get_league(app: App, views: ReplayableViews, reach: Reachable, level: Literal["grid", "community"] = "grid",
               incident: UUID | None = None, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Grids or communities ranked by their people's median muster minutes across drills (drills only)."""
    reach.require_related(incident, what="incident")
    return page(app, views, "readiness", as_of, limit, offset,
                lambda v, _at: reach.rows(drill_musters.league(v, level, incident_id=incident), "unit_id"))


@router.get("/drill-musters", response_model=Page, responses=READ_REFUSALS)
def get_musters(app: App, views: ReplayableViews, reach: Reachable, incident: UUID | None = None, as_of: AsOf = None,
                limit: Limit = 100, offset: Offset = 0) -> Page:
    """Each person's drill muster: call-up, check-in, minutes (people of the caller's grids)."""
    reach.require_related(incident, what="incident")
    return page(app, views, "readiness", as_of, limit, offset,
                lambda v, _at: reach.rows(drill_musters.musters(v, incident_id=incident), "grid_id"))
