"""The bulk rota: a site's posts scheduled for a span in one command."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from mobilize.api.deps import App, CommandBody, Moment, Operator, context, in_scope
from mobilize.api.errors import Refusal
from mobilize.api.examples import example
from mobilize.api.routes.common import REFUSALS
from mobilize.application.commands.rota import MIN_SHIFT_HOURS, rota_windows
from mobilize.domain.testing_site import TestingSite
from mobilize.domain.vocabulary import Post

router = APIRouter(tags=["testing sites"], responses=REFUSALS)


class ScheduleRota(CommandBody):
    model_config = example("round-the-clock rota for the drive's first day", start="2026-03-02T06:00:00+08:00",
                           end="2026-03-03T06:00:00+08:00", shift_hours=8, lanes=[1, 2],
                           posts=["sampler", "registrar", "marshal"])

    start: Moment = Field(examples=["2026-03-02T06:00:00+08:00"])
    end: Moment = Field(examples=["2026-03-03T06:00:00+08:00"])
    shift_hours: float = Field(8, ge=MIN_SHIFT_HOURS, le=24,
                               description="the span is cut into consecutive shifts this long")
    lanes: list[Annotated[int, Field(ge=1, le=50)]] | None = Field(None, min_length=1, max_length=50,
                                                                   description="default: every lane")
    posts: list[Post] | None = Field(None, min_length=1, description="default: every post of the site's plan")


class RotaScheduled(BaseModel):
    """The rota's id and its shifts' ids, lane by lane, post by post, in time order."""

    id: UUID
    ids: list[UUID]
    count: int


@router.post("/sites/{site_id}/rota", status_code=201, response_model=RotaScheduled, responses={409: {
    "model": Refusal, "description": "a rule refused the rota: `facts.refused` lists every refused shift "
                                     "{lane, post, start, end, error, message}; nothing was written"}})
def schedule_rota(site_id: UUID, body: ScheduleRota, app: App, caller: Operator, request: Request) -> RotaScheduled:
    """Schedule the site's posts over a span in shifts of `shift_hours`, each shift for the headcount of the
    site's post plan; every shift or none (a retry with the same Idempotency-Key answers the same ids)."""
    in_scope(app, caller, site_id)
    posts = None if body.posts is None else [str(post) for post in body.posts]
    rota_id = app.schedule_rota(site_id, body.start, body.end, body.shift_hours, lanes=body.lanes, posts=posts,
                                ctx=context(request, caller, body))
    site = app.load(TestingSite, site_id, "testing site")
    ids = [window.shift_id(rota_id) for window in rota_windows(site, body.start, body.end, body.shift_hours,
                                                                body.lanes, posts)]
    return RotaScheduled(id=rota_id, ids=ids, count=len(ids))
