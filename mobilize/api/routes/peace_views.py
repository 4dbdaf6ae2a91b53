"""Reads of the peace half: the action day report, requests and escalations, hazards, resolved-in-grid rates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from mobilize.api.deps import App, Caller, Reachable
from mobilize.api.read_side import ReplayableViews
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.api.routes.views import AsOf, Limit, Now, Offset, Page, moment, page
from mobilize.projections import peace_reports
from mobilize.projections.peace import week_of
from mobilize.projections.store import ViewStore

router = APIRouter(tags=["views"], responses=READ_REFUSALS)

Week = Annotated[str | None, Query(description="an ISO week (2026-W09) or any day of it (default: this week, "
                                               "China Standard Time)", examples=["2026-W09", "2026-02-23"])]
WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


def week_named(week: str | None, now: Now) -> str:
    """The ISO week asked for, or 422 naming the parameter."""
    if week is None:
        return week_of(moment(now))
    if WEEK.match(week):
        return week
    try:
        return week_of(date.fromisoformat(week))
    except ValueError:
        raise HTTPException(status_code=422, detail=f"week: {week!r} is neither an ISO week like 2026-W09 "
                                                    "nor a day like 2026-02-23") from None


@router.get("/action-day", response_model=Page)
def get_action_day(app: App, views: ReplayableViews, reach: Reachable, week: Week = None, now: Now = None,
                   as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Per grid and week: households visited against plan, requests opened/resolved/escalated, hazards, wishes."""
    asked = week_named(week, now)
    return page(app, views, "peace", as_of, limit, offset,
                lambda v, _at: reach.rows(peace_reports.action_day(v, asked), "grid_id"))


@router.get("/resident-requests", response_model=Page)
def get_requests(app: App, views: ReplayableViews, reach: Reachable, overdue: bool = False, now: Now = None,
                 as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Open residents' requests (or only the overdue), most overdue first, of the caller's grids."""
    return page(app, views, "peace", as_of, limit, offset,
                lambda v, at: reach.rows(peace_reports.requests(v, at, overdue_only=overdue), "grid_id"), now=now)


@router.get("/escalations", response_model=Page)
def get_escalations(app: App, views: ReplayableViews, reach: Reachable, caller: Caller, week: Week = None,
                    as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Which requests left the grid, to which unit, by whom and why (a viewer is not shown the why)."""
    asked = week_named(week, None) if week else None

    def read(v: ViewStore, _at: datetime) -> list[dict[str, Any]]:
        rows = reach.rows(peace_reports.escalations(v, asked), "grid_id")
        return [{**row, "reason": None} for row in rows] if caller.role == "viewer" else rows

    return page(app, views, "peace", as_of, limit, offset, read)


@router.get("/hazards", response_model=Page)
def get_hazards(app: App, views: ReplayableViews, reach: Reachable, all: bool = False, now: Now = None,  # noqa: A002
                as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """The hazard register: open hazards (or all), who must rectify by when, who did, who verified."""
    return page(app, views, "peace", as_of, limit, offset,
                lambda v, at: reach.rows(peace_reports.hazards(v, at, open_only=not all), "grid_id"), now=now)


@router.get("/resolved-in-grid", response_model=Page)
def get_resolved_in_grid(app: App, views: ReplayableViews, reach: Reachable, as_of: AsOf = None, limit: Limit = 100,
                         offset: Offset = 0) -> Page:
    """Per grid: requests resolved, how many without leaving the grid (问题不出网格), and that share."""
    return page(app, views, "peace", as_of, limit, offset,
                lambda v, _at: reach.rows(peace_reports.resolved_in_grid(v), "grid_id"))
