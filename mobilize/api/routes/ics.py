"""ICS forms over HTTP: any form regenerated from the log at a moment, as HTML, CSV or PDF, in Chinese or English."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from mobilize.api.deps import App, Reachable, Trusted
from mobilize.api.read_side import ReadSides
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.api.routes.views import AsHappened, AsOf, Now
from mobilize.forms.ics import FORMS, Ask, Form, FormProblem, build
from mobilize.forms.render import MEDIA, render
from mobilize.projections.replay import BadMoment, reading

router = APIRouter(tags=["ics"], responses=READ_REFUSALS)

FormNumber = Annotated[Literal["201", "203", "204", "211", "214", "215"], Path(description=", ".join(FORMS))]


@router.get("/ics/{form}", response_class=Response,
            responses={200: {"content": {media: {} for media in MEDIA.values()},
                             "description": "the form, stamped with the log position and chain head it was made from"}})
def get_form(form: FormNumber, app: App, caller: Trusted, reach: Reachable, request: Request,
             as_of: AsOf = None, as_happened: AsHappened = None, now: Now = None,
             lang: Literal["zh", "en"] = "zh", format: Literal["html", "csv", "pdf"] = "html",  # noqa: A002
             incident: UUID | None = None, site: UUID | None = None, person: UUID | None = None,
             unit: UUID | None = None, hours: Annotated[float, Query(gt=0, le=72)] = 12) -> Response:
    """ICS 201 briefing, 203 organisation, 204 assignments (per site), 211 check-ins, 214 activity log (person or
    unit), 215 required/have/need — as known at `as_of` or as happened by `as_happened` (`now` alone: as it happened
    by then); operators see the rows of their subtree."""
    reach.require(site, person, unit)
    reach.require_related(incident, what="incident")
    sides: ReadSides = request.app.state.read_side
    ask = Ask(incident=_s(incident), site=_s(site), person=_s(person), unit=_s(unit), hours=hours)
    try:
        with sides.lease() as live:
            when = reading(app, live, as_of=as_of, as_happened=as_happened or (now if as_of is None else None),
                           now=now)
            made: Form | None = build(app, live, form, when, ask, reach.scope) if form == "214" else None
        if made is None:
            with sides.replaying():
                made = build(app, None, form, when, ask, reach.scope)
    except (BadMoment, FormProblem) as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    made.keep(lambda rows: reach.rows(rows, "site_id", "grid_id", "person_id", "aggregate_id"))
    name = f"ics-{form}-{lang}-p{made.position}.{format}"
    return Response(render(made, lang, format), media_type=MEDIA[format], headers={
        "X-Log-Position": str(made.position), "X-Chain-Head": made.head,
        "Content-Disposition": f'{"inline" if format == "html" else "attachment"}; filename="{name}"'})


def _s(value: UUID | None) -> str | None:
    return None if value is None else str(value)
