"""Serving the API under uvicorn: in this process, or in N worker processes sharing the port.

The workers use uvicorn's HTTP protocol with TCP_NODELAY on every connection. With several workers
uvicorn binds the listening socket itself (protocol number 0), and asyncio only switches Nagle's
algorithm off on sockets it knows to be TCP; a kept-alive connection then waits for the client's
delayed ACK (~40 ms) between the head and the body of every response. One process (asyncio binds
the socket) is not affected.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from mobilize.application import Mobilize
from mobilize.logs import configure_logging
from mobilize.settings import Settings

try:  # uvicorn[standard] brings httptools; plain uvicorn has h11 only
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Http
except ImportError:  # pragma: no cover - depends on what is installed
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Http  # type: ignore[assignment]


class NoDelayHttp(_Http):
    """uvicorn's HTTP protocol, sending each write at once."""

    def connection_made(self, transport: Any) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def serve(app: Mobilize, settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve the API until interrupted: in this process, or in `workers` processes sharing the port (the store
    must be one they can share: SQLite or PostgreSQL)."""
    import uvicorn

    from mobilize.api.app import create_app

    # no access log: it would record /api/stream?token=…; the app logs each request without its query
    if workers <= 1:
        uvicorn.run(create_app(settings, app), host=host, port=port, log_config=None, access_log=False)
        return
    from mobilize.api.read_side import ReadSide

    ReadSide(app, settings.store).close()  # tables and views made once, here, before workers race to make them
    app.close()  # each worker opens the store for itself
    settings.export()  # the workers uvicorn starts read their settings from the environment
    uvicorn.run("mobilize.api.server:worker_app", factory=True, workers=workers, host=host, port=port,
                log_config=None, access_log=False, http="mobilize.api.server:NoDelayHttp")


def worker_app() -> Any:
    """The API of one worker process of `mobilize serve --workers N` (settings from the environment)."""
    from mobilize.api.app import create_app

    settings = Settings.from_env()
    configure_logging(settings)
    return create_app(settings)
