"""The HTTP application: routers assembled, errors mapped, request ids bound and echoed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel

from mobilize.api import docs, errors
from mobilize.api.middleware import RequestContext
from mobilize.api.read_side import ReadSides
from mobilize.api.routes import PAGES, ROUTERS, console
from mobilize.api.routes.stream import Streams
from mobilize.application import Mobilize, open_app
from mobilize.application.store.postgres import ready, unavailable
from mobilize.feeds.bell import Bell
from mobilize.feeds.tail import Tail
from mobilize.settings import Settings

log = structlog.get_logger("mobilize.api")

READY_SECONDS = 0.8
"""How long /readyz waits for the store to answer before it says not ready (a probe's timeout is 1 s)."""

DESCRIPTION = """Commands and views of `mobilize`, for command-center operators, auditors and dashboards.

Authenticate with `Authorization: Bearer mbz.<id>.<secret>` (tokens come from `mobilize token create`).
Send an `Idempotency-Key` header with every command: a retry with the same key returns the first
response and writes nothing; the same key with a different body is refused with 422.
Every refusal is JSON: `{"error": rule, "message": ..., "facts": {...}, "retryable": bool}` (the `Refusal` schema).
Every row of a view that belongs to an incident says whether it is a drill (`exercise`)."""


class NotReady(BaseModel):
    """/readyz when the store does not answer: a probe's body, not a refusal."""

    status: str
    reason: str
    message: str


def create_app(settings: Settings | None = None, application: Mobilize | None = None) -> FastAPI:
    """The API over the store the settings name (or over an application given by a test)."""
    settings = settings or Settings.from_env()
    mobilize = application or open_app(settings)

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        api.state.bell.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            api.state.bell.stop()
            api.state.read_side.close()

    api = FastAPI(title="mobilize", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None,
                  redoc_url=None)
    docs.install(api)  # Swagger UI and ReDoc from the package, not a CDN
    api.state.mobilize = mobilize
    api.state.settings = settings
    api.state.read_side = ReadSides(mobilize, settings.store)
    api.state.bell = Bell(mobilize)
    api.state.tail = Tail(mobilize)
    api.state.streams = Streams()
    errors.install(api)
    for router in ROUTERS:
        api.include_router(router, prefix="/api")
    for page in PAGES:  # /dashboard (also under /api), /peace, /audit, /console and /field, for people
        api.include_router(page, include_in_schema=False)
    api.include_router(console.router, prefix="/api")  # who the caller is, which events the stream carries

    @api.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """The dashboard is the front page."""
        return RedirectResponse("/dashboard")

    api.add_middleware(RequestContext)

    @api.get("/healthz", tags=["health"], summary="the process is alive")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @api.get("/readyz", tags=["health"], summary="the store answers; which projections are stuck",
             responses={503: {"model": NotReady, "description": "the store did not answer in time"}})
    def readyz() -> JSONResponse:
        """Readiness: the event store answers a query within a second (else 503 `not_ready`).

        `status` is `degraded` (still 200: commands and the other views are served) when a projection is
        stuck on an event it cannot apply; then `stuck` names each with its position, error and message.
        """
        try:
            head = _log_head(mobilize)
        except Exception as error:
            if not unavailable(error):
                raise
            return JSONResponse(status_code=503, headers={"Retry-After": errors.RETRY_AFTER}, content={
                "status": "not_ready", "reason": "store_unavailable", "message": str(error).strip()[:300]})
        stuck = api.state.read_side.stuck()
        if stuck:
            return JSONResponse({"status": "degraded", "log_position": head, "stuck": list(stuck.values())})
        return JSONResponse({"status": "ready", "log_position": head})

    return api


def _log_head(mobilize: Mobilize) -> int:
    """The log's head, within `READY_SECONDS` on PostgreSQL (the recorder's own call retries for longer)."""
    from eventsourcing.postgres import PostgresApplicationRecorder

    recorder = mobilize.recorder
    if isinstance(recorder, PostgresApplicationRecorder):
        return ready(recorder, READY_SECONDS)
    return recorder.max_notification_id() or 0
