"""`mobilize serve`: the HTTP API and dashboard, in one process or in several sharing the port."""

from __future__ import annotations

import sys
from typing import Any

from mobilize.application import Mobilize, open_app
from mobilize.logs import configure_logging
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
    return serve(open_app(settings), settings, args.host, args.port, args.workers)


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
    settings.export()  # the workers uvicorn starts read their settings from the environment
    uvicorn.run("mobilize.cli.serve:worker_app", factory=True, workers=workers, host=host, port=port, log_config=None,
                access_log=False, http="mobilize.api.server:NoDelayHttp")
    return 0


def worker_app() -> Any:
    """The API of one worker process of `mobilize serve --workers N` (settings from the environment)."""
    from mobilize.api.app import create_app

    settings = Settings.from_env()
    configure_logging(settings)
    return create_app(settings)
