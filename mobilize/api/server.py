"""uvicorn's HTTP protocol with TCP_NODELAY on every connection, for `mobilize serve --workers N`.

With several workers uvicorn binds the listening socket itself (protocol number 0), and asyncio only
switches Nagle's algorithm off on sockets it knows to be TCP; a kept-alive connection then waits for
the client's delayed ACK (~40 ms) between the head and the body of every response. One process
(asyncio binds the socket) is not affected; the workers use this protocol.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

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
