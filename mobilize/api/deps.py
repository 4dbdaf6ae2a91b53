"""What routes depend on: the application, the caller behind the bearer token, and the command context."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mobilize.api.examples import example
from mobilize.api.wording import Denied
from mobilize.application import Mobilize
from mobilize.domain.access import AccessToken
from mobilize.domain.base import CommandContext, DomainError, MobilizeAggregate, NotFound, moment_problem
from mobilize.domain.vocabulary import zh

MAX_KEY = 200
"""The longest Idempotency-Key taken (a UUID is 36 characters)."""
TOKEN_PREFIX = "mbz"  # noqa: S105 - the tokens' visible prefix, no secret


@dataclass(frozen=True)
class Principal:
    """The caller, as their token says."""

    token_id: UUID
    holder: str
    role: str
    scope_unit_id: UUID | None
    person_id: UUID | None = None
    """A responder's own person: the one person whose shifts and dispatches the token may touch."""

    @property
    def actor(self) -> str:
        """How the caller is named in every event they cause."""
        return f"{self.holder} ({self.role}, token {str(self.token_id)[:8]})"


def get_app(request: Request) -> Mobilize:
    """The application this API serves."""
    return request.app.state.mobilize


App = Annotated[Mobilize, Depends(get_app)]


def secret_hash(secret: str) -> str:
    """What is stored of a token's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


BEARER = HTTPBearer(auto_error=False, scheme_name="bearer", bearerFormat="mbz.<id>.<secret>",
                    description="a token from `mobilize token create`: operator, auditor, viewer or responder")
"""The bearer scheme, parsed by FastAPI and so declared in the OpenAPI (`securitySchemes`, `security` per route)."""


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


def authenticate(app: App, credentials: Credentials) -> Principal:
    """The staff caller (operator, auditor, viewer) behind the bearer token; 401 without one, 403 for a
    responder's token, which serves only its own person's field routes."""
    caller = bearer(app, credentials)
    if caller.role == "responder":
        raise Denied(403, "a responder token serves only its holder's own field page and the /api/field routes",
                     "现场令牌只能用于本人的现场页面和 /api/field 接口")
    return caller


def responder(app: App, credentials: Credentials) -> Principal:
    """The caller, if their token is a person's own field credential (403 otherwise)."""
    caller = bearer(app, credentials)
    if caller.role != "responder" or caller.person_id is None:
        raise Denied(403, f"the field routes take a person's own responder token, not a {caller.role} token",
                     "现场接口只接受本人的现场令牌")
    return caller


