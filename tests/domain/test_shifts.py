"""Scenarios: scheduling shifts, booking people on them, the wartime limits, check-in and check-out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.incident import IncidentClosed
from mobilize.domain.person import OverlappingShift, Person, RestTooShort, ShiftTooLong
from mobilize.domain.shift import (
    NotAssigned,
    NotCheckedIn,
    OutsideCheckInWindow,
    Shift,
    ShiftFull,
)
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)


@pytest.fixture
def drive(world: World) -> tuple[World, object, object]:
    """A street in war (8-hour shifts, 8 hours rest) with one open site."""
    incident = world.incident()
    world.war(incident, max_shift_hours=8, min_rest_hours=8)
    return world, incident, world.open_site(incident)


def test_no_person_is_booked_on_two_overlapping_shifts(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    world.do("assign_to_shift", world.shift(site, T0, lane=1), sampler)
    other_lane = world.shift(site, T0 + 4 * HOUR, lane=2)
    size = world.log_size()

    with pytest.raises(OverlappingShift, match="already on a shift from 2026-03-02 06:00 to 14:00 UTC") as refused:
        world.do("assign_to_shift", other_lane, sampler, override_reason="we are short")

    assert refused.value.facts["start"] == "2026-03-02T06:00:00+00:00"
    assert world.log_size() == size, "a refused command leaves no trace in the log"


def test_wartime_rest_is_enforced_unless_an_operator_overrides_it_in_writing(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    world.do("assign_to_shift", world.shift(site, T0), sampler)
    next_shift = world.shift(site, T0 + 10 * HOUR)

    with pytest.raises(RestTooShort, match="rest only 2 hours between shifts; wartime policy requires 8"):
        world.do("assign_to_shift", next_shift, sampler)
    with pytest.raises(RestTooShort):
        world.do("assign_to_shift", next_shift, sampler, override_reason="   ")

    world.do("assign_to_shift", next_shift, sampler, override_reason="only sampler left; commander approved")

    booked = [e for e in world.events() if type(e).__name__ == "ShiftBooked"][-1]
    assigned = [e for e in world.events() if type(e).__name__ == "Assigned"][-1]
    assert booked.overridden == ["wartime_shortest_rest"] == assigned.overridden
    assert assigned.override_reason == "only sampler left; commander approved"


def test_wartime_longest_shift_is_enforced_and_peace_has_no_such_limit(world: World) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    sampler, medic = world.person("Xu Ping"), world.person("Ma Hong")

    world.do("assign_to_shift", world.shift(site, T0, hours=12), sampler)  # peace: no limit

    world.war(incident, max_shift_hours=8, min_rest_hours=8)
    with pytest.raises(ShiftTooLong, match="a 12-hour shift is longer than the wartime limit of 8 hours"):
        world.do("assign_to_shift", world.shift(site, T0 + 24 * HOUR, hours=12), medic)


def test_rest_is_measured_against_shifts_on_either_side(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    world.do("assign_to_shift", world.shift(site, T0 + 16 * HOUR), sampler)

    with pytest.raises(RestTooShort, match="rest only 4 hours"):
        world.do("assign_to_shift", world.shift(site, T0 + 4 * HOUR), sampler)
    world.do("assign_to_shift", world.shift(site, T0), sampler)  # ends 8 hours before the later one: enough

    assert len(world.app.load(Person, sampler, "person").bookings) == 2


def test_a_shift_takes_as_many_people_as_it_has_slots(drive) -> None:
    world, _, site = drive
    shift = world.shift(site, T0, slots=1)
    world.do("assign_to_shift", shift, world.person("Lin Tao"))

    with pytest.raises(ShiftFull, match="all 1 slots"):
        world.do("assign_to_shift", shift, world.person("Luo Xin"))


def test_scheduling_needs_a_real_post_an_ordered_window_and_an_open_incident(drive) -> None:
    world, incident, site = drive
    with pytest.raises(InvalidCommand, match="no driver post on lane 1"):
        world.shift(site, T0, post="driver")
    with pytest.raises(InvalidCommand, match="no sampler post on lane 3"):
        world.shift(site, T0, lane=3)
    with pytest.raises(InvalidCommand, match="must end after it starts"):
        world.shift(site, T0, hours=-1)
    with pytest.raises(InvalidCommand, match="time zone"):
        world.do("schedule_shift", site, 1, "sampler", T0.replace(tzinfo=None), T0.replace(tzinfo=None) + HOUR)
    with pytest.raises(InvalidCommand, match="end must lie between the years 1900 and 2999"):
        world.do("schedule_shift", site, 1, "sampler", T0, datetime.max.replace(tzinfo=timezone(-HOUR)))
    world.do("close_incident", incident)
    with pytest.raises(IncidentClosed):
        world.shift(site, T0)


def test_only_the_assigned_person_checks_in_within_the_window_and_grace(drive) -> None:
    world, _, site = drive
    sampler, stranger = world.person("Deng Yu"), world.person("Feng Li")
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, sampler)
    size = world.log_size()

    with pytest.raises(NotAssigned, match="not assigned to this shift"):
        world.do("check_in", shift, stranger, at=T0)
    with pytest.raises(OutsideCheckInWindow, match="check-in opens 30 minutes early"):
        world.do("check_in", shift, sampler, at=T0 - 31 * MINUTE)
    with pytest.raises(OutsideCheckInWindow):
        world.do("check_in", shift, sampler, at=T0 + 8 * HOUR)
    assert world.log_size() == size

    world.do("check_in", shift, sampler, at=T0 - 30 * MINUTE)
    with pytest.raises(RuleViolated, match="this person is checked in"):
        world.do("check_in", shift, sampler, at=T0)


def test_check_in_records_when_it_happened_and_when_it_was_recorded(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, sampler)

    world.do("check_in", shift, sampler, at=T0 + 12 * MINUTE)

    checked_in = world.events()[-2]
    assert type(checked_in).__name__ == "CheckedIn"
    assert checked_in.occurred_at == T0 + 12 * MINUTE
    assert checked_in.recorded_at > checked_in.occurred_at
    assert checked_in.late_minutes == 12


def test_check_out_only_after_check_in_and_not_before_it(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, sampler)

    with pytest.raises(NotCheckedIn, match="has not checked in"):
        world.do("check_out", shift, sampler, at=T0 + 8 * HOUR)
    world.do("check_in", shift, sampler, at=T0)
    with pytest.raises(InvalidCommand, match="cannot be earlier than check-in"):
        world.do("check_out", shift, sampler, at=T0 - MINUTE)
    world.do("check_out", shift, sampler, at=T0 + 8 * HOUR)

    assert world.app.load(Shift, shift, "shift").people[str(sampler)]["status"] == "checked_out"


def test_a_no_show_is_recorded_only_ten_minutes_after_start_and_frees_the_slot_for_a_stand_in(drive) -> None:
    world, _, site = drive
    absent, stand_in = world.person("Cai Jun"), world.person("Peng Ning")
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, absent)

    with pytest.raises(RuleViolated, match="only 10 minutes after the shift starts"):
        world.do("record_no_show", shift, absent, at=T0 + 5 * MINUTE)
    world.do("record_no_show", shift, absent, at=T0 + 10 * MINUTE)
    with pytest.raises(RuleViolated, match="no show"):
        world.do("check_in", shift, absent, at=T0 + 20 * MINUTE)

    world.do("unassign_from_shift", shift, absent)
    world.do("assign_to_shift", shift, stand_in)
    world.do("check_in", shift, stand_in, at=T0 + 30 * MINUTE)

    assert world.app.load(Person, absent, "person").bookings == {}
    assert list(world.app.load(Shift, shift, "shift").people) == [str(stand_in)]


def test_someone_who_checked_in_cannot_be_unassigned(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, sampler)
    world.do("check_in", shift, sampler, at=T0)

    with pytest.raises(RuleViolated, match="cannot unassign someone who has checked in"):
        world.do("unassign_from_shift", shift, sampler)


def test_a_shift_hands_over_once_to_a_later_shift_at_the_same_post(drive) -> None:
    world, _, site = drive
    sampler = world.person()
    morning, evening = world.shift(site, T0), world.shift(site, T0 + 8 * HOUR)
    registrar_post = world.shift(site, T0 + 8 * HOUR, post="registrar")
    world.do("assign_to_shift", morning, sampler)

    with pytest.raises(NotCheckedIn, match="nobody checked in"):
        world.do("hand_over", morning, evening)
    world.do("check_in", morning, sampler, at=T0)
    with pytest.raises(InvalidCommand, match="same post"):
        world.do("hand_over", morning, registrar_post)
    with pytest.raises(InvalidCommand, match="later shift"):
        world.do("hand_over", evening, morning)

    world.do("hand_over", morning, evening, notes="swabs restocked", at=T0 + 8 * HOUR)

    assert world.app.load(Shift, morning, "shift").handed_over_to == evening
    with pytest.raises(RuleViolated, match="already handed over"):
        world.do("hand_over", morning, evening)


@pytest.mark.parametrize("closing", ["site", "incident"])
def test_no_one_is_put_on_or_checks_in_to_a_shift_of_a_closed_site_or_incident(drive, closing: str) -> None:
    # given a shift with one sampler on it, and another sampler free
    world, incident, site = drive
    shift = world.shift(site, T0)
    on_it, free = world.person("Chen Jing"), world.person("Wang Gang")
    world.do("assign_to_shift", shift, on_it)
    # when the site, or the whole incident, is closed
    world.do("close_site" if closing == "site" else "close_incident", site if closing == "site" else incident)
    size = world.log_size()
    # then nobody is put on the shift and nobody checks in, and the log keeps no trace of the attempts
    refused = RuleViolated if closing == "site" else IncidentClosed
    with pytest.raises(refused, match="closed"):
        world.do("assign_to_shift", shift, free)
    with pytest.raises(refused, match="closed"):
        world.do("check_in", shift, on_it, at=T0)
    assert world.log_size() == size
