"""The audit chain over HTTP: verify it against the stored events and the latest anchor; list the anchors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from mobilize.api.deps import App, Trusted
from mobilize.api.read_side import Views
from mobilize.api.routes.common import READ_REFUSALS
from mobilize.projections import anchors, audit
from mobilize.settings import Settings

router = APIRouter(tags=["audit"], responses=READ_REFUSALS)


class Verdict(BaseModel):
    """Whether the audit chain holds, and whether the log still agrees with the latest signed anchor."""

    ok: bool
    checked: int
    head: str
    broken_at: int | None
    problem: str | None
    anchor_kind: str | None = None
    anchor_problem: str | None = None
    last_anchor: dict[str, Any] | None = None


class Anchors(BaseModel):
    """The signed checkpoints of the anchor file, oldest first."""

    items: list[dict[str, Any]]
    total: int


def settings_of(request: Request) -> Settings:
    """The settings this API runs with (where the anchor key and file are)."""
    settings: Settings = request.app.state.settings
    return settings


@router.get("/audit/verify", response_model=Verdict)
def verify_audit(app: App, views: Views, caller: Trusted, request: Request) -> Verdict:
    """Recompute the hash chain over the stored events, name the first broken link; then hold the log against the
    latest anchor (truncated after it, chain rewritten, signature bad)."""
    verdict = audit.verify(app, views)
    try:
        anchored = anchors.check(app, settings_of(request)) if verdict.ok else anchors.AnchorCheck(None)
    except anchors.AnchorError as error:
        raise HTTPException(status_code=503, detail=str(error)) from None
    return Verdict(**anchors.summary(verdict, anchored))


@router.get("/audit/anchors", response_model=Anchors)
def list_anchors(caller: Trusted, request: Request) -> Anchors:
    """Every signed checkpoint of the chain, from the anchor file outside the database."""
    try:
        found = anchors.checkpoints(settings_of(request).anchors)
    except anchors.AnchorError as error:
        raise HTTPException(status_code=503, detail=str(error)) from None
    return Anchors(items=[checkpoint.as_dict() for checkpoint in found], total=len(found))
