"""The field page's routes: one person, with their own responder token, on their own shifts and dispatches.

Every action is noted in the person's field log with its outcome, a refusal included (the page shows it, the
operator audits it); the device's time is the action's `occurred_at`, the server's the time it was recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from mobilize.api import examples as ex
from mobilize.api.deps import App, CommandBody, IdempotencyKey, Principal, context, responder
from mobilize.api.examples import example
from mobilize.api.read_side import Views
from mobilize.api.routes.common import REFUSALS
from mobilize.api.routes.field_scope import commands_of
from mobilize.api.wording import Denied
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, DomainError, InvalidCommand, NotFound
from mobilize.domain.dispatch import TRANSITIONS, Dispatch
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite

router = APIRouter(prefix="/field", tags=["field"], responses=REFUSALS)

Responder = Annotated[Principal, Depends(responder)]


def commanding(caller: Responder, idempotency_key: IdempotencyKey = None) -> Principal:
    """The responder, giving a command (with an `Idempotency-Key`, read by `context`)."""
    return caller


Acting = Annotated[Principal, Depends(commanding)]
RECENT = timedelta(hours=12)
"""How long after its end a shift still shows on the page (to check out of, or to see how it went)."""
STATES = {"acknowledge": "acknowledged", "decline": "declined", "set-out": "en_route", "arrive": "on_scene"}


class FieldAction(CommandBody):
    model_config = example("checked in at the lane 1 sampler post", at_post=f"{ex.SITE}:1:sampler")

    at_post: str | None = Field(None, max_length=200, description="the post's code from its QR sheet "
                                "(<site id>:<lane>:<post>): the check-in is refused at another post")


class HandOver(FieldAction):
    model_config = example("end of the morning shift", at_post=f"{ex.SITE}:1:sampler",
                           notes="swab stock low: 2 boxes left; lane 1 queue about 40 people")

    notes: str = Field(min_length=1, max_length=2000, description="what the next shift should know")


class FieldDone(BaseModel):
    """What the action changed, and whether its device time was flagged as late."""

    id: UUID
    late: bool


def post_code(shift: Shift) -> str:
    """The code a post's QR sheet carries: which site, lane and post."""
    return f"{shift.site_id}:{shift.lane}:{shift.post}"


@router.get("/me", response_model=dict[str, Any])
def me(app: App, caller: Responder, views: Views) -> dict[str, Any]:
    """The person's next and recent shifts, their live dispatches (their own and their task forces'), and what
    became of what they sent from the field."""
    person = app.load(Person, _person(caller), "person")
    return {"person": {"id": person.id, "name": person.name}, "server_time": app.clock(),
            "shifts": _shifts(app, person), "dispatches": _dispatches(app, person, views),
            "roll_calls": _roll_calls(app, person, views), "reports": app.field_log(person.id)[:50],
            "notifications": app.inbox_of(person.id), "commanding": commands_of(app, views, person.id)}


@router.post("/shifts/{shift_id}/hand-over", response_model=FieldDone)
def hand_over(shift_id: UUID, body: HandOver, app: App, caller: Acting, request: Request) -> FieldDone:
    """Hand one's post over to the next shift at the same post, with a note (交接班)."""
    person_id = _person(caller)

    def act(ctx: CommandContext) -> UUID:
        _own_shift(app, shift_id, person_id)
        return app.hand_over_from_field(shift_id, person_id, body.notes, ctx=ctx)

    return _reported(app, request, caller, body, "hand-over", shift_id, act)


@router.post("/shifts/{shift_id}/{action}", response_model=FieldDone)
def attend(shift_id: UUID, action: Literal["check-in", "check-out"], body: FieldAction, app: App,
           caller: Acting, request: Request) -> FieldDone:
    """Check oneself in (签到打卡) or out of one's own shift."""
    person_id = _person(caller)

    def act(ctx: CommandContext) -> UUID:
        shift = _own_shift(app, shift_id, person_id)
        if body.at_post is not None and body.at_post != post_code(shift):
            raise InvalidCommand("this QR code belongs to another post than your shift's", field="at_post",
                                 zh="此二维码属于其他岗位，不是您本班次的岗位")
        command = app.check_in_from_field if action == "check-in" else app.check_out
        return command(shift_id, person_id, ctx=ctx)

    return _reported(app, request, caller, body, action, shift_id, act)


@router.post("/dispatches/{dispatch_id}/{step}", response_model=FieldDone)
def advance(dispatch_id: UUID, step: Literal["acknowledge", "decline", "set-out", "arrive"], body: FieldAction,
            app: App, caller: Acting, request: Request) -> FieldDone:
    """Acknowledge, decline (with a reason), set out or arrive: one's own dispatch, or one's task force's."""
    person_id = _person(caller)

    def act(ctx: CommandContext) -> UUID:
        if not _mine(app, app.load(Dispatch, dispatch_id, "dispatch"), person_id):
            raise Denied(403, "this dispatch is neither yours nor your task force's",
                         "这项调派既不是您的，也不是您所在突击队的")
        return app.answer_dispatch(dispatch_id, person_id, step, ctx=ctx)

    return _reported(app, request, caller, body, step, dispatch_id, act)


@router.post("/notifications/{notification_id}/{step}", response_model=FieldDone)
def notification(notification_id: UUID, step: Literal["delivered", "acknowledge"], body: FieldAction, app: App,
                 caller: Acting, request: Request) -> FieldDone:
    """Say a page reached this phone (the page does it by itself), or acknowledge it (收到): once, however
    often it is sent."""
    person_id = _person(caller)
    if step == "delivered":  # the page's own receipt: not a report of the person's
        return FieldDone(id=app.mark_delivered(person_id, notification_id, "field",
                                               ctx=context(request, caller, body)), late=False)
    return _reported(app, request, caller, body, "acknowledge-page", notification_id,
                     lambda ctx: app.acknowledge_page(person_id, notification_id, ctx=ctx))


