"""OrgUnit alone: establishing the tree, the dual grid leaders, switching to war and standing down."""

from __future__ import annotations

import contextvars
from uuid import uuid4

import pytest

from mobilize.domain.base import InvalidCommand, MissingContext, RuleViolated
from mobilize.domain.organisation import AlreadyInWar, OrgUnit, WartimePolicy
from tests.unit.conftest import T0, assert_stamped, names


def tree() -> tuple[OrgUnit, OrgUnit, OrgUnit]:
    """Given a street, a community under it and a grid under that, their creation already collected."""
    street = OrgUnit.establish("Junhe Street", "street", None)
    community = OrgUnit.establish("Shimaqiao Community", "community", street)
    grid = OrgUnit.establish("Shimaqiao Grid 1", "grid", community)
    for unit in (street, community, grid):
        unit.collect_events()
    return street, community, grid


def test_a_street_is_established_at_the_root_and_a_grid_two_levels_down() -> None:
    # when
    street = OrgUnit.establish("  Junhe Street ", "street", None)
    community = OrgUnit.establish("Shimaqiao Community", "community", street)
    grid = OrgUnit.establish("Grid 1", "grid", community)
    subgrid = OrgUnit.establish("Grid 1-1", "grid", grid)

    # then
    [established] = street.collect_events()
    assert type(established).__qualname__ == "OrgUnit.Established"
    assert (established.name, established.kind, established.parent_id, established.grid_level) == \
        ("Junhe Street", "street", None, None)
    assert_stamped([established])
    [grid_established] = grid.collect_events()
    assert (grid_established.parent_id, grid_established.grid_level) == (community.id, 1)
    assert subgrid.grid_level == 2
    assert community.collect_events()[0].parent_id == street.id


@pytest.mark.parametrize(("kind", "parent_kind"), [
    ("community", None),  # only a street stands at the root
    ("street", "street"),  # and a street only there
    ("community", "grid"),  # no climbing back up the tree
    ("community", "community"),  # no community under a community
    ("grid", "building"),  # nothing under a building
    ("county", None),  # not a kind
])
def test_a_unit_out_of_place_in_the_tree_is_refused(kind: str, parent_kind: str | None) -> None:
    # given
    street, community, grid = tree()
    parent = {None: None, "street": street, "community": community, "grid": grid,
              "building": OrgUnit.establish("Building 3", "building", grid)}[parent_kind]

    # when / then
    with pytest.raises(InvalidCommand) as refused:
        OrgUnit.establish("New unit", kind, parent)
    assert refused.value.rule == "invalid_command"


def test_grids_nest_at_most_three_levels_deep() -> None:
    # given a grid three levels deep
    _, _, grid = tree()
    level3 = OrgUnit.establish("Grid 1-1-1", "grid", OrgUnit.establish("Grid 1-1", "grid", grid))
    assert level3.grid_level == 3

    # when / then
    with pytest.raises(InvalidCommand, match="three levels") as refused:
        OrgUnit.establish("Grid 1-1-1-1", "grid", level3)
    assert refused.value.facts["level"] == 4


def test_a_unit_cannot_be_changed_outside_a_command() -> None:
    # given no command context at all (a fresh contextvars context)
    # when / then
    with pytest.raises(MissingContext) as refused:
        contextvars.Context().run(OrgUnit.establish, "Junhe Street", "street", None)
    assert refused.value.rule == "missing_context"


def test_a_grid_seats_its_two_leaders() -> None:
    # given
    _, _, grid = tree()
    secretary, head = uuid4(), uuid4()

    # when
    grid.appoint_leader("first_secretary", secretary)
    grid.appoint_leader("cooperative_head", head)

    # then
    events = grid.collect_events()
    assert names(events) == ["OrgUnit.LeaderAppointed", "OrgUnit.LeaderAppointed"]
    assert [(e.seat, e.person_id) for e in events] == [("first_secretary", secretary), ("cooperative_head", head)]
    assert_stamped(events)
    assert grid.leaders == {"first_secretary": secretary, "cooperative_head": head}


