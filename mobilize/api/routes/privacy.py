"""Personal data (PIPL): correct it, erase it, and tell a person what is held about them.

Erasure is given to operators whose token covers the person's home grid, or the household's grid (or the whole
tree): they are the ones who collected the data for their grid and answer the resident's request, and every
erasure records the operator and the reason. Auditors read and write nothing; viewers never see personal data.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api.deps import App, CommandBody, Operator, Reachable, Trusted
from mobilize.api.examples import example
from mobilize.api.read_side import Views
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.privacy.subject import subject_access

router = APIRouter(tags=["privacy"], responses=REFUSALS)


KEPT_IN_CLEAR = ("why the data is erased (required; it is kept in clear with the erasure for good: name the "
                 "request, not the person's details)")


class Erase(CommandBody):
    model_config = example("the drive is over and she asked for her data to be removed")

    reason: str = Field(min_length=1, max_length=2000, description=KEPT_IN_CLEAR)


class Correct(CommandBody):
    model_config = example("she changed her phone number", phone="+86 139 0000 0000", id_number="440111199001010000",
                           home_unit="Baiyun District Health Bureau")

    phone: str | None = Field(None, max_length=40)
    id_number: str | None = Field(None, max_length=40)
    home_unit: str | None = Field(None, max_length=200)


@router.post("/people/{person_id}/erase", response_model=Done)
def erase_personal_data(person_id: UUID, body: Erase, app: App, caller: Operator, request: Request) -> Done:
    """Erase a person's phone, ID number and home unit for good (their key is destroyed); a reason is required."""
    return run(app, request, caller, body, person_id, app.erase_personal_data, person_id)


class EraseHousehold(CommandBody):
    model_config = example("the family moved away and asked for their data to be removed")

    reason: str = Field(min_length=1, max_length=2000, description=KEPT_IN_CLEAR)


@router.post("/households/{household_id}/erase", response_model=Done)
def erase_household_data(household_id: UUID, body: EraseHousehold, app: App, caller: Operator,
                         request: Request) -> Done:
    """Erase a household's address and care flags, and the text of every visit, request and small wish about
    it, for good (their keys are destroyed); a reason is required. Erasing again changes nothing."""
    return run(app, request, caller, body, household_id, app.erase_household_data, household_id)


@router.post("/people/{person_id}/personal-data", response_model=Done)
def correct_personal_data(person_id: UUID, body: Correct, app: App, caller: Operator, request: Request) -> Done:
    """Replace a person's phone, ID number and home unit (refused, 409, once they were erased)."""
    return run(app, request, caller, body, person_id, app.correct_personal_data, person_id, phone=body.phone,
               id_number=body.id_number, home_unit=body.home_unit)


@router.get("/people/{person_id}/held")
def get_held(person_id: UUID, app: App, views: Views, caller: Trusted, reach: Reachable) -> dict[str, Any]:
    """What the system holds about a person and where each item came from (PIPL Art. 45), for the person's
    operators and auditors to hand over (events as far as the audit trail has caught up)."""
    reach.require(person_id, what="person")
    return subject_access(app, person_id, views)
