"""`mobilize serve`: the HTTP API and dashboard, in one process or in several sharing the port."""

from __future__ import annotations

import sys
from typing import Any

from mobilize.api.server import serve
from mobilize.application import open_app
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `serve` to the CLI."""
    serve = commands.add_parser("serve", help="run the HTTP API and dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="API processes sharing the port (PostgreSQL or SQLite store; each keeps its own cache "
                            "and group commit; default 1)")
    serve.set_defaults(func=run)


def run(settings: Settings, args: Any) -> int:
    """Carry out `serve`."""
    if args.workers > 1 and settings.store.startswith("memory:"):
        print("mobilize: --workers needs a store the processes can share (sqlite:///FILE or postgresql://…), "
              "not memory:", file=sys.stderr)
        return 2
    serve(open_app(settings), settings, args.host, args.port, args.workers)
    return 0
