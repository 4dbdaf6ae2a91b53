"""Input at the edge: unprintable text, request ids, out-of-range numbers — a 422 naming the field, nothing written."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import Desk

ODD = ["Nul\u0000Name", "Bell\u0007", "Esc\u001b[31m", "C1\u0085next", "DEL\u007f", "Lone\ud800surrogate"]


@pytest.mark.parametrize("odd", ODD)
def test_control_characters_in_a_name_are_refused_naming_the_field(desk: Desk, odd: str) -> None:
    size = desk.world.log_size()
    body = {"name": odd, "roles": ["volunteer"], "home_grid_id": str(desk.world.grid)}
    response = desk.client.post("/api/people", content=json.dumps(body),  # escaped: a lone surrogate travels too
                                headers={**desk.operator.headers(), "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    body = response.json()
    if "\ud800" in odd:  # not even valid JSON text: refused as the body is parsed
        assert body["error"] == "invalid_request"
    else:
        assert body["error"] == "unprintable_text" and body["facts"]["field"] == "name"
        assert "U+" in body["message"] and body["message"].startswith("name ")
    assert desk.world.log_size() == size


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/org-units", {"name": "Grid 9", "kind": "grid", "reason": "typo\u0000"}, "reason"),
    ("/org-units", {"name": "Grid 9", "kind": "grid", "ordered_by": "li\u0000"}, "ordered_by"),
    ("/incidents", {"title": "Drive\u0000", "kind": "other"}, "title"),
])
def test_control_characters_anywhere_in_a_command_or_its_context_are_refused(desk: Desk, path: str, body: dict,
                                                                              field: str) -> None:
    world = desk.world
    body = {**body, "parent_id": world.community, "scope_unit_id": world.street}
    size = world.log_size()
    response = desk.operator.post(path, body)
    assert response.status_code == 422, response.text
    assert response.json()["facts"]["field"] == field
    assert world.log_size() == size


def test_lines_and_tabs_in_free_text_are_kept(desk: Desk) -> None:
    response = desk.operator.post("/org-units", {"name": "Grid 9", "kind": "grid", "parent_id": desk.world.community,
                                                 "reason": "split from grid 1:\n\tbuildings 3-5"})
    assert response.status_code == 201, response.text


def test_a_request_id_is_never_a_command_id(desk: Desk) -> None:
    # given two operators whose clients happen to send the same X-Request-ID and no Idempotency-Key
    world = desk.world
    same = {"X-Request-ID": "req-42"}
    first = desk.client.post("/api/org-units", json={"name": "Grid 7", "kind": "grid",
                                                     "parent_id": str(world.community)},
                             headers={**desk.operator.headers(), **same})
    second = desk.client.post("/api/org-units", json={"name": "Grid 8", "kind": "grid",
                                                      "parent_id": str(world.community)},
                              headers={**desk.grid_operator.headers(), **same})
    # then both are commands of their own: neither is refused as a reused id, each is written
    assert first.status_code == 201, first.text
    assert second.status_code in (201, 403), second.text
    again = desk.client.post("/api/org-units", json={"name": "Grid 7", "kind": "grid",
                                                     "parent_id": str(world.community)},
                             headers={**desk.operator.headers(), **same})
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("as_of", ["²", "٣", "9" * 5000, "1" * 20, "-1", " 1"])
def test_an_as_of_that_is_no_position_or_time_is_a_422(desk: Desk, as_of: str) -> None:
    response = desk.operator.get("/roster", as_of=as_of)
    assert response.status_code == 422, response.text
    assert "as_of" in response.json()["message"] or "as of" in response.json()["message"]


@pytest.mark.parametrize("position", [2**63, 10**23])
def test_a_stream_position_beyond_any_log_is_a_422(desk: Desk, position: int) -> None:
    headers = desk.viewer.headers()
    for params, extra in (({"after": str(position)}, {}), ({}, {"Last-Event-ID": str(position)})):
        response = desk.client.get("/api/stream", params=params, headers={**headers, **extra})
        assert response.status_code == 422, response.text
