"""The views an API process reads: caught up to the log before each read, so a client reads its own writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from mobilize.application import Mobilize
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.store import ViewStore


class ReadSide:
    """One connection to the view store and a runner per projection, used by one request at a time."""

    def __init__(self, app: Mobilize, store: str) -> None:
        self.views = ViewStore.for_store(store)
        self.runners = [Runner(app, self.views, projection(name)) for name in PROJECTIONS]
        self.lock = threading.Lock()

    def caught_up(self) -> ViewStore:
        """The views with every event recorded so far applied (call with the lock held)."""
        for runner in self.runners:
            runner.catch_up()
        return self.views

    def close(self) -> None:
        """Close the view store's connection."""
        self.views.close()


def read_views(request: Request) -> Iterator[ViewStore]:
    """Views as of now, held for the duration of one request."""
    read_side: ReadSide = request.app.state.read_side
    with read_side.lock:
        yield read_side.caught_up()


Views = Annotated[ViewStore, Depends(read_views)]
