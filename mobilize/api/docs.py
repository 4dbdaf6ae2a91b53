"""The API's docs, Swagger UI at /docs and ReDoc at /redoc, served whole by the app: no CDN, nothing from outside.

Their scripts and styles come from the `fastapi-offline` package, which ships current Swagger UI 5 and ReDoc 2
builds (`swagger-ui-bundle` ships Swagger UI 4 and no ReDoc). A command center's network is internal: FastAPI's
own pages load both from a CDN and render blank there. A Content-Security-Policy keeps the pages on this server
(ReDoc's sidebar would otherwise fetch its vendor's logo from the internet).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
SWAGGER_UI = {"validatorUrl": None, "persistAuthorization": True, "displayRequestDuration": True}
"""Swagger UI without its online validator (a request to the internet), keeping the token across reloads."""
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
       "frame-ancestors 'self'")


def install(api: FastAPI) -> None:
    """Serve the docs pages and their assets (the app is made with `docs_url=None, redoc_url=None`)."""
    api.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI over this API's OpenAPI."""
        root = request.scope.get("root_path", "")
        return _kept_local(get_swagger_ui_html(
            openapi_url=f"{root}{api.openapi_url}", title=f"{api.title} · API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png", swagger_ui_parameters=SWAGGER_UI))

    @api.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        """ReDoc over this API's OpenAPI."""
        root = request.scope.get("root_path", "")
        return _kept_local(get_redoc_html(
            openapi_url=f"{root}{api.openapi_url}", title=f"{api.title} · API reference",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js", redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False))


def _kept_local(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page
