"""On a real PostgreSQL server: writers in separate processes race, a follower is woken by NOTIFY, the demo runs.

Needs MOBILIZE_TEST_POSTGRES (e.g. `export MOBILIZE_TEST_POSTGRES=$(infra/postgres.sh url)` after
`infra/postgres.sh start`); every test works on a fresh schema of that server.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from uuid import UUID, uuid4

import pytest

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, ConcurrentChange
from mobilize.log.wakeup import NotifyWaiter, waiter_for
from mobilize.projections.audit import AuditTrail, verify
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from mobilize.settings import COMMAND_ATTEMPTS, redacted, store_env
from tests.conftest import HOUR, T0, World

pytestmark = pytest.mark.skipif(
    not os.environ.get("MOBILIZE_TEST_POSTGRES"),
    reason="needs a PostgreSQL server: infra/postgres.sh start; export MOBILIZE_TEST_POSTGRES=$(infra/postgres.sh url)",
)

ROOT = Path(__file__).parents[2]
PROCESSES = 5
ROUNDS = 6
CATCH_UP_BOUND = 5.0
"""Seconds a follower may take to apply what another process committed: generous, this is not a benchmark."""

SPAWN = multiprocessing.get_context("spawn")  # no forked copies of the parent's open connections


@pytest.fixture
def store() -> str:
    """A store URL on a fresh schema of the test server."""
    from tests.postgres import fresh_database

    return fresh_database()


@pytest.fixture
def world(store: str) -> Any:
    app = Mobilize(env=store_env(store))
    yield World(app)
    app.close()


# --- (a) writers in separate processes ---------------------------------------------------------------------------


def book_in_rounds(store: str, plan: list[tuple[str, list[str]]], index: int, start: Any, results: Any) -> None:
    """A writer process: its own application; each round, at the barrier, book the round's person on its shift."""
    # the parent made the tables; writers starting together would race on CREATE TABLE IF NOT EXISTS
    app = Mobilize(env={**store_env(store), "CREATE_TABLE": "n"})
    try:
        app.recorder.max_notification_id()  # connected before the first race, not during it
        for round_, (person, shifts) in enumerate(plan):
            start.wait(timeout=60)
            ctx = CommandContext(actor=f"desk:{index}", command_id=f"proc-{round_}-{index}", occurred_at=T0 - HOUR)
            try:
                outcome = ("won", str(app.assign_to_shift(UUID(shifts[index]), UUID(person), ctx=ctx)))
            except Exception as error:  # noqa: BLE001 - any refusal is an outcome the test judges
                outcome = (type(error).__name__, str(error))
            results.put((round_, index, *outcome))
    finally:
        app.close()


def test_writer_processes_racing_a_person_onto_overlapping_shifts_book_them_exactly_once(world: World,
                                                                                          store: str) -> None:
    site = world.open_site(world.incident(), per_post=20)  # every writer's shift overlaps
    plan: list[tuple[str, list[str]]] = []
    for round_ in range(ROUNDS):
        person = world.person(f"Chen Jing {round_}")
        morning = T0 + round_ * 24 * HOUR
        shifts = [world.shift(site, morning + i * HOUR / 6, hours=4) for i in range(PROCESSES)]  # all overlap
        plan.append((str(person), [str(s) for s in shifts]))
    start, results = SPAWN.Barrier(PROCESSES), SPAWN.Queue()
    writers = [SPAWN.Process(target=book_in_rounds, args=(store, plan, i, start, results)) for i in range(PROCESSES)]
    for writer in writers:
        writer.start()
    outcomes: dict[int, dict[int, tuple[str, str]]] = {r: {} for r in range(ROUNDS)}
    try:
        for _ in range(PROCESSES * ROUNDS):
            round_, index, kind, detail = results.get(timeout=120)
            outcomes[round_][index] = (kind, detail)
    finally:
        for writer in writers:
            writer.join(timeout=30)
            if writer.is_alive():
                writer.kill()
    assert [w.exitcode for w in writers] == [0] * PROCESSES

    log = world.events()
    for round_, (booked_person, _) in enumerate(plan):
        got = outcomes[round_]
        won = [detail for kind, detail in got.values() if kind == "won"]
        assert len(won) == 1, got
        assert {kind for kind, _ in got.values()} <= {"won", "OverlappingShift", "ConcurrentChange"}, got
        booked = [str(e.shift_id) for e in log
                  if type(e).__qualname__ == "Person.ShiftBooked" and str(e.originator_id) == booked_person]
        assigned = [str(e.originator_id) for e in log
                    if type(e).__qualname__ == "Shift.Assigned" and str(e.person_id) == booked_person]
        assert booked == won, "exactly one booking, and it is the winner's"
        assert assigned == won, "exactly one shift took the person, the winner's"
        assert list(world.app.repository.get(UUID(booked_person)).bookings) == won


