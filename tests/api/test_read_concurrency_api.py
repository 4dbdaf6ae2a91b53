"""Reads do not wait on each other's replays: a read side each, and replays hold none while they run."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from mobilize.api.routes import views as view_routes
from tests.api.conftest import Desk

REPLAY_SECONDS = 1.5


def test_a_live_read_answers_while_replays_of_the_log_run(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    world = desk.world
    world.open_site(world.incident())
    real, replaying = view_routes.replay_reading, threading.Barrier(3)

    def slow_replay(*args: Any) -> Any:  # a replay of a long log: here it takes REPLAY_SECONDS
        replaying.wait(10)
        time.sleep(REPLAY_SECONDS)
        return real(*args)

    monkeypatch.setattr(view_routes, "replay_reading", slow_replay)
    answers: list[int] = []
    viewers = [threading.Thread(target=lambda: answers.append(desk.operator.get("/roster", as_of="5").status_code))
               for _ in range(2)]
    for viewer in viewers:
        viewer.start()
    replaying.wait(10)  # both replays are under way
    began = time.monotonic()
    live = desk.operator.get("/roster")
    took = time.monotonic() - began
    for viewer in viewers:
        viewer.join(30)
    assert live.status_code == 200 and answers == [200, 200]
    assert took < REPLAY_SECONDS / 2, f"the live read waited {took:.2f} s behind the replays"


def test_a_route_without_as_of_ignores_the_parameter(desk: Desk) -> None:
    assert desk.auditor.get("/audit", as_of="5").status_code == 200  # not a replayable view: read live
