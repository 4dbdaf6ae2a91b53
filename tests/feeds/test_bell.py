"""The live feed wakes when the log grows, not when its poll comes round: the log bell."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mobilize.api.app import create_app
from mobilize.api.routes.stream import Pacing, pacing
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.feeds.bell import Bell
from mobilize.settings import Settings, store_env
from tests.api.conftest import issue
from tests.api.test_stream import Frame, frames_of
from tests.conftest import World, backends

POLL = 30.0
"""A poll no test waits out: a frame that arrives within `PROMPTLY` was woken by the bell."""
PROMPTLY = 5.0
SETTLE = 0.3
"""How long a client is left after its first frame, so that the feed has read the log and waits on the bell."""


@pytest.fixture
def client(world: World, store: str) -> Iterator[TestClient]:
    """An API over the world whose feeds poll so rarely that no scenario can wait for the poll."""
    api = create_app(Settings(store=store), application=world.app)
    api.dependency_overrides[pacing] = lambda: Pacing(poll=POLL, heartbeat=POLL)
    with TestClient(api) as client:
        yield client


def next_event(client: TestClient, token: str, write: Callable[[], object]) -> tuple[Frame, float]:
    """Open a feed from now, let it settle into waiting, `write`, and return the first event frame and its delay."""
    with client.stream("GET", "/api/stream", params={"token": token}) as response:
        lines = response.iter_lines()
        assert "retry" in next(frames_of(lines)).fields
        time.sleep(SETTLE)
        written = time.monotonic()
        write()
        frame = next(frame for frame in frames_of(lines) if "data" in frame.fields)
        return frame, time.monotonic() - written


def test_an_event_committed_in_this_process_reaches_an_open_client_without_waiting_for_the_poll(
        world: World, client: TestClient) -> None:
    token = issue(world.app, "auditor", "Audit Office")

    frame, delay = next_event(client, token, lambda: world.person("Chen Jing"))

    assert frame.data["event_type"] == "Person.Registered" and frame.data["payload"]["name"] == "Chen Jing"
    assert delay < PROMPTLY


@pytest.mark.parametrize("store", [b for b in backends() if b != "memory"], indirect=True)  # memory has no other
def test_an_event_committed_by_another_process_reaches_an_open_client_without_waiting_for_the_poll(
        world: World, client: TestClient, store: str) -> None:
    token = issue(world.app, "auditor", "Audit Office")
    other = Mobilize(env=store_env(store))  # another process on the store: heard by NOTIFY, or seen by a look
    try:
        ctx = CommandContext(actor="operator:zhou", occurred_at=world.ctx().occurred_at)
        frame, delay = next_event(client, token, lambda: other.establish_unit("Huangshi Street", "street", ctx=ctx))
    finally:
        other.close()

    assert frame.data["event_type"] == "OrgUnit.Established" and frame.data["payload"]["name"] == "Huangshi Street"
    assert delay < PROMPTLY


@pytest.mark.parametrize("store", [b for b in backends() if b != "memory"], indirect=True)
def test_with_no_feed_open_the_bell_reads_nothing_and_a_feed_opened_later_is_still_woken(
        world: World, client: TestClient, store: str) -> None:
    token = issue(world.app, "auditor", "Audit Office")
    recorder, looks = world.app.recorder, []
    read_end = recorder.max_notification_id
    recorder.max_notification_id = lambda: looks.append(1) or read_end()  # counts the bell's looks at the end
    other = Mobilize(env=store_env(store))

    def establish(name: str) -> object:
        return other.establish_unit(name, "street", ctx=CommandContext(actor="operator:zhou",
                                                                       occurred_at=world.ctx().occurred_at))
    try:
        for number in range(3):  # heard by NOTIFY, or looked for every 30 ms: nobody is there to wake
            establish(f"Street {number}")
        time.sleep(SETTLE)
        assert looks == []
        frame, delay = next_event(client, token, lambda: establish("Huangshi Street"))
    finally:
        other.close()
        del recorder.max_notification_id

    assert frame.data["payload"]["name"] == "Huangshi Street" and delay < PROMPTLY
    assert looks  # with the feed open, the bell looked again


def test_the_bell_leaves_no_thread_behind_when_the_api_shuts_down(world: World, store: str) -> None:
    def bells() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if thread.name == "mobilize-log-bell"]

    before = len(bells())
    for _ in range(3):
        with TestClient(create_app(Settings(store=store), application=world.app)):
            assert len(bells()) == before + 1
        assert len(bells()) == before
    world.person("Chen Jing")  # a commit after shutdown rings no stopped bell, and raises nothing


def test_a_commit_between_a_feeds_read_and_its_wait_is_not_slept_through(world: World) -> None:
    async def scenario() -> float:
        bell = Bell(world.app)
        bell.start(asyncio.get_running_loop())
        try:
            read_to = world.log_size()  # the feed has read this far ...
            world.person("Chen Jing")  # ... a commit lands before it waits ...
            started = time.monotonic()
            await bell.wait(read_to, timeout=POLL)  # ... and its wait ends at once
            return time.monotonic() - started
        finally:
            bell.stop()

    assert asyncio.run(scenario()) < PROMPTLY


def test_a_wait_with_nothing_committed_ends_after_its_timeout(world: World) -> None:
    async def scenario() -> float:
        bell = Bell(world.app)
        bell.start(asyncio.get_running_loop())
        try:
            started = time.monotonic()
            await bell.wait(world.log_size(), timeout=0.2)
            return time.monotonic() - started
        finally:
            bell.stop()

    assert 0.19 <= asyncio.run(scenario()) < PROMPTLY


def test_a_bell_started_again_after_its_loop_closed_with_a_ring_pending_still_rings(world: World) -> None:
    bell = Bell(world.app)
    gone = asyncio.new_event_loop()
    bell.start(gone)
    world.person("Chen Jing")  # rung onto a loop that never runs again ...
    bell.stop()
    gone.close()

    async def scenario() -> float:
        bell.start(asyncio.get_running_loop())  # ... and served again, as a second lifespan of the same API would
        try:
            read_to = world.log_size()
            world.person("Wang Gang")
            started = time.monotonic()
            await bell.wait(read_to, timeout=POLL)
            return time.monotonic() - started
        finally:
            bell.stop()

    assert asyncio.run(scenario()) < PROMPTLY