def bearer(app: Mobilize, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The caller behind `Authorization: Bearer mbz.<id>.<secret>`, whatever its role, or 401."""
    token = credentials.credentials if credentials else ""
    prefix, _, rest = token.partition(".")
    token_id, _, secret = rest.partition(".")
    try:
        if prefix != TOKEN_PREFIX or not secret:
            raise ValueError
        stored = app.load(AccessToken, UUID(hex=token_id), "token")
    except (ValueError, DomainError):
        raise _unauthenticated("a valid bearer token is required: Authorization: Bearer mbz.<id>.<secret>",
                               "需要有效的访问令牌（Authorization: Bearer mbz.<id>.<secret>）") from None
    if stored.revoked or not hmac.compare_digest(stored.secret_sha256, secret_hash(secret)):
        raise _unauthenticated("this token is revoked or its secret is wrong", "该令牌已吊销或密钥有误")
    return Principal(stored.id, stored.holder, stored.role, stored.scope_unit_id,
                     getattr(stored, "person_id", None))  # tokens issued before responders carry none


def _unauthenticated(message: str, zh: str) -> HTTPException:
    return Denied(401, message, zh, headers={"WWW-Authenticate": "Bearer"})


Caller = Annotated[Principal, Depends(authenticate)]


IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=MAX_KEY, examples=["7f3a9c2e-5b1d-4e8a-9f60-2d4c8b1a7e35"],
    description="the command's id, chosen by the client (a UUID): a retry with the same key returns the first "
                "response and writes nothing; the same key with another body is refused (422)")]


def operator(caller: Caller, idempotency_key: IdempotencyKey = None) -> Principal:
    """The caller, if their role may give commands (every command takes an `Idempotency-Key`: read by `context`)."""
    if caller.role != "operator":
        raise Denied(403, f"a {caller.role} token may read but not give commands", "此令牌只能查看，不能下达指令")
    return caller


Operator = Annotated[Principal, Depends(operator)]


def auditor_or_operator(caller: Caller) -> Principal:
    """The caller, if their role may read personal identifiers and the audit trail."""
    if caller.role == "viewer":
        raise Denied(403, "a viewer token does not see the audit trail or personal ids",
                     "只读令牌不能查看审计记录和个人标识")
    return caller


Trusted = Annotated[Principal, Depends(auditor_or_operator)]


def in_scope(app: Mobilize, caller: Principal, *record_ids: UUID | None, any_of: bool = False) -> None:
    """Refuse (403) unless the records lie in the operator's subtree: all of them, or with `any_of` one.

    A record that does not exist is let through: the command itself then answers 404 in its own words.
    """
    if caller.scope_unit_id is None:
        return
    covered = [_covers(app, caller.scope_unit_id, record_id) for record_id in record_ids]
    if (any(covered) if any_of else all(covered)):
        return
    scope = app.ancestry(caller.scope_unit_id)[0].name
    raise Denied(403, f"your token covers {scope} and what lies under it; this command reaches outside it",
                 f"您的令牌只管辖{scope}及其下级：此指令超出了管辖范围")


def related(app: Mobilize, caller: Principal, *record_ids: UUID | None) -> None:
    """Refuse (403) unless each record's unit overlaps the operator's subtree: lies in it, or above it.

    For what a command follows rather than changes: a grid may go to war for its street's incident, never
    for another grid's; a site in one's grid may serve the street's incident, not a neighbour's.
    """
    if caller.scope_unit_id is None:
        return
    for record_id in record_ids:
        if record_id is None or _covers(app, caller.scope_unit_id, record_id):
            continue
        try:
            above = app.within(caller.scope_unit_id, app.unit_of(record_id))
        except DomainError:
            continue  # nothing there: the command will say what is missing
        if not above:
            scope = app.ancestry(caller.scope_unit_id)[0].name
            raise Denied(403, f"your token covers {scope} and what lies under it; this command refers to a record "
                         "of another part of the tree", f"您的令牌只管辖{scope}及其下级：此指令涉及其他辖区的记录")


def _covers(app: Mobilize, scope_unit_id: UUID, record_id: UUID | None) -> bool:
    if record_id is None:
        return False
    try:
        return app.within(app.unit_of(record_id), scope_unit_id)
    except DomainError:
        try:
            app.load(MobilizeAggregate, record_id, "record")
        except DomainError:
            return True  # nothing there to protect; the command will say what is missing
        return False  # a record under no unit (a person without a home grid): only a token of the whole tree


class Reach:
    """What a caller may read: everything (auditors, unscoped tokens), or one subtree of the org tree.

    Rows and records are kept when the org unit they sit under (a grid, a site's grid, an incident's
    scope, a person's home grid) lies in the subtree; lookups are remembered for the request.
    """

    def __init__(self, app: Mobilize, caller: Principal) -> None:
        self.app = app
        self.scope = None if caller.role == "auditor" else caller.scope_unit_id
        self._seen: dict[str, bool] = {}

    @property
    def everything(self) -> bool:
        """Whether nothing is out of reach."""
        return self.scope is None

    def covers(self, record_id: UUID | str | None) -> bool:
        """Whether the record lies in reach (a record that does not exist does not)."""
        if self.scope is None:
            return True
        if record_id is None:
            return False
        key = str(record_id)
        if key not in self._seen:
            try:
                self._seen[key] = self.app.within(self.app.unit_of(UUID(key)), self.scope)
            except (DomainError, ValueError):
                self._seen[key] = False
        return self._seen[key]

    def require(self, *record_ids: UUID | None, what: str = "record") -> None:
        """404 for any given id out of reach: to this caller, a record outside its subtree does not exist."""
        for record_id in record_ids:
            if record_id is not None and not self.covers(record_id):
                raise NotFound(f"no {what} with id {record_id} within your scope", id=record_id,
                               zh=f"您的管辖范围内没有这个{zh(what)}")

    def require_related(self, *record_ids: UUID | None, what: str = "record") -> None:
        """404 for any given id neither in reach nor above it, as `related` judges commands: a grid works under its
        street's incident and may name it; a neighbour grid's or another street's does not exist to it."""
        for record_id in record_ids:
            if record_id is None or self.covers(record_id):
                continue
            try:
                above = self.scope is not None and self.app.within(self.scope, self.app.unit_of(record_id))
            except DomainError:
                above = False
            if not above:
                raise NotFound(f"no {what} with id {record_id} within your scope", id=record_id,
                               zh=f"您的管辖范围内没有这个{zh(what)}")

    def rows(self, rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
        """The rows any of whose `keys` names a record in reach."""
        if self.scope is None:
            return rows
        return [row for row in rows if any(self.covers(row.get(key)) for key in keys)]


def reach(app: App, caller: Caller) -> Reach:
    """The caller's reach, for this request."""
    return Reach(app, caller)


Reachable = Annotated[Reach, Depends(reach)]


def _checked_moment(value: datetime) -> datetime:
    problem = moment_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Moment = Annotated[datetime, AfterValidator(_checked_moment)]
"""A time the API accepts: with a zone, within the years the system records (the domain checks it again)."""


class CommandBody(BaseModel):
    """What every command may say besides its own fields: on whose order, why, and when it happened."""

    model_config = ConfigDict(use_enum_values=True,  # a vocabulary's word reaches the command as plain text
                              **example("the site's generator failed"))

    ordered_by: str | None = Field(None, max_length=200, description="who ordered it, if not the caller")
    reason: str | None = Field(None, max_length=2000, description="why; required to decline or recall a dispatch")
    occurred_at: Moment | None = Field(None, description="when it happened in the field (default: now)")


def context(request: Request, caller: Principal, body: CommandBody) -> CommandContext:
    """The command context: actor from the token, never from the body; the Idempotency-Key as command id."""
    key = request.headers.get("idempotency-key")
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise Denied(422, f"Idempotency-Key: 1 to {MAX_KEY} characters, e.g. a UUID",
                     f"幂等键（Idempotency-Key）须为 1 至 {MAX_KEY} 个字符，例如一个 UUID")
    request_id = request.state.request_id
    return CommandContext(
        actor=caller.actor, ordered_by=body.ordered_by, reason=body.reason, occurred_at=body.occurred_at,
        # the key is the caller's own: scoped to its token; without one, every request is a command of its own
        # (a request id is chosen by the client and may repeat: it correlates, it never deduplicates)
        command_id=f"{caller.token_id}:{key}" if key else f"{caller.token_id}:once:{uuid4()}",
        correlation_id=request.headers.get("x-correlation-id") or request_id,
    )

