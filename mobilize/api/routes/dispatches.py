"""Dispatches: the order and every step of its life."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, Operator, in_scope
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.dispatch import Dispatch as DispatchOrder
from mobilize.domain.vocabulary import SubjectKind

router = APIRouter(tags=["dispatches"], responses=REFUSALS)


class Dispatch(CommandBody):
    model_config = example("the queue reaches the road", subject_kind="task_force", subject_id=ex.TASK_FORCE,
                            incident_id=ex.INCIDENT, task="keep order at the site queue", site_id=ex.SITE)

    subject_kind: SubjectKind
    subject_id: UUID
    incident_id: UUID
    task: str = Field(min_length=1, max_length=500, examples=["keep order at the site queue"])
    site_id: UUID | None = None


STEPS = {"acknowledge": "acknowledge_dispatch", "decline": "decline_dispatch", "set-out": "set_out",
         "arrive": "arrive_on_scene", "release": "release_dispatch", "recall": "recall_dispatch"}


@router.post("/dispatches", status_code=201, response_model=Done)
def dispatch(body: Dispatch, app: App, caller: Operator, request: Request) -> Done:
    """Order a person or task force to an incident or one of its sites."""
    return run(app, request, caller, body, (body.site_id or body.incident_id, body.subject_id), app.dispatch,
               body.subject_kind, body.subject_id, body.incident_id, body.task, site_id=body.site_id,
               follows=(body.incident_id,))


@router.post("/dispatches/{dispatch_id}/{step}", response_model=Done)
def advance(dispatch_id: UUID, step: Literal["acknowledge", "decline", "set-out", "arrive", "release", "recall"],
            body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """Move the dispatch on: acknowledge, decline (reason), set out, arrive, release, or recall (reason).

    Either side may: an operator over the dispatch's site or incident, or over the subject's home.
    """
    order = app.load(DispatchOrder, dispatch_id, "dispatch")
    in_scope(app, caller, dispatch_id, order.subject_id, any_of=True)
    return run(app, request, caller, body, (), getattr(app, STEPS[step]), dispatch_id)  # scope checked above
