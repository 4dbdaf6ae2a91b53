"""What the grid resolves: residents' requests (诉求), hazards (隐患), small wishes (微心愿).

Scope: a person a command puts in charge or commits (an assignee, whoever must rectify, a claiming member) lies
in the caller's subtree; a person a command records as having done something (finder, rectifier, verifier,
resolver) lies in or above it. A request once escalated is the handling unit's to change, no longer the grid's.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Moment, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.application import Mobilize
from mobilize.domain.base import NotFound
from mobilize.domain.vocabulary import HazardKind, RequestCategory

router = APIRouter(tags=["grid matters"], responses=REFUSALS)


class RegisterRequest(CommandBody):
    model_config = example("raised on Monday's visit", visit_id=ex.VISIT, category="elderly_care",
                           summary="needs a hand rail in the bathroom; lives alone on the 3rd floor",
                           due_at="2026-03-09T18:00:00+08:00")

    visit_id: UUID = Field(description="the visit or walk-in it was raised on")
    category: RequestCategory
    summary: str = Field(min_length=1, max_length=2000)
    due_at: Moment


class Person(CommandBody):
    model_config = example("the grid worker who visited her", person_id=ex.PERSON)

    person_id: UUID


class Escalate(CommandBody):
    model_config = example("the rail needs the community's renovation fund", due_at="2026-03-16T18:00:00+08:00")

    due_at: Moment | None = Field(None, description="a new due time at the level above (default: unchanged)")


class Resolve(CommandBody):
    model_config = example("the rail is fitted", resolver_id=ex.PERSON,
                           resolution="rail fitted on 5 March by the community's handyman; she tried it")

    resolver_id: UUID | None = Field(None, description="who resolved it (required: never nobody)")
    resolution: str = Field(max_length=2000)


class ReportHazard(CommandBody):
    model_config = example("found on the weekly sweep", grid_id=ex.GRID, kind="electrical",
                           location="7 Shimaqiao Road, bicycle shed", finder_id=ex.PERSON,
                           description="e-bikes charged from a cable run through the window")

    grid_id: UUID
    kind: HazardKind
    location: str = Field(min_length=1, max_length=300)
    finder_id: UUID
    description: str = Field("", max_length=2000)


class OrderRectification(CommandBody):
    model_config = example("the owner must take the cable down", responsible_id=ex.LEADER,
                           deadline="2026-03-05T18:00:00+08:00")

    responsible_id: UUID
    deadline: Moment


class Rectified(CommandBody):
    model_config = example("the cable is gone", rectifier_id=ex.LEADER,
                           note="cable removed; two charging posts ordered for the shed")

    rectifier_id: UUID
    note: str = Field("", max_length=2000)


class Verification(CommandBody):
    model_config = example("checked on site", verifier_id=ex.PERSON, passed=True)

    verifier_id: UUID
    passed: bool = True


class RegisterWish(CommandBody):
    model_config = example("heard on Monday's visit", grid_id=ex.GRID, wish="a reading lamp for her grandson",
                           household_id=ex.HOUSEHOLD)

    grid_id: UUID
    wish: str = Field(min_length=1, max_length=500)
    household_id: UUID | None = None


class Claim(CommandBody):
    model_config = example("a member of the grid's party branch takes it on", member_id=ex.PERSON, unit="")

    member_id: UUID | None = None
    unit: str | None = Field(None, max_length=200, description="a co-building unit (共建单位), if not a member "
                                                               "(blank when a member claims it)")


class Fulfil(CommandBody):
    model_config = example("the lamp is delivered", note="delivered on 4 March; the boy reads by it")

    note: str = Field("", max_length=2000)


@router.post("/resident-requests", status_code=201, response_model=Done)
def register_request(body: RegisterRequest, app: App, caller: Operator, request: Request) -> Done:
    """Register a resident's request raised on a visit or a walk-in."""
    return run(app, request, caller, body, body.visit_id, app.register_request, body.visit_id, body.category,
               body.summary, body.due_at)


