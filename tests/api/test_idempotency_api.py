"""Idempotency-Key: a retry returns the first response and writes nothing; another body with it is a 422."""

from __future__ import annotations

from tests.api.conftest import Desk


def test_a_retry_with_the_same_key_returns_the_first_response_and_writes_nothing(desk: Desk) -> None:
    body = {"name": "Grid 7", "kind": "grid", "parent_id": desk.world.community}
    first = desk.operator.post("/org-units", body, key="grid-7")
    size = desk.world.log_size()

    again = desk.operator.post("/org-units", body, key="grid-7")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert desk.world.log_size() == size


def test_the_same_key_with_a_different_body_is_a_422(desk: Desk) -> None:
    desk.operator.post("/org-units", {"name": "Grid 7", "kind": "grid", "parent_id": desk.world.community}, key="k")
    size = desk.world.log_size()

    other = desk.operator.post("/org-units", {"name": "Grid 8", "kind": "grid", "parent_id": desk.world.community},
                               key="k")

    assert other.status_code == 422 and other.json()["error"] == "command_id_reused"
    assert desk.world.log_size() == size


def test_keys_belong_to_their_token_two_callers_may_pick_the_same_key(desk: Desk) -> None:
    body = {"name": "Grid 7", "kind": "grid", "parent_id": desk.world.community}
    mine = desk.operator.post("/org-units", body, key="same")
    theirs = desk.grid_operator.post(f"/org-units/{desk.world.grid}/leaders",
                                     {"seat": "first_secretary", "person_id": desk.world.person()}, key="same")

    assert mine.status_code == 201 and theirs.status_code == 200
