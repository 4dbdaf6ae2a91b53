"""Scenarios: the organisation tree, grid leaders, and the peace/war mode of a subtree."""

from __future__ import annotations

import pytest

from mobilize.domain.base import InvalidCommand, NotFound, RuleViolated
from mobilize.domain.incident import IncidentClosed
from mobilize.domain.organisation import AlreadyInWar
from tests.conftest import World


def test_depth_is_data_grids_nest_three_levels_and_buildings_sit_under_grids(world: World) -> None:
    second = world.do("establish_unit", "Grid 1-1", "grid", world.grid)
    third = world.do("establish_unit", "Grid 1-1-1", "grid", second)
    building = world.do("establish_unit", "Building 7", "building", third)

    assert [u.name for u in world.app.ancestry(building)] == [
        "Building 7", "Grid 1-1-1", "Grid 1-1", "Shimaqiao Grid 1", "Shimaqiao Community", "Junhe Street"]
    with pytest.raises(InvalidCommand, match="at most three levels"):
        world.do("establish_unit", "Grid 1-1-1-1", "grid", third)


def test_a_street_stands_only_at_the_root_and_nothing_sits_under_a_building(world: World) -> None:
    building = world.do("establish_unit", "Building 1", "building", world.grid)
    not_a_unit = world.person()
    size = world.log_size()

    with pytest.raises(InvalidCommand, match="only a street or town stands at the root"):
        world.do("establish_unit", "Lonely grid", "grid")
    with pytest.raises(InvalidCommand, match="cannot sit under a building"):
        world.do("establish_unit", "Grid under building", "grid", building)
    with pytest.raises(InvalidCommand, match="cannot sit under a grid"):
        world.do("establish_unit", "Community under grid", "community", world.grid)
    with pytest.raises(NotFound, match="no org unit"):
        world.do("establish_unit", "Orphan", "community", not_a_unit)
    assert world.log_size() == size


def test_a_grid_has_two_leaders_the_dual_grid_leaders(world: World) -> None:
    secretary = world.person("Li Wei", ("marshal",), ("first_secretary",))
    head = world.person("Zhang Min", ("marshal",), ("grid_leader",))

    world.do("appoint_grid_leader", world.grid, "first_secretary", secretary)
    world.do("appoint_grid_leader", world.grid, "cooperative_head", head)

    assert world.app.ancestry(world.grid)[0].leaders == {"first_secretary": secretary, "cooperative_head": head}
    with pytest.raises(InvalidCommand, match="leader seat"):
        world.do("appoint_grid_leader", world.grid, "third_leader", head)
    with pytest.raises(RuleViolated, match="only a grid has dual leaders"):
        world.do("appoint_grid_leader", world.community, "first_secretary", head)


def test_a_grid_is_in_war_when_an_ancestor_is_switched_and_in_peace_after_stand_down(world: World) -> None:
    incident = world.incident()
    assert world.app.mode_of(world.grid).state == "peace"

    world.war(incident, max_shift_hours=8, min_rest_hours=10)

    mode = world.app.mode_of(world.grid)
    assert mode.state == "war"
    assert mode.switches[0]["unit"] == "Junhe Street"
    assert mode.switches[0]["working_groups"] == ["coordination", "sampling"]
    assert (mode.policy.max_shift_hours, mode.policy.min_rest_hours) == (8, 10)

    world.do("stand_down", world.street, incident)

    assert world.app.mode_of(world.grid).state == "peace"


def test_the_strictest_policy_holds_where_two_switches_overlap(world: World) -> None:
    flood, cluster = world.incident(), world.incident()
    world.war(flood, max_shift_hours=12, min_rest_hours=6)
    world.do("switch_to_war", world.grid, cluster, ["transfer"], max_shift_hours=8, min_rest_hours=4)

    policy = world.app.mode_of(world.grid).policy
    assert (policy.max_shift_hours, policy.min_rest_hours) == (8, 6)
    assert world.app.mode_of(world.other_grid).policy.max_shift_hours == 12


def test_switching_twice_or_standing_down_what_is_not_in_war_is_refused(world: World) -> None:
    incident = world.incident()
    world.war(incident)
    size = world.log_size()

    with pytest.raises(AlreadyInWar, match="already in war"):
        world.war(incident)
    with pytest.raises(AlreadyInWar, match="through Junhe Street"):
        world.do("switch_to_war", world.grid, incident, [], max_shift_hours=8, min_rest_hours=8)
    with pytest.raises(RuleViolated, match="not in war for that incident"):
        world.do("stand_down", world.grid, world.incident())
    size = world.log_size()
    assert world.log_size() == size
    with pytest.raises(InvalidCommand, match="longest shift"):
        world.do("switch_to_war", world.other_grid, incident, [], max_shift_hours=30, min_rest_hours=8)
    assert world.log_size() == size


def test_a_closed_incident_switches_nothing_to_war(world: World) -> None:
    incident = world.incident()
    world.do("close_incident", incident)

    with pytest.raises(IncidentClosed):
        world.war(incident)


def test_a_drill_switch_is_flagged_as_an_exercise(world: World) -> None:
    drill = world.incident(exercise=True)
    world.war(drill)

    assert world.app.mode_of(world.grid).switches[0]["exercise"] is True
    switched = [e for e in world.events() if type(e).__name__ == "SwitchedToWar"]
    assert [e.exercise for e in switched] == [True]
