"""Shift alone: scheduling, assigning people, check-in and check-out, no-shows and handing over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.shift import (
    NotAssigned,
    NotCheckedIn,
    OutsideCheckInWindow,
    Shift,
    ShiftFull,
)
from tests.unit.conftest import HOUR, MINUTE, T0, assert_stamped, at, names

SITE, INCIDENT, GRID = uuid4(), uuid4(), uuid4()


def shift(start: datetime = T0, hours: float = 8, slots: int = 1, lane: int = 1, post: str = "sampler") -> Shift:
    """Given a scheduled shift at a post, events already collected."""
    scheduled = Shift.schedule(SITE, INCIDENT, GRID, lane, post, post, start, start + hours * HOUR, slots=slots)
    scheduled.collect_events()
    return scheduled


def with_person(start: datetime = T0) -> tuple[Shift, UUID]:
    """Given a shift with one person assigned, events already collected."""
    s, person = shift(start), uuid4()
    s.assign(person, [], None)
    s.collect_events()
    return s, person


def test_a_shift_is_scheduled_in_utc() -> None:
    # when
    beijing = timezone(timedelta(hours=8))
    s = Shift.schedule(SITE, INCIDENT, GRID, 2, "registrar", "registrar",
                       datetime(2026, 3, 2, 14, 0, tzinfo=beijing), datetime(2026, 3, 2, 22, 0, tzinfo=beijing),
                       slots=3)

    # then
    [scheduled] = s.collect_events()
    assert type(scheduled).__qualname__ == "Shift.Scheduled"
    assert (scheduled.site_id, scheduled.lane, scheduled.post, scheduled.slots) == (SITE, 2, "registrar", 3)
    assert (scheduled.start, scheduled.end) == (T0, T0 + 8 * HOUR)
    assert scheduled.start.tzinfo == UTC
    assert_stamped([scheduled])
    assert s.hours == 8


@pytest.mark.parametrize(("start", "end", "slots"), [
    (T0, T0, 1),  # ends as it starts
    (T0, T0 + 25 * HOUR, 1),  # longer than a day
    (T0, T0 + HOUR, 0),
    (T0, T0 + HOUR, 21),
    (datetime(2026, 3, 2, 6, 0), T0 + HOUR, 1),  # naive
])
def test_a_malformed_shift_is_refused(start: datetime, end: datetime, slots: int) -> None:
    with pytest.raises(InvalidCommand) as refused:
        Shift.schedule(SITE, INCIDENT, GRID, 1, "sampler", "sampler", start, end, slots=slots)
    assert refused.value.rule == "invalid_command"


def test_people_are_assigned_until_the_slots_are_full() -> None:
    # given a shift with two slots
    s = shift(slots=2)
    first, second, third = uuid4(), uuid4(), uuid4()

    # when
    s.assign(first, [], None)
    s.assign(second, ["wartime_shortest_rest"], "commander approved")

    # then
    events = s.collect_events()
    assert names(events) == ["Shift.Assigned", "Shift.Assigned"]
    assert [e.person_id for e in events] == [first, second]
    assert (events[1].overridden, events[1].override_reason) == (["wartime_shortest_rest"], "commander approved")
    assert_stamped(events)
    with pytest.raises(ShiftFull) as full:
        s.assign(third, [], None)
    assert full.value.rule == "shift_full"
    with pytest.raises(RuleViolated, match="already on this shift"):
        s.assign(first, [], None)
    assert s.collect_events() == []


def test_unassigning_frees_the_slot_but_not_once_checked_in() -> None:
    # given
    s, person = with_person()

    # when
    s.unassign(person)

    # then
    [unassigned] = s.collect_events()
    assert (type(unassigned).__qualname__, unassigned.person_id) == ("Shift.Unassigned", person)
    assert_stamped([unassigned])
    s.assign(person, [], None)
    s.check_in(person)
    s.collect_events()
    with pytest.raises(RuleViolated, match="checked in"):
        s.unassign(person)
    assert s.collect_events() == []


@pytest.mark.parametrize(("offset", "late"), [(-30 * MINUTE, 0), (0 * MINUTE, 0), (17 * MINUTE, 17),
                                              (8 * HOUR - MINUTE, 479)])
def test_check_in_is_open_from_half_an_hour_before_the_start_until_the_end(offset: timedelta, late: int) -> None:
    # given
    s, person = with_person()
    ctx = at(T0 + offset)

    # when
    s.check_in(person)

    # then
    [checked_in] = s.collect_events()
    assert type(checked_in).__qualname__ == "Shift.CheckedIn"
    assert (checked_in.person_id, checked_in.at, checked_in.late_minutes) == (person, T0 + offset, late)
    assert_stamped([checked_in], ctx)


@pytest.mark.parametrize("offset", [-31 * MINUTE, 8 * HOUR])
def test_check_in_outside_the_window_is_refused(offset: timedelta) -> None:
    # given
    s, person = with_person()
    at(T0 + offset)

    # when / then
    with pytest.raises(OutsideCheckInWindow) as refused:
        s.check_in(person)
    assert refused.value.rule == "check_in_window"
    assert s.collect_events() == []


def test_only_an_assigned_person_checks_in_and_only_once() -> None:
    # given
    s, person = with_person()

    # when / then
    with pytest.raises(NotAssigned) as stranger:
        s.check_in(uuid4())
    assert stranger.value.rule == "only_assigned_person"
    s.check_in(person)
    s.collect_events()
    with pytest.raises(RuleViolated, match="checked in"):
        s.check_in(person)
    assert s.collect_events() == []


def test_a_person_checks_out_after_checking_in() -> None:
    # given
    s, person = with_person()
    s.check_in(person)
    s.collect_events()
    ctx = at(T0 + 8 * HOUR + 5 * MINUTE)

    # when
    s.check_out(person)

    # then
    [checked_out] = s.collect_events()
    assert type(checked_out).__qualname__ == "Shift.CheckedOut"
    assert (checked_out.person_id, checked_out.at) == (person, T0 + 8 * HOUR + 5 * MINUTE)
    assert_stamped([checked_out], ctx)
    assert s.people[str(person)]["status"] == "checked_out"


def test_checking_out_without_checking_in_or_twice_is_refused() -> None:
    # given
    s, person = with_person()

    # when / then
    with pytest.raises(NotCheckedIn) as refused:
        s.check_out(person)
    assert refused.value.rule == "check_out_after_check_in"
    s.check_in(person)
    s.check_out(person)
    s.collect_events()
    with pytest.raises(NotCheckedIn):
        s.check_out(person)
    assert s.collect_events() == []


def test_a_check_out_recorded_as_earlier_than_the_check_in_is_refused() -> None:
    # given a check-in at 06:20
    s, person = with_person()
    at(T0 + 20 * MINUTE)
    s.check_in(person)
    s.collect_events()

    # when the check-out is typed in as 06:10
    at(T0 + 10 * MINUTE)

    # then
    with pytest.raises(InvalidCommand, match="earlier than check-in"):
        s.check_out(person)
    assert s.collect_events() == []


def test_a_no_show_is_recorded_ten_minutes_after_the_start_and_not_before() -> None:
    # given
    s, person = with_person()
    at(T0 + 9 * MINUTE)

    # when / then
    with pytest.raises(RuleViolated, match="10 minutes after"):
        s.record_no_show(person)
    assert s.collect_events() == []
    ctx = at(T0 + 10 * MINUTE)
    s.record_no_show(person)
    [no_show] = s.collect_events()
    assert (type(no_show).__qualname__, no_show.person_id) == ("Shift.NoShowRecorded", person)
    assert_stamped([no_show], ctx)

    # and a no-show neither checks in nor is recorded twice, but can be taken off the shift
    with pytest.raises(RuleViolated):
        s.check_in(person)
    with pytest.raises(RuleViolated):
        s.record_no_show(person)
    assert s.collect_events() == []
    s.unassign(person)
    assert names(s.collect_events()) == ["Shift.Unassigned"]


def test_a_shift_someone_checked_in_on_hands_over_to_the_next_at_the_same_post() -> None:
    # given
    s, person = with_person()
    s.check_in(person)
    s.collect_events()
    following = shift(start=T0 + 8 * HOUR)

    # when
    s.hand_over(following, "lane 1 short of swabs")

    # then
    [handed_over] = s.collect_events()
    assert type(handed_over).__qualname__ == "Shift.HandedOver"
    assert (handed_over.next_shift_id, handed_over.notes) == (following.id, "lane 1 short of swabs")
    assert_stamped([handed_over])
    assert following.collect_events() == []
    with pytest.raises(RuleViolated, match="already handed over"):
        s.hand_over(shift(start=T0 + 16 * HOUR), "again")
    assert s.collect_events() == []


def test_a_handover_goes_to_a_later_shift_at_the_same_post_from_someone_checked_in() -> None:
    # given
    s, person = with_person()

    # when / then: nobody checked in yet
    with pytest.raises(NotCheckedIn):
        s.hand_over(shift(start=T0 + 8 * HOUR), "notes")
    s.check_in(person)
    s.collect_events()
    with pytest.raises(InvalidCommand, match="same post"):
        s.hand_over(shift(start=T0 + 8 * HOUR, lane=2), "notes")
    with pytest.raises(InvalidCommand, match="same post"):
        s.hand_over(shift(start=T0 + 8 * HOUR, post="registrar"), "notes")
    with pytest.raises(InvalidCommand, match="later shift"):
        s.hand_over(shift(start=T0 - 8 * HOUR), "notes")
    assert s.collect_events() == []
