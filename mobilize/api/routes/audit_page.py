"""The auditor's workspace: one static page over the read API (timeline, a moment's views beside now, ICS forms,
the chain's verdict). It only reads: every request it makes is a GET."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["audit page"])

STATIC = files("mobilize.api") / "static"
ASSETS = {"audit.js": "text/javascript", "audit.css": "text/css"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; frame-src 'self' blob:; frame-ancestors 'self'")
"""Everything from this server: no CDN, no inline script."""


@router.get("/audit", response_class=HTMLResponse, summary="the auditor's workspace")
def page() -> HTMLResponse:
    """The page; it asks for a token (or takes `?token=`) and reads with it."""
    return HTMLResponse((STATIC / "audit.html").read_text(encoding="utf-8"),
                        headers={"Cache-Control": "no-cache", "Content-Security-Policy": CSP})


@router.get("/audit.js", include_in_schema=False)
def script() -> Response:
    """The page's module."""
    return _asset("audit.js")


@router.get("/audit.css", include_in_schema=False)
def style() -> Response:
    """The page's style sheet."""
    return _asset("audit.css")


def _asset(name: str) -> Response:
    return Response((STATIC / name).read_text(encoding="utf-8"), media_type=ASSETS[name],
                    headers={"Cache-Control": "no-cache"})