def test_leaders_are_refused_off_a_grid_on_an_unknown_seat_and_twice_on_the_same_seat() -> None:
    # given
    _, community, grid = tree()
    person = uuid4()
    grid.appoint_leader("first_secretary", person)
    grid.collect_events()

    # when / then
    with pytest.raises(RuleViolated, match="only a grid") as off_grid:
        community.appoint_leader("first_secretary", person)
    with pytest.raises(InvalidCommand) as unknown_seat:
        grid.appoint_leader("mayor", person)
    with pytest.raises(RuleViolated, match="already holds") as twice:
        grid.appoint_leader("first_secretary", person)
    assert (off_grid.value.rule, unknown_seat.value.rule, twice.value.rule) == \
        ("rule_violated", "invalid_command", "rule_violated")
    assert community.collect_events() == [] and grid.collect_events() == []


def test_a_unit_switches_to_war_with_its_policy_and_working_groups() -> None:
    # given
    street, _, _ = tree()
    incident = uuid4()

    # when
    street.switch_to_war(incident, exercise=True, working_groups=[" coordination ", "", "sampling"],
                         policy=WartimePolicy(max_shift_hours=8, min_rest_hours=10))

    # then
    [switched] = street.collect_events()
    assert type(switched).__qualname__ == "OrgUnit.SwitchedToWar"
    assert (switched.incident_id, switched.exercise, switched.working_groups) == \
        (incident, True, ["coordination", "sampling"])
    assert (switched.max_shift_hours, switched.min_rest_hours, switched.since) == (8, 10, T0)
    assert_stamped([switched])
    assert str(incident) in street.wars


def test_switching_to_war_twice_for_one_incident_or_with_a_group_named_twice_is_refused() -> None:
    # given
    street, _, _ = tree()
    incident = uuid4()
    policy = WartimePolicy(8, 8)
    street.switch_to_war(incident, False, ["sampling"], policy)
    street.collect_events()

    # when / then
    with pytest.raises(AlreadyInWar) as twice:
        street.switch_to_war(incident, False, ["sampling"], policy)
    with pytest.raises(InvalidCommand, match="named twice"):
        street.switch_to_war(uuid4(), False, ["sampling", " sampling"], policy)
    assert twice.value.rule == "already_in_war"
    assert street.collect_events() == []


def test_a_unit_in_war_for_two_incidents_stands_down_from_one() -> None:
    # given
    street, _, _ = tree()
    first, second = uuid4(), uuid4()
    street.switch_to_war(first, False, [], WartimePolicy(8, 8))
    street.switch_to_war(second, False, [], WartimePolicy(12, 6))
    street.collect_events()

    # when
    street.stand_down(first)

    # then
    [stood_down] = street.collect_events()
    assert type(stood_down).__qualname__ == "OrgUnit.StoodDown"
    assert stood_down.incident_id == first
    assert_stamped([stood_down])
    assert list(street.wars) == [str(second)]


def test_standing_down_from_an_incident_not_at_war_is_refused() -> None:
    # given
    street, _, _ = tree()

    # when / then
    with pytest.raises(RuleViolated, match="not in war") as refused:
        street.stand_down(uuid4())
    assert refused.value.rule == "rule_violated"
    assert street.collect_events() == []


def test_the_strictest_of_two_policies_takes_the_shorter_shift_and_the_longer_rest() -> None:
    # given
    a, b = WartimePolicy(max_shift_hours=8, min_rest_hours=6), WartimePolicy(max_shift_hours=12, min_rest_hours=10)

    # when / then
    assert a.strictest(b) == WartimePolicy(8, 10) == b.strictest(a)


@pytest.mark.parametrize(("max_shift_hours", "min_rest_hours"), [(0, 8), (24.5, 8), (8, -1), (8, 49)])
def test_a_policy_out_of_bounds_is_refused(max_shift_hours: float, min_rest_hours: float) -> None:
    with pytest.raises(InvalidCommand) as refused:
        WartimePolicy(max_shift_hours, min_rest_hours)
    assert refused.value.rule == "invalid_command"
