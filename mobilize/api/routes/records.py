"""Single records: a person (identifiers only for auditors and operators) and a unit's mode."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from mobilize.api.deps import App, Caller, Reachable
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.domain.person import PERSONAL_FIELDS, Person
from mobilize.privacy.seal import Opener

router = APIRouter(tags=["records"], responses=READ_REFUSALS)


class PersonOut(BaseModel):
    """A person; `phone`, `id_number` and `home_unit` are withheld from viewer tokens, `[erased]` once erased."""

    id: UUID
    name: str
    roles: list[str]
    home_grid_id: UUID | None
    home_unit: str | None = None
    availability: str
    qualifications: dict[str, datetime]
    phone: str | None = None
    id_number: str | None = None
    erased: bool = False



class ModeOut(BaseModel):
    """Peace or war, and the switches that make it so."""

    unit_id: UUID
    mode: str
    max_shift_hours: float | None
    min_rest_hours: float | None
    switches: list[dict[str, Any]]


@router.get("/people/{person_id}", response_model=PersonOut)
def get_person(person_id: UUID, app: App, caller: Caller, reach: Reachable) -> PersonOut:
    """A person's roles, qualifications and availability (a person outside the caller's scope is not found)."""
    person = app.load(Person, person_id, "person")
    reach.require(person_id, what="person")
    personal = {}
    if caller.role != "viewer":  # entitled: opened here, for this reader (`[erased]` once erased)
        opener = Opener(app.keyring)
        personal = {name: opener.reveal(getattr(person, name), name, person.id) for name in PERSONAL_FIELDS}
    return PersonOut(id=person.id, name=person.name, roles=person.roles, home_grid_id=person.home_grid_id,
                     availability=person.availability, qualifications=person.qualifications, erased=person.erased,
                     **personal)


@router.get("/org-units/{unit_id}/mode", response_model=ModeOut)
def get_mode(unit_id: UUID, app: App, reach: Reachable) -> ModeOut:
    """Whether a unit is in peace or war, through which switches, under which duty policy (units in scope)."""
    reach.require(unit_id, what="org unit")
    mode = app.mode_of(unit_id)
    policy = mode.policy
    return ModeOut(unit_id=unit_id, mode=mode.state, switches=mode.switches,
                   max_shift_hours=policy.max_shift_hours, min_rest_hours=policy.min_rest_hours)
