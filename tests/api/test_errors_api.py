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
    assert body["message"] == "Chen Jing is already on a shift from 2026-03-02 06:00 to 14:00 UTC"
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
    assert naive.status_code == 422
    assert naive.json()["message"] == ("the request is malformed: start: must carry a time zone, e.g. "
                                       "2026-03-02T10:00:00+08:00; end: must carry a time zone, e.g. "
                                       "2026-03-02T10:00:00+08:00")
    assert not_json.status_code == 422 and bad_path.status_code == 422
    assert desk.world.log_size() == size


@pytest.mark.parametrize(("path", "body"), [
    ("/org-units", {"kind": "grid", "name": "Grid 9"}),
    ("/shifts/{shift}/assignments", {"person_id": "{person}"}),
])
def test_a_time_at_the_ends_of_the_calendar_is_a_422_not_a_crash(booked, path: str, body: dict) -> None:
    desk, _, person, shift = booked
    size = desk.world.log_size()
    body = {key: value.format(person=person) for key, value in body.items()}

    for moment in ("0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-01:00", "1899-12-31T23:00:00+08:00"):
        response = desk.operator.post(path.format(shift=shift), {**body, "occurred_at": moment})
        assert response.status_code == 422, response.text
        assert response.json()["facts"]["problems"] == [
            {"field": "occurred_at", "message": "must lie between the years 1900 and 2999"}]
    reading = desk.viewer.get("/roster", now="0001-01-01T00:00:00+00:01")
    audit = desk.operator.get("/audit", since="9999-12-31T23:59:59-01:00")
    assert reading.status_code == 422 and "now: must lie between the years" in reading.json()["message"]
    assert audit.status_code == 422 and "since: must lie between the years" in audit.json()["message"]
    replayed = desk.viewer.get("/roster", as_of="9999-12-31T23:59:59-01:00")
    assert replayed.status_code == 422 and "the time must lie between the years" in replayed.json()["message"]
    assert desk.world.log_size() == size
    assert desk.world.log_size() == size


def test_no_stack_trace_reaches_a_client(booked) -> None:
    desk, *_ = booked

    response = desk.operator.post("/dispatches", {"subject_kind": "person", "subject_id": str(uuid4()),
                                                  "incident_id": str(uuid4()), "task": "x"})

    assert response.status_code == 404
    assert "Traceback" not in response.text and "File \"" not in response.text