def test_the_audit_chain_holds_across_the_gaps_a_refused_concurrent_write_leaves(world: World, store: str) -> None:
    site = world.open_site(world.incident())
    person, shifts = world.person("Wu Lei"), [world.shift(site, T0), world.shift(site, T0 + HOUR)]
    other = Mobilize(env={**store_env(store), COMMAND_ATTEMPTS: "1"})  # refused at once, not run again
    save = other.save

    def save_after_the_first_writer(*args: Any, **kwargs: Any) -> Any:  # both loaded; the first one lands first
        world.do("assign_to_shift", shifts[0], person)
        return save(*args, **kwargs)

    other.save = save_after_the_first_writer  # type: ignore[method-assign]
    with pytest.raises(ConcurrentChange):
        other.assign_to_shift(shifts[1], person, ctx=CommandContext(actor="desk:2", occurred_at=T0 - HOUR))
    other.close()
    world.person("Sun Hao")  # something after the gap
    assert len(world.events()) < world.log_size(), "the refused write left a gap in the notification ids"
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()

    verdict = verify(world.app, views)

    views.close()
    assert verdict.ok, verdict.problem


# --- (b) a follower woken by another process's commits ------------------------------------------------------------


def register_people(store: str, grid: str, count: int, done: Any) -> None:
    """A writer process: register `count` people, one command each; report the log head it left."""
    app = Mobilize(env=store_env(store))
    batch = uuid4().hex[:8]
    try:
        for i in range(count):
            app.register_person(f"Remote {batch} {i}", ["volunteer"], UUID(grid),
                                ctx=CommandContext(actor="desk:remote", command_id=f"remote-{batch}-{i}"))
        done.put(app.recorder.max_notification_id())
    finally:
        app.close()


def write_elsewhere(store: str, grid: UUID, count: int) -> int:
    """Run `register_people` in another process; the log position it reached."""
    done = SPAWN.Queue()
    writer = SPAWN.Process(target=register_people, args=(store, str(grid), count, done))
    writer.start()
    try:
        return int(done.get(timeout=60))
    finally:
        writer.join(timeout=30)


def wait_for(condition: Any, bound: float) -> float:
    """Seconds until `condition()` held; fails after `bound`."""
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < bound, f"not within {bound}s"
        time.sleep(0.005)
    return time.monotonic() - began


def test_a_following_runner_applies_another_processes_commits_promptly_and_stops_promptly(world: World,
                                                                                           store: str) -> None:
    views = ViewStore.for_store(store)
    follower_app = Mobilize(env=store_env(store))
    runner = Runner(follower_app, views, AuditTrail())
    stop = threading.Event()
    # poll_seconds far above the bound: only a notification can make the follower see the writes in time
    follower = threading.Thread(target=runner.follow, args=(stop,), kwargs={"poll_seconds": 60}, daemon=True)
    follower.start()
    try:
        wait_for(lambda: runner.position == world.log_size(), CATCH_UP_BOUND)

        for count in (1, 25):
            head = write_elsewhere(store, world.grid, count)
            wait_for(lambda: runner.position >= head, CATCH_UP_BOUND)
            assert runner.position == head

        began = time.monotonic()
        stop.set()
        follower.join(timeout=5)
        assert not follower.is_alive(), "stop did not end follow()"
        assert time.monotonic() - began < 1.0
    finally:
        stop.set()
        follower.join(timeout=5)
        verdict = verify(follower_app, views)
        follower_app.close()
        views.close()
    assert verdict.ok and verdict.checked == world.log_size()


