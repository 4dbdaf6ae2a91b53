"""The directory: lists of what exists, filtered, paged and cut to the caller's subtree (for pickers and boards).

A filter or record id that names nothing, or something outside the caller's subtree, is a 404 naming it:
to the caller it does not exist, and an empty list would hide a typo.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from mobilize.api.deps import Moment, Reach, Reachable
from mobilize.api.read_side import Views
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.api.routes.directory_schemas import (
    IncidentRow,
    OrgTree,
    Paged,
    PersonRow,
    ShiftRow,
    SiteRow,
    TaskForceRow,
    Unit,
)
from mobilize.api.routes.views import Limit, Now, moment
from mobilize.domain.base import NotFound
from mobilize.domain.vocabulary import Availability, Post, Role, Skill, TaskForceTier, UnitKind
from mobilize.projections import directory_lists as lists
from mobilize.projections import directory_people, directory_tree
from mobilize.projections.directory_lists import Listing
from mobilize.projections.store import ViewStore

router = APIRouter(tags=["directory"], responses=READ_REFUSALS)

Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="rows to skip")]
Search = Annotated[str | None, Query(max_length=200, description="part of the name (or title), case aside")]


def _scope(reach: Reach) -> str | None:
    return None if reach.everything else str(reach.scope)


def _known(views: ViewStore, reach: Reach, what: str, field: str, record_id: UUID | None) -> str | None:
    """The id as text, or 404 when it names no `what` within the caller's scope."""
    if record_id is None:
        return None
    if not lists.find(views, what, str(record_id), _scope(reach)):
        raise NotFound(f"no {what} with id {record_id} within your scope", field=field, id=str(record_id))
    return str(record_id)


def _one(listing: Listing, what: str, record_id: UUID) -> dict:
    if not listing.items:
        raise NotFound(f"no {what} with id {record_id} within your scope", id=str(record_id))
    return listing.items[0]


@router.get("/org-tree", response_model=OrgTree)
def get_org_tree(views: Views, reach: Reachable, under: UUID | None = None) -> OrgTree:
    """The org tree with each unit's mode and leaders, from the caller's scope unit (or `under`) down."""
    root = _known(views, reach, "unit", "under", under) or _scope(reach)
    return OrgTree.model_validate({"roots": directory_tree.org_tree(views, root)})


@router.get("/org-units", response_model=Paged[Unit])
def list_org_units(views: Views, reach: Reachable, kind: UnitKind | None = None,
                   mode: Literal["peace", "war"] | None = None, under: UUID | None = None, q: Search = None,
                   limit: Limit = 100, offset: Offset = 0) -> Paged[Unit]:
    """Org units top down, with depth, path, mode and leaders; filtered by kind, mode, subtree and name."""
    root = _known(views, reach, "unit", "under", under) or _scope(reach)
    rows = [unit for unit in directory_tree.units(views, root)
            if (kind is None or unit["kind"] == str(kind)) and (mode is None or unit["mode"] == mode)
            and (not q or q.lower() in unit["name"].lower())]
    return Paged[Unit].model_validate({"items": rows[offset:offset + limit], "total": len(rows), "limit": limit,
                                       "offset": offset})


@router.get("/incidents", response_model=Paged[IncidentRow])
def list_incidents(views: Views, reach: Reachable, state: Literal["open", "closed"] | None = None,
                   exercise: bool | None = None, q: Search = None, limit: Limit = 100,
                   offset: Offset = 0) -> Paged[IncidentRow]:
    """Incidents and drills, latest first: those over the caller's subtree or above it."""
    listing = lists.incidents(views, _scope(reach), state=state, exercise=exercise, q=q, limit=limit, offset=offset)
    return _paged(IncidentRow, listing, limit, offset)


@router.get("/incidents/{incident_id}", response_model=IncidentRow)
def get_incident(incident_id: UUID, views: Views, reach: Reachable) -> IncidentRow:
    """One incident or drill."""
    return IncidentRow.model_validate(_one(lists.incidents(views, _scope(reach), incident_id=str(incident_id)),
                                           "incident", incident_id))


@router.get("/sites", response_model=Paged[SiteRow])
def list_sites(views: Views, reach: Reachable, incident: UUID | None = None, grid: UUID | None = None,
               state: Literal["planned", "open", "paused", "closed"] | None = None, q: Search = None,
               limit: Limit = 100, offset: Offset = 0) -> Paged[SiteRow]:
    """Testing sites by name, with posts, commander, proposed commander and tallies (sites in the caller's subtree)."""
    listing = lists.sites(views, _scope(reach), incident_id=_known(views, reach, "incident", "incident", incident),
                          grid_id=_known(views, reach, "grid", "grid", grid), state=state, q=q, limit=limit,
                          offset=offset)
    return _paged(SiteRow, listing, limit, offset)


