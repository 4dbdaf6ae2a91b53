"""Testing sites: planning, commanders, opening and closing, hourly tallies."""

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

router = APIRouter(tags=["testing sites"], responses=REFUSALS)



class PlanSite(CommandBody):
    model_config = example("serves Shimaqiao Grid 1's 4,200 residents", incident_id=ex.INCIDENT, grid_id=ex.GRID,
                            name="Site 1 (Shimaqiao Grid 1)", lanes=2,
                            posts={"sampler": 1, "registrar": 1, "marshal": 1})

    incident_id: UUID
    grid_id: UUID
    name: str = Field(min_length=1, max_length=200, examples=["Site 1 (Shimaqiao Grid 1)"])
    lanes: int = Field(ge=1, le=50, examples=[2])
    posts: dict[Post, int] = Field(examples=[{"sampler": 1, "registrar": 1, "marshal": 1}],
                                   description="post → people per lane")


class AppointCommander(CommandBody):
    model_config = example("the grid leader commands the site in war", person_id=ex.LEADER)

    person_id: UUID


class Tally(CommandBody):
    model_config = example("hourly count from the registrars' sheets", hour="2026-03-02T08:00:00+08:00",
                            samples=412)

    hour: Moment = Field(description="the start of the hour counted")
    samples: int = Field(ge=0, le=100_000)


@router.post("/sites", status_code=201, response_model=Done)
def plan_site(body: PlanSite, app: App, caller: Operator, request: Request) -> Done:
    """Plan a site in a grid for an incident; in war the grid's leader is proposed as commander."""
    return run(app, request, caller, body, body.grid_id, app.plan_testing_site, body.incident_id, body.grid_id,
               body.name, body.lanes, dict(body.posts), follows=(body.incident_id,))


@router.post("/sites/{site_id}/commander", response_model=Done)
def appoint_commander(site_id: UUID, body: AppointCommander, app: App, caller: Operator, request: Request) -> Done:
    """Appoint the site's commander (指挥长)."""
    return run(app, request, caller, body, (site_id, body.person_id), app.appoint_site_commander, site_id,
               body.person_id)


@router.post("/sites/{site_id}/tallies", response_model=Done)
def report_tally(site_id: UUID, body: Tally, app: App, caller: Operator, request: Request) -> Done:
    """Report the samples taken in one hour; a second report for the hour corrects the first."""
    return run(app, request, caller, body, site_id, app.report_tally, site_id, body.hour, body.samples)


@router.post("/sites/{site_id}/{transition}", response_model=Done)
def change_state(site_id: UUID, transition: Literal["open", "pause", "reopen", "close"], body: CommandBody,
                 app: App, caller: Operator, request: Request) -> Done:
    """Open (needs a commander), pause, reopen or close the site (declared last: its path is a pattern)."""
    command = {"open": app.open_site, "pause": app.pause_site, "reopen": app.reopen_site,
               "close": app.close_site}[transition]
    return run(app, request, caller, body, site_id, command, site_id)
