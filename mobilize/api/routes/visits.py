"""The grid action day (网格行动日): households, the day's visit plan, visits.

Scope: the plan commits its visitors, so they lie in the caller's subtree (a community plans a visitor of one
grid into another); a visit records who went, and a visitor from another grid is the domain's to allow, on the
plan or on an order (`outside_grid_order`), so a visit's visitors are not held to the caller's subtree.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.vocabulary import CareFlag, VisitKind, VisitOutcome

router = APIRouter(tags=["action day"], responses=REFUSALS)


class RegisterHousehold(CommandBody):
    model_config = example("door-to-door register of building 7", grid_id=ex.GRID,
                           address="7-302 Shimaqiao Road", building_id=ex.BUILDING, care_flags=["elderly_alone"])

    grid_id: UUID
    address: str = Field(min_length=1, max_length=300, examples=["7-302 Shimaqiao Road"])
    building_id: UUID | None = None
    care_flags: list[CareFlag] = Field(default_factory=list, max_length=4,
                                       description="personal data: shown only to those entitled to it")


class CareFlags(CommandBody):
    model_config = example("her husband passed away; she now lives alone on a low income",
                           care_flags=["elderly_alone", "low_income"])

    care_flags: list[CareFlag] = Field(max_length=4)


class PlanVisits(CommandBody):
    model_config = example("Monday's action day: every elderly-alone household once a week", grid_id=ex.GRID,
                           day="2026-03-02", household_id=ex.HOUSEHOLD, visitor_ids=[ex.PERSON, ex.VISITOR],
                           theme="visiting residents")

    grid_id: UUID
    day: date = Field(examples=["2026-03-02"], description="the action day (a Monday in Junhe)")
    household_id: UUID
    visitor_ids: list[UUID] = Field(min_length=1, max_length=20)
    theme: str = Field("", max_length=200, examples=["visiting residents"])


class RecordVisit(CommandBody):
    model_config = example("the action day's planned visit", grid_id=ex.GRID, kind="scheduled",
                           visitor_ids=[ex.PERSON, ex.VISITOR], outcome="met", household_id=ex.HOUSEHOLD,
                           day="2026-03-02", observations="stairwell light on the 3rd floor broken; she is well",
                           follow_up="ask the property company to fix the light by Wednesday",
                           outside_grid_order="covering Grid 2's visitor on leave; ordered by the community secretary")

    grid_id: UUID
    kind: VisitKind
    visitor_ids: list[UUID] = Field(min_length=1, max_length=20)
    outcome: VisitOutcome
    household_id: UUID | None = Field(None, description="none only for a walk-in")
    day: date | None = Field(None, description="the action day whose plan a scheduled visit follows")
    observations: str = Field("", max_length=2000)
    follow_up: str | None = Field(None, max_length=2000)
    outside_grid_order: str | None = Field(None, max_length=2000,
                                           description="who ordered a visitor from another grid here, and why")


@router.post("/households", status_code=201, response_model=Done)
def register_household(body: RegisterHousehold, app: App, caller: Operator, request: Request) -> Done:
    """Register a household of a grid, with the care flags its visits must know."""
    return run(app, request, caller, body, _given(body.grid_id, body.building_id), app.register_household, body.grid_id,
               body.address, building_id=body.building_id, care_flags=list(body.care_flags))


@router.post("/households/{household_id}/care-flags", response_model=Done)
def flag_household(household_id: UUID, body: CareFlags, app: App, caller: Operator, request: Request) -> Done:
    """Replace a household's care flags."""
    return run(app, request, caller, body, household_id, app.flag_household, household_id, list(body.care_flags))


@router.post("/visit-plans", response_model=Done)
def plan_visits(body: PlanVisits, app: App, caller: Operator, request: Request) -> Done:
    """Plan who visits a household on a grid's action day; answers the day's plan."""
    return run(app, request, caller, body, (body.grid_id, body.household_id, *body.visitor_ids), app.plan_visits,
               body.grid_id, body.day, body.household_id, body.visitor_ids, theme=body.theme)


@router.post("/visits", status_code=201, response_model=Done)
def record_visit(body: RecordVisit, app: App, caller: Operator, request: Request) -> Done:
    """Record a visit (定时走访, 适时下访) or a resident received (随时接访)."""
    return run(app, request, caller, body, _given(body.grid_id, body.household_id), app.record_visit, body.grid_id,
               body.kind, body.visitor_ids, body.outcome, household_id=body.household_id, day=body.day,
               observations=body.observations, follow_up=body.follow_up, outside_grid_order=body.outside_grid_order)


def _given(*record_ids: UUID | None) -> tuple[UUID, ...]:
    """The records named, without the optional ones left out (an absent record is no scope to check)."""
    return tuple(r for r in record_ids if r is not None)
