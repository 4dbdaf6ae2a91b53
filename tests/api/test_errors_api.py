"""Bad input gets a clear error and loses nothing: rules 409, unknown ids 404, malformed 422, no 500."""

from __future__ import annotations

from uuid import uuid4

import pytest

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0


@pytest.fixture
def booked(desk: Desk) -> tuple[Desk, object, object, object]:
    """A site in war with one sampler already on a morning shift."""
    world = desk.world
    incident = world.incident()
    world.war(incident)
    site = world.open_site(incident)
    person = world.person("Chen Jing")
    morning = world.shift(site, T0)
    world.do("assign_to_shift", morning, person)
    return desk, site, person, world.shift(site, T0 + 4 * HOUR, lane=2)


def test_a_broken_rule_is_a_409_naming_the_rule_and_the_facts(booked) -> None:
    desk, _, person, overlapping = booked
    size = desk.world.log_size()

    response = desk.operator.post(f"/shifts/{overlapping}/assignments", {"person_id": person}, key="x")

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "no_overlapping_shifts"
    assert "Chen Jing is already on a shift from 2026-03-02 06:00 to 14:00 UTC" == body["message"]
    assert body["facts"]["start"] == "2026-03-02T06:00:00+00:00" and body["retryable"] is False
    assert desk.world.log_size() == size


def test_unknown_ids_are_404_and_malformed_input_is_422_naming_the_field(booked) -> None:
    desk, site, person, shift = booked
    size = desk.world.log_size()

    missing = desk.operator.post(f"/shifts/{uuid4()}/check-in", {"person_id": person})
    malformed = desk.operator.post("/shifts", {"site_id": site, "lane": 0, "post": "juggler", "start": "soon"})
    naive = desk.operator.post("/shifts", {"site_id": site, "lane": 1, "post": "sampler",
                                           "start": "2026-03-02T06:00:00", "end": "2026-03-02T14:00:00"})
    not_json = desk.client.post("/api/incidents", content=b"{", headers=desk.operator.headers())
    bad_path = desk.operator.post("/shifts/not-a-uuid/check-in", {"person_id": person})

    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert malformed.status_code == 422
    fields = {p["field"] for p in malformed.json()["facts"]["problems"]}
    assert {"lane", "post", "start", "end"} <= fields
    assert naive.status_code == 422 and "time zone" in naive.json()["message"]
    assert not_json.status_code == 422 and bad_path.status_code == 422
    assert desk.world.log_size() == size


def test_no_stack_trace_reaches_a_client(booked) -> None:
    desk, *_ = booked

    response = desk.operator.post("/dispatches", {"subject_kind": "person", "subject_id": str(uuid4()),
                                                  "incident_id": str(uuid4()), "task": "x"})

    assert response.status_code == 404
    assert "Traceback" not in response.text and "File \"" not in response.text
