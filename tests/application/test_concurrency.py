"""Scenarios: writers racing on one store, each with its own application object as two API processes
would have; the store's optimistic concurrency lets exactly one of them win."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest

from mobilize.application import Mobilize
from mobilize.application.idempotency import COMMAND_NAMESPACE
from mobilize.domain.base import CommandContext, ConcurrentChange
from mobilize.domain.dispatch import AlreadyDispatched
from mobilize.domain.person import OverlappingShift
from mobilize.domain.shift import ShiftFull
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World, backends, store_for

WRITERS = 6
ROUNDS = 4



@pytest.fixture(params=[backend for backend in backends() if backend != "memory"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL that several processes can open at once (an in-memory store cannot be shared)."""
    return store_for(request.param, tmp_path)


@pytest.fixture
def world(shared_store: str) -> Iterator[World]:
    """A street on the shared store, set up through an application object of its own."""
    app = Mobilize(env=store_env(shared_store))
    yield World(app)
    app.close()


@pytest.fixture
def writers(shared_store: str) -> Iterator[list[Mobilize]]:
    """One application object per writer, as separate API processes would each hold."""
    apps = [Mobilize(env=store_env(shared_store)) for _ in range(WRITERS)]
    yield apps
    for app in apps:
        app.close()


def race(writers: list[Mobilize], attempt: Callable[[Mobilize, int], UUID]) -> list[UUID | Exception]:
    """Let every writer attempt at the same moment; what each returned or raised, in writer order."""
    start = threading.Barrier(len(writers))
    outcomes: list[UUID | Exception] = [RuntimeError("did not run")] * len(writers)

    def run(index: int, app: Mobilize) -> None:
        start.wait()
        try:
            outcomes[index] = attempt(app, index)
        except Exception as error:  # noqa: BLE001 - a non-domain error is an outcome the test must see
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, app)) for i, app in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def winners(outcomes: list[UUID | Exception]) -> list[UUID]:
    """The results of the writers whose command was accepted."""
    return [o for o in outcomes if isinstance(o, UUID)]


def refusals(outcomes: list[UUID | Exception]) -> list[Exception]:
    """What the other writers got."""
    return [o for o in outcomes if not isinstance(o, UUID)]


def events_of(world: World, kind: str, **fields: Any) -> list[Any]:
    """Events of one kind (`Aggregate.Event`) whose fields have the given values."""
    return [e for e in world.events() if type(e).__qualname__ == kind
            and all(getattr(e, name) == value for name, value in fields.items())]


def test_a_person_raced_onto_overlapping_shifts_is_booked_exactly_once(world: World,
                                                                      writers: list[Mobilize]) -> None:
    site = world.open_site(world.incident(), per_post=20)  # every writer's shift overlaps
    for day in range(ROUNDS):
        person = world.person(f"Chen Jing {day}")
        morning = T0 + day * 24 * HOUR
        shifts = [world.shift(site, morning + i * 10 * timedelta(minutes=1), hours=4) for i in range(WRITERS)]

        outcomes = race(writers, lambda app, i: app.assign_to_shift(
            shifts[i], person, ctx=CommandContext(actor=f"desk:{i}", command_id=f"assign-{day}-{i}",
                                                  occurred_at=T0 - HOUR)))

        assert len(winners(outcomes)) == 1, outcomes
        assert all(isinstance(o, (OverlappingShift, ConcurrentChange)) for o in refusals(outcomes)), outcomes
        won = winners(outcomes)[0]
        assert [e.shift_id for e in events_of(world, "Person.ShiftBooked", originator_id=person)] == [won]
        assert list(world.app.repository.get(person).bookings) == [str(won)]
        assert [s for s in shifts if str(person) in world.app.repository.get(s).people] == [won]


def test_two_people_raced_onto_the_last_slot_of_a_shift_only_one_gets_it(world: World,
                                                                          writers: list[Mobilize]) -> None:
    site = world.open_site(world.incident())
    pair = writers[:2]
    for day in range(ROUNDS):
        people = [world.person(f"Zhao Min {day}"), world.person(f"Sun Hao {day}")]
        shift = world.shift(site, T0 + day * 24 * HOUR, slots=1)

        outcomes = race(pair, lambda app, i: app.assign_to_shift(
            shift, people[i], ctx=CommandContext(actor=f"desk:{i}", command_id=f"slot-{day}-{i}",
                                                 occurred_at=T0 - HOUR)))

        assert winners(outcomes) == [shift], outcomes
        assert all(isinstance(o, (ShiftFull, ConcurrentChange)) for o in refusals(outcomes)), outcomes
        winner = people[outcomes.index(shift)]
        loser = people[1 - outcomes.index(shift)]
        assert list(world.app.repository.get(shift).people) == [str(winner)]
        assert world.app.repository.get(loser).bookings == {}
        assert len(events_of(world, "Shift.Assigned", originator_id=shift)) == 1


