"""Person alone: registering, qualifications, availability, and booking onto shifts under the wartime policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.organisation import WartimePolicy
from mobilize.domain.person import (
    NotAvailable,
    NotQualified,
    OverlappingShift,
    Person,
    RestTooShort,
    ShiftTooLong,
)
from tests.unit.conftest import HOUR, T0, assert_stamped, names

WAR = WartimePolicy(max_shift_hours=8, min_rest_hours=8)


def sampler(valid_until: datetime = T0 + timedelta(days=365)) -> Person:
    """Given a registered person certified as a sampler, events already collected."""
    person = Person.register("Chen Jing", ["medical_staff"], uuid4())
    person.certify("sampler", valid_until)
    person.collect_events()
    return person


def booked(person: Person, start: datetime, hours: float, policy: WartimePolicy | None = WAR,
           override_reason: str | None = None) -> UUID:
    """Book `person` on a new shift; returns its id."""
    shift_id = uuid4()
    person.book(shift_id, start, start + hours * HOUR, "sampler", policy, override_reason)
    return shift_id


def test_a_person_is_registered_with_roles_deduplicated_and_sorted() -> None:
    # when
    grid = uuid4()
    person = Person.register(" Chen Jing ", ["volunteer", "medical_staff", "volunteer"], grid, phone="138")

    # then
    [registered] = person.collect_events()
    assert type(registered).__qualname__ == "Person.Registered"
    assert (registered.name, registered.roles, registered.home_grid_id, registered.phone) == \
        ("Chen Jing", ["medical_staff", "volunteer"], grid, "138")
    assert_stamped([registered])
    assert person.availability == "available"


@pytest.mark.parametrize(("name", "roles", "home_unit"), [
    ("  ", ["volunteer"], None),
    ("Chen Jing", [], None),
    ("Chen Jing", ["astronaut"], None),
    ("Chen Jing", ["dual_registered_party_member"], "  "),  # must name the home unit they come from
])
def test_a_registration_missing_a_name_a_known_role_or_a_home_unit_is_refused(
        name: str, roles: list[str], home_unit: str | None) -> None:
    with pytest.raises(InvalidCommand) as refused:
        Person.register(name, roles, None, home_unit=home_unit)
    assert refused.value.rule == "invalid_command"


def test_a_qualification_is_certified_in_utc_and_revoked() -> None:
    # given
    person = Person.register("Chen Jing", ["medical_staff"], None)
    person.collect_events()
    beijing = timezone(timedelta(hours=8))

    # when
    person.certify("sampler", datetime(2026, 12, 31, 8, 0, tzinfo=beijing))
    person.revoke("sampler")

    # then
    certified, revoked = events = person.collect_events()
    assert names(events) == ["Person.QualificationCertified", "Person.QualificationRevoked"]
    assert certified.skill == "sampler" == revoked.skill
    assert certified.valid_until == datetime(2026, 12, 31, 0, 0, tzinfo=UTC)
    assert certified.valid_until.utcoffset() == timedelta(0)
    assert_stamped(events)
    assert person.qualifications == {}


def test_an_unknown_skill_a_naive_expiry_and_revoking_what_is_not_held_are_refused() -> None:
    # given
    person = sampler()

    # when / then
    with pytest.raises(InvalidCommand, match="skill must be one of"):
        person.certify("juggling", T0)
    with pytest.raises(InvalidCommand, match="time zone") as naive:
        person.certify("driver", datetime(2026, 12, 31))
    with pytest.raises(RuleViolated, match="holds no driver") as revoke:
        person.revoke("driver")
    assert (naive.value.facts, revoke.value.rule) == ({"field": "valid_until"}, "rule_violated")
    assert person.collect_events() == []


def test_availability_changes_and_setting_it_to_what_it_is_is_refused() -> None:
    # given
    person = sampler()

    # when
    person.set_availability("on_leave")

    # then
    [changed] = person.collect_events()
    assert (type(changed).__qualname__, changed.availability) == ("Person.AvailabilityChanged", "on_leave")
    assert_stamped([changed])
    with pytest.raises(RuleViolated, match="already on_leave"):
        person.set_availability("on_leave")
    with pytest.raises(InvalidCommand):
        person.set_availability("asleep")
    assert person.collect_events() == []


def test_a_qualified_available_person_is_booked_in_peace_without_overrides() -> None:
    # given
    person = sampler()
    shift_id = uuid4()

    # when
    overridden = person.book(shift_id, T0, T0 + 12 * HOUR, "sampler", None, "not needed")

    # then: no wartime policy, so a 12-hour shift is fine and the unneeded reason is not kept
    assert overridden == []
    [booked_event] = person.collect_events()
    assert type(booked_event).__qualname__ == "Person.ShiftBooked"
    assert (booked_event.shift_id, booked_event.start, booked_event.end) == (shift_id, T0, T0 + 12 * HOUR)
    assert (booked_event.overridden, booked_event.override_reason) == ([], None)
    assert_stamped([booked_event])


def test_a_qualification_must_hold_until_the_shift_ends() -> None:
    # given a sampler qualification that lapses an hour into the shift
    person = sampler(valid_until=T0 + HOUR)

    # when / then
    with pytest.raises(NotQualified) as refused:
        booked(person, T0, 4)
    assert refused.value.rule == "qualification_required"
    assert refused.value.facts["shift_end"] == (T0 + 4 * HOUR).isoformat()
    assert person.collect_events() == []

    # and a qualification lapsing exactly at the end is enough
    booked(person, T0 - 3 * HOUR, 4)
    assert names(person.collect_events()) == ["Person.ShiftBooked"]


@pytest.mark.parametrize("availability", ["on_leave", "out_of_service"])
def test_a_person_not_available_is_not_booked(availability: str) -> None:
    # given
    person = sampler()
    person.set_availability(availability)
    person.collect_events()

    # when / then
    with pytest.raises(NotAvailable) as refused:
        booked(person, T0, 4)
    assert refused.value.rule == "person_not_available"
    assert person.collect_events() == []


def test_overlapping_shifts_are_refused_even_with_an_override_but_back_to_back_in_peace_is_fine() -> None:
    # given a booking from 06:00 to 14:00
    person = sampler()
    first = booked(person, T0, 8, policy=None)
    person.collect_events()

    # when / then
    with pytest.raises(OverlappingShift) as refused:
        booked(person, T0 + 7 * HOUR, 4, override_reason="we are short")
    assert refused.value.rule == "no_overlapping_shifts"
    assert refused.value.facts["overlapping_shift_id"] == str(first)
    assert person.collect_events() == []

    booked(person, T0 + 8 * HOUR, 4, policy=None)  # starts as the first ends
    assert names(person.collect_events()) == ["Person.ShiftBooked"]


def test_in_war_a_shift_longer_than_the_limit_is_refused_and_one_at_the_limit_is_booked() -> None:
    # given
    person = sampler()

    # when / then
    with pytest.raises(ShiftTooLong) as refused:
        booked(person, T0, 8.5)
    assert refused.value.rule == "wartime_longest_shift"
    assert person.collect_events() == []

    booked(person, T0, 8)
    assert names(person.collect_events()) == ["Person.ShiftBooked"]


@pytest.mark.parametrize("later", [True, False], ids=["after", "before"])
def test_in_war_the_rest_before_or_after_another_shift_must_last_the_minimum(later: bool) -> None:
    # given a shift 06:00–14:00
    person = sampler()
    booked(person, T0, 8)
    person.collect_events()
    # a 4-hour shift leaving 7 hours of rest, after the booked one or before it
    start = T0 + 15 * HOUR if later else T0 - 11 * HOUR

    # when / then
    with pytest.raises(RestTooShort) as refused:
        booked(person, start, 4)
    assert refused.value.rule == "wartime_shortest_rest"
    assert refused.value.facts["rest_hours"] == 7
    assert person.collect_events() == []

    # exactly the minimum rest is enough
    booked(person, start + HOUR if later else start - HOUR, 4)
    assert names(person.collect_events()) == ["Person.ShiftBooked"]


def test_an_operator_overrides_wartime_limits_only_in_writing() -> None:
    # given a booking 06:00–14:00; the next shift is 10 hours long and leaves 2 hours rest on both rules
    person = sampler()
    booked(person, T0, 8)
    person.collect_events()
    shift_id = uuid4()
    start, end = T0 + 10 * HOUR, T0 + 20 * HOUR  # 16:00–02:00

    # when a blank reason is given, the first breach is raised
    with pytest.raises(ShiftTooLong):
        person.book(shift_id, start, end, "sampler", WAR, "   ")
    assert person.collect_events() == []

    # when a reason is given
    overridden = person.book(shift_id, start, end, "sampler", WAR, "only sampler left; commander approved")

    # then both rules are recorded as overridden, with the reason
    assert overridden == ["wartime_longest_shift", "wartime_shortest_rest"]
    [booked_event] = person.collect_events()
    assert booked_event.overridden == overridden
    assert booked_event.override_reason == "only sampler left; commander approved"
    assert_stamped([booked_event])


def test_a_shift_squeezed_between_two_names_the_short_rest_once() -> None:
    # given bookings 06:00–10:00 and 20:00–24:00
    person = sampler()
    booked(person, T0, 4)
    booked(person, T0 + 14 * HOUR, 4)
    person.collect_events()

    # when a 12:00–14:00 shift is booked with an override
    overridden = person.book(uuid4(), T0 + 6 * HOUR, T0 + 8 * HOUR, "sampler", WAR, "approved")

    # then
    assert overridden == ["wartime_shortest_rest"]
    assert person.collect_events()[0].overridden == ["wartime_shortest_rest"]


def test_a_released_shift_no_longer_counts_and_releasing_twice_is_refused() -> None:
    # given
    person = sampler()
    shift_id = booked(person, T0, 8)
    person.collect_events()

    # when
    person.release(shift_id)

    # then
    [released] = person.collect_events()
    assert (type(released).__qualname__, released.shift_id) == ("Person.ShiftReleased", shift_id)
    assert_stamped([released])
    booked(person, T0 + 2 * HOUR, 4)  # overlapped the released shift
    person.collect_events()
    with pytest.raises(RuleViolated, match="not booked"):
        person.release(shift_id)
    assert person.collect_events() == []
