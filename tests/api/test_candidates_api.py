"""Suggested fill-ins over HTTP: who can take a shift, in what order and why; scope; unknown shifts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0, World

YEAR = 365 * 24 * HOUR
NOW = (T0 + 20 * HOUR).isoformat()


@dataclass
class Drive:
    """A street in war (8-hour shifts, 8 hours' rest) with people around the site's grid, and one open shift."""

    world: World
    incident: UUID
    site: UUID
    shift: UUID
    people: dict[str, UUID]
    far_site: UUID
    far_shift: UUID


def sampler(world: World, name: str, grid: UUID, valid_for: Any = YEAR) -> UUID:
    """A sampler living in `grid`."""
    return world.do("register_person", name, ["medical_staff"], grid, qualifications={"sampler": T0 + valid_for})


@pytest.fixture
def drive(desk: Desk) -> Drive:
    world = desk.world
    xicha = world.do("establish_unit", "Xicha Community", "community", world.street)
    xicha_grid = world.do("establish_unit", "Xicha Grid 1", "grid", xicha)
    songzhou = world.do("establish_unit", "Songzhou Street", "street")
    songzhou_grid = world.do("establish_unit", "Songzhou Grid 1", "grid",
                             world.do("establish_unit", "Songzhou Community", "community", songzhou))
    incident = world.incident()
    world.war(incident)
    site = world.open_site(incident)
    people = {
        "worked": sampler(world, "A Worked", world.grid),
        "fresh": sampler(world, "B Fresh", world.grid),
        "neighbour": sampler(world, "C Neighbour", world.other_grid),
        "street": sampler(world, "D Street", xicha_grid),
        "elsewhere": sampler(world, "E Elsewhere", songzhou_grid),
        "tired": sampler(world, "F Tired", world.grid),
        "on_leave": sampler(world, "G On Leave", world.grid),
        "expired": sampler(world, "H Expired", world.grid, valid_for=18 * HOUR),
        "dispatched": sampler(world, "I Dispatched", world.grid),
        "booked": sampler(world, "J Booked", world.grid),
    }
    morning = world.shift(site, T0, lane=1)
    world.do("assign_to_shift", morning, people["worked"])
    world.do("check_in", morning, people["worked"], at=T0)
    world.do("check_out", morning, people["worked"], at=T0 + 8 * HOUR)
    world.do("assign_to_shift", world.shift(site, T0 + 6 * HOUR, lane=2), people["tired"])
    world.do("assign_to_shift", world.shift(site, T0 + 40 * HOUR, lane=2), people["booked"])  # rested by then
    world.do("set_availability", people["on_leave"], "on_leave")
    world.do("dispatch", "person", people["dispatched"], incident, "carry swabs to the lab")
    shift = world.shift(site, T0 + 16 * HOUR, lane=1, slots=2)
    far_site = world.do("plan_testing_site", incident, xicha_grid, "Site 2", 1, {"sampler": 1})
    far_shift = world.shift(far_site, T0 + 16 * HOUR)
    return Drive(world, incident, site, shift, people, far_site, far_shift)


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


def test_candidates_rank_by_nearness_then_hours_and_overrides_last_with_reasons(desk: Desk, drive: Drive) -> None:
    page = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW).json()
    rows = page["items"]

    assert names(rows) == ["B Fresh", "J Booked", "A Worked", "C Neighbour", "D Street", "E Elsewhere", "F Tired"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5, 6, 7] and page["total"] == 7
    assert page["shift"] == {"id": str(drive.shift), "site_id": str(drive.site), "lane": 1, "post": "sampler",
                             "skill": "sampler", "start": (T0 + 16 * HOUR).isoformat().replace("+00:00", "Z"),
                             "end": (T0 + 24 * HOUR).isoformat().replace("+00:00", "Z"), "slots": 2, "filled": 0,
                             "blocked": None}
    assert [r["nearness"] for r in rows] == ["same_grid", "same_grid", "same_grid", "same_community", "same_street",
                                            "elsewhere", "same_grid"]
    assert [r["hours_in_incident"] for r in rows] == [0, 0, 8, 0, 0, 0, 0]
    assert [r["hours_booked_ahead"] for r in rows] == [0, 8, 0, 0, 0, 0, 0]
    assert [r["needs_override"] for r in rows] == [[], [], [], [], [], [], ["wartime_shortest_rest"]]
    assert all(r["assignable"] and r["refusal"] is None for r in rows)
    booked, worked, tired = rows[1], rows[2], rows[6]
    assert worked["person_id"] == str(drive.people["worked"])
    assert worked["home_grid_id"] == str(drive.world.grid) and worked["home_grid_name"] == "Shimaqiao Grid 1"
    assert worked["reasons"][:2] == ["home grid Shimaqiao Grid 1 is the site's grid",
                                     "8 hours worked in this incident already"]
    assert booked["reasons"][2] == "booked for 8 more hours on other shifts"
    assert rows[3]["reasons"][0] == "home grid Shimaqiao Grid 2 is in the site's community, Shimaqiao Community"
    assert rows[5]["reasons"][0] == "home grid Songzhou Grid 1 lies outside the site's street, in Songzhou Street"
    assert "would rest only 2 hours" in tired["reasons"][-2]
    assert tired["reasons"][-1] == "ranked after everyone who needs no override"


def test_the_full_list_adds_who_cannot_take_it_and_why(desk: Desk, drive: Drive) -> None:
    rows = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW, all="true").json()["items"]

    refused = {r["name"]: r for r in rows if not r["assignable"]}
    assert names(rows)[:7] == ["B Fresh", "J Booked", "A Worked", "C Neighbour", "D Street", "E Elsewhere",
                               "F Tired"]
    assert {name: r["refusal"]["error"] for name, r in refused.items()} == {
        "G On Leave": "person_not_available", "H Expired": "qualification_required",
        "I Dispatched": "on_dispatch", "Commander Wang": "qualification_required"}
    assert all(r["rank"] is None and r["reasons"][0] == r["refusal"]["message"] for r in refused.values())
    assert names(rows)[7:] == ["Commander Wang", "G On Leave", "H Expired", "I Dispatched"]  # all of the grid


def test_assigning_the_first_candidate_takes_them_off_the_list(desk: Desk, drive: Drive) -> None:
    first = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW).json()["items"][0]

    assigned = desk.operator.post(f"/shifts/{drive.shift}/assignments", {"person_id": first["person_id"]})
    after = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW).json()

    assert assigned.status_code == 200
    assert first["name"] == "B Fresh" and "B Fresh" not in names(after["items"])
    assert after["total"] == 6


def test_a_full_shift_has_no_candidates_and_the_full_list_says_why(desk: Desk, drive: Drive) -> None:
    for person in ("fresh", "neighbour"):  # its two slots
        desk.world.do("assign_to_shift", drive.shift, drive.people[person])

    page = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW).json()
    full = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW, all="true").json()["items"]

    assert page["items"] == [] and page["total"] == 0
    assert (page["shift"]["filled"], page["shift"]["slots"], page["shift"]["blocked"]["error"]) == (2, 2, "shift_full")
    errors = {r["name"]: r["refusal"]["error"] for r in full}
    assert errors["A Worked"] == "shift_full" and errors["B Fresh"] == "no_overlapping_shifts"


def test_a_grid_operator_sees_candidates_of_its_grid_only_and_no_shift_of_another(desk: Desk, drive: Drive) -> None:
    mine = desk.grid_operator.get(f"/shifts/{drive.shift}/candidates", now=NOW).json()["items"]
    everyone = desk.grid_operator.get(f"/shifts/{drive.shift}/candidates", now=NOW, all="true").json()["items"]
    theirs = desk.grid_operator.get(f"/shifts/{drive.far_shift}/candidates")
    nothing = desk.operator.get(f"/shifts/{uuid4()}/candidates")

    assert names(mine) == ["B Fresh", "J Booked", "A Worked", "F Tired"]
    assert {r["home_grid_id"] for r in everyone} == {str(drive.world.grid)}
    assert theirs.status_code == 404 and theirs.json()["error"] == "not_found"
    assert nothing.status_code == 404 and nothing.json()["error"] == "not_found"
    assert desk.operator.get(f"/shifts/{drive.site}/candidates").status_code == 404  # a site is not a shift


def test_paging_keeps_the_ranks_of_the_whole_list(desk: Desk, drive: Drive) -> None:
    page = desk.viewer.get(f"/shifts/{drive.shift}/candidates", now=NOW, limit=2, offset=2).json()

    assert (page["total"], page["limit"], page["offset"]) == (7, 2, 2)
    assert [(r["rank"], r["name"]) for r in page["items"]] == [(3, "A Worked"), (4, "C Neighbour")]
    assert desk.viewer.get(f"/shifts/{drive.shift}/candidates", limit=0).status_code == 422
    assert desk.anonymous.get(f"/shifts/{drive.shift}/candidates").status_code == 401


def test_at_a_closed_site_nobody_is_suggested_and_the_shift_says_why(desk: Desk, drive: Drive) -> None:
    desk.world.do("close_site", drive.site)

    page = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW).json()
    full = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW, all="true").json()["items"]

    assert page["total"] == 0 and page["shift"]["blocked"]["message"] == "site Site 1 is closed"
    assert full and {r["refusal"]["message"] for r in full} == {"site Site 1 is closed"}


def test_in_chinese_the_reasons_and_refusals_are_said_in_chinese_and_the_rest_is_the_same(desk: Desk,
                                                                                          drive: Drive) -> None:
    path, zh = f"/api/shifts/{drive.shift}/candidates", {"Accept-Language": "zh-CN", **desk.operator.headers()}
    english = desk.operator.get(f"/shifts/{drive.shift}/candidates", now=NOW, all="true").json()["items"]
    chinese = desk.client.get(path, params={"now": NOW, "all": "true"}, headers=zh).json()["items"]

    strip = ("reasons", "refusal")
    assert [{k: v for k, v in r.items() if k not in strip} for r in chinese] == \
        [{k: v for k, v in r.items() if k not in strip} for r in english]
    assert [len(r["reasons"]) for r in chinese] == [len(r["reasons"]) for r in english]
    by_name = {r["name"]: r for r in chinese}
    assert by_name["A Worked"]["reasons"][:2] == ["所属网格Shimaqiao Grid 1即检测点所在网格", "本事件已工作 8 小时"]
    assert by_name["J Booked"]["reasons"][2] == "其他班次还排了 8 小时"
    assert by_name["C Neighbour"]["reasons"][0] == "所属网格Shimaqiao Grid 2与检测点同在Shimaqiao Community社区"
    assert "两班之间只能休息 2 小时" in by_name["F Tired"]["reasons"][-2]
    assert by_name["F Tired"]["reasons"][-1] == "排在无需越规的人之后"
    on_leave = next(r for r in english if r["name"] == "G On Leave")["refusal"]
    assert by_name["G On Leave"]["refusal"] == {**on_leave, "message": "G On Leave当前为「休假中」状态，不能调用"}
    assert by_name["I Dispatched"]["reasons"][0] == "I Dispatched正在执行调派任务：须先结束调派"
    said = [reason for r in chinese for reason in r["reasons"]]
    assert not [reason for reason in said if any(word in reason for word in ("hours", "grid ", "override"))]

    desk.world.do("close_site", drive.site)
    blocked = desk.client.get(path, params={"now": NOW}, headers=zh).json()["shift"]["blocked"]
    assert blocked["message"] == "检测点Site 1已关闭" and blocked["error"] == "rule_violated"
