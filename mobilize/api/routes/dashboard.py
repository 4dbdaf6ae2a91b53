"""The command-center dashboard: one static page over the JSON views, kept live by the event stream."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from mobilize.projections.registry import projection

router = APIRouter(tags=["dashboard"])

STATIC = files("mobilize.api") / "static"
VIEWS = ("roster", "staffing_gaps", "readiness")
"""The projections behind the page's views: /roster; /gaps and /gaps/incidents; /readiness."""
HANDLER = re.compile(r"([A-Z]\w*)_([A-Z]\w*)")
ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


@router.get("/dashboard", response_class=HTMLResponse, summary="the command-center dashboard")
def dashboard() -> HTMLResponse:
    """The dashboard page; it asks for a token (or takes `?token=`) and reads the views with it."""
    return HTMLResponse((STATIC / "dashboard.html").read_text(encoding="utf-8"),
                        headers={"Cache-Control": "no-cache"})


@router.get("/dashboard.js", include_in_schema=False)
def script() -> Response:
    """The dashboard's script."""
    return _asset("dashboard.js")


@router.get("/dashboard.css", include_in_schema=False)
def style() -> Response:
    """The dashboard's style sheet."""
    return _asset("dashboard.css")


@router.get("/dashboard/events", response_model=dict[str, list[str]], summary="which views each event changes")
def refreshed_by() -> dict[str, list[str]]:
    """Event type → the projections it changes, read off their handlers: what the page re-fetches on each event."""
    return _refreshed_by()


@cache
def _refreshed_by() -> dict[str, list[str]]:
    views: dict[str, list[str]] = {}
    for name in VIEWS:
        for attribute in dir(type(projection(name))):
            if match := HANDLER.fullmatch(attribute):
                views.setdefault(f"{match[1]}.{match[2]}", []).append(name)
    return dict(sorted(views.items()))


def _asset(name: str) -> Response:
    return Response((STATIC / name).read_text(encoding="utf-8"), media_type=ASSETS[name],
                    headers={"Cache-Control": "no-cache"})
