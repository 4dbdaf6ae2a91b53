"""The field page's stream: a small "changed" frame when something of the person's own changes, nothing of anyone
else's; a person's token only; revoked, it ends; counted with the live feeds against the token's bound."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from uuid import UUID

import pytest

from mobilize.api.routes.stream import Pacing, pacing
from tests.api.conftest import Desk
from tests.api.test_field_api import Field
from tests.api.test_stream import Frame, read_stream
from tests.conftest import HOUR, T0


@pytest.fixture
def field(desk: Desk) -> Field:
    desk.client.app.dependency_overrides[pacing] = lambda: Pacing(poll=0.02, heartbeat=0.3)  # type: ignore[attr-defined]
    return Field(desk)


def listen(field: Field, until: Callable[[list[Frame]], bool], token: str | None = None,
           timeout: float = 10.0) -> list[Frame]:
    """Read the field stream until `until` holds (or time is up), then hang up."""
    return read_stream(field.chen_api.client, "/api/field/stream", {"token": token or field.issued["token"]}, until,
                       timeout=timeout)


def changes(frames: list[Frame]) -> list[dict[str, Any]]:
    return [json.loads(f.fields["data"]) for f in frames if f.fields.get("event") == "changed"]


def once_open(action: Callable[[], None]) -> Callable[[list[Frame]], bool]:
    """At the first heartbeat (the stream has caught up), act once; then read until a changed frame arrives."""
    done: list[bool] = []

    def until(read: list[Frame]) -> bool:
        if read[-1].comment == "heartbeat" and not done:
            action()
            done.append(True)
        return bool(changes(read))

    return until


def test_a_person_hears_of_their_own_new_shift_and_nothing_of_anothers(field: Field) -> None:
    world, marks = field.world, {}

    def book() -> None:
        theirs = world.shift(field.site, T0 + 16 * HOUR, lane=2)
        world.do("assign_to_shift", theirs, field.wu)  # another person's: no frame
        marks["chen_from"] = world.log_size()
        mine = world.shift(field.site, T0 + 16 * HOUR)
        world.do("assign_to_shift", mine, field.chen)
        marks["chen_to"] = world.log_size()

    frames = listen(field, once_open(book))

    heard = changes(frames)
    assert heard and all(marks["chen_from"] < c["position"] <= marks["chen_to"] for c in heard)
    assert {c["kind"] for c in heard} == {"shift"}  # the shift's assignment and the person's booking
    assert set(heard[0]) == {"position", "kind"}  # nothing else: no payload, no names


def test_enlisted_in_a_task_force_the_person_then_hears_of_its_dispatch(field: Field) -> None:
    world = field.world
    leader = world.person("Team Leader Lin")
    team = world.do("form_task_force", "Junhe Task Force", "street", world.street, leader, "red flag")
    marks: dict[str, int] = {}

    def enlist_then_dispatch() -> None:
        world.do("enlist", team, field.chen)  # the task force's event names Chen: the stream widens to it
        marks["dispatch_from"] = world.log_size()
        world.do("dispatch", "task_force", team, field.incident, "transfer to isolation", site_id=field.site)

    opening = once_open(enlist_then_dispatch)

    def until(read: list[Frame]) -> bool:
        opening(read)
        return bool(marks) and any(c["position"] > marks["dispatch_from"] for c in changes(read))

    frames = listen(field, until)

    enlisted = [c for c in changes(frames) if c["position"] <= marks["dispatch_from"]]
    dispatched = {c["kind"] for c in changes(frames) if c["position"] > marks["dispatch_from"]}
    assert [c["kind"] for c in enlisted] == ["task_force"] and dispatched <= {"dispatch", "task_force"}


def test_the_field_stream_takes_a_persons_own_token_only(desk: Desk, field: Field) -> None:
    client = desk.client
    assert client.get("/api/field/stream").status_code == 401
    for staff in (desk.operator, desk.viewer, desk.auditor):
        refused = client.get("/api/field/stream", params={"token": staff.token})
        assert refused.status_code == 403 and "responder token" in refused.json()["message"]
    assert client.get("/api/stream", params={"token": field.issued["token"]}).status_code == 403


def test_a_revoked_token_ends_the_field_stream(field: Field) -> None:
    token_id = UUID(hex=field.issued["token"].split(".")[1])
    revoked: list[bool] = []

    def revoke(read: list[Frame]) -> bool:
        if read[-1].comment == "heartbeat" and not revoked:
            field.world.do("revoke_token", token_id)
            field.world.do("assign_to_shift", field.world.shift(field.site, T0 + 16 * HOUR), field.chen)
            revoked.append(True)
        return read[-1].fields.get("event") == "revoked"

    frames = listen(field, revoke)

    assert frames[-1].fields.get("event") == "revoked" and changes(frames) == []
    assert field.chen_api.client.get("/api/field/stream", params={"token": field.issued["token"]}).status_code == 401


def test_field_streams_count_against_the_tokens_bound(field: Field, monkeypatch: pytest.MonkeyPatch) -> None:
    from mobilize.api.routes import stream as stream_routes

    monkeypatch.setattr(stream_routes, "STREAMS_PER_TOKEN", 2)
    client, params = field.chen_api.client, {"token": field.issued["token"]}
    with ExitStack() as held:
        opened = [held.enter_context(client.stream("GET", "/api/field/stream", params=params)) for _ in range(2)]
        assert [r.status_code for r in opened] == [200, 200]
        refused = client.get("/api/field/stream", params=params)
        assert refused.status_code == 429 and refused.json()["error"] == "too_many_streams"
