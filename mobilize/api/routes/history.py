"""A person's history over HTTP: posts and orders, duty hours and rest, overrides — as JSON or printable."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse, Response

from mobilize.api.deps import App, Reachable, Trusted
from mobilize.api.read_side import ReadSides
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.api.routes.views import AsHappened, AsOf, Now
from mobilize.forms.history import history
from mobilize.forms.ics import Form, FormProblem
from mobilize.forms.render import MEDIA, render
from mobilize.projections.replay import BadMoment, reading

router = APIRouter(tags=["people"], responses=READ_REFUSALS)


@router.get("/people/{person_id}/history", response_class=Response,
            responses={200: {"content": {"application/json": {}, **{m: {} for m in MEDIA.values()}},
                             "description": "the history, stamped with the log position and chain head"}})
def get_history(person_id: Annotated[UUID, Path(description="the person")], app: App, caller: Trusted,
                reach: Reachable, request: Request, as_of: AsOf = None, as_happened: AsHappened = None,
                now: Now = None, lang: Literal["zh", "en"] = "zh",
                format: Literal["json", "html", "csv", "pdf"] = "json") -> Response:  # noqa: A002
    """Where the person was, when, on whose order; hours on duty per day and the rests between; every override of
    a wartime limit with its reason — as known at `as_of` or as happened by `as_happened` (`now` alone: as it
    happened by then). Auditors; operators for people of their subtree."""
    reach.require(person_id, what="person")
    sides: ReadSides = request.app.state.read_side
    try:
        with sides.lease() as live:
            when = reading(app, live, as_of=as_of, as_happened=as_happened or (now if as_of is None else None),
                           now=now)
            form = history(app, live, str(person_id), when)
    except (BadMoment, FormProblem) as error:
        raise HTTPException(status_code=422 if isinstance(error, BadMoment) else 404, detail=str(error)) from None
    headers = {"X-Log-Position": str(form.position), "X-Chain-Head": form.head}
    if format == "json":
        return JSONResponse(as_json(form), headers=headers)
    return Response(render(form, lang, format), media_type=MEDIA[format], headers=headers)


def as_json(form: Form) -> dict[str, Any]:
    """The history's fields and tables as JSON (the ids kept beside each row)."""
    return {"fields": dict(form.fields), "position": form.position, "head": form.head, "reading": form.reading,
            **{table.title: table.rows for table in form.tables}}
