"""Scenarios: duty policy in peace too (longest shift, shortest rest), per unit, overridable with a reason."""

from __future__ import annotations

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.person import PeaceRestTooShort, PeaceShiftTooLong, RestTooShort
from tests.conftest import HOUR, T0, World


def test_a_20_hour_shift_then_a_back_to_back_one_is_refused_in_peace_unless_overridden(world: World) -> None:
    incident = world.incident()  # declared, but nobody switched to war: the grid is in peace
    site = world.open_site(incident)
    long_shift, next_shift = world.shift(site, T0, hours=20), world.shift(site, T0 + 20 * HOUR, hours=8)
    chen = world.person()
    assert world.app.mode_of(world.grid).state == "peace"
    size = world.log_size()

    with pytest.raises(PeaceShiftTooLong, match="20-hour shift is longer than the peace-time limit of 12 hours"):
        world.do("assign_to_shift", long_shift, chen)
    assert world.log_size() == size

    world.do("assign_to_shift", long_shift, chen, override_reason="the relief was stuck in the flood")
    with pytest.raises(PeaceRestTooShort, match="rest only 0 hours between shifts; peace-time policy requires 11"):
        world.do("assign_to_shift", next_shift, chen)

    booked = [e for e in world.events() if type(e).__qualname__ == "Person.ShiftBooked"]
    assert [(e.overridden, e.override_reason) for e in booked] == [
        (["peace_longest_shift"], "the relief was stuck in the flood")]


def test_a_unit_sets_its_own_peace_policy_and_the_strictest_along_the_tree_holds(world: World) -> None:
    world.do("set_peace_policy", world.street, max_shift_hours=10, min_rest_hours=12)
    world.do("set_peace_policy", world.grid, max_shift_hours=16, min_rest_hours=14)

    policy = world.app.mode_of(world.grid).policy
    assert (policy.mode, policy.max_shift_hours, policy.min_rest_hours) == ("peace", 10, 14)
    assert world.app.mode_of(world.other_grid).policy.min_rest_hours == 12
    with pytest.raises(InvalidCommand, match="longest shift"):
        world.do("set_peace_policy", world.grid, max_shift_hours=30, min_rest_hours=8)
    with pytest.raises(RuleViolated, match="already has that peace-time policy"):
        world.do("set_peace_policy", world.grid, max_shift_hours=16, min_rest_hours=14)


def test_in_war_the_wartime_policy_holds_and_after_the_stand_down_the_peace_policy_again(world: World) -> None:
    world.do("set_peace_policy", world.street, max_shift_hours=8, min_rest_hours=16)
    incident = world.incident()
    world.war(incident, max_shift_hours=12, min_rest_hours=8)
    site = world.open_site(incident)
    first, second = world.shift(site, T0, hours=10), world.shift(site, T0 + 20 * HOUR, hours=8)
    chen = world.person()

    world.do("assign_to_shift", first, chen)  # 10 hours: within the war's 12, over peace's 8
    world.do("stand_down", world.street, incident)

    with pytest.raises(PeaceRestTooShort, match="peace-time policy requires 16") as refused:
        world.do("assign_to_shift", second, chen)
    assert isinstance(refused.value, RestTooShort) and refused.value.rule == "peace_shortest_rest"
    assert world.app.mode_of(world.grid).policy.mode == "peace"
