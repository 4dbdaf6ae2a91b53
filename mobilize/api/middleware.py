"""Per request: an id bound to the logs and echoed, one log line, and the moment commands read as of.

A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` runs every request through an extra task
and memory stream, which cost a measurable share of a command's time.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import structlog

from mobilize.application.store.cache import reads_after

log = structlog.get_logger("mobilize.api")

Scope = dict[str, Any]
Message = dict[str, Any]

READS = (b"GET", b"HEAD")


class RequestContext:
    """Binds `request_id` (from X-Request-ID, else new) for the request and echoes it in the response.

    Requests that may give a command read aggregates as of their arrival (one cache sync for the whole
    request, see `mobilize.application.store.cache`); reads, the live stream among them, are left to look
    at the log as they go.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value for name, value in scope["headers"] if name == b"x-request-id"), b"")
        request_id = given.decode("latin-1") or uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()),
                                                  (b"x-request-id", request_id.encode("latin-1"))]}
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                if scope["method"].encode() in READS:
                    await self.app(scope, receive, send_with_id)
                else:
                    with reads_after():
                        await self.app(scope, receive, send_with_id)
            finally:
                log.info("request.handled", method=scope["method"], path=scope["path"], status=status)
