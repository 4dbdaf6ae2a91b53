"""Every failure as JSON a person can read: the rule, a message and the facts; never a stack trace.

The store away (refused, restarting, its pool out of connections in time) is 503 `store_unavailable` with
Retry-After, for commands and reads alike: nothing was written, the same Idempotency-Key may be sent
again. A read of a stuck view is 503 `view_stuck`, naming the projection, the position and the reason.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from mobilize.api.read_side import ViewsBusy, ViewStuck
from mobilize.api.wording import worded, zh_of
from mobilize.application.store.postgres import UNAVAILABLE
from mobilize.domain.base import (
    ConcurrentChange,
    DomainError,
    InvalidCommand,
    NotFound,
    RuleViolated,
)

log = structlog.get_logger("mobilize.api")

STATUS = ((NotFound, 404), (InvalidCommand, 422), (ConcurrentChange, 409), (RuleViolated, 409))



class Refusal(BaseModel):
    """Every error's body: the rule that refused, a sentence for a person, the facts behind it, whether to retry."""

    error: str = Field(description="the rule or condition, a stable word to branch on", examples=["rest_too_short"])
    message: str = Field(description="what went wrong, for a person",
                         examples=["Chen Jing has rested 6.0 h since the last shift; the grid's wartime mode "
                                   "requires 8 h"])
    facts: dict[str, Any] = Field(description="the values the rule looked at (for a 422: `problems`, one per field)",
                                  examples=[{"person_id": "0f9d5b2c-7c1e-4f3a-8d2b-6a4e1c9b7d21", "rested_hours": 6,
                                             "min_rest_hours": 8}])
    retryable: bool = Field(examples=[False], description="whether the same request may succeed if sent again "
                                                           "(with the same Idempotency-Key)")


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, each with the body every error has."""
    return {status: {"model": Refusal, "description": WHY[status]} for status in statuses}


WHY = {
    401: "no valid bearer token",
    403: "the token's role or scope does not allow this",
    404: "an id names nothing (or nothing within the token's scope)",
    409: "a rule of the domain refused the command, or a concurrent change (`retryable`)",
    422: "malformed input naming the fields, or an Idempotency-Key reused with a different body",
    429: "too many open streams for this token or this server (`retryable`, with Retry-After)",
    500: "an unexpected failure on the server's side (`retryable`; quote the X-Request-ID)",
    503: "the event store is unavailable (`retryable`, with Retry-After; nothing was written), or a view is stuck",
}

RETRY_AFTER = "2"
"""Seconds a client is told to wait after a 503 for the store (the followers try again about as often)."""


def _status(error: DomainError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 409)


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into responses."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        return _refused(request, _status(error), error.rule, error.message, error.zh, error.facts,
                        retryable=isinstance(error, ConcurrentChange))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [{"field": _field(problem["loc"]), "message": problem["msg"].removeprefix("Value error, ")}
                    for problem in error.errors()]
        said = "; ".join(f"{p['field'] or 'body'}: {p['message']}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        fields = "、".join(p["field"] or "请求体" for p in problems[:5])
        return _refused(request, 422, "invalid_request", f"the request is malformed: {said}{more}",
                        f"请求格式有误（{fields}{'等' if more else ''}）：{said}{more}", {"problems": problems})

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return _refused(request, error.status_code, _http_rule(error.status_code), str(error.detail), zh_of(error),
                        retryable=error.status_code == 429, headers=getattr(error, "headers", None))

    async def store_unavailable(request: Request, error: Exception) -> JSONResponse:
        log.warning("request.store_unavailable", path=request.url.path, error=str(error).strip()[:300],
                    error_type=type(error).__name__)
        return _refused(request, 503, "store_unavailable", "the event store cannot be reached right now; nothing "
                        "was written: retry in a few seconds with the same Idempotency-Key",
                        "暂时无法连接事件库，未写入任何内容：请几秒后以同一幂等键重试", retryable=True,
                        headers={"Retry-After": RETRY_AFTER})

    for kind in (*UNAVAILABLE, ViewsBusy):
        app.add_exception_handler(kind, store_unavailable)

    @app.exception_handler(ViewStuck)
    async def view_stuck(request: Request, error: ViewStuck) -> JSONResponse:
        return _refused(request, 503, "view_stuck", str(error), None, error.failure.as_dict())

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("request.failed", exc_info=error, path=request.url.path)
        return _refused(request, 500, "internal_error", "something went wrong on our side; retry with the same "
                        "Idempotency-Key, or quote the X-Request-ID to support",
                        "服务器出错：请以同一幂等键重试，或向技术支持提供 X-Request-ID", retryable=True)


def _refused(request: Request, status: int, rule: str, english: str, zh: str | None,
             facts: dict[str, Any] | None = None, retryable: bool = False,
             headers: dict[str, str] | None = None) -> JSONResponse:
    """Every error's answer: the rule, the message in the caller's language (`worded`), the facts, whether to
    retry; `headers` beside the language's."""
    message, language = worded(request, status, english, zh)
    return JSONResponse(status_code=status, headers={**(headers or {}), **language}, content={
        "error": rule, "message": message, "facts": facts or {}, "retryable": retryable})


def _field(location: tuple[int | str, ...]) -> str:
    """Where a problem is, as a caller names it: `lane`, `qualifications.sampler`, `now` (no `body`/`query`)."""
    return ".".join(str(part) for part in location if part not in ("body", "query", "path", "header"))


def _http_rule(status: int) -> str:
    return {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            422: "invalid_request", 429: "too_many_streams"}.get(
        status, "http_error")