@router.get("/sites/{site_id}", response_model=SiteRow)
def get_site(site_id: UUID, views: Views, reach: Reachable) -> SiteRow:
    """One testing site."""
    return SiteRow.model_validate(_one(lists.sites(views, _scope(reach), site_id=str(site_id)), "site", site_id))


@router.get("/shifts", response_model=Paged[ShiftRow])
def list_shifts(views: Views, reach: Reachable, site: UUID | None = None, incident: UUID | None = None,
                post: Post | None = None, lane: Annotated[int | None, Query(ge=1, le=50)] = None,
                start: Annotated[Moment | None, Query(alias="from", description="overlapping from")] = None,
                end: Annotated[Moment | None, Query(alias="to", description="overlapping until")] = None,
                state: Literal["upcoming", "running", "ended"] | None = None,
                short: Annotated[bool | None, Query(description="true: fewer people than slots")] = None,
                now: Now = None, limit: Limit = 100, offset: Offset = 0) -> Paged[ShiftRow]:
    """Shifts in start order with their people; by site, incident, post, lane, window, state (as of `now`), short."""
    if start is not None and end is not None and end <= start:
        raise HTTPException(status_code=422, detail="to: must be later than from")
    listing = lists.shifts(views, moment(now), _scope(reach), site_id=_known(views, reach, "site", "site", site),
                           incident_id=_known(views, reach, "incident", "incident", incident), post=_word(post),
                           lane=lane, start=start, end=end, state=state, short=short, limit=limit, offset=offset)
    return _paged(ShiftRow, listing, limit, offset)


@router.get("/shifts/{shift_id}", response_model=ShiftRow)
def get_shift(shift_id: UUID, views: Views, reach: Reachable, now: Now = None) -> ShiftRow:
    """One shift with its people."""
    return ShiftRow.model_validate(_one(lists.shifts(views, moment(now), _scope(reach), shift_id=str(shift_id)),
                                        "shift", shift_id))


@router.get("/people", response_model=Paged[PersonRow])
def list_people(views: Views, reach: Reachable, q: Search = None, grid: UUID | None = None, under: UUID | None = None,
                role: Role | None = None, skill: Skill | None = None,
                valid_at: Annotated[Moment | None, Query(description="qualification valid at (default: now)")] = None,
                availability: Availability | None = None,
                activity: Literal["free", "on_shift", "on_dispatch", "resting"] | None = None, now: Now = None,
                limit: Limit = 100, offset: Offset = 0) -> Paged[PersonRow]:
    """People by name (home grid in the caller's subtree), with qualifications and activity; no phone, no ID number."""
    listing = directory_people.people(
        views, moment(now), _scope(reach), q=q, grid_id=_known(views, reach, "grid", "grid", grid),
        under=_known(views, reach, "unit", "under", under), role=_word(role), skill=_word(skill), valid_at=valid_at,
        availability=_word(availability), activity=activity, limit=limit, offset=offset)
    return _paged(PersonRow, listing, limit, offset)


@router.get("/task-forces", response_model=Paged[TaskForceRow])
def list_task_forces(views: Views, reach: Reachable, unit: UUID | None = None, tier: TaskForceTier | None = None,
                     q: Search = None, state: Literal["ready", "dispatched", "disbanded"] | None = None,
                     limit: Limit = 100, offset: Offset = 0) -> Paged[TaskForceRow]:
    """Task forces by name, with members, temporary branch and live dispatch (formed in the caller's subtree)."""
    listing = directory_people.task_forces(views, _scope(reach), unit_id=_known(views, reach, "unit", "unit", unit),
                                           tier=_word(tier), q=q, state=state, limit=limit, offset=offset)
    return _paged(TaskForceRow, listing, limit, offset)


@router.get("/task-forces/{task_force_id}", response_model=TaskForceRow)
def get_task_force(task_force_id: UUID, views: Views, reach: Reachable) -> TaskForceRow:
    """One task force."""
    return TaskForceRow.model_validate(_one(directory_people.task_forces(
        views, _scope(reach), task_force_id=str(task_force_id)), "task force", task_force_id))


def _paged(model: type, listing: Listing, limit: int, offset: int) -> Paged:
    return Paged[model].model_validate(  # type: ignore[valid-type]
        {"items": listing.items, "total": listing.total, "limit": limit, "offset": offset})



def _word(word: str | None) -> str | None:
    """A vocabulary's word as plain text (a database driver may not take an enum)."""
    return None if word is None else str(word)
