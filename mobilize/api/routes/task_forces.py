"""Task forces, their members and temporary party branches."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.vocabulary import TaskForceTier

router = APIRouter(tags=["task forces"], responses=REFUSALS)


class FormTaskForce(CommandBody):
    model_config = example("1+1+5+N: the street's own team", name="Junhe Party–Mass Emergency Task Force",
                            tier="street", unit_id=ex.STREET, leader_id=ex.LEADER, flag="Flag No. 1")

    name: str = Field(min_length=1, max_length=200, examples=["Junhe Party–Mass Emergency Task Force"])
    tier: TaskForceTier
    unit_id: UUID
    leader_id: UUID
    flag: str = Field(min_length=1, max_length=100, examples=["Flag No. 1"])


class Member(CommandBody):
    model_config = example("volunteered at the call-up", person_id=ex.PERSON)

    person_id: UUID


class SetUpBranch(CommandBody):
    model_config = example("guarding the quarantine hotel for three weeks",
                            branch_name="Quarantine Hotel Temporary Party Branch", secretary_id=ex.LEADER)

    branch_name: str = Field(min_length=1, max_length=200)
    secretary_id: UUID


@router.post("/task-forces", status_code=201, response_model=Done)
def form_task_force(body: FormTaskForce, app: App, caller: Operator, request: Request) -> Done:
    """Form a task force under an org unit, with its leader and flag."""
    return run(app, request, caller, body, (body.unit_id, body.leader_id), app.form_task_force, body.name, body.tier,
               body.unit_id, body.leader_id, body.flag)


@router.post("/task-forces/{task_force_id}/members", response_model=Done)
def enlist(task_force_id: UUID, body: Member, app: App, caller: Operator, request: Request) -> Done:
    """A person joins the task force."""
    return run(app, request, caller, body, (task_force_id, body.person_id), app.enlist, task_force_id, body.person_id)


@router.post("/task-forces/{task_force_id}/members/leave", response_model=Done)
def discharge(task_force_id: UUID, body: Member, app: App, caller: Operator, request: Request) -> Done:
    """A person leaves the task force."""
    return run(app, request, caller, body, task_force_id, app.discharge, task_force_id, body.person_id)


@router.post("/task-forces/{task_force_id}/branch", response_model=Done)
def set_up_branch(task_force_id: UUID, body: SetUpBranch, app: App, caller: Operator, request: Request) -> Done:
    """Build a temporary party branch (临时党支部) on the task force."""
    return run(app, request, caller, body, task_force_id, app.set_up_temporary_branch, task_force_id,
               body.branch_name, body.secretary_id)


@router.post("/task-forces/{task_force_id}/branch/dissolve", response_model=Done)
def dissolve_branch(task_force_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """Dissolve the task force's temporary branch."""
    return run(app, request, caller, body, task_force_id, app.dissolve_temporary_branch, task_force_id)


@router.post("/task-forces/{task_force_id}/disband", response_model=Done)
def disband(task_force_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """Stand the task force down for good."""
    return run(app, request, caller, body, task_force_id, app.disband_task_force, task_force_id)
