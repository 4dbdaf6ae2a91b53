"""The directory over HTTP: every list's filters, paging and scope; ids outside reach are 404; no phone in a list."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0

NOW = (T0 + HOUR).isoformat()
YEAR = 365 * 24 * HOUR


@pytest.fixture
def city(desk: Desk) -> dict[str, Any]:
    """The street in war for a real drive (site open in grid 1, tallies, shifts, people doing each thing), and a
    drill over grid 2 (a planned site, a disbanded task force)."""
    w = desk.world
    real = w.incident()
    drill = w.do("declare_incident", "Grid 2 drill", "mass_testing_drive", w.other_grid, exercise=True)
    leader = w.do("register_person", "Leader Mine", ["grid_leader", "first_secretary"], w.grid,
                  phone="13900000001", id_number="440100199001011234", qualifications={"marshal": T0 + YEAR})
    w.do("appoint_grid_leader", w.grid, "first_secretary", leader)
    w.war(real)
    site = w.do("plan_testing_site", real, w.grid, "Site Mine", 2, {"sampler": 2, "registrar": 1})
    w.do("appoint_site_commander", site, leader)
    w.do("open_site", site)
    for hour, samples in ((0, 120), (1, 80), (0, 100)):  # the third corrects the first
        w.do("report_tally", site, T0 + hour * HOUR, samples)
    on_shift = w.do("register_person", "Sampler On Shift", ["medical_staff"], w.grid, phone="13900000002",
                    qualifications={"sampler": T0 + YEAR})
    rested = w.do("register_person", "Sampler Resting", ["medical_staff", "volunteer"], w.grid,
                  qualifications={"sampler": T0 + 2 * HOUR})
    away = w.do("register_person", "Driver Away", ["volunteer"], w.grid, qualifications={"driver": T0 + YEAR})
    idle = w.do("register_person", "Registrar Idle", ["volunteer"], w.grid, qualifications={"registrar": T0 + YEAR})
    w.do("set_availability", idle, "on_leave")
    earlier = w.shift(site, T0 - 10 * HOUR)
    w.do("assign_to_shift", earlier, rested)
    w.do("check_in", earlier, rested, at=T0 - 10 * HOUR)
    w.do("check_out", earlier, rested, at=T0 - 2 * HOUR)
    now_shift = w.shift(site, T0, slots=2)
    w.do("assign_to_shift", now_shift, on_shift)
    w.do("check_in", now_shift, on_shift, at=T0)
    later = w.shift(site, T0 + 8 * HOUR, post="registrar", lane=2)
    w.do("dispatch", "person", away, real, "drive samples to the lab", at=T0)
    team = w.do("form_task_force", "Grid 1 team", "cooperative_grid", w.grid, leader, "Flag 1")
    w.do("enlist", team, idle)
    w.do("set_up_temporary_branch", team, "Temporary branch 1", leader)
    order = w.do("dispatch", "task_force", team, real, "guard the hotel", at=T0)
    their_leader = w.do("register_person", "Leader Theirs", ["grid_leader"], w.other_grid, phone="13900000009",
                        qualifications={"marshal": T0 + YEAR})
    their_site = w.do("plan_testing_site", drill, w.other_grid, "Site Theirs", 1, {"sampler": 1})
    their_team = w.do("form_task_force", "Grid 2 team", "cooperative_grid", w.other_grid, their_leader, "Flag 2")
    w.do("disband_task_force", their_team)
    return {"real": real, "drill": drill, "leader": leader, "site": site, "on_shift": on_shift, "rested": rested,
            "away": away, "idle": idle, "earlier": earlier, "now_shift": now_shift, "later": later, "team": team,
            "order": order, "their_leader": their_leader, "their_site": their_site, "their_team": their_team}


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["items"]]


def test_the_org_tree_nests_units_with_modes_inherited_from_the_street_and_leaders_named(desk: Desk, city) -> None:
    w = desk.world
    roots = desk.operator.get("/org-tree").json()["roots"]
    assert [r["id"] for r in roots] == [str(w.street)]
    street = roots[0]
    assert (street["mode"], street["incident_id"], street["inherited_from"]) == ("war", str(city["real"]), None)
    assert street["policy"] == {"max_shift_hours": 8, "min_rest_hours": 8}
    assert street["working_groups"] == ["coordination", "sampling"]
    community = street["children"][0]
    grids = {g["name"]: g for g in community["children"]}
    mine = grids["Shimaqiao Grid 1"]
    assert (mine["mode"], mine["inherited_from"], mine["grid_level"]) == ("war", str(w.street), 1)
    assert mine["leaders"] == [{"seat": "first_secretary", "person_id": str(city["leader"]), "name": "Leader Mine"}]

    scoped = desk.grid_operator.get("/org-tree").json()["roots"]
    assert [r["id"] for r in scoped] == [str(w.grid)] and scoped[0]["children"] == []
    assert desk.grid_operator.get("/org-tree", under=w.other_grid).status_code == 404
    assert desk.operator.get("/org-tree", under=w.community).json()["roots"][0]["id"] == str(w.community)


def test_org_units_filter_by_kind_mode_subtree_and_name_and_page(desk: Desk, city) -> None:
    w = desk.world
    every = desk.operator.get("/org-units").json()
    assert every["total"] == 4 and every["items"][0]["path"] == ["Junhe Street"]
    assert ids(desk.operator.get("/org-units", kind="grid")) == [str(w.grid), str(w.other_grid)]
    assert ids(desk.operator.get("/org-units", q="grid 2")) == [str(w.other_grid)]
    assert ids(desk.operator.get("/org-units", under=w.community, kind="community")) == [str(w.community)]
    assert desk.operator.get("/org-units", mode="peace").json()["total"] == 0
    page = desk.operator.get("/org-units", limit=2, offset=1).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (4, 2, 1, 2)
    assert page["items"][0]["depth"] == 1 and page["items"][1]["path"][-1] == "Shimaqiao Grid 1"
    assert ids(desk.grid_operator.get("/org-units")) == [str(w.grid)]
    bad = desk.operator.get("/org-units", kind="planet")
    assert bad.status_code == 422 and bad.json()["facts"]["problems"][0]["field"] == "kind"


def test_incidents_filter_by_state_drill_and_title_and_a_grid_sees_the_street_drive(desk: Desk, city) -> None:
    real, drill = str(city["real"]), str(city["drill"])
    assert set(ids(desk.operator.get("/incidents"))) == {real, drill}
    assert ids(desk.operator.get("/incidents", exercise="true")) == [drill]
    assert ids(desk.operator.get("/incidents", q="DRILL")) == [drill]
    desk.world.do("close_incident", city["drill"])
    assert ids(desk.operator.get("/incidents", state="open")) == [real]
    closed = desk.operator.get(f"/incidents/{drill}").json()
    assert (closed["state"], closed["exercise"], closed["scope_name"]) == ("closed", True, "Shimaqiao Grid 2")
    assert closed["closed_at"] is not None
    assert ids(desk.grid_operator.get("/incidents")) == [real]  # over its street: yes; over the other grid: no
    assert desk.grid_operator.get(f"/incidents/{drill}").status_code == 404
    assert desk.operator.get(f"/incidents/{uuid4()}").json()["error"] == "not_found"
    assert desk.operator.get("/incidents", exercise="maybe").status_code == 422


def test_sites_show_posts_commanders_tallies_and_filter_by_incident_grid_state_and_name(desk: Desk, city) -> None:
    w = desk.world
    site = desk.operator.get(f"/sites/{city['site']}").json()
    assert (site["commander_name"], site["proposed_commander_name"]) == ("Leader Mine", "Leader Mine")
    assert (site["posts"], site["lanes"], site["state"], site["exercise"]) == ({"sampler": 2, "registrar": 1}, 2,
                                                                                 "open", False)
    assert site["samples_total"] == 180 and site["last_tally"]["samples"] == 80
    assert site["last_tally"]["hour"].startswith("2026-03-02T07:00:00")
    assert ids(desk.operator.get("/sites", incident=city["drill"])) == [str(city["their_site"])]
    assert ids(desk.operator.get("/sites", grid=w.grid)) == [str(city["site"])]
    assert ids(desk.operator.get("/sites", state="planned")) == [str(city["their_site"])]
    assert ids(desk.operator.get("/sites", q="theirs")) == [str(city["their_site"])]
    assert ids(desk.grid_operator.get("/sites")) == [str(city["site"])]
    assert ids(desk.auditor.get("/sites")) == [str(city["site"]), str(city["their_site"])]  # auditors see all
    assert desk.grid_operator.get(f"/sites/{city['their_site']}").status_code == 404
    assert desk.grid_operator.get("/sites", grid=w.other_grid).status_code == 404
    not_a_grid = desk.operator.get("/sites", grid=w.community)
    assert not_a_grid.status_code == 404 and "grid" in not_a_grid.json()["message"]
    assert desk.operator.get("/sites", state="burning").json()["facts"]["problems"][0]["field"] == "state"


def test_shifts_filter_by_site_post_lane_window_state_and_short_and_list_their_people(desk: Desk, city) -> None:
    earlier, now_shift, later = str(city["earlier"]), str(city["now_shift"]), str(city["later"])
    assert ids(desk.operator.get("/shifts", now=NOW)) == [earlier, now_shift, later]
    assert ids(desk.operator.get("/shifts", site=city["site"], post="registrar")) == [later]
    assert ids(desk.operator.get("/shifts", lane=2)) == [later]
    window = {"from": (T0 + 7 * HOUR).isoformat(), "to": (T0 + 9 * HOUR).isoformat()}
    assert ids(desk.operator.get("/shifts", **window)) == [now_shift, later]
    assert ids(desk.operator.get("/shifts", state="running", now=NOW)) == [now_shift]
    assert ids(desk.operator.get("/shifts", state="ended", now=NOW)) == [earlier]
    assert ids(desk.operator.get("/shifts", short="true")) == [now_shift, later]
    row = desk.operator.get(f"/shifts/{now_shift}", now=NOW).json()
    assert (row["slots"], row["filled"], row["short"], row["state"]) == (2, 1, True, "running")
    assert row["people"] == [{"person_id": str(city["on_shift"]), "name": "Sampler On Shift", "status": "checked_in"}]
    assert desk.operator.get(f"/shifts/{earlier}").json()["people"][0]["status"] == "checked_out"
    page = desk.operator.get("/shifts", limit=1, offset=2).json()
    assert (page["total"], [r["id"] for r in page["items"]]) == (3, [later])
    assert desk.operator.get("/shifts", site=uuid4()).status_code == 404
    backwards = desk.operator.get("/shifts", **{"from": window["to"], "to": window["from"]})
    assert backwards.status_code == 422 and "to" in backwards.json()["message"]
    assert desk.operator.get("/shifts", lane=0).json()["facts"]["problems"][0]["field"] == "lane"
    assert desk.operator.get("/shifts", site="not-an-id").json()["facts"]["problems"][0]["field"] == "site"


def test_people_filter_by_name_grid_role_skill_availability_and_activity(desk: Desk, city) -> None:
    w = desk.world

    def names(**params: Any) -> list[str]:
        response = desk.operator.get("/people", now=NOW, **params)
        assert response.status_code == 200, response.text
        return [row["name"] for row in response.json()["items"]]

    assert names(activity="on_shift") == ["Sampler On Shift"]
    assert names(activity="resting") == ["Sampler Resting"]
    assert names(activity="on_dispatch") == ["Driver Away", "Leader Mine", "Registrar Idle"]  # own or team's
    assert names(activity="free", grid=w.other_grid) == ["Leader Theirs"]
    assert names(availability="on_leave") == ["Registrar Idle"]
    assert names(role="volunteer", q="sampler") == ["Sampler Resting"]
    assert names(skill="sampler") == ["Sampler On Shift", "Sampler Resting"]
    assert names(skill="sampler", valid_at=(T0 + 3 * HOUR).isoformat()) == ["Sampler On Shift"]
    assert names(under=w.community, grid=w.grid, limit=2) == ["Driver Away", "Leader Mine"]
    row = desk.operator.get("/people", q="on shift").json()["items"][0]
    assert row["qualifications"] == [{"skill": "sampler", "valid_until": "2027-03-02T06:00:00Z"}]
    assert row["home_grid_name"] == "Shimaqiao Grid 1" and row["roles"] == ["medical_staff"]
    mine = desk.grid_operator.get("/people").json()
    assert mine["total"] == 5 and "Leader Theirs" not in {r["name"] for r in mine["items"]}
    assert desk.grid_operator.get("/people", grid=w.other_grid).status_code == 404
    assert desk.operator.get("/people", activity="asleep").json()["facts"]["problems"][0]["field"] == "activity"
    assert desk.operator.get("/people", valid_at="2026-03-02T10:00").status_code == 422  # no zone


def test_a_viewer_lists_people_and_sites_without_a_phone_or_id_number(desk: Desk, city) -> None:
    for path in ("/people", "/sites", "/task-forces", "/org-tree", "/shifts"):
        response = desk.viewer.get(path)
        assert response.status_code == 200, response.text
        assert "139000000" not in response.text and "44010019900101" not in response.text
        assert "phone" not in response.text and "id_number" not in response.text
    assert desk.viewer.get("/people").json()["total"] == 6


def test_task_forces_show_members_branch_and_dispatch_and_filter_by_unit_tier_state_and_name(desk: Desk, city) -> None:
    w = desk.world
    team = desk.operator.get(f"/task-forces/{city['team']}").json()
    assert (team["state"], team["dispatch_id"], team["member_count"]) == ("dispatched", str(city["order"]), 2)
    assert [m["name"] for m in team["members"]] == ["Leader Mine", "Registrar Idle"]
    assert team["branch"] == {"name": "Temporary branch 1", "secretary_id": str(city["leader"])}
    assert (team["leader_name"], team["unit_name"], team["flag"]) == ("Leader Mine", "Shimaqiao Grid 1", "Flag 1")
    assert ids(desk.operator.get("/task-forces", state="disbanded")) == [str(city["their_team"])]
    assert ids(desk.operator.get("/task-forces", unit=w.grid, tier="cooperative_grid")) == [str(city["team"])]
    assert ids(desk.operator.get("/task-forces", q="grid 2")) == [str(city["their_team"])]
    assert desk.operator.get("/task-forces", state="ready").json()["total"] == 0
    for step in ("acknowledge_dispatch", "set_out", "arrive_on_scene", "release_dispatch"):
        w.do(step, city["order"], at=T0 + HOUR)
    assert ids(desk.operator.get("/task-forces", state="ready")) == [str(city["team"])]
    assert ids(desk.grid_operator.get("/task-forces")) == [str(city["team"])]
    assert desk.grid_operator.get(f"/task-forces/{city['their_team']}").status_code == 404
    assert desk.grid_operator.get("/task-forces", unit=w.street).status_code == 404
    assert desk.operator.get("/task-forces", tier="galactic").status_code == 422


@pytest.mark.parametrize(("path", "param"), [
    ("/org-tree", "under"), ("/org-units", "under"), ("/sites", "incident"), ("/sites", "grid"),
    ("/shifts", "site"), ("/shifts", "incident"), ("/people", "grid"), ("/people", "under"), ("/task-forces", "unit"),
])
def test_a_filter_naming_nothing_is_a_404_naming_it(desk: Desk, city, path: str, param: str) -> None:
    unknown = uuid4()
    response = desk.operator.get(path, **{param: unknown})
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["error"] == "not_found" and str(unknown) in body["message"] and body["facts"]["field"] == param


def test_lists_refuse_a_page_out_of_bounds_and_a_caller_without_a_token(desk: Desk, city) -> None:
    assert desk.operator.get("/people", limit=0).status_code == 422
    assert desk.operator.get("/people", limit=1001).status_code == 422
    assert desk.operator.get("/people", offset=-1).status_code == 422
    assert desk.operator.get("/incidents", offset=10**30).json()["facts"]["problems"][0]["field"] == "offset"
    assert desk.anonymous.get("/people").status_code == 401
    assert desk.operator.get("/people", offset=50).json()["items"] == []
