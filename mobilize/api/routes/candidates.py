"""Suggested fill-ins: who can take a shift now, nearest and least worked first, with the reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from mobilize.api.deps import App, Reachable
from mobilize.api.read_side import Views
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.api.routes.views import Limit, Now, Offset, moment
from mobilize.api.wording import wants_chinese
from mobilize.application.candidates import blocked, in_language, rank
from mobilize.domain.shift import Shift
from mobilize.projections.pool import hours_in_incident, pool

router = APIRouter(tags=["shifts"], responses=READ_REFUSALS)


class RuleRefusal(BaseModel):
    """The rule that refuses, in the words of the assignment command."""

    error: str
    message: str
    facts: dict[str, Any]


class CandidateRow(BaseModel):
    """One person weighed for the shift."""

    person_id: UUID
    name: str
    home_grid_id: UUID | None
    home_grid_name: str | None
    nearness: Literal["same_grid", "same_community", "same_street", "elsewhere"]
    hours_in_incident: float
    hours_booked_ahead: float
    needs_override: list[str]
    reasons: list[str]
    rank: int | None
    assignable: bool
    refusal: RuleRefusal | None


class ShiftSummary(BaseModel):
    """The shift the candidates are for, and why nobody can take it (`blocked`), if so."""

    id: UUID
    site_id: UUID
    lane: int
    post: str
    skill: str
    start: datetime
    end: datetime
    slots: int
    filled: int
    blocked: RuleRefusal | None


class CandidatesPage(BaseModel):
    """One page of the ranked candidates (ranks count over the whole list)."""

    items: list[CandidateRow]
    total: int
    limit: int
    offset: int
    shift: ShiftSummary


@router.get("/shifts/{shift_id}/candidates", response_model=CandidatesPage)
def get_candidates(shift_id: UUID, app: App, views: Views, reach: Reachable, request: Request, now: Now = None,
                   everyone: Annotated[bool, Query(alias="all", description="also list who cannot take it, and why")]
                   = False, limit: Limit = 100, offset: Offset = 0) -> CandidatesPage:
    """Who can take the shift now (rules of the grid's mode, the same code as the assignment), nearest first
    (same grid, community, street, elsewhere), then fewest hours worked in the incident, then fewest hours booked
    ahead; people of the caller's scope.
    Those who need an override of a wartime limit come after those who need none, `needs_override` naming the
    rules; assign with `POST /api/shifts/{id}/assignments`. The reasons and refusals are in Chinese when the request
    asks for it (`Accept-Language: zh-CN`)."""
    reach.require(shift_id, what="shift")
    shift = app.load(Shift, shift_id, "shift")
    street = app.ancestry(shift.grid_id)[-1]
    members = [m.person_id for m in pool(views, street.id, shift.skill, shift.end, everyone_in_street=everyone)
               if reach.everything or reach.covers(m.home_grid_id)]
    hours = hours_in_incident(views, shift.incident_id, moment(now))  # `now` also counts the bookings ahead
    chinese = wants_chinese(request)
    rows = [CandidateRow.model_validate(c.as_dict(chinese)) for c in rank(app, shift.id, members, hours,
                                                                           include_refused=everyone, now=moment(now))]
    refusal = blocked(app, shift)
    summary = ShiftSummary(id=shift.id, site_id=shift.site_id, lane=shift.lane, post=shift.post, skill=shift.skill,
                           start=shift.start, end=shift.end, slots=shift.slots, filled=len(shift.people),
                           blocked=RuleRefusal.model_validate(in_language(refusal, chinese)) if refusal else None)
    return CandidatesPage(items=rows[offset:offset + limit], total=len(rows), limit=limit, offset=offset,
                          shift=summary)
