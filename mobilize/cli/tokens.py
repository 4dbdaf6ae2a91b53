"""`mobilize token create|revoke|list`: access tokens for the API, issued and revoked as events; a person's responder
tokens listed from the audit trail."""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import Any
from uuid import UUID

from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.application import Mobilize, open_app
from mobilize.cli.console import as_json, table
from mobilize.cli.ids import BadId, checked
from mobilize.domain.base import CommandContext, DomainError
from mobilize.domain.vocabulary import TokenRole, names
from mobilize.projections.access_tokens import responder_tokens
from mobilize.projections.audit import AuditTrail
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `token` to the CLI."""
    token = commands.add_parser("token", help="create or revoke API tokens")
    verbs = token.add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", help="issue a token; its secret is printed once and never stored")
    create.add_argument("--role", required=True, choices=names(TokenRole))
    create.add_argument("--scope", help="operator: the org unit id whose subtree it may command, or 'all'")
    create.add_argument("--holder", help="who holds it: a person or a dashboard (a responder: the person's name)")
    create.add_argument("--person", help="responder: the id of the person the token acts as")
    revoke = verbs.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    revoke.add_argument("--reason", help="why it is revoked (a lost phone): recorded with the event")
    listed = verbs.add_parser("list", help="a person's responder tokens: issued when and by whom, revoked or not")
    listed.add_argument("--person", required=True, help="the id of the person")
    listed.add_argument("--format", choices=("table", "json"), default="table")
    token.set_defaults(func=run)


def run(settings: Settings, args: Any) -> int:
    """Carry out `token …`."""
    app = open_app(settings)
    if args.verb == "list":
        return _list(app, settings, args.person, args.format)
    reason = getattr(args, "reason", None) or f"mobilize token {args.verb}"
    ctx = CommandContext(actor=f"cli:{getpass.getuser()}", reason=reason)
    try:
        if args.verb == "create":
            if args.role == "responder":
                return _create_responder(app, ctx, args.person)
            return _create(app, ctx, args.role, args.scope, args.holder)
        app.revoke_token(UUID(args.token_id), ctx=ctx)
    except (DomainError, ValueError) as error:
        print(f"mobilize: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    print(f"token {args.token_id} revoked")
    return 0


COLUMNS = ("token_id", "issued_at", "issued_by", "revoked", "revoked_at", "revoked_by", "reason")


def _list(app: Mobilize, settings: Settings, person: str, form: str) -> int:
    try:
        person_id = checked(app, "person", person)
    except BadId as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    views = ViewStore.for_store(settings.store)
    try:
        Runner(app, views, AuditTrail()).catch_up()
        rows = responder_tokens(views, person_id)
    finally:
        views.close()
    print(as_json(rows) if form == "json" else table(rows, COLUMNS, whole_ids=True))
    return 0


def _create_responder(app: Mobilize, ctx: CommandContext, person: str | None) -> int:
    if not person:
        print("mobilize: a responder token needs --person: the id of the person it acts as", file=sys.stderr)
        return 2
    secret = secrets.token_urlsafe(32)
    token_id = app.issue_responder_token(UUID(person), secret_hash(secret), ctx=ctx)
    token = f"{TOKEN_PREFIX}.{token_id.hex}.{secret}"
    print(token)
    print(f"(responder token {token_id}; open <api address>/field?token={token} on the person's phone; "
          "the secret above is shown only now)", file=sys.stderr)
    return 0


def _create(app: Mobilize, ctx: CommandContext, role: str, scope: str | None, holder: str | None) -> int:
    if not holder:
        print("mobilize: a token needs --holder: the person or system holding it", file=sys.stderr)
        return 2
    if role == "operator" and not scope:
        print("mobilize: an operator token needs --scope: an org unit id, or 'all'", file=sys.stderr)
        return 2
    scope_id = None if scope in (None, "all") else UUID(scope)
    secret = secrets.token_urlsafe(32)
    token_id = app.issue_token(holder, role, scope_id, secret_hash(secret), ctx=ctx)
    print(f"{TOKEN_PREFIX}.{token_id.hex}.{secret}")
    print(f"(token {token_id} for {holder}, {role}; the secret above is shown only now)", file=sys.stderr)
    return 0
