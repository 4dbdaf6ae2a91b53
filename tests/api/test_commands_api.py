"""Scenarios over HTTP: an operator runs a drive; every event names the token's holder as actor."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0


def test_an_operator_runs_a_drive_over_http(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    incident = op.post("/incidents", {"title": "Round 1", "kind": "mass_testing_drive",
                                      "scope_unit_id": world.street}, key="k1")
    assert incident.status_code == 201, incident.text
    incident_id = incident.json()["id"]
    war = op.post(f"/org-units/{world.street}/war", {"incident_id": incident_id, "working_groups": ["sampling"],
                                                      "max_shift_hours": 8, "min_rest_hours": 8,
                                                      "reason": "cluster in grid 1"}, key="k2")
    assert war.status_code == 200, war.text
    person = op.post("/people", {"name": "Chen Jing", "roles": ["medical_staff"], "home_grid_id": world.grid,
                                 "phone": "13800000000",
                                 "qualifications": {"sampler": T0 + timedelta(days=90)}}, key="k3").json()["id"]
    commander = op.post("/people", {"name": "Wang Gang", "roles": ["grid_leader"], "home_grid_id": world.grid},
                        key="k4").json()["id"]
    site = op.post("/sites", {"incident_id": incident_id, "grid_id": world.grid, "name": "Site 1", "lanes": 1,
                              "posts": {"sampler": 1}}, key="k5").json()["id"]
    assert op.post(f"/sites/{site}/commander", {"person_id": commander}, key="k6").status_code == 200
    assert op.post(f"/sites/{site}/open", key="k7").status_code == 200
    shift = op.post("/shifts", {"site_id": site, "lane": 1, "post": "sampler", "start": T0, "end": T0 + 8 * HOUR},
                    key="k8").json()["id"]
    assert op.post(f"/shifts/{shift}/assignments", {"person_id": person}, key="k9").status_code == 200
    checked_in = op.post(f"/shifts/{shift}/check-in", {"person_id": person, "occurred_at": T0}, key="k10")
    assert checked_in.status_code == 200, checked_in.text
    order = op.post("/dispatches", {"subject_kind": "person", "subject_id": commander, "incident_id": incident_id,
                                    "task": "carry samples"}, key="k11").json()["id"]
    for step, key in (("acknowledge", "k12"), ("set-out", "k13"), ("arrive", "k14"), ("release", "k15")):
        assert op.post(f"/dispatches/{order}/{step}", key=key).status_code == 200

    events = world.events()
    switched = next(e for e in events if type(e).__name__ == "SwitchedToWar")
    assert switched.actor.startswith("Li Wei (operator, token ")
    assert switched.reason == "cluster in grid 1"
    checked = next(e for e in events if type(e).__name__ == "CheckedIn")
    assert checked.occurred_at == T0 and checked.command_id.endswith(":k10")


def test_the_actor_comes_from_the_token_never_from_the_body(desk: Desk) -> None:
    response = desk.operator.post("/org-units", {"name": "Grid 9", "kind": "grid", "parent_id": desk.world.community,
                                                 "actor": "someone else"}, key="a1")

    assert response.status_code == 201
    created = next(e for e in desk.world.events() if getattr(e, "name", None) == "Grid 9")
    assert created.actor.startswith("Li Wei (operator")


def test_responses_carry_a_request_id_and_health_endpoints_answer(desk: Desk) -> None:
    health = desk.client.get("/healthz")
    ready = desk.client.get("/readyz", headers={"X-Request-ID": "abc-123"})

    assert health.json() == {"status": "ok"} and health.headers["X-Request-ID"]
    assert ready.json()["status"] == "ready" and ready.headers["X-Request-ID"] == "abc-123"
    assert ready.json()["log_position"] == desk.world.log_size()
