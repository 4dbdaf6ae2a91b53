"""Least privilege on reads: an operator scoped to one grid reads that grid's subtree and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0


@pytest.fixture
def two_grids(desk: Desk) -> dict[str, Any]:
    """A street-wide incident in war; in each of two grids a site, a sampler on shift now, checked in."""
    world = desk.world
    incident = world.incident()
    world.war(incident)
    made: dict[str, Any] = {"incident": incident}
    for name, grid in (("mine", world.grid), ("theirs", world.other_grid)):
        commander = world.do("register_person", f"Commander {name}", ["grid_leader"], grid,
                             qualifications={"marshal": T0 + 365 * 24 * HOUR})
        site = world.do("plan_testing_site", incident, grid, f"Site {name}", 1, {"sampler": 1})
        world.do("appoint_site_commander", site, commander)
        world.do("open_site", site)
        person = world.do("register_person", f"Sampler {name}", ["medical_staff"], grid, phone=f"1380000{len(name)}",
                          qualifications={"sampler": T0 + 365 * 24 * HOUR})
        shift = world.shift(site, T0)
        world.do("assign_to_shift", shift, person)
        world.do("check_in", shift, person, at=T0)
        made[name] = {"grid": grid, "site": site, "person": person, "shift": shift, "commander": commander}
    return made


NOW = (T0 + HOUR).isoformat()


def test_a_grid_operator_reads_its_own_grid_and_not_the_other(desk: Desk, two_grids: dict[str, Any]) -> None:
    mine, theirs = two_grids["mine"], two_grids["theirs"]
    rows = desk.grid_operator.get("/roster", now=NOW).json()["items"]
    assert {r["person_id"] for r in rows} == {str(mine["person"])}
    everything = desk.operator.get("/roster", now=NOW).json()["items"]
    assert {str(mine["person"]), str(theirs["person"])} <= {r["person_id"] for r in everything}

    gaps = desk.grid_operator.get("/gaps", now=NOW).json()["items"]
    assert gaps and {g["site_id"] for g in gaps} == {str(mine["site"])}
    totals = desk.grid_operator.get("/gaps/incidents", now=NOW).json()["items"]
    assert sum(t["required"] for t in totals) == sum(g["required"] for g in gaps)
    hours = desk.grid_operator.get("/duty-hours", now=NOW).json()["items"]
    assert hours and {r["person_id"] for r in hours} <= {str(mine["person"]), str(mine["commander"])}


@pytest.mark.parametrize(("path", "param"), [
    ("/roster", "grid"), ("/roster", "site"), ("/readiness", "unit"), ("/duty-hours", "person"),
    ("/overrides", "person"), ("/audit", "person"),
])
def test_a_filter_naming_a_record_of_another_grid_is_a_404(desk: Desk, two_grids: dict[str, Any], path: str,
                                                            param: str) -> None:
    theirs = two_grids["theirs"]
    record = {"grid": theirs["grid"], "unit": theirs["grid"], "site": theirs["site"], "person": theirs["person"]}[param]
    response = desk.grid_operator.get(path, **{param: record})
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
    assert desk.operator.get(path, **{param: record}).status_code == 200
    assert desk.auditor.get(path, **{param: record}).status_code == 200


def test_another_grids_person_and_mode_are_not_found_and_their_phone_never_shown(desk: Desk,
                                                                                 two_grids: dict[str, Any]) -> None:
    mine, theirs = two_grids["mine"], two_grids["theirs"]
    response = desk.grid_operator.get(f"/people/{theirs['person']}")
    assert response.status_code == 404 and "1380000" not in response.text
    assert desk.grid_operator.get(f"/people/{mine['person']}").json()["phone"] == "13800004"
    assert desk.grid_operator.get(f"/org-units/{theirs['grid']}/mode").status_code == 404
    assert desk.grid_operator.get(f"/org-units/{mine['grid']}/mode").json()["mode"] == "war"


def test_the_audit_trail_of_a_grid_operator_holds_only_its_subtree(desk: Desk, two_grids: dict[str, Any]) -> None:
    theirs = two_grids["theirs"]
    rows = desk.grid_operator.get("/audit", limit=1000).json()["items"]
    assert rows and not any(r["aggregate_id"] in {str(theirs["person"]), str(theirs["site"]), str(theirs["shift"])}
                            for r in rows)
    assert not any("13800006" in (r["payload"] or "") for r in rows)  # "theirs" is 6 letters: their phone
    everything = desk.auditor.get("/audit", limit=1000).json()
    assert everything["total"] > len(rows)
    assert any(r["aggregate_id"] == str(theirs["person"]) for r in everything["items"])


def test_a_grid_operator_cannot_follow_another_grids_incident_into_its_own_grid(desk: Desk) -> None:
    # given an incident declared for the other grid only, and one for the whole street
    world = desk.world
    theirs = world.do("declare_incident", "Their drive", "mass_testing_drive", world.other_grid)
    street_wide = world.incident()
    size = world.log_size()
    war = {"incident_id": theirs, "working_groups": ["sampling"], "max_shift_hours": 8, "min_rest_hours": 8}
    # when the grid's operator switches its own grid to war for the other grid's incident, or plans a site under it
    refused = [desk.grid_operator.post(f"/org-units/{world.grid}/war", war),
               desk.grid_operator.post("/sites", {"incident_id": theirs, "grid_id": world.grid, "name": "Site X",
                                                  "lanes": 1, "posts": {"sampler": 1}})]
    # then both are refused and nothing is written
    assert [r.status_code for r in refused] == [403, 403], [r.text for r in refused]
    assert world.log_size() == size
    # while the street's incident, above its grid, is one it may follow
    allowed = desk.grid_operator.post(f"/org-units/{world.grid}/war", {**war, "incident_id": street_wide})
    assert allowed.status_code == 200, allowed.text