@router.post("/resident-requests/{request_id}/assign", response_model=Done)
def assign_request(request_id: UUID, body: Person, app: App, caller: Operator, request: Request) -> Done:
    """Put a person in charge of the request."""
    return run(app, request, caller, body, (_handling(app, request_id), body.person_id), app.assign_request,
               request_id, body.person_id)


@router.post("/resident-requests/{request_id}/escalate", response_model=Done)
def escalate_request(request_id: UUID, body: Escalate, app: App, caller: Operator, request: Request) -> Done:
    """Hand the request up one level (grid → community → street); `reason` is required."""
    return run(app, request, caller, body, _handling(app, request_id), app.escalate_request, request_id,
               body.due_at)


@router.post("/resident-requests/{request_id}/resolve", response_model=Done)
def resolve_request(request_id: UUID, body: Resolve, app: App, caller: Operator, request: Request) -> Done:
    """Resolve the request: who resolved it, and how."""
    return run(app, request, caller, body, _handling(app, request_id), app.resolve_request, request_id,
               body.resolver_id, body.resolution, follows=(body.resolver_id,))


@router.post("/hazards", status_code=201, response_model=Done)
def report_hazard(body: ReportHazard, app: App, caller: Operator, request: Request) -> Done:
    """Record a hazard found in a sweep."""
    return run(app, request, caller, body, body.grid_id, app.report_hazard, body.grid_id, body.kind, body.location,
               body.finder_id, description=body.description, follows=(body.finder_id,))


@router.post("/hazards/{hazard_id}/rectification-order", response_model=Done)
def order_rectification(hazard_id: UUID, body: OrderRectification, app: App, caller: Operator,
                        request: Request) -> Done:
    """Order the hazard rectified: who is responsible, by when."""
    return run(app, request, caller, body, (hazard_id, body.responsible_id), app.order_rectification, hazard_id,
               body.responsible_id, body.deadline)


@router.post("/hazards/{hazard_id}/rectified", response_model=Done)
def rectify_hazard(hazard_id: UUID, body: Rectified, app: App, caller: Operator, request: Request) -> Done:
    """Record the hazard put right, and by whom."""
    return run(app, request, caller, body, hazard_id, app.rectify_hazard, hazard_id, body.rectifier_id, body.note,
               follows=(body.rectifier_id,))


@router.post("/hazards/{hazard_id}/verification", response_model=Done)
def verify_hazard(hazard_id: UUID, body: Verification, app: App, caller: Operator, request: Request) -> Done:
    """Check the rectification (not by the rectifier); a failed check orders it again."""
    return run(app, request, caller, body, hazard_id, app.verify_hazard, hazard_id, body.verifier_id, body.passed,
               follows=(body.verifier_id,))


@router.post("/wishes", status_code=201, response_model=Done)
def register_wish(body: RegisterWish, app: App, caller: Operator, request: Request) -> Done:
    """Register a resident's small wish."""
    return run(app, request, caller, body, _given(body.grid_id, body.household_id), app.register_wish, body.grid_id,
               body.wish, household_id=body.household_id)


@router.post("/wishes/{wish_id}/claim", response_model=Done)
def claim_wish(wish_id: UUID, body: Claim, app: App, caller: Operator, request: Request) -> Done:
    """A member or a co-building unit claims the wish."""
    return run(app, request, caller, body, _given(wish_id, body.member_id), app.claim_wish, wish_id,
               member_id=body.member_id, unit=body.unit)


@router.post("/wishes/{wish_id}/fulfil", response_model=Done)
def fulfil_wish(wish_id: UUID, body: Fulfil, app: App, caller: Operator, request: Request) -> Done:
    """Record the wish fulfilled by its claimant."""
    return run(app, request, caller, body, wish_id, app.fulfil_wish, wish_id, body.note)


def _given(*record_ids: UUID | None) -> tuple[UUID, ...]:
    """The records named, without the optional ones left out (an absent record is no scope to check)."""
    return tuple(r for r in record_ids if r is not None)


def _handling(app: Mobilize, request_id: UUID) -> UUID:
    """The unit handling the request now, whose scope a command on it needs (the request's id if there is none:
    the command then answers 404 in its own words)."""
    try:
        return app.handling_unit(request_id)
    except NotFound:
        return request_id
