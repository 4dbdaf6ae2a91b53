"""Rules that read a third record hold under races (ADR 0011): the incident, the site, the grid's mode, the post plan.

Two ways, on every backend:
- one exact interleaving per rule: command B has loaded what it decides on when command A, which changes one
  of those records, commits first; B must then decide again on what A left (refused by the rule, or accepted
  where the change does not matter to it), never commit on what it had read;
- many rounds of two application objects (two API processes) racing on one store, counted from the log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, ConcurrentChange, DomainError, RuleViolated
from mobilize.domain.incident import IncidentClosed
from mobilize.domain.person import ShiftTooLong
from mobilize.domain.testing_site import PostPlanExceeded, SiteRota
from mobilize.settings import COMMAND_ATTEMPTS, store_env
from tests.conftest import T0, World, backends, store_for

HOUR = timedelta(hours=1)
ROUNDS = 20


def first_save_lets(app: Mobilize, monkeypatch: pytest.MonkeyPatch, other: Callable[[], Any]) -> list[Any]:
    """Make the next save of `app` run `other` (to its commit) first: the saving command has decided on what
    it loaded, and `other` changes it under it. Returns what `other` gave, once it has run."""
    save, ran, started = app.save, [], []

    def save_after_other(*args: Any, **kwargs: Any) -> Any:
        if not started:  # once: `other` saves through here too
            started.append(True)
            ran.append(other())
        return save(*args, **kwargs)

    monkeypatch.setattr(app, "save", save_after_other)
    return ran


def kinds(world: World) -> list[str]:
    return [type(e).__qualname__ for e in world.events()]


def test_a_dispatch_decided_before_the_incident_closed_is_refused_when_it_would_land_after(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    incident, person = world.incident(), world.person("Wu Lei")
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("close_incident", incident))
    with pytest.raises(IncidentClosed):
        world.do("dispatch", "person", person, incident, "swab the building")
    assert ran == [incident], "the close ran in between"
    assert "Dispatch.Requested" not in kinds(world)


def test_a_shift_decided_before_its_site_closed_is_not_scheduled(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = world.open_site(world.incident())
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("close_site", site))
    with pytest.raises(RuleViolated, match="closed"):
        world.shift(site, T0)
    assert ran and "Shift.Scheduled" not in kinds(world)


def test_an_assignment_decided_in_peace_meets_the_war_switched_meanwhile(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    shift, person = world.shift(site, T0, hours=12), world.person("Wu Lei")
    ran = first_save_lets(world.app, monkeypatch, lambda: world.war(incident, max_shift_hours=8))
    with pytest.raises(ShiftTooLong):  # 12 hours in peace was fine; the war's 8-hour limit now applies
        world.do("assign_to_shift", shift, person)
    assert ran and "Shift.Assigned" not in kinds(world)
    # with a written reason the same assignment goes through, marked as overridden
    world.do("assign_to_shift", shift, person, override_reason="no other sampler in the grid")
    assigned = [e for e in world.events() if type(e).__qualname__ == "Shift.Assigned"]
    assert [e.overridden for e in assigned] == [["wartime_longest_shift"]]


def test_check_in_decided_before_the_site_closed_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = world.open_site(world.incident())
    shift, person = world.shift(site, T0), world.person("Wu Lei")
    world.do("assign_to_shift", shift, person)
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("close_site", site))
    with pytest.raises(RuleViolated, match="closed"):
        world.do("check_in", shift, person, at=T0)
    assert ran and "Shift.CheckedIn" not in kinds(world)


def test_two_shifts_racing_for_a_post_planned_for_one_do_not_both_land(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = world.open_site(world.incident(), per_post=1)
    ran = first_save_lets(world.app, monkeypatch, lambda: world.shift(site, T0 + 2 * HOUR))
    with pytest.raises(PostPlanExceeded) as refused:
        world.shift(site, T0)  # 00:00-08:00 overlaps the other's 02:00-10:00 on lane 1's sampler post
    assert refused.value.facts == {"site": "Site 1", "lane": 1, "post": "sampler", "planned": 1, "already": 1,
                                   "asked": 1}
    assert len(ran) == 1 and kinds(world).count("Shift.Scheduled") == 1


def test_a_change_that_does_not_matter_to_the_rule_does_not_refuse_the_command(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = world.open_site(world.incident())
    shift, person = world.shift(site, T0), world.person("Wu Lei")
    # a tally changes the site the assignment read (is it closed?): the assignment runs again and lands
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("report_tally", site, T0 - 5 * HOUR, 120))
    assert world.do("assign_to_shift", shift, person) == shift
    assert ran and kinds(world)[-5:] == ["Shift.Assigned", "Person.ShiftBooked", "Inbox.Opened", "Inbox.Sent",
                                           "CommandRecord.Accepted"]
    assert kinds(world).index("TestingSite.TallyReported") < kinds(world).index("Shift.Assigned")


def test_with_one_attempt_a_stale_read_is_a_retryable_conflict_and_nothing_is_written(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = Mobilize(env={**store_env(store), COMMAND_ATTEMPTS: "1"})
    world = World(app)
    incident, person = world.incident(), world.person("Wu Lei")
    before = world.log_size()
    first_save_lets(app, monkeypatch, lambda: world.do("close_incident", incident))
    with pytest.raises(ConcurrentChange) as conflict:
        world.do("dispatch", "person", person, incident, "swab the building")
    assert conflict.value.facts == {"read": [str(incident)]}
    assert kinds(world)[before:] == ["Incident.Closed", "CommandRecord.Accepted"]
    app.close()


def test_a_sites_rota_is_found_from_the_site_and_lists_each_reservation(world: World) -> None:
    site = world.open_site(world.incident(), per_post=2)
    shifts = [world.shift(site, T0), world.shift(site, T0 + 4 * HOUR, slots=1), world.shift(site, T0, post="marshal")]
    rota: SiteRota = world.app.repository.get(SiteRota.create_id(site))
    assert [r["shift_id"] for r in rota.reservations] == shifts
    assert rota.occupancy(1, "sampler", T0 + 4 * HOUR, T0 + 8 * HOUR) == 2
    assert rota.occupancy(1, "sampler", T0 + 8 * HOUR, T0 + 12 * HOUR) == 1
    assert rota.occupancy(2, "sampler", T0, T0 + 8 * HOUR) == 0
    with pytest.raises(PostPlanExceeded):
        world.shift(site, T0 + 5 * HOUR, hours=2)  # 05:00-07:00: two already on lane 1's sampler post
    assert world.shift(site, T0 + 5 * HOUR, hours=2, lane=2) != shifts[0]


# --- many rounds, two processes ---------------------------------------------------------------------------


@pytest.fixture(params=[backend for backend in backends() if backend != "memory"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return store_for(request.param, tmp_path)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once, one thread each; each one's result, or the DomainError it raised."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except DomainError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_over_many_rounds_no_dispatch_or_shift_lands_after_a_close_and_no_post_is_overbooked(
        shared_store: str) -> None:
    here, there = Mobilize(env=store_env(shared_store)), Mobilize(env=store_env(shared_store))
    world = World(here)
    serial = iter(range(1_000_000))

    def on(app: Mobilize, command: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(app, command)(*args, **kwargs, ctx=CommandContext(
            actor="operator:race", command_id=f"race-{next(serial)}", occurred_at=T0 - 12 * HOUR))

    people = [world.person(f"Racer {i}") for i in range(ROUNDS)]
    outcomes: dict[str, list[Any]] = {"dispatch": [], "shift": [], "post": []}
    for round_ in range(ROUNDS):
        incident = world.incident()
        site = world.open_site(world.incident(), per_post=1)
        closed_incident, dispatched = race(lambda: on(there, "close_incident", incident),
                                           lambda: on(here, "dispatch", "person", people[round_], incident, "go"))
        outcomes["dispatch"].append(dispatched)
        first, second = race(lambda: on(here, "schedule_shift", site, 1, "sampler", T0, T0 + 8 * HOUR),
                             lambda: on(there, "schedule_shift", site, 1, "sampler", T0 + HOUR, T0 + 9 * HOUR))
        outcomes["post"].append((first, second))
        assert isinstance(closed_incident, UUID)
    for _ in range(ROUNDS):  # a site closing while a shift is scheduled at it
        site = world.open_site(world.incident())
        _, scheduled = race(lambda: on(there, "close_site", site),
                            lambda: on(here, "schedule_shift", site, 2, "marshal", T0, T0 + 4 * HOUR))
        outcomes["shift"].append(scheduled)

    # counted from the log: nothing after a close of its incident or site, never two on one post
    events = world.events()
    closed: set[UUID] = set()
    after_close = []
    for event in events:
        kind = type(event).__qualname__
        if kind in ("Incident.Closed", "TestingSite.Closed"):
            closed.add(event.originator_id)
        elif (kind == "Dispatch.Requested" and event.incident_id in closed) or \
                (kind == "Shift.Scheduled" and event.site_id in closed):
            after_close.append(event)
    assert after_close == []
    for first, second in outcomes["post"]:
        assert sum(isinstance(r, UUID) for r in (first, second)) == 1, (first, second)
        assert all(isinstance(r, (UUID, PostPlanExceeded)) for r in (first, second)), (first, second)
    refusals = [r for r in outcomes["dispatch"] + outcomes["shift"] if not isinstance(r, UUID)]
    assert all(isinstance(r, RuleViolated) and not isinstance(r, ConcurrentChange) for r in refusals), refusals
    landed = {what: sum(isinstance(r, UUID) for r in outcomes[what]) for what in ("dispatch", "shift")}
    print(f"\n{ROUNDS} rounds each: a dispatch landed before the incident's close {landed['dispatch']} times, a "
          f"shift before its site's close {landed['shift']} times (refused by the rule otherwise), none after")
    here.close()
    there.close()
