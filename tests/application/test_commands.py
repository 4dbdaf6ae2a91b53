"""Scenarios: what every command records, and that a retried command changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mobilize.application import CommandIdReused
from mobilize.domain.base import CommandContext, InvalidCommand, MissingContext, utcnow
from mobilize.domain.organisation import OrgUnit
from tests.conftest import T0, World


def test_every_event_records_actor_order_reason_command_correlation_and_both_times(world: World) -> None:
    ctx = CommandContext(actor="operator:li", ordered_by="commander:wang", reason="cluster in grid 1",
                         command_id="cmd-42", correlation_id="incident-7", occurred_at=T0)
    incident = world.incident()
    before = utcnow()

    world.do("switch_to_war", world.street, incident, ["sampling"], max_shift_hours=8, min_rest_hours=8, ctx=ctx)

    switched = [e for e in world.events() if e.command_id == "cmd-42"]
    assert [type(e).__name__ for e in switched] == ["SwitchedToWar", "UnitSwitched", "Accepted"]
    for event in switched:
        assert (event.actor, event.ordered_by, event.reason, event.correlation_id) == (
            "operator:li", "commander:wang", "cluster in grid 1", "incident-7")
        assert event.occurred_at == T0
        assert event.recorded_at >= before


def test_defaults_the_order_to_the_actor_and_the_correlation_to_the_command(world: World) -> None:
    world.do("establish_unit", "Grid 3", "grid", world.community, ctx=CommandContext(actor="operator:li",
                                                                                      command_id="c-1"))

    event = next(e for e in world.events() if e.command_id == "c-1")
    assert (event.ordered_by, event.correlation_id, event.reason) == ("operator:li", "c-1", None)
    assert abs(event.occurred_at - event.recorded_at) < timedelta(seconds=5)


def test_a_retry_with_the_same_command_id_changes_nothing_and_returns_the_first_result(world: World) -> None:
    ctx = world.ctx()
    first = world.do("establish_unit", "Grid 3", "grid", world.community, ctx=ctx)
    size = world.log_size()

    again = world.do("establish_unit", "Grid 3", "grid", world.community, ctx=ctx)

    assert again == first
    assert world.log_size() == size
    assert world.app.ancestry(first)[0].name == "Grid 3"


def test_a_command_id_reused_for_another_command_or_body_is_refused(world: World) -> None:
    ctx = world.ctx()
    world.do("establish_unit", "Grid 3", "grid", world.community, ctx=ctx)
    size = world.log_size()

    with pytest.raises(CommandIdReused, match="already used for establish_unit with different arguments"):
        world.do("establish_unit", "Grid 4", "grid", world.community, ctx=ctx)
    with pytest.raises(CommandIdReused, match=r"different command \(establish_unit\)"):
        world.do("declare_incident", "Flood", "other", world.street, ctx=ctx)
    assert world.log_size() == size


def test_a_retry_with_another_reason_or_time_is_not_the_same_command(world: World) -> None:
    ctx = world.ctx(reason="cluster in grid 1")
    world.do("establish_unit", "Grid 3", "grid", world.community, ctx=ctx)

    with pytest.raises(CommandIdReused, match="different arguments"):
        world.do("establish_unit", "Grid 3", "grid", world.community,
                 ctx=world.ctx(reason="a different story", command_id=ctx.command_id))


def test_a_retry_may_spell_its_arguments_differently_and_is_still_the_same_command(world: World) -> None:
    ctx = world.ctx()
    first = world.do("establish_unit", "Grid 3", "grid", world.community, ctx=ctx)
    size = world.log_size()

    again = world.do("establish_unit", name="Grid 3", kind="grid", parent_id=world.community, ctx=ctx)

    assert again == first and world.log_size() == size


def test_a_refused_command_can_be_retried_under_its_id_once_the_cause_is_fixed(world: World) -> None:
    ctx = world.ctx()
    person = world.person()
    incident = world.incident()
    site = world.open_site(incident)
    shift = world.shift(site, T0)
    world.do("set_availability", person, "on_leave")
    with pytest.raises(Exception, match="on leave"):
        world.do("assign_to_shift", shift, person, ctx=ctx)

    world.do("set_availability", person, "available")

    assert world.do("assign_to_shift", shift, person, ctx=ctx) == shift


def test_commands_need_an_actor_and_a_time_that_is_not_in_the_future(world: World) -> None:
    size = world.log_size()
    with pytest.raises(InvalidCommand, match="needs an actor"):
        world.do("establish_unit", "Grid 3", "grid", world.community, ctx=world.ctx(actor=" "))
    with pytest.raises(InvalidCommand, match="lies in the future"):
        world.do("establish_unit", "Grid 3", "grid", world.community, at=utcnow() + timedelta(hours=1))
    with pytest.raises(InvalidCommand, match="time zone"):
        world.do("establish_unit", "Grid 3", "grid", world.community, at=T0.replace(tzinfo=None))
    at_the_calendar_start = datetime.fromisoformat("0001-01-01T00:00:00+00:01")  # has no UTC equivalent
    with pytest.raises(InvalidCommand, match="occurred_at must lie between the years 1900 and 2999"):
        world.do("establish_unit", "Grid 3", "grid", world.community, at=at_the_calendar_start)
    assert world.log_size() == size


def test_an_aggregate_changed_outside_a_command_is_refused_for_want_of_an_actor() -> None:
    with pytest.raises(MissingContext, match="needs an actor"):
        OrgUnit.establish("Junhe Street", "street", None)
