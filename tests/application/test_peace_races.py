"""The switch both ways and the peace-time records under races: one exact interleaving each, on every backend.

Command B has decided on what it loaded when command A, which changes it, commits first; B must decide again
on what A left (ADR 0011): never a unit left in war for a closed incident, never two resolutions of a request,
never two musters of one person for one call-up.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobilize.domain.drill import AlreadyMustered
from mobilize.domain.incident import IncidentClosed
from mobilize.domain.resident_request import RequestNotOpen
from tests.application.test_races import first_save_lets, kinds
from tests.conftest import T0, World

MINUTE = timedelta(minutes=1)


def test_a_switch_decided_before_the_incident_closed_is_refused_and_leaves_nothing_in_war(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = world.incident()
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("close_incident", incident))
    with pytest.raises(IncidentClosed):
        world.war(incident)
    assert ran == [incident]
    assert "OrgUnit.SwitchedToWar" not in kinds(world) and world.app.mode_of(world.grid).state == "peace"


def test_a_close_decided_before_a_switch_landed_runs_again_and_stands_that_unit_down_too(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = world.incident()
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do(
        "switch_to_war", world.grid, incident, ["sampling"], max_shift_hours=8, min_rest_hours=8))
    world.do("close_incident", incident)
    assert ran == [world.grid]
    assert world.app.mode_of(world.grid).state == "peace"
    assert kinds(world).count("OrgUnit.StoodDown") == 1


def test_two_resolutions_of_one_request_at_once_record_one(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    wang = world.do("register_person", "Wang Gang", ["grid_leader"], world.grid)
    visit = world.do("record_visit", world.grid, "walk_in", [li], "met")
    request = world.do("register_request", visit, "health", "a check-up", T0 + 48 * 60 * MINUTE)
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("resolve_request", request, wang, "by phone"))
    with pytest.raises(RequestNotOpen):
        world.do("resolve_request", request, li, "in person")
    assert ran == [request] and kinds(world).count("ResidentRequest.Resolved") == 1


def test_two_check_ins_of_one_person_for_one_call_up_record_one(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    call_up = world.do("call_up_drill", world.incident(exercise=True), world.grid, "square", at=T0)
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("muster", call_up, li, at=T0 + 9 * MINUTE))
    with pytest.raises(AlreadyMustered):
        world.do("muster", call_up, li, at=T0 + 10 * MINUTE)
    assert len(ran) == 1 and kinds(world).count("Muster.CheckedIn") == 1
