"""Faults of the store (ADR 0010): a real PostgreSQL restart, and a projection stuck on an event it cannot apply.

The restart tests stop and start the server MOBILIZE_TEST_POSTGRES names, through `infra/postgres.sh` run from
the repository root with this process's environment (its port taken from the URL): the server infra/test.sh
starts, or one started as `MOBILIZE_PG_PORT=55532 MOBILIZE_INFRA_DIR=/tmp/x infra/postgres.sh start` with
MOBILIZE_INFRA_DIR exported. They skip when that script does not manage the server, and leave it running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from uuid import uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient

from mobilize.api.app import create_app
from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings, default_key_file, store_env
from tests.api.conftest import issue
from tests.conftest import World, store_for

ROOT = Path(__file__).parents[2]
CHILD_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def child_env(store: str) -> dict[str, str]:
    """What a child process of the test needs: the checkout, and the master key the test's own application made
    (for PostgreSQL a file in this process's working directory, and the children run elsewhere)."""
    path = default_key_file(store_env(store))
    return {**CHILD_ENV, **({"MOBILIZE_MASTER_KEY_FILE": str(Path(path).resolve())} if path else {})}
OUTAGE_SECONDS = 3.0
FAIL_FAST_BOUND = 5.0
"""Seconds a command or a read may take to answer 503 while the database is away."""
READY_BOUND = 1.5
"""Seconds /readyz may take to say not ready (READY_SECONDS is 0.8; the rest is slack for a loaded machine)."""
BACK_BOUND = 10.0
"""Seconds after the database is back by which everything must answer again."""

requires_postgres = pytest.mark.skipif(not os.environ.get("MOBILIZE_TEST_POSTGRES"),
                                       reason="needs MOBILIZE_TEST_POSTGRES (infra/postgres.sh start)")


def _infra(verb: str) -> subprocess.CompletedProcess[str]:
    port = urlparse(os.environ["MOBILIZE_TEST_POSTGRES"]).port or 5432
    return subprocess.run(["infra/postgres.sh", verb], cwd=ROOT, env={**os.environ, "MOBILIZE_PG_PORT": str(port)},
                          capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture
def restartable() -> None:
    """Skip unless infra/postgres.sh, with this environment, manages the server the suite points at."""
    if _infra("status").returncode != 0:
        pytest.skip("the test server is not one infra/postgres.sh manages with this environment "
                    "(export MOBILIZE_INFRA_DIR and use the port in MOBILIZE_TEST_POSTGRES)")


@contextmanager
def outage() -> Iterator[Callable[[], float]]:
    """The database stopped for the block (a fast shutdown: every session gets AdminShutdown), then started
    again; yields a clock of seconds since the start came back (0 until then)."""
    back: list[float] = []
    stopped = _infra("stop")
    assert stopped.returncode == 0, stopped.stderr
    try:
        yield lambda: time.monotonic() - back[0] if back else 0.0
    finally:
        started = _infra("start")
        assert started.returncode == 0, started.stderr
        back.append(time.monotonic())


def _positions(store: str) -> dict[str, int]:
    url = urlparse(store)
    schema = parse_qs(url.query)["schema"][-1]
    with psycopg.connect(url._replace(query="").geturl(), connect_timeout=3) as connection:
        rows = connection.execute(f'SELECT name, position FROM "{schema}".projection_positions').fetchall()
    return {name: int(position) for name, position in rows}


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `condition` held (errors count as not yet); fails after `timeout`."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if condition():
                return time.monotonic() - began
        except Exception:  # noqa: BLE001 - the database is coming back: not yet
            pass
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {timeout} s")


def _grow(world: World, count: int) -> int:
    for _ in range(count):
        world.do("establish_unit", f"Grid {uuid4().hex[:6]}", "grid", world.community)
    return world.log_size()


STOP_BOUND = 20.0
"""Seconds a child may take to stop when told to."""


def _interrupt(child: subprocess.Popen[bytes], log: Path) -> None:
    """Stop the child as a service manager does (SIGTERM; SIGINT is ignored by a child of a background job); if
    it has not stopped within STOP_BOUND, have it print where each thread is (the children run with
    -X faulthandler: SIGABRT dumps every thread's stack) and fail with that."""
    began = time.monotonic()
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_BOUND)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGABRT)
        child.wait(timeout=10)
        pytest.fail(f"still running {STOP_BOUND} s after SIGTERM; its threads:\n{log.read_text()[-6000:]}")
    print(f"stopped {time.monotonic() - began:.2f} s after SIGTERM")


POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="faults")


def _timed(call: Callable[[], Any], bound: float = FAIL_FAST_BOUND + 5) -> tuple[Any, float]:
    """The call's result and how long it took; None if it had not answered after `bound` seconds (left running:
    the test fails later, once the database is started again, instead of hanging with it stopped)."""
    began = time.monotonic()
    future = POOL.submit(call)
    try:
        return future.result(timeout=bound), time.monotonic() - began
    except FutureTimeout:
        return None, time.monotonic() - began


# --- (1) the API ----------------------------------------------------------------------------------------------


@requires_postgres
def test_the_api_answers_503_at_once_during_an_outage_and_serves_again_after_it(restartable: None) -> None:
    store = store_for("postgres", Path())
    app = Mobilize(env=store_env(store))
    world = World(app)
    token = issue(app, "operator", "Li Wei")
    headers = {"Authorization": f"Bearer {token}"}

    def command(key: str) -> Any:
        return client.post("/api/org-units", json={"name": f"Grid {key}", "kind": "grid",
                                                    "parent_id": str(world.community)},
                           headers={**headers, "Idempotency-Key": key})

    def roster() -> Any:
        return client.get("/api/roster", headers=headers)

    api = create_app(Settings(store=store), application=app)
    with TestClient(api, raise_server_exceptions=False) as client:
        assert roster().status_code == 200 and command("before").status_code == 201
        with outage():
            ready, ready_took = _timed(lambda: client.get("/readyz"))
            read, read_took = _timed(roster)
            write, write_took = _timed(lambda: command("during"))
            read_again, again_took = _timed(roster)
        answers = [getattr(r, "status_code", "no answer") for r in (ready, read, write, read_again)]
        print(f"\noutage: /readyz {answers[0]} in {ready_took:.2f} s, read {answers[1]} in {read_took:.2f} s (again "
              f"{answers[3]} in {again_took:.2f} s), command {answers[2]} in {write_took:.2f} s")
        assert None not in (ready, read, write, read_again), f"hung while the database was away: {answers}"
        assert (ready.status_code, ready.json()["status"]) == (503, "not_ready") and ready_took < READY_BOUND
        for response, took in ((read, read_took), (write, write_took), (read_again, again_took)):
            assert response.status_code == 503, response.text
            assert response.json()["error"] == "store_unavailable" and response.headers["Retry-After"]
            assert took < FAIL_FAST_BOUND

        first_read = _wait_for(lambda: roster().status_code == 200, BACK_BOUND, "a read after the restart")
        first_command = _wait_for(lambda: command("during").status_code == 201, BACK_BOUND,
                                  "the command, sent again after the restart")
        print(f"back: first read after {first_read:.2f} s, the command then took {first_command:.2f} s")
        assert client.get("/readyz").json() == {"status": "ready", "log_position": world.log_size()}
        assert roster().status_code == 200
        assert _positions(store)["roster"] == world.log_size(), "the views caught up to the log head"
    app.close()


# --- (2) `mobilize projections run` ---------------------------------------------------------------------------


