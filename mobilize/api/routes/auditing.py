"""The audit chain over HTTP: verify it against the stored events and the latest anchor; list the anchors."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from mobilize.api.deps import App, Reachable, Trusted
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


NAMED = {"Person.Registered": ("person", "name"), "TestingSite.Planned": ("site", "name"),
         "TaskForce.Formed": ("task_force", "name"), "OrgUnit.Established": ("unit", "name"),
         "Incident.Declared": ("incident", "title")}
"""The events that name a record, what kind of record it is, and the field holding its name."""


class Names(BaseModel):
    """Record id → kind and name, for the auditor's page to label the trail (people, sites, task forces, units,
    incidents); no phone or id number."""

    items: dict[str, dict[str, str]]


@router.get("/audit/names", response_model=Names)
def names(views: Views, caller: Trusted, reach: Reachable) -> Names:
    """The names of the records the trail refers to (those in the caller's scope)."""
    rows = views.query("SELECT aggregate_id, event_type, payload FROM audit_trail "
                       "WHERE event_type IN (?, ?, ?, ?, ?)", tuple(NAMED))
    found = {}
    for aggregate_id, event_type, payload in rows:
        kind, field = NAMED[event_type]
        if kind == "incident" or reach.covers(aggregate_id):
            fields = json.loads(payload)
            found[str(aggregate_id)] = {"kind": kind, "name": str(fields.get(field, ""))}
            if kind == "incident":
                found[str(aggregate_id)]["exercise"] = "yes" if fields.get("exercise") else "no"
    return Names(items=found)
