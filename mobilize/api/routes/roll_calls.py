"""Roll call (PAR) of a site or a task force: called and closed by an operator over it, read by operators and
auditors."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request

from mobilize.api.deps import App, CommandBody, Moment, Operator, Reachable, Trusted
from mobilize.api.routes.common import REFUSALS, Done, run
from mobilize.domain.base import NotFound

router = APIRouter(tags=["roll calls"], responses=REFUSALS)


@router.post("/roll-calls/{subject_id}", status_code=201, response_model=Done)
def call_roll(subject_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """Call the roll (点名) of a site (everyone checked in there now) or a task force (all its members); each
    answers from the field page."""
    return run(app, request, caller, body, subject_id, app.call_roll, subject_id)


@router.post("/roll-calls/{subject_id}/close", response_model=Done)
def close_roll(subject_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """End the roll call; who has not answered stays unaccounted in its record."""
    return run(app, request, caller, body, subject_id, app.close_roll, subject_id)


@router.get("/roll-calls/{subject_id}", response_model=dict[str, Any])
def roll_call(subject_id: UUID, app: App, caller: Trusted, reach: Reachable,
              as_of: Annotated[Moment | None, Query(description="as the log had it at this time")] = None,
              ) -> dict[str, Any]:
    """The latest roll call of a site or task force: who is accounted for (and after how long), who not (and
    for how long); `as_of` a moment, replayed from the log as it was recorded by then."""
    reach.require(subject_id, what="site or task force")
    calls = app.roll_call(subject_id, as_of)
    if calls is None:
        raise NotFound(f"no roll call was called at site {subject_id}" + (f" by {as_of:%Y-%m-%d %H:%M:%S}"
                                                                        if as_of else ""), id=subject_id)
    return calls.status(as_of or app.clock())