def test_one_new_person_submitted_by_several_writers_at_once_is_registered_once(world: World,
                                                                                 writers: list[Mobilize]) -> None:
    for attempt in range(ROUNDS):
        ctx = CommandContext(actor="desk:mobile-app", command_id=f"register-{attempt}", occurred_at=T0 - HOUR)

        outcomes = race(writers, lambda app, _: app.register_person(
            "Wu Lei", ["volunteer"], world.grid, qualifications={"marshal": T0 + 365 * 24 * HOUR}, ctx=ctx))

        assert refusals(outcomes) == []
        assert len(set(outcomes)) == 1
        assert_exactly_one_set_of_events(world, ctx.command_id,
                                         ["Person.Registered", "Person.QualificationCertified",
                                          "CommandRecord.Accepted"])
        assert [e.originator_id for e in events_of(world, "Person.Registered", command_id=ctx.command_id)] == \
            [outcomes[0]]


def test_one_assignment_submitted_by_several_writers_at_once_books_the_person_once(world: World,
                                                                                    writers: list[Mobilize]) -> None:
    site = world.open_site(world.incident())
    for day in range(ROUNDS):
        person = world.person(f"Liu Yang {day}")
        shift = world.shift(site, T0 + day * 24 * HOUR, slots=2)
        ctx = CommandContext(actor="desk:retrying-client", command_id=f"assign-once-{day}", occurred_at=T0 - HOUR)

        outcomes = race(writers, lambda app, _: app.assign_to_shift(shift, person, ctx=ctx))

        assert outcomes == [shift] * WRITERS
        assert_exactly_one_set_of_events(world, ctx.command_id,
                                         ["Shift.Assigned", "Person.ShiftBooked", "Inbox.Opened", "Inbox.Sent",
                                          "CommandRecord.Accepted"])
        assert list(world.app.repository.get(person).bookings) == [str(shift)]


def assert_exactly_one_set_of_events(world: World, command_id: str, kinds: list[str]) -> None:
    """The log holds the command's events once, together, with one acceptance record for its id."""
    log = world.events()
    positions = [i for i, e in enumerate(log) if e.command_id == command_id]
    assert [type(log[i]).__qualname__ for i in positions] == kinds
    assert positions == list(range(positions[0], positions[0] + len(kinds))), "the command's events are split"
    record = log[positions[-1]]
    assert record.originator_id == uuid5(COMMAND_NAMESPACE, command_id)


def test_a_retry_that_loads_after_the_first_attempt_landed_still_gets_the_first_result(
        world: World, writers: list[Mobilize]) -> None:
    site = world.open_site(world.incident())
    person, shift = world.person("Liu Yang"), world.shift(site, T0)
    ctx = CommandContext(actor="desk:retrying-client", command_id="assign-once", occurred_at=T0 - HOUR)
    first, retry = world.app, writers[0]
    land_before_next_load(retry, lambda: first.assign_to_shift(shift, person, ctx=ctx))

    outcome = retry.assign_to_shift(shift, person, ctx=ctx)

    assert outcome == shift
    assert_exactly_one_set_of_events(world, ctx.command_id,
                                     ["Shift.Assigned", "Person.ShiftBooked", "Inbox.Opened", "Inbox.Sent",
                                      "CommandRecord.Accepted"])


def land_before_next_load(app: Mobilize, other_writer: Callable[[], object]) -> None:
    """Let another writer commit just before `app` next loads an aggregate: the race, made deterministic."""

    def load(*args: Any, **kwargs: Any) -> Any:
        del app.load  # type: ignore[method-assign]
        other_writer()
        return app.load(*args, **kwargs)

    app.load = load  # type: ignore[method-assign]


def test_a_person_raced_onto_two_dispatches_is_held_to_exactly_one(world: World, writers: list[Mobilize]) -> None:
    incidents = [world.incident(), world.incident()]
    pair = writers[:2]
    for attempt in range(ROUNDS):
        person = world.person(f"Sun Hao {attempt}")

        outcomes = race(pair, lambda app, i: app.dispatch(
            "person", person, incidents[i], "door-to-door sampling",
            ctx=CommandContext(actor=f"desk:{i}", command_id=f"send-{attempt}-{i}", occurred_at=T0 - HOUR)))

        assert len(winners(outcomes)) == 1, outcomes
        assert all(isinstance(o, (AlreadyDispatched, ConcurrentChange)) for o in refusals(outcomes)), outcomes
        assert world.app.repository.get(person).active_dispatch == winners(outcomes)[0]
        assert len(events_of(world, "Dispatch.Requested", subject_id=person)) == 1