@requires_postgres
def test_projections_run_survives_a_database_restart_and_catches_up(restartable: None, tmp_path: Path) -> None:
    store = store_for("postgres", tmp_path)
    app = Mobilize(env=store_env(store))
    world = World(app)
    head = _grow(world, 5)
    output = (tmp_path / "run.log").open("w")
    child = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "mobilize", "--store", store,
                              "projections", "run"],
                             stdout=output, stderr=subprocess.STDOUT, env=child_env(store), cwd=tmp_path)
    try:
        _wait_for(lambda: set(_positions(store).values()) == {head} and len(_positions(store)) == len(PROJECTIONS),
                  20, "projections run caught up before the restart")
        with outage():
            time.sleep(OUTAGE_SECONDS)
        head = _grow(world, 5)  # the test's own application is back too, without reopening
        took = _wait_for(lambda: set(_positions(store).values()) == {head}, BACK_BOUND, "caught up after it")
        print(f"\nprojections run: caught up to {head} {took:.2f} s after the writes that followed the restart")
        assert child.poll() is None, (tmp_path / "run.log").read_text()
    finally:
        _interrupt(child, tmp_path / "run.log")
        output.close()
        app.close()
    log = (tmp_path / "run.log").read_text()
    assert "Traceback" not in log, log


# --- (3) `mobilize relay` ------------------------------------------------------------------------------------


@requires_postgres
def test_the_relay_survives_a_database_restart_and_publishes_every_position(restartable: None, tmp_path: Path) -> None:
    from tests.kafka import SKIP_REASON, consume

    if not os.environ.get("MOBILIZE_TEST_KAFKA"):
        pytest.skip(SKIP_REASON)

    kafka, topic = os.environ["MOBILIZE_TEST_KAFKA"], f"test.faults.{uuid4().hex[:8]}"
    store = store_for("postgres", tmp_path)
    app = Mobilize(env=store_env(store))
    world = World(app)
    head = _grow(world, 5)
    output = (tmp_path / "relay.log").open("w")
    child = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "mobilize", "--store", store, "relay",
                              "--bootstrap", kafka, "--topic", topic],
                             stdout=output, stderr=subprocess.STDOUT, env=child_env(store), cwd=tmp_path)
    try:
        _wait_for(lambda: _positions(store).get("kafka_relay") == head, 30, "the relay caught up before the restart")
        with outage():
            time.sleep(OUTAGE_SECONDS)
        head = _grow(world, 5)
        took = _wait_for(lambda: _positions(store).get("kafka_relay") == head, BACK_BOUND, "relayed after it")
        print(f"\nrelay: caught up to {head} {took:.2f} s after the writes that followed the restart")
        assert child.poll() is None, (tmp_path / "relay.log").read_text()
        # the log's own positions: an insert the restart cut short may have taken a sequence number it never used
        logged = {n.id for n in app.recorder.select_notifications(1, head + 100)}
    finally:
        _interrupt(child, tmp_path / "relay.log")
        output.close()
        app.close()
    assert "Traceback" not in (tmp_path / "relay.log").read_text()
    published = {m.position for m in consume(kafka, topic)}
    assert max(logged) == head and published == logged, f"not published: {sorted(logged - published)[:10]}"


# --- (4) a projection stuck on an event ----------------------------------------------------------------------


def _last_established(world: World) -> int:
    """The position of the last unit's establishment (an event the roster applies)."""
    notes = world.app.recorder.select_notifications(1, 10_000)
    return max(note.id for note in notes if note.topic.endswith("OrgUnit.Established"))


def _poison(name: str, position: int) -> Callable[[], None]:
    """Make projection `name` raise on the event at `position` (every instance, in this process); returns undo."""
    from mobilize.projections.registry import projection

    cls = type(projection(name))
    original = cls.apply

    def apply(self: Any, tx: Any, event: Any, note: Any) -> None:
        if note.id == position:
            raise ValueError(f"cannot apply {type(event).__qualname__}")
        original(self, tx, event, note)

    cls.apply = apply  # type: ignore[method-assign]

    def undo() -> None:
        cls.apply = original  # type: ignore[method-assign]

    return undo


