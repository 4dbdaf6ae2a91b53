"""Reads: every view, filtered and paged, live or `as_of` a log position or recorded time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from mobilize.api.deps import App, Moment, Reachable, Trusted
from mobilize.api.read_side import Later, ReplayableViews, Views
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.application import Mobilize
from mobilize.log.codec import iso
from mobilize.privacy.seal import Opener
from mobilize.projections import audit, duty_hours, gaps, readiness, roster
from mobilize.projections.replay import LIVE, BadMoment, Reading, reading, replay_reading
from mobilize.projections.store import ViewStore

router = APIRouter(tags=["views"], responses=READ_REFUSALS)

Now = Annotated[Moment | None, Query(description="the moment the view is read at (default: now)")]
AsOf = Annotated[str | None, Query(description="as known at: replay the events recorded by a log position (e.g. 9000) "
                                               "or an ISO time first", examples=["9000", "2026-03-02T10:00:00+08:00"])]
AsHappened = Annotated[Moment | None, Query(description="as happened by: replay the events that occurred by this "
                                                        "time, late-recorded ones included")]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]


class Page(BaseModel):
    """One page of a view's rows."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    as_of_position: int | None = None
    reading: dict[str, Any] | None = Field(default=None, description="which moment the rows show and in which meaning "
                                                             "(live, as_known, as_happened), and when they are read")


def page(app: Mobilize, views: ViewStore, projection: str, as_of: str | None, limit: int, offset: int,
         read: Callable[[ViewStore, datetime], list[dict[str, Any]]], now: datetime | None = None,
         as_happened: datetime | None = None) -> Page:
    """Read rows live, or from a replay of the log as known at `as_of` or as happened by `as_happened`, and cut
    one page. The reading moment defaults as on the command line (`mobilize.projections.replay.reading`)."""
    if as_of is None and as_happened is None:
        when = Reading(LIVE, app.recorder.max_notification_id() or 0, now or datetime.now(UTC))
        rows = read(views, when.now)
    else:
        assert isinstance(views, Later), "a replayed read gets no read side (read_views)"
        try:
            with views.sides.lease() as live:  # a read side only to map a recorded time to a position
                when = reading(app, live, as_of=as_of, as_happened=as_happened, now=now)
        except BadMoment as error:
            raise HTTPException(status_code=422, detail=str(error)) from None
        with views.sides.replaying():
            rows = read(replay_reading(app, projection, when), when.now)
    return Page(items=rows[offset:offset + limit], total=len(rows), limit=limit, offset=offset,
                as_of_position=None if when.meaning == LIVE else when.position, reading=when.as_dict())


def moment(now: datetime | None) -> datetime:
    """The reading moment (a `Moment`, checked on the way in), or now."""
    return now or datetime.now(UTC)


