"""A commander in the field (a site's commander, a task force's leader): call the roll of what they command from
their phone, watch who has answered and who not, and close it. Anyone else is refused (403); each call and close
is noted in the commander's field log like any field action, and recorded with the commander as its actor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from mobilize.api.deps import App, CommandBody, Principal
from mobilize.api.examples import example
from mobilize.api.routes.common import READ_REFUSALS, REFUSALS
from mobilize.api.routes.field import Acting, FieldDone, Responder, _person, _reported
from mobilize.api.wording import Denied
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, MobilizeAggregate, NotFound
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite

router = APIRouter(prefix="/field/command", tags=["field"])


class RollOrder(CommandBody):
    model_config = example("shift change at Site 1: who is still on the lanes?")


def _commanded(app: Mobilize, subject_id: UUID, caller: Principal) -> TestingSite | TaskForce:
    """The site or task force, if the caller commands it (its commander, its leader); 403 otherwise."""
    subject = app.load(MobilizeAggregate, subject_id, "site or task force")
    if not isinstance(subject, (TestingSite, TaskForce)):
        raise NotFound(f"no site or task force with id {subject_id}", id=subject_id)
    head = subject.commander_id if isinstance(subject, TestingSite) else subject.leader_id
    if head != _person(caller):
        what, who = (("site's commander", "检测点指挥长") if isinstance(subject, TestingSite) else
                     ("task force's leader", "突击队队长"))
        raise Denied(403, f"only the {what} calls its roll from the field page", f"只有{who}才能在现场页面点名")
    return subject


@router.post("/{subject_id}/roll-call", response_model=FieldDone, responses=REFUSALS)
def call_roll(subject_id: UUID, body: RollOrder, app: App, caller: Acting, request: Request) -> FieldDone:
    """Call the roll (点名) of the site one commands (everyone checked in there now) or the task force one leads."""
    return _ordered(app, request, caller, body, subject_id, "call_roll", app.call_roll)


@router.post("/{subject_id}/roll-call/close", response_model=FieldDone, responses=REFUSALS)
def close_roll(subject_id: UUID, body: RollOrder, app: App, caller: Acting, request: Request) -> FieldDone:
    """End the roll call one called; who has not answered stays unaccounted in its record."""
    return _ordered(app, request, caller, body, subject_id, "close_roll", app.close_roll)


def _ordered(app: Mobilize, request: Request, caller: Principal, body: RollOrder, subject_id: UUID, action: str,
             command: Callable[..., UUID]) -> FieldDone:
    """Give a roll-call command as the commander (403 for anyone else), noted in their field log."""
    def act(ctx: CommandContext) -> UUID:
        _commanded(app, subject_id, caller)
        return command(subject_id, _person(caller), ctx=ctx)

    return _reported(app, request, caller, body, action, subject_id, act)


@router.get("/{subject_id}/roll-call", response_model=dict[str, Any], responses=READ_REFUSALS)
def roll_call(subject_id: UUID, app: App, caller: Responder) -> dict[str, Any]:
    """The latest roll call of what one commands: who is accounted for (after how long), who not (for how long)."""
    _commanded(app, subject_id, caller)
    calls = app.roll_call(subject_id)
    if calls is None:
        raise NotFound(f"no roll call was called for {subject_id} yet", id=subject_id)
    return calls.status(app.clock())
