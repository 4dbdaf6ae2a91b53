"""The field page: an installable web app (manifest, service worker) over the /api/field routes."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["field"])

STATIC = files("mobilize.api") / "static" / "field"
ASSETS = {"field.js": "text/javascript", "field.css": "text/css", "manifest.webmanifest": "application/manifest+json",
          "icon.svg": "image/svg+xml"}


@router.get("/field", response_class=HTMLResponse, summary="the field page")
def field_page() -> HTMLResponse:
    """The field page; it takes the person's token from `?token=` (their link or QR code), a post from `?post=`."""
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


@router.get("/field/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """The service worker, allowed to serve /field itself (its own folder is /field/)."""
    return Response((STATIC / "sw.js").read_text(encoding="utf-8"), media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/field"})


@router.get("/field/{name}", include_in_schema=False)
def asset(name: str) -> Response:
    """The page's script, style sheet, manifest and icon."""
    if name not in ASSETS:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response((STATIC / name).read_text(encoding="utf-8"), media_type=ASSETS[name],
                    headers={"Cache-Control": "no-cache"})
