"""Administration on the command line: access tokens, and serving the API."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from typing import Any
from uuid import UUID

from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, DomainError
from mobilize.logs import configure_logging
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `token` and `serve` to the CLI."""
    token = commands.add_parser("token", help="create or revoke API tokens")
    verbs = token.add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", help="issue a token; its secret is printed once and never stored")
    create.add_argument("--role", required=True, choices=("operator", "auditor", "viewer"))
    create.add_argument("--scope", help="operator: the org unit id whose subtree it may command, or 'all'")
    create.add_argument("--holder", required=True, help="who holds it: a person or a dashboard")
    revoke = verbs.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    serve = commands.add_parser("serve", help="run the HTTP API and dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="API processes sharing the port (PostgreSQL or SQLite store; each keeps its own cache "
                            "and group commit; default 1)")


def run(app: Mobilize, settings: Settings, args: Any) -> int:
    """Carry out `token …` or `serve`."""
    if args.command == "serve":
        return serve(app, settings, args.host, args.port, args.workers)
    ctx = CommandContext(actor=f"cli:{getpass.getuser()}", reason=f"mobilize token {args.verb}")
    try:
        if args.verb == "create":
            return _create(app, ctx, args.role, args.scope, args.holder)
        app.revoke_token(UUID(args.token_id), ctx=ctx)
    except (DomainError, ValueError) as error:
        print(f"mobilize: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    print(f"token {args.token_id} revoked")
    return 0


def _create(app: Mobilize, ctx: CommandContext, role: str, scope: str | None, holder: str) -> int:
    if role == "operator" and not scope:
        print("mobilize: an operator token needs --scope: an org unit id, or 'all'", file=sys.stderr)
        return 2
    scope_id = None if scope in (None, "all") else UUID(scope)
    secret = secrets.token_urlsafe(32)
    token_id = app.issue_token(holder, role, scope_id, secret_hash(secret), ctx=ctx)
    print(f"{TOKEN_PREFIX}.{token_id.hex}.{secret}")
    print(f"(token {token_id} for {holder}, {role}; the secret above is shown only now)", file=sys.stderr)
    return 0


def serve(app: Mobilize, settings: Settings, host: str, port: int, workers: int = 1) -> int:
    """Serve the API: in this process, or in `workers` processes sharing the port."""
    import uvicorn

    from mobilize.api.app import create_app

    # no access log: it would record /api/stream?token=…; the app logs each request without its query
    if workers <= 1:
        uvicorn.run(create_app(settings, app), host=host, port=port, log_config=None, access_log=False)
        return 0
    if settings.store.startswith("memory:"):
        print("mobilize: --workers needs a store the processes can share (sqlite:///FILE or postgresql://…), "
              "not memory:", file=sys.stderr)
        return 2
    from mobilize.api.read_side import ReadSide

    ReadSide(app, settings.store).close()  # tables and views made once, here, before workers race to make them
    app.close()  # each worker opens the store for itself
    os.environ.update(settings.as_env())
    uvicorn.run("mobilize.cli.serve:worker_app", factory=True, workers=workers, host=host, port=port, log_config=None,
                access_log=False, http="mobilize.api.server:NoDelayHttp")
    return 0


def worker_app() -> Any:
    """The API of one worker process of `mobilize serve --workers N` (settings from the environment)."""
    from mobilize.api.app import create_app

    settings = Settings.from_env()
    configure_logging(settings)
    return create_app(settings)
