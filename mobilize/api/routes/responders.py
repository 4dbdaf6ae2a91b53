"""Responder tokens: a person's own field credential, issued and revoked by an operator over the person's grid;
the person's field log, read by those who may audit it."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from uuid import UUID

import segno
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from mobilize.api.deps import TOKEN_PREFIX, App, CommandBody, Operator, Reachable, Trusted, in_scope, secret_hash
from mobilize.api.read_side import Views
from mobilize.api.routes.common import READ_REFUSALS, REFUSALS, Done, run
from mobilize.api.wording import Denied
from mobilize.application import Mobilize
from mobilize.domain.access import AccessToken
from mobilize.domain.testing_site import TestingSite
from mobilize.projections.access_tokens import responder_tokens

router = APIRouter(tags=["field"], responses=REFUSALS)


class ResponderToken(BaseModel):
    """A responder token, shown once: the secret is not kept, only its hash."""

    token_id: UUID
    token: str
    link: str
    qr_svg: str


def field_link(request: Request, token: str) -> str:
    """The address that opens the field page signed in as the token's person."""
    return f"{str(request.base_url).rstrip('/')}/field?token={token}"


def responder_token(app: Mobilize, request: Request, token_id: UUID, secret: str) -> ResponderToken:
    """The token as the person receives it: the bearer string, its field link, and the link as a QR code."""
    token = f"{TOKEN_PREFIX}.{token_id.hex}.{secret}"
    link = field_link(request, token)
    return ResponderToken(token_id=token_id, token=token, link=link,
                          qr_svg=segno.make(link, error="m").svg_inline(scale=4, title="field page link"))


@router.post("/people/{person_id}/responder-token", status_code=201, response_model=ResponderToken)
def issue_responder_token(person_id: UUID, body: CommandBody, app: App, caller: Operator,
                          request: Request) -> ResponderToken:
    """Issue a person their own field credential; its secret is shown now, as a link and a QR code, and never
    again."""
    secret = secrets.token_urlsafe(32)
    done = run(app, request, caller, body, person_id, app.issue_responder_token, person_id, secret_hash(secret))
    return responder_token(app, request, done.id, secret)


class ResponderTokenRow(BaseModel):
    """A responder token as the record keeps it: who issued it when, and who revoked it when and why (no secret)."""

    token_id: UUID
    issued_at: datetime
    issued_by: str
    revoked: bool
    revoked_at: datetime | None
    revoked_by: str | None
    reason: str | None = Field(description="why it was revoked")


@router.get("/people/{person_id}/responder-tokens", response_model=list[ResponderTokenRow], responses=READ_REFUSALS)
def list_responder_tokens(person_id: UUID, caller: Trusted, reach: Reachable, views: Views) -> list[dict[str, Any]]:
    """A person's responder tokens, oldest first: for an operator over the person's grid, or an auditor."""
    reach.require(person_id, what="person")
    return responder_tokens(views, str(person_id))


@router.post("/responder-tokens/{token_id}/revoke", response_model=Done)
def revoke_responder_token(token_id: UUID, body: CommandBody, app: App, caller: Operator, request: Request) -> Done:
    """Withdraw a person's field credential (a lost phone): every later request with it is refused."""
    token = app.load(AccessToken, token_id, "token")
    if token.role != "responder":
        raise Denied(403, "only responder tokens are revoked here; others by the CLI",
                     "此处只能吊销现场令牌；其他令牌请用命令行吊销")
    in_scope(app, caller, token.person_id)
    return run(app, request, caller, body, (), app.revoke_token, token_id)  # scope checked above, on its person


class CheckInCode(BaseModel):
    """One post's check-in code, for the sheet posted at the post: scanned, it opens the field page there."""

    lane: int
    post: str
    code: str
    link: str
    qr_svg: str


@router.get("/sites/{site_id}/check-in-codes", response_model=list[CheckInCode])
def check_in_codes(site_id: UUID, app: App, caller: Trusted, reach: Reachable, request: Request) -> list[CheckInCode]:
    """A QR code per lane and post of the site (扫码签到), to print and post there: scanned by a person on duty,
    it opens their field page at that post, and their check-in is refused at any other."""
    reach.require(site_id, what="testing site")
    site = app.load(TestingSite, site_id, "testing site")
    codes = []
    for lane in range(1, site.lanes + 1):
        for post in site.posts:
            code = f"{site.id}:{lane}:{post}"
            link = f"{str(request.base_url).rstrip('/')}/field?post={code}"
            codes.append(CheckInCode(lane=lane, post=post, code=code, link=link,
                                     qr_svg=segno.make(link, error="m").svg_inline(scale=4, title=code)))
    return codes


@router.get("/people/{person_id}/field-log", response_model=list[dict[str, Any]])
def field_log(person_id: UUID, app: App, caller: Trusted, reach: Reachable) -> list[dict[str, Any]]:
    """What the person sent from the field and what became of it, newest first: refusals, and device times
    far behind the arrival (`late`), for the operator to follow up."""
    reach.require(person_id, what="person")
    return app.field_log(person_id)