def test_the_waiter_is_woken_by_a_commit_in_another_process_not_by_its_timeout(world: World, store: str) -> None:
    with waiter_for(world.app, resync_seconds=600) as waiter:
        assert isinstance(waiter, NotifyWaiter) and waiter.listening
        assert waiter.channel == world.app.recorder.channel_name  # type: ignore[attr-defined]
        waiter.wait(0)  # forget any notification from setting up the world

        results: queue.Queue[bool] = queue.Queue()
        began = time.monotonic()
        threading.Thread(target=lambda: results.put(waiter.wait(30)), daemon=True).start()
        write_elsewhere(store, world.grid, 1)
        woken = results.get(timeout=CATCH_UP_BOUND + 30)

        assert woken is True
        assert time.monotonic() - began < 15, "woken by the commit, long before the 30 s timeout"
    assert not waiter.listening, "closing the waiter closes its connection"


def test_a_waiter_whose_connection_is_killed_says_look_and_listens_again(world: World, store: str) -> None:
    import psycopg

    with waiter_for(world.app, resync_seconds=600) as waiter:
        assert isinstance(waiter, NotifyWaiter)
        with psycopg.connect(os.environ["MOBILIZE_TEST_POSTGRES"], autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (waiter._connection.info.backend_pid,))

        assert waiter.wait(5) is True, "a lost connection may have missed a commit: look"
        wait_for(lambda: waiter.wait(0.1) and waiter.listening, CATCH_UP_BOUND)

        began = time.monotonic()
        results: queue.Queue[bool] = queue.Queue()
        threading.Thread(target=lambda: results.put(waiter.wait(30)), daemon=True).start()
        write_elsewhere(store, world.grid, 1)
        assert results.get(timeout=60) is True
        assert time.monotonic() - began < 15, "woken by the commit again"


def test_a_stopped_follower_ends_even_while_waiting_for_notifications(world: World, store: str) -> None:
    views = ViewStore.for_store(store)
    runner = Runner(world.app, views, AuditTrail())
    stop = threading.Event()
    follower = threading.Thread(target=runner.follow, args=(stop,), kwargs={"poll_seconds": 60}, daemon=True)
    follower.start()
    watching = ViewStore.for_store(store)  # a connection of the test's own: the follower's is busy in its thread
    wait_for(lambda: watching.position(runner.projection.name) == world.log_size(), CATCH_UP_BOUND)
    watching.close()
    time.sleep(0.2)  # now inside the wait for a notification

    began = time.monotonic()
    stop.set()
    follower.join(timeout=5)

    assert not follower.is_alive()
    assert time.monotonic() - began < 1.0
    views.close()


# --- (c) the demo ---------------------------------------------------------------------------------------------------


def demo(store: str, cwd: Path) -> subprocess.Popen[str]:
    """`mobilize --store STORE demo --seed 1`, started (same interpreter, same entry point as the script)."""
    return subprocess.Popen([sys.executable, "-m", "mobilize", "--store", store, "demo", "--seed", "1"], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def summary(out: str) -> list[str]:
    """The demo's summary without the line naming the store."""
    return [line for line in out.splitlines() if not line.startswith("store ")]


@pytest.mark.slow
def test_the_demo_plays_the_same_drive_on_postgresql_as_on_sqlite(store: str, tmp_path: Path) -> None:
    on_postgres = demo(store, tmp_path)
    on_sqlite = demo(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path)
    pg_out, pg_err = on_postgres.communicate(timeout=600)
    sqlite_out, sqlite_err = on_sqlite.communicate(timeout=600)

    assert on_postgres.returncode == 0, pg_err[-3000:]
    assert on_sqlite.returncode == 0, sqlite_err[-3000:]
    assert f"store                     {redacted(store)}" in pg_out and ":mobilize@" not in pg_out
    assert summary(pg_out) == summary(sqlite_out)
    written = int(next(line.split()[-1] for line in pg_out.splitlines() if line.startswith("events written")))
    assert written > 10_000
    assert stored_events(store) == written, "the events went to PostgreSQL"


def stored_events(store: str) -> int:
    """How many events the store's PostgreSQL schema holds."""
    import psycopg
    from psycopg import sql

    url = urlparse(store)
    schema = parse_qs(url.query)["schema"][-1]
    with psycopg.connect(url._replace(query="").geturl()) as connection:
        row = connection.execute(sql.SQL("SELECT count(*) FROM {}.mobilize_events").format(
            sql.Identifier(schema))).fetchone()
    assert row is not None
    return int(row[0])
