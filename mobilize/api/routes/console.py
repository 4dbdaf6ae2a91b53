"""The operator console: small ES modules over the JSON API (no build step), and what the page asks of the server
besides the views: who the caller is, and which event types the stream may carry."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from importlib.resources import files
from uuid import UUID

from eventsourcing.domain import Aggregate
from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

import mobilize.domain
from mobilize.api.deps import App, Caller
from mobilize.api.errors import refusals
from mobilize.domain.base import MobilizeAggregate

router = APIRouter(tags=["console"], responses=refusals(401, 500, 503))
"""Under /api: what the console reads besides the views."""
pages = APIRouter(include_in_schema=False)
"""At /console: the page and its modules."""

STATIC = files("mobilize.api") / "static" / "console"
ASSET = re.compile(r"[a-z][a-z0-9_]*\.(js|css|svg)")
MEDIA = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}


class Me(BaseModel):
    """The caller as its token says: role, and the unit its scope covers (none: the whole tree)."""

    holder: str
    role: str
    scope_unit_id: UUID | None
    scope_name: str | None


@router.get("/me", response_model=Me, summary="who the bearer token names")
def me(app: App, caller: Caller) -> Me:
    """The caller's holder, role and scope: what the console shows and which controls it draws."""
    name = app.ancestry(caller.scope_unit_id)[0].name if caller.scope_unit_id else None
    return Me(holder=caller.holder, role=caller.role, scope_unit_id=caller.scope_unit_id, scope_name=name)


@router.get("/event-types", response_model=list[str], summary="every event type the stream may carry")
def event_types(caller: Caller) -> list[str]:
    """The type of every domain event (`Aggregate.Event`): a browser's EventSource listens by type."""
    return list(_event_types())


@cache
def _event_types() -> tuple[str, ...]:
    for module in pkgutil.iter_modules(mobilize.domain.__path__):
        importlib.import_module(f"mobilize.domain.{module.name}")
    found: set[str] = set()
    pending: list[type] = [MobilizeAggregate]
    while pending:
        aggregate = pending.pop()
        pending.extend(aggregate.__subclasses__())
        for name in dir(aggregate):
            kind = getattr(aggregate, name)
            if isinstance(kind, type) and issubclass(kind, Aggregate.Event) and kind.__qualname__.count(".") == 1:
                found.add(kind.__qualname__)
    return tuple(sorted(name for name in found if not name.startswith(("Aggregate.", "MobilizeAggregate."))))


@pages.get("/console", response_class=HTMLResponse)
def console() -> HTMLResponse:
    """The console page; it takes `?token=` once (then keeps it in localStorage) or asks for one."""
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


@pages.get("/console/check-in-codes", response_class=HTMLResponse)
def check_in_sheet() -> HTMLResponse:
    """A site's check-in codes, laid out to print on A4 (`?site=`); it reads the API with the console's token."""
    return HTMLResponse((STATIC / "codes.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


@pages.get("/console/{name}")
def asset(name: str) -> Response:
    """One of the console's modules or its style sheet."""
    if not ASSET.fullmatch(name) or not (STATIC / name).is_file():
        raise HTTPException(status_code=404, detail=f"the console has no file {name}")
    return Response((STATIC / name).read_text(encoding="utf-8"), media_type=MEDIA[name.rsplit(".", 1)[1]],
                    headers={"Cache-Control": "no-cache"})
