"""Properties of the suggested fill-ins: every suggestion can be assigned as it says (with no override, or with
exactly the override it names), and the full list leaves out nobody the assignment would take.

Each example builds a fresh street on a fresh store: people in grids near and far (or in none), with
qualifications that hold or lapse, on leave or not, booked on random shifts (with overrides), some on a
dispatch; a random wartime policy or peace; sometimes a closed site. The suggestions are read the way the
API reads them (the views' pool, the aggregates' rules), then every claim is tried against the real
command, each assignment undone before the next.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobilize.application import Mobilize
from mobilize.application.candidates import ON_DISPATCH, Candidate, rank
from mobilize.domain.base import DomainError
from mobilize.projections.base import Runner
from mobilize.projections.pool import hours_in_incident, pool
from mobilize.projections.registry import projection
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.application.test_properties import NOW
from tests.conftest import HOUR, T0, World, backends, store_for

EXAMPLES = {"memory": 60, "sqlite": 12, "postgres": 6}

SHIFTS = (  # (lane, start hour, hours, slots): overlapping, adjacent, too long for some policies
    (1, 0, 8, 2), (2, 4, 8, 1), (1, 8, 8, 2), (1, 20, 10, 1), (2, 14, 6, 2), (2, 26, 8, 1),
)
HOMES = ("grid", "other_grid", "xicha", "songzhou", None)

PERSON = st.fixed_dictionaries({
    "home": st.sampled_from(HOMES),
    "valid_for": st.sampled_from([None, -1, 10, 20, 30, 500]),  # hours after T0 the sampler qualification holds
    "on_leave": st.sampled_from([False, False, False, True]),
    "bookings": st.lists(st.integers(0, len(SHIFTS) - 1), max_size=3),
    "dispatched": st.sampled_from([False, False, False, True]),
})
POLICY = st.one_of(st.none(), st.tuples(st.sampled_from([6, 8, 10, 12]), st.sampled_from([0, 4, 8, 12])))


@dataclass
class Street:
    """The world of one example: the app, its store, the shifts and the people."""

    world: World
    store: str
    shifts: list[UUID]
    people: list[UUID]
    street_id: UUID


@contextmanager
def street_on(backend: str) -> Iterator[tuple[Mobilize, str]]:
    with tempfile.TemporaryDirectory() as folder:
        store = store_for(backend, Path(folder))
        app = Mobilize(env=store_env(store))
        app.clock = lambda: NOW  # type: ignore[method-assign]
        try:
            yield app, store
        finally:
            app.close()


def attempt(world: World, command: str, *args: Any, **kwargs: Any) -> UUID | None:
    try:
        return world.do(command, *args, **kwargs)
    except DomainError:
        return None


def build(app: Mobilize, store: str, people: list[dict[str, Any]], policy: tuple[int, int] | None,
          closed: bool) -> Street:
    world = World(app)
    xicha = world.do("establish_unit", "Xicha Grid 1", "grid",
                     world.do("establish_unit", "Xicha Community", "community", world.street))
    songzhou = world.do("establish_unit", "Songzhou Grid 1", "grid", world.do(
        "establish_unit", "Songzhou Community", "community", world.do("establish_unit", "Songzhou Street", "street")))
    grids = {"grid": world.grid, "other_grid": world.other_grid, "xicha": xicha, "songzhou": songzhou, None: None}
    incident = world.incident()
    if policy is not None:
        world.war(incident, max_shift_hours=policy[0], min_rest_hours=policy[1])
    site = world.open_site(incident, lanes=2, per_post=4)
    shifts = [world.shift(site, T0 + start * HOUR, hours=hours, lane=lane, slots=slots)
              for lane, start, hours, slots in SHIFTS]
    ids = []
    for number, spec in enumerate(people):
        skills = {} if spec["valid_for"] is None else {"sampler": T0 + spec["valid_for"] * HOUR}
        person = world.do("register_person", f"Person {number}", ["volunteer"], grids[spec["home"]],
                          qualifications=skills)
        for shift in spec["bookings"]:
            attempt(world, "assign_to_shift", shifts[shift], person, override_reason="booked ahead")
        if spec["dispatched"]:
            attempt(world, "dispatch", "person", person, incident, "carry swabs")
        if spec["on_leave"]:
            world.do("set_availability", person, "on_leave")
        ids.append(person)
    if closed:
        world.do("close_site", site)
    return Street(world, store, shifts, ids, world.street)


def suggestions(street: Street, shift: UUID, everyone: bool) -> list[Candidate]:
    """What GET /api/shifts/{id}/candidates[?all=true] answers for an unscoped caller."""
    app = street.world.app
    views = ViewStore.for_store(street.store)
    try:
        for name in ("readiness", "duty_hours"):
            Runner(app, views, projection(name)).catch_up()
        target = app.repository.get(shift)
        members = [m.person_id for m in pool(views, street.street_id, target.skill, target.end, everyone)]
        return rank(app, shift, members, hours_in_incident(views, target.incident_id, NOW), include_refused=everyone)
    finally:
        views.close()


def assign(street: Street, shift: UUID, person: UUID, reason: str | None) -> tuple[list[str] | None, str | None]:
    """Try the real assignment: (the rules it overrode, None) if accepted, then undone; (None, rule) if refused."""
    world = street.world
    before = world.log_size()
    try:
        world.do("assign_to_shift", shift, person, override_reason=reason)
    except DomainError as refusal:
        assert world.log_size() == before
        return None, refusal.rule
    [assigned] = [e for e in world.events()[before:] if type(e).__qualname__ == "Shift.Assigned"]
    world.do("unassign_from_shift", shift, person)
    return list(assigned.overridden), None


def budget(backend: str) -> Any:
    return settings(max_examples=EXAMPLES[backend], deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("backend", backends())
def test_every_suggestion_is_assignable_as_it_says_and_nobody_assignable_is_left_out(backend: str) -> None:
    @budget(backend)
    @given(people=st.lists(PERSON, min_size=1, max_size=7), policy=POLICY,
           target=st.integers(0, len(SHIFTS) - 1), closed=st.sampled_from([False] * 7 + [True]))
    def scenario(people: list[dict[str, Any]], policy: tuple[int, int] | None, target: int, closed: bool) -> None:
        with street_on(backend) as (app, store):
            street = build(app, store, people, policy, closed)
            shift = street.shifts[target]

            suggested = suggestions(street, shift, everyone=False)
            full = {c.person_id: c for c in suggestions(street, shift, everyone=True)}

            # every suggestion: assignable with no override, or refused without one by the first rule it names
            # and accepted with one, overriding exactly the rules it names
            for candidate in suggested:
                assert candidate.assignable and candidate.rank is not None
                overridden, refusal = assign(street, shift, candidate.person_id, None)
                if candidate.needs_override:
                    assert (overridden, refusal) == (None, candidate.needs_override[0])
                    overridden, refusal = assign(street, shift, candidate.person_id, "short-handed tonight")
                assert (overridden, refusal) == (candidate.needs_override, None)
            assert [c.rank for c in suggested] == list(range(1, len(suggested) + 1))
            # nobody the assignment takes is missing: the full list has them, assignable unless away on a dispatch
            for person in [*street.people, *everyone_else(street)]:
                overridden, refusal = assign(street, shift, person, "short-handed tonight")
                listed = full.get(person)
                if refusal is None:
                    assert listed is not None, "an assignable person is missing from the full list"
                    assert listed.assignable or (listed.refusal or {}).get("error") == ON_DISPATCH
                    assert not listed.assignable or listed.needs_override == overridden
                else:
                    assert listed is None or (not listed.assignable and listed.refusal is not None
                                              and listed.refusal["error"] == refusal)
            assert [c.person_id for c in suggested] == [c.person_id for c in full.values() if c.assignable]

    scenario()


def everyone_else(street: Street) -> list[UUID]:
    """The people the world registered itself (the site's commander)."""
    registered = {e.originator_id for e in street.world.events() if type(e).__qualname__ == "Person.Registered"}
    return sorted(registered - set(street.people), key=str)
