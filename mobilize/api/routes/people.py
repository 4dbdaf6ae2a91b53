"""People: registration, qualifications, availability."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Moment, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.vocabulary import Availability, Role, Skill

router = APIRouter(tags=["people"], responses=REFUSALS)



class RegisterPerson(CommandBody):
    model_config = example("dual-registered with the community", name="Chen Jing",
                            roles=["dual_registered_party_member", "volunteer"], home_grid_id=ex.GRID,
                            home_unit="Baiyun District Health Bureau", phone="+86 138 0000 0000",
                            id_number="440111199001010000",
                            qualifications={"sampler": "2026-12-31T23:59:59+08:00"}, legal_basis="emergency",
                            basis_incident_id=ex.INCIDENT)

    name: str = Field(min_length=1, max_length=200, examples=["Chen Jing"])
    roles: list[Role] = Field(min_length=1, max_length=8)
    home_grid_id: UUID
    home_unit: str | None = Field(None, max_length=200, description="a dual-registered member's employer")
    phone: str | None = Field(None, max_length=40)
    id_number: str | None = Field(None, max_length=40)
    qualifications: dict[Skill, Moment] = Field(default_factory=dict, description="skill → valid until")
    legal_basis: Literal["emergency", "consent", "duty"] | None = Field(
        None, description="why the personal data is processed (PIPL Art. 13); default duty")
    basis_incident_id: UUID | None = Field(None, description="the incident an emergency basis serves")


class Certify(CommandBody):
    model_config = example("passed the district sampling course", skill="sampler",
                            valid_until="2026-12-31T23:59:59+08:00")

    skill: Skill
    valid_until: Moment


class Revoke(CommandBody):
    model_config = example("certificate withdrawn by the district health bureau", skill="sampler")

    skill: Skill


class SetAvailability(CommandBody):
    model_config = example("sick leave until Friday", availability="on_leave")

    availability: Availability


@router.post("/people", status_code=201, response_model=Done)
def register_person(body: RegisterPerson, app: App, caller: Operator, request: Request) -> Done:
    """Register a person in their home grid, with the qualifications they hold."""
    return run(app, request, caller, body, body.home_grid_id, app.register_person, body.name, list(body.roles),
               body.home_grid_id, home_unit=body.home_unit, phone=body.phone, id_number=body.id_number,
               qualifications=dict(body.qualifications), legal_basis=body.legal_basis,
               basis_incident_id=body.basis_incident_id, follows=(body.basis_incident_id,))


@router.post("/people/{person_id}/qualifications", response_model=Done)
def certify(person_id: UUID, body: Certify, app: App, caller: Operator, request: Request) -> Done:
    """Record or renew a qualification."""
    return run(app, request, caller, body, person_id, app.certify, person_id, body.skill, body.valid_until)


@router.post("/people/{person_id}/qualifications/revoke", response_model=Done)
def revoke_qualification(person_id: UUID, body: Revoke, app: App, caller: Operator, request: Request) -> Done:
    """Withdraw a qualification."""
    return run(app, request, caller, body, person_id, app.revoke_qualification, person_id, body.skill)


@router.post("/people/{person_id}/availability", response_model=Done)
def set_availability(person_id: UUID, body: SetAvailability, app: App, caller: Operator, request: Request) -> Done:
    """Mark a person available, on leave or out of service."""
    return run(app, request, caller, body, person_id, app.set_availability, person_id, body.availability)
