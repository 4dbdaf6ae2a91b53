"""The live feed: resumable without gap or duplicate, heartbeats, the caller's scope, no personal ids for viewers."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from mobilize.api.app import create_app
from mobilize.api.routes.stream import Pacing, pacing
from mobilize.demo.live import start_server
from mobilize.domain.notification import Inbox
from mobilize.log.envelope import HIDDEN, streamed
from mobilize.settings import Settings
from tests.api.conftest import issue
from tests.conftest import HOUR, T0, World


@dataclass
class Frame:
    """One SSE frame as a client parses it: its fields, or the comment it carried."""

    fields: dict[str, str] = field(default_factory=dict)
    comment: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.fields["data"])


def frames_of(lines: Iterable[str]) -> Iterator[Frame]:
    """Frames from the lines of an event stream."""
    frame = Frame()
    for line in lines:
        if line == "":
            yield frame
            frame = Frame()
        elif line.startswith(":"):
            frame.comment = line[1:].strip()
        else:
            name, _, value = line.partition(":")
            frame.fields[name] = value.removeprefix(" ")


class Listener:
    """Clients of the stream over one world, one token per role."""

    def __init__(self, world: World, client: TestClient) -> None:
        self.world, self.client = world, client
        self.operator = issue(world.app, "operator", "Li Wei")
        self.grid_operator = issue(world.app, "operator", "Zhang Min", world.grid)
        self.auditor = issue(world.app, "auditor", "Audit Office")
        self.viewer = issue(world.app, "viewer", "Wall screen 1")

    def frames(self, token: str, until: Callable[[list[Frame]], bool], headers: dict[str, str] | None = None,
               timeout: float = 10.0, **params: Any) -> list[Frame]:
        """Read frames until `until` holds (or time is up), then hang up."""
        return read_stream(self.client, "/api/stream", {"token": token, **params}, until, headers, timeout)

    def events(self, token: str, **kwargs: Any) -> list[dict[str, Any]]:
        """The events of the stream up to the first heartbeat, i.e. until it has caught up with the log."""
        frames = self.frames(token, until=lambda read: read[-1].comment == "heartbeat", **kwargs)
        return [frame.data for frame in frames if "data" in frame.fields]

    def streamable(self) -> list[int]:
        """Every log position a caller of the whole tree should receive."""
        notes = self.world.app.recorder.select_notifications(1, 100_000)
        return [note.id for note in notes if streamed(note)]


def read_stream(client: TestClient, path: str, params: dict[str, Any], until: Callable[[list[Frame]], bool],
                headers: dict[str, str] | None = None, timeout: float = 10.0) -> list[Frame]:
    """Open an event stream, read its frames until `until` holds (or time is up), then hang up."""
    read: list[Frame] = []
    deadline = time.monotonic() + timeout
    with client.stream("GET", path, params=params, headers=headers) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for frame in frames_of(response.iter_lines()):
            read.append(frame)
            if until(read) or time.monotonic() > deadline:
                break
    return read


@pytest.fixture
def listener(world: World, store: str) -> Iterator[Listener]:
    """A world, an API over it whose stream polls often and beats every 0.3 s, and tokens of every role."""
    api = create_app(Settings(store=store), application=world.app)
    api.dependency_overrides[pacing] = lambda: Pacing(poll=0.02, heartbeat=0.3)
    with TestClient(api) as client:
        yield Listener(world, client)


def data_frames(frames: list[Frame]) -> list[dict[str, Any]]:
    return [frame.data for frame in frames if "data" in frame.fields]


def test_a_client_that_reconnects_with_last_event_id_gets_the_rest_without_gap_or_duplicate(
        listener: Listener) -> None:
    world = listener.world
    for name in ("Chen Jing", "Wang Gang", "Li Na"):
        world.person(name)
    first = data_frames(listener.frames(listener.operator, after=0,
                                        until=lambda read: len(data_frames(read)) == 5))  # hangs up mid-batch
    assert len(first) == 5 < len(listener.streamable())

    world.person("Wu Fang")
    world.incident()  # recorded while the client is away
    last_seen = str(first[-1]["position"])
    rest = listener.events(listener.operator, headers={"Last-Event-ID": last_seen}, after=0)  # the header wins

    positions = [event["position"] for event in first + rest]
    assert positions == listener.streamable()
    assert {"Person.Registered", "Incident.Declared", "OrgUnit.Established"} <= {e["event_type"] for e in rest + first}
    assert not any(e["event_type"].startswith(HIDDEN) for e in first + rest)


def test_every_frame_names_its_position_type_record_and_actor(listener: Listener) -> None:
    person = listener.world.person("Chen Jing")

    registered = next(e for e in listener.events(listener.auditor, after=0) if e["event_type"] == "Person.Registered")

    assert registered["aggregate_id"] == str(person) and registered["aggregate_version"] == 1
    assert registered["actor"] == "operator:li" and registered["payload"]["name"] == "Chen Jing"
    assert registered["occurred_at"].endswith("+00:00") and registered["recorded_at"]


def test_heartbeats_arrive_while_nothing_is_recorded(listener: Listener) -> None:
    frames = listener.frames(listener.viewer, until=lambda read: sum(f.comment == "heartbeat" for f in read) == 3)

    assert sum(frame.comment == "heartbeat" for frame in frames) == 3
    assert frames[0].fields["id"] == str(listener.world.log_size())  # no position given: from now on
    assert data_frames(frames) == []


def test_an_idle_stream_reads_the_log_once_a_heartbeat_not_every_poll(listener: Listener) -> None:
    recorder = listener.world.app.recorder
    select = recorder.select_notifications
    reads: list[float] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(time.monotonic())
        return select(*args, **kwargs)

    recorder.select_notifications = counted  # type: ignore[method-assign]
    try:  # the bell rings for this loop: between rings, a poll (every 0.02 s) finds nothing and reads nothing
        frames = listener.frames(listener.viewer, until=lambda read: sum(f.comment == "heartbeat" for f in read) == 4)
    finally:
        del recorder.select_notifications

    assert sum(frame.comment == "heartbeat" for frame in frames) == 4
    assert len(reads) <= 6  # the opening read(s) and one look per heartbeat (0.3 s), not ~60 polls' worth


def test_an_operator_scoped_to_a_grid_receives_no_event_of_another_grid(listener: Listener) -> None:
    world = listener.world
    incident = world.incident()
    ours = world.open_site(incident)
    mine = world.person("Chen Jing")
    theirs = world.do("register_person", "Huang Bo", ["volunteer"], world.other_grid)
    their_site = world.do("plan_testing_site", incident, world.other_grid, "Site 2", 1, {"sampler": 1})

    seen = {event["aggregate_id"] for event in listener.events(listener.grid_operator, after=0)}
    everything = {event["aggregate_id"] for event in listener.events(listener.operator, after=0)}

    assert {str(world.grid), str(ours), str(mine)} <= seen
    assert not {str(world.other_grid), str(theirs), str(their_site), str(world.street), str(incident)} & seen
    assert {str(world.other_grid), str(theirs), str(their_site)} <= everything


def test_a_viewer_receives_no_phone_or_id_number(listener: Listener) -> None:
    world = listener.world
    world.do("register_person", "Chen Jing", ["volunteer"], world.grid, phone="13800138000",
             id_number="440111199001011234")

    as_viewer = next(e for e in listener.events(listener.viewer, after=0) if e["event_type"] == "Person.Registered")
    as_auditor = next(e for e in listener.events(listener.auditor, after=0) if e["event_type"] == "Person.Registered")

    assert as_viewer["payload"]["name"] == "Chen Jing"
    assert "phone" not in as_viewer["payload"] and "id_number" not in as_viewer["payload"]
    assert as_auditor["payload"]["phone"] == "13800138000"


def test_the_stream_wants_a_valid_token_in_the_header_or_the_query(listener: Listener) -> None:
    client = listener.client
    assert client.get("/api/stream").status_code == 401
    assert client.get("/api/stream", params={"token": "mbz.0.nope"}).status_code == 401
    assert client.get("/api/stream", params={"token": listener.viewer, "after": -1}).status_code == 422
    frames = listener.frames(listener.viewer, until=lambda read: True)
    assert frames[0].fields["retry"] and "id" in frames[0].fields


@pytest.mark.usefixtures("info_logs")
def test_hanging_up_ends_the_stream_at_once_even_between_heartbeats(world: World, store: str) -> None:
    api = create_app(Settings(store=store), application=world.app)  # the real pacing: a beat every 10 s
    token = issue(world.app, "viewer", "Wall screen 1")
    with TestClient(api) as client, capture_logs() as logs:
        with client.stream("GET", "/api/stream", params={"token": token}) as response:
            next(response.iter_lines())
            hung_up = time.monotonic()
        assert time.monotonic() - hung_up < 1.0
        assert any(entry["event"] == "stream.closed" for entry in logs)


@pytest.mark.usefixtures("info_logs")
def test_under_uvicorn_a_disconnected_client_ends_its_stream(world: World, store: str) -> None:
    token = issue(world.app, "viewer", "Wall screen 1")
    served = start_server(create_app(Settings(store=store), application=world.app), "127.0.0.1", free_port())
    try:
        with capture_logs() as logs:
            # a generous timeout: the server's speed on a busy machine is not what this test is about
            with httpx.stream("GET", f"{served.url}/api/stream", params={"token": token}, timeout=30) as response:
                assert response.status_code == 200
                next(response.iter_lines())
            deadline = time.monotonic() + 3
            while not any(e["event"] == "stream.closed" for e in logs) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert any(e["event"] == "stream.closed" for e in logs)
    finally:
        served.stop()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_revoked_token_ends_its_open_stream_and_cannot_reopen_it(listener: Listener) -> None:
    # given a wall screen's stream, open and caught up
    world = listener.world
    token = issue(world.app, "viewer", "Wall screen 9")
    token_id = UUID(hex=token.split(".")[1])
    revoked: list[bool] = []

    def revoke_once_open(read: list[Frame]) -> bool:
        if read[-1].comment == "heartbeat" and not revoked:
            world.do("revoke_token", token_id)  # the operator revokes it while the screen is still reading
            world.person("After The Revocation")
            revoked.append(True)
        return read[-1].fields.get("event") == "revoked"

    # when it is revoked
    frames = listener.frames(token, until=revoke_once_open, timeout=10)
    # then the stream says so and ends, and shows nothing recorded after
    assert frames[-1].fields.get("event") == "revoked"
    assert not any("After The Revocation" in f.fields.get("data", "") for f in frames)
    with listener.client.stream("GET", "/api/stream", params={"token": token}) as response:
        assert response.status_code == 401


def test_a_token_holds_a_bounded_number_of_open_streams(listener: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import ExitStack

    from mobilize.api.routes import stream as stream_routes

    monkeypatch.setattr(stream_routes, "STREAMS_PER_TOKEN", 3)
    with ExitStack() as held:
        opened = [held.enter_context(listener.client.stream("GET", "/api/stream", params={"token": listener.viewer}))
                  for _ in range(3)]
        assert [r.status_code for r in opened] == [200, 200, 200]
        refused = listener.client.get("/api/stream", params={"token": listener.viewer})
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert refused.json()["error"] == "too_many_streams" and "3 open streams" in refused.json()["message"]
        # another token is not held back by this one's streams
        assert listener.frames(listener.operator, until=lambda read: True, timeout=5)
    # once they are closed (the server sees the hang-up at its next heartbeat), the token may open one again
    deadline = time.monotonic() + 5
    while True:
        with listener.client.stream("GET", "/api/stream", params={"token": listener.viewer}) as again:
            if again.status_code == 200:
                break
        assert time.monotonic() < deadline, "the closed streams still count"
        time.sleep(0.1)


def test_after_an_erasure_the_stream_shows_the_persons_fields_erased_even_from_frames_it_had_rendered(
        listener: Listener) -> None:
    world = listener.world
    person = world.do("register_person", "Chen Jing", ["volunteer"], world.grid, phone="13800138000",
                      id_number="440111199001011234")

    def registered(token: str) -> dict[str, Any]:
        return next(e for e in listener.events(token, after=0) if e["event_type"] == "Person.Registered")

    assert registered(listener.grid_operator)["payload"]["phone"] == "13800138000"  # the tail has rendered it
    world.do("erase_personal_data", person, ctx=world.ctx(reason="resident asked"))

    for token in (listener.grid_operator, listener.auditor, listener.operator):
        shown = registered(token)["payload"]
        assert (shown["phone"], shown["id_number"]) == ("[erased]", "[erased]")
    assert "phone" not in registered(listener.viewer)["payload"]
    erasure = next(e for e in listener.events(listener.auditor, after=0)
                   if e["event_type"] == "Person.PersonalDataErased")
    assert erasure["reason"] == "resident asked" and erasure["aggregate_id"] == str(person)


def test_pages_reach_the_operators_of_the_persons_grid_only(listener: Listener) -> None:
    world = listener.world
    site = world.open_site(world.incident())
    mine = world.person("Chen Jing")
    theirs = world.do("register_person", "Huang Bo", ["volunteer"], world.other_grid,
                      qualifications={"sampler": T0 + 30 * HOUR})
    world.do("assign_to_shift", world.shift(site, T0), mine)
    world.do("assign_to_shift", world.shift(site, T0, lane=2), theirs)
    inbox_mine, inbox_theirs = str(Inbox.create_id(mine)), str(Inbox.create_id(theirs))

    seen = [e for e in listener.events(listener.grid_operator, after=0) if e["event_type"].startswith("Inbox.")]
    everything = [e for e in listener.events(listener.auditor, after=0) if e["event_type"].startswith("Inbox.")]

    assert {e["aggregate_id"] for e in seen} == {inbox_mine}
    assert {e["aggregate_id"] for e in everything} == {inbox_mine, inbox_theirs}
    assert [e["event_type"] for e in seen] == ["Inbox.Opened", "Inbox.Sent"]
