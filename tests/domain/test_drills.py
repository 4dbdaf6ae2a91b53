"""Scenarios: a drill call-up over a scope, people mustering at the muster point, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobilize.domain.base import InvalidCommand
from mobilize.domain.drill import AlreadyMustered, CallUpEnded, Muster, NotADrill, OutsideDrillScope
from tests.conftest import T0, World

MINUTE = timedelta(minutes=1)


def test_people_in_the_scope_muster_and_their_minutes_since_the_call_up_are_kept(world: World) -> None:
    drill = world.incident(exercise=True)
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    call_up = world.do("call_up_drill", drill, world.community, "Shimaqiao square", at=T0)

    muster = world.do("muster", call_up, li, at=T0 + 17 * MINUTE + timedelta(seconds=30))

    assert world.app.load(Muster, muster, "muster").minutes == 17.5
    [checked_in] = [e for e in world.events() if e.originator_id == muster]
    assert (checked_in.person_id, checked_in.grid_id, checked_in.called_up_at, checked_in.minutes) == (
        li, world.grid, T0, 17.5)
    with pytest.raises(AlreadyMustered, match="checked in for this call-up already"):
        world.do("muster", call_up, li, at=T0 + 20 * MINUTE)


def test_a_call_up_is_for_a_drill_within_its_scope_and_a_late_or_outside_check_in_is_refused(world: World) -> None:
    real, drill = world.incident(), world.do("declare_incident", "Grid drill", "other", world.grid, exercise=True)
    outsider = world.do("register_person", "Zhou Ming", ["volunteer"], world.other_grid)
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    size = world.log_size()

    with pytest.raises(NotADrill, match="is a real incident"):
        world.do("call_up_drill", real, world.grid, "square", at=T0)
    with pytest.raises(OutsideDrillScope, match="outside the drill's scope"):
        world.do("call_up_drill", drill, world.community, "square", at=T0)
    with pytest.raises(InvalidCommand, match="muster point"):
        world.do("call_up_drill", drill, world.grid, " ", at=T0)
    assert world.log_size() == size

    call_up = world.do("call_up_drill", drill, world.grid, "Grid 1 office", at=T0)
    with pytest.raises(OutsideDrillScope, match="Zhou Ming is not in the scope"):
        world.do("muster", call_up, outsider, at=T0 + MINUTE)
    with pytest.raises(InvalidCommand, match="before the call-up"):
        world.do("muster", call_up, li, at=T0 - MINUTE)
    world.do("end_call_up", call_up, at=T0 + 60 * MINUTE)
    with pytest.raises(CallUpEnded, match="too late"):
        world.do("muster", call_up, li, at=T0 + 61 * MINUTE)
