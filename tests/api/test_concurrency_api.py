"""Two operators booking the same person at once, through two API workers: one succeeds, one 409, one event."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mobilize.api.app import create_app
from mobilize.application import Mobilize
from mobilize.settings import Settings, store_env
from tests.api.conftest import Api, issue
from tests.conftest import HOUR, T0, World, backends, store_for


@pytest.mark.parametrize("backend", [b for b in backends() if b != "memory"])
def test_two_clients_booking_the_same_person_at_once(tmp_path: Path, backend: str) -> None:
    store = store_for(backend, tmp_path)
    setup = Mobilize(env=store_env(store))
    world = World(setup)
    site = world.open_site(world.incident(), lanes=2)
    person = world.person("Chen Jing")
    shifts = [world.shift(site, T0, lane=1), world.shift(site, T0 + 2 * HOUR, lane=2)]
    token = issue(setup, "operator", "Li Wei")
    workers = [TestClient(create_app(Settings(store=store), Mobilize(env=store_env(store)))) for _ in range(2)]
    barrier = threading.Barrier(2)
    answers: list[object] = [None, None]

    def book(index: int) -> None:
        client = Api(workers[index], token)
        barrier.wait()
        answers[index] = client.post(f"/shifts/{shifts[index]}/assignments", {"person_id": person},
                                     key=f"desk-{index}")

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(answer.status_code for answer in answers)  # type: ignore[attr-defined]
    assert statuses == [200, 409]
    refused = next(a for a in answers if a.status_code == 409).json()  # type: ignore[attr-defined]
    assert refused["error"] in ("no_overlapping_shifts", "concurrent_change")
    booked = [e for e in World.events(world) if type(e).__name__ == "ShiftBooked"]
    assert len(booked) == 1
