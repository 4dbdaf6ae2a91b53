"""Shifts: scheduling, assignment, check-in and check-out, no-shows and handovers."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Moment, Operator
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.vocabulary import Post

router = APIRouter(tags=["shifts"], responses=REFUSALS)


class ScheduleShift(CommandBody):
    model_config = example("morning shift of lane 1", site_id=ex.SITE, lane=1, post="sampler",
                            start="2026-03-02T06:00:00+08:00", end="2026-03-02T14:00:00+08:00", slots=2)

    site_id: UUID
    lane: int = Field(ge=1, le=50)
    post: Post
    start: Moment
    end: Moment
    slots: int = Field(1, ge=1, le=20)


class Assign(CommandBody):
    model_config = example("the only sampler left in the grid", person_id=ex.PERSON,
                            override_reason="no other sampler within the community; 6 h rest agreed with her")

    person_id: UUID
    override_reason: str | None = Field(None, max_length=2000,
                                        description="written reason to override the wartime rest/shift limits")


class Person(CommandBody):
    model_config = example("at the post on time", person_id=ex.PERSON)

    person_id: UUID


class HandOver(CommandBody):
    model_config = example("end of the morning shift", next_shift_id=ex.SHIFT,
                            notes="lane 1 swab stock: 300 left; queue marshal needed at 15:00")

    next_shift_id: UUID
    notes: str = Field("", max_length=2000)


@router.post("/shifts", status_code=201, response_model=Done)
def schedule_shift(body: ScheduleShift, app: App, caller: Operator, request: Request) -> Done:
    """Schedule a window of duty at one post of one lane of a site."""
    return run(app, request, caller, body, body.site_id, app.schedule_shift, body.site_id, body.lane, body.post,
               body.start, body.end, slots=body.slots)


@router.post("/shifts/{shift_id}/assignments", response_model=Done)
def assign(shift_id: UUID, body: Assign, app: App, caller: Operator, request: Request) -> Done:
    """Put a person on the shift (person and shift are saved together: no double booking)."""
    return run(app, request, caller, body, (shift_id, body.person_id), app.assign_to_shift, shift_id, body.person_id,
               override_reason=body.override_reason)


@router.post("/shifts/{shift_id}/handover", response_model=Done)
def hand_over(shift_id: UUID, body: HandOver, app: App, caller: Operator, request: Request) -> Done:
    """Hand the post over to the next shift (交接班)."""
    return run(app, request, caller, body, (shift_id, body.next_shift_id), app.hand_over, shift_id, body.next_shift_id,
               body.notes)


@router.post("/shifts/{shift_id}/{action}", response_model=Done)
def attend(shift_id: UUID, action: Literal["unassign", "check-in", "check-out", "no-show"], body: Person, app: App,
           caller: Operator, request: Request) -> Done:
    """Unassign, check in (签到), check out, or record a no-show for a person on the shift."""
    command = {"unassign": app.unassign_from_shift, "check-in": app.check_in, "check-out": app.check_out,
               "no-show": app.record_no_show}[action]
    return run(app, request, caller, body, shift_id, command, shift_id, body.person_id)
