"""Scenarios: the grid action day — households, the day's visit plan, visits (定时走访, 适时下访, 随时接访)."""

from __future__ import annotations

from datetime import date

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.personal import declared
from mobilize.domain.visit import OutsideVisitorsGrid
from mobilize.log.envelope import for_relay, for_viewer
from mobilize.privacy.seal import Opener, Sealed
from tests.conftest import World

MONDAY = date(2026, 3, 2)


def worker(world: World, name: str = "Li Wei", grid: str = "grid") -> object:
    """A grid worker of `grid` (the world's grid or other_grid)."""
    return world.do("register_person", name, ["grid_worker_full_time"], getattr(world, grid))


def test_a_grid_plans_its_monday_and_records_the_visits_on_the_plan(world: World) -> None:
    building = world.do("establish_unit", "Building 7", "building", world.grid)
    home = world.do("register_household", world.grid, "7-302 Shimaqiao Road", building_id=building,
                    care_flags=["elderly_alone", "low_income"])
    li, secretary = worker(world), worker(world, "Zhou Ming", "other_grid")

    plan = world.do("plan_visits", world.grid, MONDAY, home, [li, secretary], theme="visiting residents")
    visit = world.do("record_visit", world.grid, "scheduled", [li, secretary], "met", household_id=home,
                     day=MONDAY, observations="unvaccinated", follow_up="drive her to the clinic on Wednesday")

    [drawn, assigned] = [e for e in world.events() if e.originator_id == plan]
    assert (drawn.day, drawn.theme, assigned.household_id, assigned.visitor_ids) == (
        "2026-03-02", "visiting residents", home, [li, secretary])
    [recorded] = [e for e in world.events() if e.originator_id == visit]
    follow_up = Opener(world.app.keyring).reveal(recorded.follow_up, "follow_up", visit)  # sealed in the store
    assert (recorded.kind, recorded.plan_id, follow_up) == ("scheduled", plan, "drive her to the clinic on Wednesday")
    assert world.app.unit_of(visit) == world.grid


def test_a_visit_outside_the_visitors_grid_is_refused_unless_planned_or_ordered(world: World) -> None:
    home = world.do("register_household", world.grid, "1-101 Shimaqiao Road")
    stranger = worker(world, "Zhou Ming", "other_grid")
    size = world.log_size()

    with pytest.raises(OutsideVisitorsGrid, match="Zhou Ming belongs to another grid"):
        world.do("record_visit", world.grid, "when_needed", [stranger], "met", household_id=home)
    assert world.log_size() == size

    ordered = world.do("record_visit", world.grid, "when_needed", [stranger], "met", household_id=home,
                       outside_grid_order="the grid leader sent him: the household's own worker is ill")
    opener = Opener(world.app.keyring)  # the order is free text about the household: sealed in the store
    assert all(isinstance(e.outside_grid_order, Sealed) for e in world.events() if e.originator_id == ordered)
    assert [opener.reveal(e.outside_grid_order, "outside_grid_order", ordered) for e in world.events()
            if e.originator_id == ordered] == ["the grid leader sent him: the household's own worker is ill"]


def test_a_scheduled_visit_must_be_on_the_plan_and_a_visit_names_who_went(world: World) -> None:
    home = world.do("register_household", world.grid, "1-101 Shimaqiao Road")
    elsewhere = world.do("register_household", world.other_grid, "9-901 Qinghu Road")
    li = worker(world)
    world.do("plan_visits", world.grid, MONDAY, home, [li])

    with pytest.raises(RuleViolated, match="not on it"):
        world.do("record_visit", world.grid, "scheduled", [li], "met", household_id=home)
    with pytest.raises(InvalidCommand, match="who went"):
        world.do("record_visit", world.grid, "when_needed", [], "met", household_id=home)
    with pytest.raises(InvalidCommand, match="not in this grid"):
        world.do("record_visit", world.grid, "when_needed", [li], "met", household_id=elsewhere)
    with pytest.raises(InvalidCommand, match="only a walk-in"):
        world.do("record_visit", world.grid, "when_needed", [li], "met")
    with pytest.raises(InvalidCommand, match="not in this plan's grid"):
        world.do("plan_visits", world.grid, MONDAY, elsewhere, [li])
    walk_in = world.do("record_visit", world.grid, "walk_in", [li], "met", observations="asks about the pension")
    assert world.app.unit_of(walk_in) == world.grid


def test_a_households_address_and_care_flags_are_personal_data_masked_in_feeds(world: World) -> None:
    home = world.do("register_household", world.grid, "7-302 Shimaqiao Road", care_flags=["disability"])
    li = worker(world)
    visit = world.do("record_visit", world.grid, "when_needed", [li], "met", household_id=home,
                     observations="insulin running low", follow_up="bring her to the clinic")
    with pytest.raises(InvalidCommand, match="care flags must be among"):
        world.do("register_household", world.grid, "7-303 Shimaqiao Road", care_flags=["rich"])
    with pytest.raises(InvalidCommand, match="households sit in a grid"):
        world.do("register_household", world.community, "Community office")

    for record in (home, visit):
        [event] = [e for e in world.events() if e.originator_id == record]
        declaration = declared(type(event))
        assert declaration is not None
        fields = {k: v for k, v in vars(event).items() if k in declaration.fields or k == "grid_id"}
        body = {"event_type": type(event).__qualname__, "payload": fields, "reason": None}
        assert len(fields) > 1 and for_viewer(body)["payload"] == for_relay(body)["payload"] == {
            "grid_id": world.grid}
