"""`mobilize serve --workers 2` on PostgreSQL: two API processes, each with its own aggregate cache.

Both workers first load the same person (refused commands still read it), then one books her and
the next request — whichever worker takes it — tries an overlapping shift: it must be refused. A
worker that answered from a stale cache would book her twice. Then pairs of requests race for one
person: exactly one of each pair wins.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World

pytestmark = pytest.mark.skipif(
    not os.environ.get("MOBILIZE_TEST_POSTGRES"),
    reason="needs a PostgreSQL server: infra/postgres.sh start; export MOBILIZE_TEST_POSTGRES=$(infra/postgres.sh url)",
)

ROOT = Path(__file__).parents[2]
ROUNDS = 8


@pytest.fixture
def store() -> str:
    from tests.postgres import fresh_database

    return fresh_database()


@pytest.fixture
def world(store: str) -> Iterator[World]:
    app = Mobilize(env=store_env(store))
    yield World(app)
    app.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(store: str, world: World) -> Iterator[tuple[int, str]]:
    secret = "workers-test-secret"
    token_id = world.app.issue_token("test desk", "operator", None, secret_hash(secret),
                                     ctx=CommandContext(actor="test", command_id="token"))
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "mobilize", "--store", store, "--log-level", "warning", "serve",
                                "--port", str(port), "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while call(port, "GET", "/readyz")[0] != 200:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)
    yield port, f"{TOKEN_PREFIX}.{token_id.hex}.{secret}"
    process.terminate()
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    assert "Traceback" not in errors, errors[-3000:]


def call(port: int, method: str, path: str, token: str = "", body: Any = None) -> tuple[int, Any]:
    """One request on a new connection (so that either worker may take it)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"} if token else {}
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        status, text = response.status, response.read()
        connection.close()
        return status, json.loads(text) if text else None
    except OSError:
        return 0, None


def test_no_worker_books_a_person_from_a_stale_cache(world: World, server: tuple[int, str]) -> None:
    port, token = server
    site = world.open_site(world.incident())
    for round_ in range(ROUNDS):
        person = world.person(f"Chen Jing {round_}")
        first, overlapping, elsewhere = (world.shift(site, T0 + round_ * 24 * HOUR + i * HOUR, hours=4)
                                         for i in range(3))
        for _ in range(6):  # both workers read her into their caches (she is on no shift: refused, 409)
            status, _ = call(port, "POST", f"/api/shifts/{elsewhere}/unassign", token, {"person_id": str(person)})
            assert status == 409
        assert call(port, "POST", f"/api/shifts/{first}/assignments", token, {"person_id": str(person)})[0] == 200
        status, answer = call(port, "POST", f"/api/shifts/{overlapping}/assignments", token,
                              {"person_id": str(person)})
        assert status == 409, answer
        assert [str(s) for s in world.app.repository.get(person).bookings] == [str(first)]


def test_two_workers_racing_for_one_person_let_exactly_one_win(world: World, server: tuple[int, str]) -> None:
    port, token = server
    site = world.open_site(world.incident())
    for round_ in range(ROUNDS):
        person = world.person(f"Li Na {round_}")
        shifts = [world.shift(site, T0 + round_ * 24 * HOUR + i * HOUR, hours=4) for i in range(2)]
        start = threading.Barrier(2)
        statuses: list[int] = []

        def book(shift: UUID, person: UUID = person) -> None:
            start.wait()
            statuses.append(call(port, "POST", f"/api/shifts/{shift}/assignments", token,
                                 {"person_id": str(person)})[0])

        threads = [threading.Thread(target=book, args=(shift,)) for shift in shifts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(statuses) == [200, 409], statuses
        assert len(world.app.repository.get(person).bookings) == 1