def test_a_projection_stuck_on_an_event_is_reported_and_the_others_go_on(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    store = store_for("sqlite", tmp_path)
    app = Mobilize(env=store_env(store))
    world = World(app)
    token = issue(app, "operator", "Li Wei")
    headers = {"Authorization": f"Bearer {token}"}
    _grow(world, 3)
    poisoned = _last_established(world)
    head = _grow(world, 3)
    undo = _poison("roster", poisoned)
    try:
        api = create_app(Settings(store=store), application=app)
        with TestClient(api, raise_server_exceptions=False) as client:
            stuck = client.get("/api/roster", headers=headers)
            again = client.get("/api/roster", headers=headers)
            other = client.get("/api/readiness", headers=headers)
            ready = client.get("/readyz")
        assert stuck.status_code == 503 and again.status_code == 503, stuck.text
        facts = stuck.json()["facts"]
        assert stuck.json()["error"] == "view_stuck"
        assert (facts["projection"], facts["position"], facts["error"]) == ("roster", poisoned, "builtins.ValueError")
        assert "cannot apply" in facts["message"]
        assert other.status_code == 200, other.text
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert [(s["projection"], s["position"]) for s in ready.json()["stuck"]] == [("roster", poisoned)]
        views = ViewStore.for_store(store)
        assert views.position("roster") == poisoned - 1, "what came before the event is applied"
        assert views.position("readiness") == head, "the other projections went on"
        views.close()

        capsys.readouterr()
        assert main(["--store", store, "projections", "status"]) == 1
        said = capsys.readouterr()
        assert f"STUCK at {poisoned}" in said.out
        assert f"roster is stuck at position {poisoned}" in said.err and "ValueError" in said.err
    finally:
        undo()
    # fixed (here: the poison taken away), the next run passes the event and the record goes
    views = ViewStore.for_store(store)
    from mobilize.projections.registry import projection

    Runner(app, views, projection("roster")).advance()
    views.close()
    assert main(["--store", store, "projections", "status"]) == 0
    app.close()


@requires_postgres
def test_a_nul_that_postgres_refuses_sticks_one_projection_not_the_api(tmp_path: Path) -> None:
    store = store_for("postgres", tmp_path)
    app = Mobilize(env=store_env(store))
    world = World(app)
    token = issue(app, "operator", "Li Wei")
    headers = {"Authorization": f"Bearer {token}"}
    _grow(world, 2)
    # a unit's establishment with a NUL in its name, put in the log behind the commands' back (they refuse NUL)
    url = urlparse(store)
    schema = parse_qs(url.query)["schema"][-1]
    with psycopg.connect(url._replace(query="").geturl(), autocommit=True) as connection:
        topic, state = connection.execute(
            f'SELECT topic, state FROM "{schema}".mobilize_events WHERE topic LIKE %s ORDER BY notification_id '
            "DESC LIMIT 1", ("%OrgUnit.Established%",)).fetchone() or ("", b"")
        assert topic, "an establishment to copy"
        poisoned_state = bytes(state).replace(b'"name":"Grid ', b'"name":"Grid \\u0000', 1)
        assert poisoned_state != bytes(state)
        poisoned = connection.execute(
            f'INSERT INTO "{schema}".mobilize_events (originator_id, originator_version, topic, state) '
            "VALUES (%s, 1, %s, %s) RETURNING notification_id", (uuid4(), topic, poisoned_state)).fetchone()[0]
    head = _grow(world, 2)
    api = create_app(Settings(store=store), application=app)
    with TestClient(api, raise_server_exceptions=False) as client:
        responses = {path: client.get(path, headers=headers) for path in
                     ("/api/roster", "/api/readiness", "/api/gaps", "/api/duty-hours")}
        ready = client.get("/readyz").json()
    assert all(r.status_code in (200, 503) for r in responses.values()), {p: r.text for p, r in responses.items()}
    stuck = {s["projection"]: s for s in ready.get("stuck", [])}
    assert stuck, ready
    assert {s["position"] for s in stuck.values()} == {poisoned}
    assert all("UntranslatableCharacter" in s["error"] or "DataError" in s["error"] for s in stuck.values()), stuck
    assert responses["/api/roster"].status_code == (503 if "roster" in stuck else 200)
    assert any(r.status_code == 200 for r in responses.values()), "the views that can apply it answer"
    positions = _positions(store)
    assert all(positions[name] == head for name in PROJECTIONS if name not in stuck)
    app.close()
