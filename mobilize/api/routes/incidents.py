"""Incidents and drills."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.vocabulary import IncidentKind

router = APIRouter(tags=["incidents"], responses=REFUSALS)


class DeclareIncident(CommandBody):
    model_config = example("three positive cases in Shimaqiao", title="Junhe mass testing drive, round 1",
                            kind="mass_testing_drive", scope_unit_id=ex.STREET, exercise=False, level=2)

    title: str = Field(min_length=1, max_length=200, examples=["Junhe mass testing drive, round 1"])
    kind: IncidentKind
    scope_unit_id: UUID
    exercise: bool = Field(False, description="a drill (演练): never counted with real incidents")
    level: int = Field(1, ge=1, le=4)


class Escalate(CommandBody):
    model_config = example("cases found in a second community", level=3)

    level: int = Field(ge=1, le=4)


@router.post("/incidents", status_code=201, response_model=Done)
def declare_incident(body: DeclareIncident, app: App, caller: Operator, request: Request) -> Done:
    """Declare an incident (or a drill) over an org unit."""
    return run(app, request, caller, body, body.scope_unit_id, app.declare_incident, body.title, body.kind,
               body.scope_unit_id, exercise=body.exercise, level=body.level)


@router.post("/incidents/{incident_id}/escalate", response_model=Done)
def escalate(incident_id: UUID, body: Escalate, app: App, caller: Operator, request: Request) -> Done:
    """Raise the incident's response level."""
    return run(app, request, caller, body, incident_id, app.escalate_incident, incident_id, body.level)


@router.post("/incidents/{incident_id}/close", response_model=Done)
def close(incident_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """Close the incident and stand down every unit still in war for it; it takes no new work afterwards."""
    return run(app, request, caller, body, incident_id, app.close_incident, incident_id)