@router.post("/roll-calls/{subject_id}/answer", response_model=FieldDone)
def answer_roll(subject_id: UUID, body: FieldAction, app: App, caller: Acting, request: Request) -> FieldDone:
    """Answer the roll call of one's site or task force: here, and safe."""
    return _reported(app, request, caller, body, "answer_roll", subject_id,
                     lambda ctx: app.answer_roll(subject_id, _person(caller), ctx=ctx))


def _reported(app: Mobilize, request: Request, caller: Principal, body: CommandBody, action: str,
              target_id: UUID, act: Callable[[CommandContext], UUID]) -> FieldDone:
    """Run the action and note its outcome in the person's field log, a refusal too (then raised as it was)."""
    ctx = context(request, caller, body)
    key = request.headers.get("idempotency-key") or ctx.command_id

    def note(outcome: str, refusal: str | None = None, message: str | None = None) -> bool:
        log_ctx = CommandContext(actor=caller.actor, command_id=f"{ctx.command_id}:report:{outcome}",
                                 correlation_id=ctx.correlation_id, reason="sent from the field page")
        app.report_from_field(_person(caller), key, action, target_id, body.occurred_at, outcome, refusal,
                              message, ctx=log_ctx)
        return any(entry["key"] == key and entry["late"] for entry in app.field_log(_person(caller))[:5])

    try:
        result = act(ctx)
    except DomainError as error:
        note("refused", error.rule, error.message)
        raise
    except HTTPException as error:
        note("refused", "forbidden" if error.status_code == 403 else "refused", str(error.detail))
        raise
    return FieldDone(id=result, late=note("done"))


def _person(caller: Principal) -> UUID:
    assert caller.person_id is not None, "the responder dependency lets only a person's token through"
    return caller.person_id


def _own_shift(app: Mobilize, shift_id: UUID, person_id: UUID) -> Shift:
    shift = app.load(Shift, shift_id, "shift")
    if str(person_id) not in shift.people:
        raise Denied(403, "you are not on this shift (an operator may have taken you off it)",
                     "您不在此班次上（可能已被操作员撤下）")
    return shift


def _mine(app: Mobilize, order: Dispatch, person_id: UUID) -> bool:
    if order.subject_kind == "person":
        return order.subject_id == person_id
    return person_id in app.load(TaskForce, order.subject_id, "task force").members


def _shifts(app: Mobilize, person: Person) -> list[dict[str, Any]]:
    shifts = []
    for shift_id in person.bookings:
        shift = app.load(Shift, UUID(shift_id), "shift")
        if shift.end < app.clock() - RECENT:
            continue
        mine = shift.people.get(str(person.id), {})
        shifts.append({"id": shift.id, "site_id": shift.site_id, "site": app.load(TestingSite, shift.site_id,
                       "testing site").name, "lane": shift.lane, "post": shift.post, "start": shift.start,
                       "end": shift.end, "status": mine.get("status"), "checked_in_at": mine.get("checked_in_at"),
                       "checked_out_at": mine.get("checked_out_at"), "post_code": post_code(shift),
                       "handed_over": shift.handed_over_to is not None})
    return sorted(shifts, key=lambda entry: entry["start"])


def _roll_calls(app: Mobilize, person: Person, views: Views) -> list[dict[str, Any]]:
    """The open roll calls the person is on (of their sites, of their task forces) and has not answered yet."""
    subjects = {app.load(Shift, UUID(shift_id), "shift").site_id for shift_id in person.bookings}
    subjects.update(task_force.id for task_force in _task_forces(app, person, views))
    waiting = []
    for subject_id in subjects:
        calls = app.roll_call(subject_id)
        if calls is not None and calls.open and str(person.id) in calls.roll and str(person.id) not in calls.answered:
            kind: type[TaskForce | TestingSite] = TaskForce if calls.subject_kind == "task_force" else TestingSite
            waiting.append({"subject_id": subject_id, "subject_kind": calls.subject_kind,
                            "name": app.load(kind, subject_id, "roll call's subject").name,
                            "number": calls.number, "called_at": calls.called_at})
    return waiting


def _task_forces(app: Mobilize, person: Person, views: Views) -> list[TaskForce]:
    rows = views.query("SELECT task_force_id FROM roster_members WHERE person_id = ?", (str(person.id),))
    found = []
    for (task_force_id,) in rows:
        try:
            found.append(app.load(TaskForce, UUID(task_force_id), "task force"))
        except NotFound:
            continue
    return found


def _dispatches(app: Mobilize, person: Person, views: Views) -> list[dict[str, Any]]:
    subjects: list[Any] = [person, *_task_forces(app, person, views)]
    found = []
    for subject in subjects:
        if subject.active_dispatch is None:
            continue
        order = app.load(Dispatch, subject.active_dispatch, "dispatch")
        site = app.load(TestingSite, order.site_id, "testing site").name if order.site_id else None
        allowed = TRANSITIONS.get(order.state, ())
        found.append({"id": order.id, "subject_kind": order.subject_kind, "subject": order.subject_name,
                      "task": order.task, "state": order.state, "site": site, "incident_id": order.incident_id,
                      "steps": [step for step, state in STATES.items() if state in allowed]})
    return found
