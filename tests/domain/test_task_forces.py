"""Scenarios: task forces of the 1+1+5+N model, their members and temporary party branches."""

from __future__ import annotations

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.task_force import TaskForce
from tests.conftest import World


def form(world: World) -> tuple[object, object]:
    leader = world.person("Guo Hui", ("marshal",), ("volunteer",))
    return world.do("form_task_force", "Junhe Task Force", "street", world.street, leader, "Flag No. 1"), leader


def test_a_task_force_is_formed_with_a_tier_a_leader_and_a_flag(world: World) -> None:
    team, leader = form(world)

    loaded = world.app.load(TaskForce, team, "task force")
    assert (loaded.tier, loaded.flag, loaded.members) == ("street", "Flag No. 1", [leader])
    with pytest.raises(InvalidCommand, match="tier must be one of street, union, cooperative_grid"):
        world.do("form_task_force", "X", "platoon", world.street, leader, "Flag")
    with pytest.raises(InvalidCommand, match="receives a flag"):
        world.do("form_task_force", "X", "union", world.community, leader, " ")


def test_members_join_and_leave_but_the_leader_stays(world: World) -> None:
    team, leader = form(world)
    member = world.person("He Yang", ("driver",), ("volunteer",))

    world.do("enlist", team, member)
    with pytest.raises(RuleViolated, match="already a member"):
        world.do("enlist", team, member)
    with pytest.raises(RuleViolated, match="leader cannot leave"):
        world.do("discharge", team, leader)
    world.do("discharge", team, member)
    with pytest.raises(RuleViolated, match="not a member"):
        world.do("discharge", team, member)

    assert world.app.load(TaskForce, team, "task force").members == [leader]


def test_a_temporary_branch_is_set_up_on_a_task_force_and_dissolved(world: World) -> None:
    team, leader = form(world)
    outsider = world.person("Tan Min", ("marshal",), ("volunteer",))

    with pytest.raises(RuleViolated, match="secretary must be a member"):
        world.do("set_up_temporary_branch", team, "Temporary Branch", outsider)
    world.do("set_up_temporary_branch", team, "Temporary Branch", leader)
    with pytest.raises(RuleViolated, match="already has a temporary branch"):
        world.do("set_up_temporary_branch", team, "Second Branch", leader)
    world.do("dissolve_temporary_branch", team)
    with pytest.raises(RuleViolated, match="has no temporary branch"):
        world.do("dissolve_temporary_branch", team)

    kinds = [type(e).__name__ for e in world.events()]
    assert kinds.count("TemporaryBranchSetUp") == 1 and kinds.count("TemporaryBranchDissolved") == 1


def test_a_disbanded_task_force_takes_no_members_and_no_dispatch(world: World) -> None:
    team, _ = form(world)
    world.do("disband_task_force", team)

    with pytest.raises(RuleViolated, match="is disbanded"):
        world.do("enlist", team, world.person("Hu Bo"))
    with pytest.raises(RuleViolated, match="is disbanded"):
        world.do("dispatch", "task_force", team, world.incident(), "guard the hotel")
