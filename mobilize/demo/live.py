"""`mobilize demo --serve`: the API and dashboard up, and the drive played in accelerated real time to watch."""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import uvicorn

from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.application import Mobilize, open_app
from mobilize.demo import DRIVE_STARTS
from mobilize.demo.desk import Desk
from mobilize.demo.drive import run_drive
from mobilize.demo.field import Phones
from mobilize.demo.street import build_street
from mobilize.demo.summary import render
from mobilize.domain.base import CommandContext
from mobilize.settings import Settings

SPEED = 360.0
"""Simulated seconds per real second by default: a simulated hour every ten seconds, the drive in five minutes."""
PACED_FROM = DRIVE_STARTS - timedelta(hours=6)
"""The street is built at full speed; the pace starts when the incident is declared."""


class PacedDesk(Desk):
    """A desk whose simulated clock keeps pace with the wall clock, `speed` times faster, from `paced_from` on."""

    def __init__(self, app: Mobilize, speed: float, paced_from: datetime, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.speed = speed
        self.paced_from = paced_from
        self.anchor: tuple[float, datetime] | None = None
        self.reached = paced_from

    def at(self, moment: datetime) -> Desk:
        """Set the simulated time, first waiting until the wall clock has caught up with it."""
        if moment >= self.reached:  # the drive steps back for late entries: only new moments are waited for
            self.reached = moment
            if self.anchor is None:
                self.anchor = (time.monotonic(), moment)
            wall, start = self.anchor
            time.sleep(max(0.0, wall + (moment - start).total_seconds() / self.speed - time.monotonic()))
        return super().at(moment)


@dataclass
class Served:
    """An API served by uvicorn on a background thread."""

    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        """Ask the server to stop and wait for it (open streams are cut after two seconds)."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(api: Any, host: str, port: int) -> Served:
    """Serve `api` on a daemon thread; return once it accepts connections."""
    # no access log: the stream's URL may carry ?token=, and the app logs each request without its query
    config = uvicorn.Config(api, host=host, port=port, log_config=None, access_log=False,
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="mobilize-api", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the API could not start on {host}:{port} (is the port taken?)")
        time.sleep(0.05)
    return Served(server, thread, f"http://{host}:{port}")


def viewer_token(app: Mobilize, holder: str) -> str:
    """Issue a viewer token for a wall screen and return it as `mobilize token create` prints it."""
    secret = secrets.token_urlsafe(32)
    token_id = app.issue_token(holder, "viewer", None, secret_hash(secret),
                               ctx=CommandContext(actor="mobilize demo --serve", reason="a token for the dashboard"))
    return f"{TOKEN_PREFIX}.{token_id.hex}.{secret}"


def serve_demo(settings: Settings, seed: int, speed: float = SPEED, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the API and dashboard, print a viewer token and the URL, and play the drive at `speed`."""
    from mobilize.api.app import create_app

    app = open_app(settings)
    token = viewer_token(app, "demo wall screen")
    served = start_server(create_app(settings, app), host, port)
    print(f"viewer token  {token}")
    print(f"dashboard     {served.url}/api/dashboard?clock=log&token={token}")
    print(f"console       {served.url}/console?token={token}  (read-only; an operator acts with a token of "
          "`mobilize token create --role operator`)")
    print(f"playing the drive: one simulated hour every {3600 / speed:.0f} s; Ctrl-C stops", flush=True)
    try:
        rng = random.Random(seed)
        before = app.recorder.max_notification_id() or 0
        desk = PacedDesk(app, speed, PACED_FROM, actor="operator:junhe-command-center",
                         ordered_by="Junhe Street Party Working Committee")
        street = build_street(desk, rng, DRIVE_STARTS)
        phones = Phones(desk, street)
        drive = run_drive(desk, rng, street, DRIVE_STARTS, phones)
        written = (app.recorder.max_notification_id() or 0) - before
        print(render(street, drive, desk.tally, written, settings.store, field=phones.lines()))
        print("the drive is over; the dashboard stays up until Ctrl-C", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        served.stop()
        app.close()
    return 0
