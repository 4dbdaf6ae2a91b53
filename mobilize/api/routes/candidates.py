"""Suggested fill-ins: who can take a shift now, nearest and least worked first, with the reasons."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from mobilize.api.deps import App, Reachable
from mobilize.api.read_side import Views
from mobilize.api.routes.views import Limit, Now, Offset, Page, moment
from mobilize.application.candidates import rank
from mobilize.domain.shift import Shift
from mobilize.projections.pool import hours_in_incident, pool

router = APIRouter(tags=["shifts"], responses={401: {"description": "no valid bearer token"},
                                               404: {"description": "no such shift within your scope"}})


@router.get("/shifts/{shift_id}/candidates", response_model=Page)
def get_candidates(shift_id: UUID, app: App, views: Views, reach: Reachable, now: Now = None,
                   everyone: Annotated[bool, Query(alias="all", description="also list who cannot take it, and why")]
                   = False, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Who can take the shift now (rules of the grid's mode, the same code as the assignment), nearest first
    (same grid, community, street, elsewhere), then fewest hours in the incident; people of the caller's scope.
    Those who need an override of a wartime limit come after those who need none, `needs_override` naming the
    rules; assign with `POST /api/shifts/{id}/assignments`."""
    reach.require(shift_id, what="shift")
    shift = app.load(Shift, shift_id, "shift")
    street = app.ancestry(shift.grid_id)[-1]
    members = [m.person_id for m in pool(views, street.id, shift.skill, shift.end, everyone_in_street=everyone)
               if reach.everything or reach.covers(m.home_grid_id)]
    hours = hours_in_incident(views, shift.incident_id, moment(now))
    rows = [c.as_dict() for c in rank(app, shift.id, members, hours, include_refused=everyone)]
    return Page(items=rows[offset:offset + limit], total=len(rows), limit=limit, offset=offset)
