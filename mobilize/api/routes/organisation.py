"""Org tree, grid leaders, and switching subtrees between peace and war."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.vocabulary import LeaderSeat, UnitKind

router = APIRouter(tags=["organisation"], responses=REFUSALS)


class EstablishUnit(CommandBody):
    model_config = example("a new grid split off Shimaqiao Grid 1", name="Shimaqiao Grid 3", kind="grid",
                           parent_id=ex.COMMUNITY)

    name: str = Field(min_length=1, max_length=200, examples=["Shimaqiao Grid 3"])
    kind: UnitKind
    parent_id: UUID | None = None


class AppointLeader(CommandBody):
    model_config = example("appointed by the street committee", seat="first_secretary", person_id=ex.LEADER)

    seat: LeaderSeat
    person_id: UUID


class SwitchToWar(CommandBody):
    model_config = example("cluster found: the street goes to war for round 1", incident_id=ex.INCIDENT,
                            working_groups=["coordination", "sampling", "social control"], max_shift_hours=8,
                            min_rest_hours=8)

    incident_id: UUID
    working_groups: list[str] = Field(default_factory=list, max_length=30, examples=[["coordination", "sampling"]])
    max_shift_hours: float = Field(gt=0, le=24, examples=[8])
    min_rest_hours: float = Field(ge=0, le=48, examples=[8])


class StandDown(CommandBody):
    model_config = example("round 1 finished: back to peace", incident_id=ex.INCIDENT)

    incident_id: UUID


class PeacePolicy(CommandBody):
    model_config = example("the community's own limits for the action day", max_shift_hours=10, min_rest_hours=12)

    max_shift_hours: float = Field(gt=0, le=24, examples=[12])
    min_rest_hours: float = Field(ge=0, le=48, examples=[11])


@router.post("/org-units", status_code=201, response_model=Done)
def establish_unit(body: EstablishUnit, app: App, caller: Operator, request: Request) -> Done:
    """Establish a street, community, grid or building under a parent unit."""
    return run(app, request, caller, body, body.parent_id, app.establish_unit, body.name, body.kind, body.parent_id)


@router.post("/org-units/{unit_id}/leaders", response_model=Done)
def appoint_grid_leader(unit_id: UUID, body: AppointLeader, app: App, caller: Operator, request: Request) -> Done:
    """Seat one of a grid's dual leaders (双网格长)."""
    return run(app, request, caller, body, (unit_id, body.person_id), app.appoint_grid_leader, unit_id, body.seat,
               body.person_id)


@router.post("/org-units/{unit_id}/war", response_model=Done)
def switch_to_war(unit_id: UUID, body: SwitchToWar, app: App, caller: Operator, request: Request) -> Done:
    """Switch a unit and its subtree to war for an incident (平战转换)."""
    return run(app, request, caller, body, unit_id, app.switch_to_war, unit_id, body.incident_id,
               body.working_groups, body.max_shift_hours, body.min_rest_hours, follows=(body.incident_id,))


@router.post("/org-units/{unit_id}/stand-down", response_model=Done)
def stand_down(unit_id: UUID, body: StandDown, app: App, caller: Operator, request: Request) -> Done:
    """Return a unit and its subtree to peace for an incident."""
    return run(app, request, caller, body, unit_id, app.stand_down, unit_id, body.incident_id,
               follows=(body.incident_id,))


@router.post("/org-units/{unit_id}/peace-policy", response_model=Done)
def set_peace_policy(unit_id: UUID, body: PeacePolicy, app: App, caller: Operator, request: Request) -> Done:
    """Set the longest shift and shortest rest in peace for a unit's subtree (the strictest along the tree holds)."""
    return run(app, request, caller, body, unit_id, app.set_peace_policy, unit_id, body.max_shift_hours,
               body.min_rest_hours)
