"""The peace page of the console at /peace (a page, not an API route: outside /api and the OpenAPI): the action day,
requests, hazards and the drill league, zh-CN by default."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["dashboard"])

STATIC = files("mobilize.api") / "static"
ASSETS = {"peace.js": "text/javascript", "peace.css": "text/css"}


@router.get("/peace", response_class=HTMLResponse, summary="the peace page: action day, requests, hazards, drills")
def peace_page() -> HTMLResponse:
    """The peace page; it asks for a token (or takes `?token=`; `?week=2026-W09` picks the week)."""
    return HTMLResponse((STATIC / "peace.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


@router.get("/peace.js", include_in_schema=False)
def script() -> Response:
    """The peace page's script."""
    return _asset("peace.js")


@router.get("/peace.css", include_in_schema=False)
def style() -> Response:
    """The peace page's style sheet."""
    return _asset("peace.css")


def _asset(name: str) -> Response:
    return Response((STATIC / name).read_text(encoding="utf-8"), media_type=ASSETS[name],
                    headers={"Cache-Control": "no-cache"})