@router.get("/roster", response_model=Page)
def get_roster(app: App, views: ReplayableViews, reach: Reachable, site: UUID | None = None, grid: UUID | None = None,
               incident: UUID | None = None, task_force: UUID | None = None, now: Now = None, as_of: AsOf = None,
               as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Who is at which post now, in which role, since when (ICS 203/204); within the caller's scope."""
    reach.require(site, grid, incident, task_force)
    return page(app, views, "roster", as_of, limit, offset, lambda v, at: reach.rows(roster.on_duty(
        v, at, site_id=_s(site), grid_id=_s(grid), incident_id=_s(incident), task_force_id=_s(task_force)),
        "grid_id"), now=now, as_happened=as_happened)


@router.get("/dispatches", response_model=Page)
def get_dispatches(app: App, views: ReplayableViews, reach: Reachable, incident: UUID | None = None,
                   as_of: AsOf = None, as_happened: AsHappened = None, limit: Limit = 100,
                   offset: Offset = 0) -> Page:
    """Every live dispatch and its state, to a site or incident within the caller's scope."""
    reach.require(incident)
    return page(app, views, "roster", as_of, limit, offset,
                lambda v, at: reach.rows(roster.dispatched(v, incident_id=_s(incident)), "site_id", "incident_id"),
                now=None, as_happened=as_happened)


@router.get("/resting", response_model=Page)
def get_resting(app: App, views: ReplayableViews, reach: Reachable, now: Now = None, as_of: AsOf = None,
                as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Who rests after a wartime shift, and until when (people of the caller's scope)."""
    return page(app, views, "roster", as_of, limit, offset, lambda v, at: reach.rows(roster.resting(v, at),
                "person_id"), now=now, as_happened=as_happened)


@router.get("/gaps", response_model=Page)
def get_gaps(app: App, views: ReplayableViews, reach: Reachable, incident: UUID | None = None, now: Now = None,
             hours: Annotated[float, Query(gt=0, le=72)] = 12, as_of: AsOf = None,
             as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Required / have / need per site post, now and for the next hours (ICS 215); sites in the caller's scope."""
    reach.require(incident)
    return page(app, views, "staffing_gaps", as_of, limit, offset, lambda v, at: reach.rows(
        gaps.post_gaps(v, at, timedelta(hours=hours), incident_id=_s(incident)), "site_id"),
                now=now, as_happened=as_happened)


@router.get("/gaps/incidents", response_model=Page)
def get_incident_gaps(app: App, views: ReplayableViews, reach: Reachable, now: Now = None,
                      hours: Annotated[float, Query(gt=0, le=72)] = 12, as_of: AsOf = None,
                      as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Required / have / need per incident, over the sites in the caller's scope."""
    return page(app, views, "staffing_gaps", as_of, limit, offset, lambda v, at: gaps.incident_gaps(
        v, at, timedelta(hours=hours), keep=None if reach.everything else lambda rows: reach.rows(rows, "site_id")),
                now=now, as_happened=as_happened)


@router.get("/readiness", response_model=Page)
def get_readiness(app: App, views: ReplayableViews, reach: Reachable, unit: UUID | None = None, now: Now = None,
                  as_of: AsOf = None, as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Each unit's mode, people available by skill, task forces ready (units of the caller's scope)."""
    reach.require(unit)
    return page(app, views, "readiness", as_of, limit, offset,
                lambda v, at: reach.rows(readiness.board(v, at, unit_id=unit), "unit_id"),
                now=now, as_happened=as_happened)


@router.get("/drill-times", response_model=Page)
def get_drill_times(app: App, views: ReplayableViews, reach: Reachable, incident: UUID | None = None,
                    as_of: AsOf = None, as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Drill mobilization times: call-up to muster, per task force (of the caller's scope)."""
    reach.require(incident)
    return page(app, views, "readiness", as_of, limit, offset,
                lambda v, at: reach.rows(readiness.mobilization_times(v, incident_id=incident), "task_force_id"),
                now=None, as_happened=as_happened)


@router.get("/duty-hours", response_model=Page)
def get_duty_hours(app: App, views: ReplayableViews, reach: Reachable, person: UUID | None = None,
                   incident: UUID | None = None, now: Now = None, as_of: AsOf = None,
                   as_happened: AsHappened = None, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Hours on duty per person, day (China Standard Time) and incident, with the rest taken (caller's people)."""
    reach.require(person, incident)
    return page(app, views, "duty_hours", as_of, limit, offset, lambda v, at: reach.rows(
        duty_hours.hours(v, at, person_id=person, incident_id=incident), "person_id"),
                now=now, as_happened=as_happened)


@router.get("/overrides", response_model=Page)
def get_overrides(app: App, views: ReplayableViews, reach: Reachable, person: UUID | None = None,
                  incident: UUID | None = None, as_of: AsOf = None, as_happened: AsHappened = None,
                  limit: Limit = 100, offset: Offset = 0) -> Page:
    """Every wartime rest or shift-length override, with its written reason and who gave it (caller's people)."""
    reach.require(person, incident)
    return page(app, views, "duty_hours", as_of, limit, offset, lambda v, at: reach.rows(
        duty_hours.overrides(v, person_id=person, incident_id=incident), "person_id"),
                now=None, as_happened=as_happened)


@router.get("/audit", response_model=Page)
def get_audit(app: App, views: Views, caller: Trusted, reach: Reachable, incident: UUID | None = None,
              person: UUID | None = None, since: Moment | None = None, until: Moment | None = None,
              limit: Limit = 100, offset: Offset = 0) -> Page:
    """The audit trail (ICS 214): every event with who, on whose order, why and when (auditors; operators: the
    events of records in their scope)."""
    reach.require(incident, person)
    rows = reach.rows(audit.trail(views, incident_id=_s(incident), person_id=_s(person),
                                  since=iso(moment(since)) if since else None,
                                  until=iso(moment(until)) if until else None, shown=False), "aggregate_id")
    # personal fields are opened for the page alone: the whole trail would cost a key look-up per sealed field
    shown = audit.show(rows[offset:offset + limit], Opener(app.keyring))
    return Page(items=shown, total=len(rows), limit=limit, offset=offset)


def _s(value: UUID | None) -> str | None:
    return None if value is None else str(value)
