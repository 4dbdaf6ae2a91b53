"""The side-effect-free checks the suggestions ask: `Person.check_booking` and `Shift.check_assignment` say what
`book` and `assign` would, and change nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from mobilize.domain.base import RuleViolated
from mobilize.domain.organisation import WartimePolicy
from mobilize.domain.person import Person, rules_of
from mobilize.domain.shift import Shift, ShiftFull
from tests.unit.conftest import HOUR, T0, names

WAR = WartimePolicy(max_shift_hours=8, min_rest_hours=8)


def sampler() -> Person:
    """A sampler qualified for a day, already booked 08:00–16:00 after T0, events collected."""
    person = Person.register("Chen Jing", ["medical_staff"], uuid4())
    person.certify("sampler", T0 + 24 * HOUR)
    person.book(uuid4(), T0 + 8 * HOUR, T0 + 16 * HOUR, "sampler", None, None)
    person.collect_events()
    return person


def on_leave(person: Person) -> None:
    person.set_availability("on_leave")
    person.collect_events()


def state(person: Person) -> tuple[object, ...]:
    return (person.version, copy.deepcopy(person.bookings), dict(person.qualifications), person.availability)


CASES: list[tuple[str, Callable[[Person], None], int, float, WartimePolicy | None, str | list[str]]] = [
    # (case, given, start hour, hours, policy, refusal rule or the rules needing an override)
    ("peace, back to back", lambda p: None, 16, 8, None, []),
    ("war, rested", lambda p: None, -4, 0.5, WAR, []),
    ("war, at the limits", lambda p: None, -16, 8, WAR, []),  # 8 hours, ending 8 hours before the booking
    ("war, rest short after", lambda p: None, 18, 4, WAR, ["wartime_shortest_rest"]),
    ("war, rest short before", lambda p: None, 2, 4, WAR, ["wartime_shortest_rest"]),
    ("war, too long and short rest", lambda p: None, -5, 9, WAR, ["wartime_longest_shift", "wartime_shortest_rest"]),
    ("overlap", lambda p: None, 12, 4, WAR, "no_overlapping_shifts"),
    ("overlap in peace", lambda p: None, 15, 4, None, "no_overlapping_shifts"),
    ("qualification ends first", lambda p: None, 20, 6, None, "qualification_required"),
    ("on leave", on_leave, 0, 4, None, "person_not_available"),
]


@pytest.mark.parametrize(("case", "given", "start", "hours", "policy", "expected"), CASES, ids=[c[0] for c in CASES])
def test_check_booking_says_what_book_would_do_and_changes_nothing(
        case: str, given: Callable[[Person], None], start: int, hours: float, policy: WartimePolicy | None,
        expected: str | list[str]) -> None:
    person = sampler()
    given(person)
    begin, end = T0 + start * HOUR, T0 + start * HOUR + hours * HOUR
    before = state(person)

    # when
    try:
        verdict: str | list[str] = rules_of(person.check_booking(begin, end, "sampler", policy))
    except RuleViolated as refusal:
        verdict = refusal.rule

    # then: the verdict, and nothing changed
    assert verdict == expected, case
    assert state(person) == before and person.collect_events() == []
    # and book agrees: refused with the same rule, with or without an override when no override lifts it
    if isinstance(expected, str):
        for reason in (None, "short-handed"):
            with pytest.raises(RuleViolated) as refused:
                person.book(uuid4(), begin, end, "sampler", policy, reason)
            assert refused.value.rule == expected
        return
    if expected:  # without an override: refused with the first rule needing one; with one: exactly those
        with pytest.raises(RuleViolated) as refused:
            person.book(uuid4(), begin, end, "sampler", policy, None)
        assert refused.value.rule == expected[0]
        assert person.collect_events() == []
    overridden = person.book(uuid4(), begin, end, "sampler", policy, "short-handed" if expected else None)
    [booked] = person.collect_events()
    assert overridden == booked.overridden == expected


def test_a_rest_short_on_both_sides_is_one_rule_needing_one_override() -> None:
    person = sampler()
    person.certify("sampler", T0 + 48 * HOUR)
    person.book(uuid4(), T0 + 28 * HOUR, T0 + 30 * HOUR, "sampler", None, None)
    person.collect_events()

    breaches = person.check_booking(T0 + 18 * HOUR, T0 + 24 * HOUR, "sampler", WAR)

    assert [b.rule for b in breaches] == ["wartime_shortest_rest", "wartime_shortest_rest"]
    assert rules_of(breaches) == ["wartime_shortest_rest"]
    assert {b.facts["rest_hours"] for b in breaches} == {2, 4}


def shift(slots: int = 2) -> Shift:
    made = Shift.schedule(uuid4(), uuid4(), uuid4(), 1, "sampler", "sampler", T0, T0 + 8 * HOUR, slots)
    made.collect_events()
    return made


def test_check_assignment_refuses_a_person_already_on_the_shift_and_a_full_shift_and_changes_nothing() -> None:
    duty = shift(slots=2)
    first, second, third = uuid4(), uuid4(), uuid4()

    duty.check_assignment(first)  # free: no refusal
    assert duty.collect_events() == [] and duty.people == {}
    duty.assign(first, [], None)
    with pytest.raises(RuleViolated, match="already on this shift"):
        duty.check_assignment(first)
    duty.assign(second, [], None)
    with pytest.raises(ShiftFull):
        duty.check_assignment(third)

    assert names(duty.collect_events()) == ["Shift.Assigned", "Shift.Assigned"]
    with pytest.raises(ShiftFull):
        duty.assign(third, [], None)  # assign refuses as the check said


def test_a_shift_scheduled_with_a_given_id_is_the_same_shift_under_that_id() -> None:
    given = uuid4()
    site, incident, grid = uuid4(), uuid4(), uuid4()
    start: datetime = T0
    end = T0 + timedelta(hours=8)

    named = Shift.schedule(site, incident, grid, 2, "marshal", "marshal", start, end, 3, shift_id=given)
    plain = Shift.schedule(site, incident, grid, 2, "marshal", "marshal", start, end, 3)

    assert named.id == given and plain.id != given
    [a], [b] = named.collect_events(), plain.collect_events()
    fields = ("site_id", "incident_id", "grid_id", "lane", "post", "skill", "start", "end", "slots", "actor",
              "command_id", "occurred_at")
    assert type(a) is type(b) and [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
