"""Group commit: concurrent commands share transactions, yet each is accepted or refused on its own.

Under load with deliberate conflicts (hot people and shifts, retried command ids, a second writer
process on the same store): every acknowledged command is in the log exactly once and in one piece,
every refused one is absent, each aggregate's versions run 1..n without gaps, the cached aggregates
equal a replay, and the views fed while the writers ran equal a fresh rebuild. Deterministic
scenarios pin down the three ways a batch member can conflict: with another member of the same
batch, with a write that landed from elsewhere, and when the culprit can only be found by bisection.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest
from eventsourcing.application import Repository

from mobilize.application import Mobilize
from mobilize.application.idempotency import COMMAND_NAMESPACE
from mobilize.application.store.group_commit import GroupCommitter, committer_for
from mobilize.domain.base import CommandContext, ConcurrentChange, DomainError
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.store import ViewStore
from mobilize.settings import COMMAND_ATTEMPTS, GROUP_COMMIT, BadSetting, Settings, store_env
from tests.conftest import HOUR, T0, World, backends, store_for
from tests.projections.scenario import dump

THREADS = 24
COMMANDS_PER_THREAD = 12
SKILLS = ("sampler", "registrar", "marshal")


def grouped(store: str, **extra: str) -> Mobilize:
    """The application on `store` with group commit on (and so the fresh aggregate cache), each command run once:
    these tests are of what the committer refuses, which a second run on fresh records would hide (ADR 0011)."""
    return Mobilize(env={**store_env(store), GROUP_COMMIT: "on", COMMAND_ATTEMPTS: "1", **extra})


@pytest.fixture(params=[backend for backend in backends() if backend != "memory"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL that two application objects (two API processes) can open at once."""
    return store_for(request.param, tmp_path)


@pytest.fixture
def gc_app(store: str) -> Iterator[Mobilize]:
    application = grouped(store)
    yield application
    application.close()


def ctx(command_id: str, actor: str = "desk:1") -> CommandContext:
    return CommandContext(actor=actor, command_id=command_id, occurred_at=T0 - HOUR)


def run_threads(count: int, body: Callable[[int], Any], timeout: float = 120) -> list[Any]:
    """Run body(i) in `count` threads started together; what each returned or raised."""
    start = threading.Barrier(count)
    outcomes: list[Any] = [RuntimeError("did not finish")] * count

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = body(index)
        except Exception as error:  # noqa: BLE001 - an outcome the test inspects
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a writer hung"
    return outcomes


def all_notifications(app: Mobilize) -> list[Any]:
    notes, start = [], 1
    while batch := app.recorder.select_notifications(start, 1000):
        notes.extend(batch)
        start = batch[-1].id + 1
    return notes


# --- the load test --------------------------------------------------------------------------------------


class Street:
    """A street in war with a site, people holding every skill, and shifts that overlap and fill up."""

    def __init__(self, app: Mobilize) -> None:
        world = World(app)
        self.world = world
        incident = world.incident()
        world.war(incident, max_shift_hours=8, min_rest_hours=8)
        site = world.open_site(incident, lanes=2)
        self.people = [world.person(f"Person {i}", SKILLS) for i in range(10)]
        self.shifts = [world.shift(site, T0 + (i % 8) * 3 * HOUR, hours=4, post=SKILLS[i % 3], lane=1 + i % 2,
                                   slots=1 + i % 2) for i in range(12)]


def test_concurrent_commands_with_conflicts_keep_the_log_exact(store: str) -> None:
    app = grouped(store)
    street = Street(app)
    shared = not store.startswith("memory")
    other = grouped(store) if shared else app  # a second API process, where the store can be shared
    views = ViewStore.for_store(store)
    live = {name: Runner(app, views, projection(name), batch=50) for name in sorted(PROJECTIONS)}
    stop = threading.Event()

    def follow() -> None:  # the views are fed while the writers write
        while not stop.is_set():
            for runner in live.values():
                runner.catch_up()
            time.sleep(0.01)

    follower = threading.Thread(target=follow)
    follower.start()
    outcomes: dict[str, list[Any]] = defaultdict(list)
    submitted: list[tuple[str, tuple[Any, ...], CommandContext]] = []
    lock = threading.Lock()

    def writer(index: int) -> None:
        rng = random.Random(index)
        target = other if index % 2 else app
        for n in range(COMMANDS_PER_THREAD):
            hot = street.people[:3] if rng.random() < 0.5 else street.people  # deliberate contention
            person, shift = rng.choice(hot), rng.choice(street.shifts)
            roll = rng.random()
            if roll < 0.15 and submitted:
                with lock:
                    name, args, context = rng.choice(submitted[-20:])  # a client's retry, maybe concurrent
            elif roll < 0.65:
                name, args, context = "assign_to_shift", (shift, person), ctx(f"w{index}-{n}", f"desk:{index}")
            elif roll < 0.8:
                name, args, context = "unassign_from_shift", (shift, person), ctx(f"w{index}-{n}", f"desk:{index}")
            else:
                name, args, context = ("certify", (person, rng.choice(SKILLS), T0 + rng.randint(30, 400) * 24 * HOUR),
                                       ctx(f"w{index}-{n}", f"desk:{index}"))
            with lock:
                submitted.append((name, args, context))
            try:
                result: Any = getattr(target, name)(*args, ctx=context)
            except DomainError as error:
                result = error
            with lock:
                outcomes[context.command_id].append(result)

    try:
        crashed = [o for o in run_threads(THREADS, writer) if isinstance(o, Exception)]
        assert crashed == [], crashed
    finally:
        stop.set()
        follower.join(60)

    accepted = {cid: [r for r in rs if isinstance(r, UUID)] for cid, rs in outcomes.items()}
    accepted = {cid: rs for cid, rs in accepted.items() if rs}
    refused = {cid for cid in outcomes if cid not in accepted}
    conflicts = sum(isinstance(r, ConcurrentChange) for rs in outcomes.values() for r in rs)
    assert accepted and refused, "the load should both accept and refuse commands"
    assert all(len(set(rs)) == 1 for rs in accepted.values()), "a retried command got two answers"

    notes = all_notifications(app)
    ids = [n.id for n in notes]
    assert ids == sorted(set(ids)), "notification ids are not strictly increasing"
    if not store.startswith("postgresql"):  # PostgreSQL sequences skip the ids of rolled-back transactions
        assert ids == list(range(1, len(ids) + 1)), "the log has holes"
    events = [app.mapper.to_domain_event(n) for n in notes]

    by_command: dict[str, list[int]] = defaultdict(list)
    for position, e in enumerate(events):
        by_command[e.command_id].append(position)
    for cid, results in accepted.items():
        positions = by_command[cid]
        assert positions == list(range(positions[0], positions[0] + len(positions))), f"{cid} is split"
        records = [events[p] for p in positions if type(events[p]).__qualname__ == "CommandRecord.Accepted"]
        assert len(records) == 1, f"{cid} recorded {len(records)} times"
        assert records[0].originator_id == uuid5(COMMAND_NAMESPACE, cid)
        assert UUID(records[0].result) == results[0]
    for cid in refused:
        assert cid not in by_command, f"refused command {cid} left events"

    versions: dict[UUID, list[int]] = defaultdict(list)
    for n in notes:
        versions[n.originator_id].append(n.originator_version)
    for originator, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), f"{originator} has versions {seen}"

    replay = Repository(event_store=app.events)  # no cache: straight from the log
    for originator in versions:
        fresh = replay.get(originator)
        for writer_app in {id(app): app, id(other): other}.values():
            assert vars(writer_app.repository.get(originator)) == vars(fresh), "a cache differs from the log"
    for shift_id in street.shifts:
        shift = replay.get(shift_id)
        for person_id in shift.people:
            assert str(shift_id) in replay.get(UUID(person_id)).bookings, "a one-sided assignment"
    for person_id in street.people:
        for shift_id in replay.get(person_id).bookings:
            assert str(person_id) in replay.get(UUID(shift_id)).people, "a one-sided booking"

    for name, runner in live.items():
        runner.catch_up()
        before = dump(views, runner.projection)
        runner.rebuild()
        assert dump(views, runner.projection) == before, f"{name}: the live view differs from a rebuild"

    stats = [committer_for(a).stats for a in {id(app): app, id(other): other}.values()]
    print(f"\n{store.split(':')[0]}: {len(accepted)} accepted, {len(refused)} refused "
          f"({conflicts} concurrent changes), committers {stats}")
    views.close()
    if shared:
        other.close()
    app.close()


# --- deterministic batches ----------------------------------------------------------------------------


@contextmanager
def held_batch(app: Mobilize, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, threading.Event]]:
    """The committer's next transaction waits for `release`; `holding` is set once it is waiting.

    Commands run meanwhile queue up behind it and are written together in the transaction after.
    """
    real = app.recorder.insert_events
    gate = {"holding": threading.Event(), "release": threading.Event()}
    calls = {"n": 0}

    def insert_events(stored: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            gate["holding"].set()
            assert gate["release"].wait(30)
        return real(stored, **kwargs)

    monkeypatch.setattr(app.recorder, "insert_events", insert_events)
    yield gate


def queue_behind(app: Mobilize, gate: dict[str, threading.Event], first: Callable[[], Any],
                 rest: list[Callable[[], Any]], before_release: Callable[[], Any] = lambda: None) -> list[Any]:
    """Run `first` (it leads and is held), then `rest` concurrently until all of them wait; release."""
    committer = committer_for(app)
    assert committer is not None
    calls = [first, *rest]
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except Exception as error:  # noqa: BLE001
            results[i] = error

    threads = [threading.Thread(target=run, args=(0,))]
    threads[0].start()
    assert gate["holding"].wait(30)
    deadline = time.monotonic() + 30
    for i in range(1, len(calls)):  # one at a time: the batch keeps the order of `rest`, as a test reads it
        threads.append(threading.Thread(target=run, args=(i,)))
        threads[-1].start()
        while len(committer._queue) < i:
            assert time.monotonic() < deadline, "the followers never queued"
            time.sleep(0.002)
    before_release()
    gate["release"].set()
    for thread in threads:
        thread.join(30)
    return results


def command_events(app: Mobilize, command_id: str) -> list[str]:
    """The kinds of the events a command left in the log, in log order."""
    events = (app.mapper.to_domain_event(n) for n in all_notifications(app))
    return [type(e).__qualname__ for e in events if e.command_id == command_id]


def test_two_commands_on_one_aggregate_in_a_batch_one_conflicts_the_rest_commit_together(
        gc_app: Mobilize, monkeypatch: pytest.MonkeyPatch) -> None:
    street = Street(gc_app)
    a, b, c, d = street.people[:4]
    morning, evening = street.shifts[0], street.shifts[4]  # 06:00-10:00 and 18:00-22:00: both fit person a
    committer = committer_for(gc_app)
    before = committer.stats.transactions
    with held_batch(gc_app, monkeypatch) as gate:
        results = queue_behind(gc_app, gate, lambda: gc_app.certify(d, "driver", T0 + 99 * HOUR, ctx=ctx("lead")), [
            lambda: gc_app.assign_to_shift(morning, a, ctx=ctx("a-morning")),
            lambda: gc_app.assign_to_shift(evening, a, ctx=ctx("a-evening")),
            lambda: gc_app.certify(b, "driver", T0 + 99 * HOUR, ctx=ctx("b")),
            lambda: gc_app.set_availability(c, "on_leave", ctx=ctx("c")),
        ])

    lead, a_morning, a_evening, b_result, c_result = results
    assert (lead, b_result, c_result) == (d, b, c), results
    assert sorted([isinstance(a_morning, UUID), isinstance(a_evening, ConcurrentChange)]) == [True, True] or \
        sorted([isinstance(a_evening, UUID), isinstance(a_morning, ConcurrentChange)]) == [True, True], results
    assert committer.stats.transactions - before == 2, "the followers did not share one transaction"
    loser = "a-evening" if isinstance(a_evening, ConcurrentChange) else "a-morning"
    winner = "a-morning" if loser == "a-evening" else "a-evening"
    assert command_events(gc_app, loser) == []
    assert command_events(gc_app, "c") == ["Person.AvailabilityChanged", "CommandRecord.Accepted"]
    assert command_events(gc_app, winner) == ["Shift.Assigned", "Person.ShiftBooked", "Inbox.Opened", "Inbox.Sent",
                                                 "CommandRecord.Accepted"]
    assert gc_app.repository.get(a).bookings.keys() == {str(morning if winner == "a-morning" else evening)}


@pytest.mark.parametrize("bisect", [False, True], ids=["probe", "bisect"])
def test_a_command_made_stale_by_another_process_fails_alone_in_its_batch(
        shared_store: str, monkeypatch: pytest.MonkeyPatch, bisect: bool) -> None:
    app, other = grouped(shared_store), grouped(shared_store)
    street = Street(app)
    a, b, c, d = street.people[:4]
    if bisect:  # the store cannot say who is stale: the committer must find out by splitting the batch
        monkeypatch.setattr(committer_for(app), "_stale", lambda units: [])
    committer = committer_for(app)
    with held_batch(app, monkeypatch) as gate:
        results = queue_behind(
            app, gate, lambda: app.certify(d, "driver", T0 + 99 * HOUR, ctx=ctx("lead")), [
                lambda: app.certify(a, "first_aid", T0 + 99 * HOUR, ctx=ctx("stale-a")),
                lambda: app.certify(b, "first_aid", T0 + 99 * HOUR, ctx=ctx("b")),
                lambda: app.certify(c, "first_aid", T0 + 99 * HOUR, ctx=ctx("same-id")),
                lambda: app.set_availability(street.people[4], "on_leave", ctx=ctx("e")),
            ],
            # meanwhile another process changes a, and runs the command "same-id" itself first
            before_release=lambda: (other.certify(a, "driver", T0 + 50 * HOUR, ctx=ctx("elsewhere")),
                                    other.certify(c, "first_aid", T0 + 99 * HOUR, ctx=ctx("same-id"))))

    lead, stale, b_result, same, e_result = results
    assert (lead, b_result, same, e_result) == (d, b, c, street.people[4]), results
    assert isinstance(stale, ConcurrentChange), results
    assert command_events(app, "stale-a") == []
    assert command_events(app, "same-id") == ["Person.QualificationCertified", "CommandRecord.Accepted"]
    assert command_events(app, "b") == ["Person.QualificationCertified", "CommandRecord.Accepted"]
    assert committer.stats.splits >= 1
    fresh = Mobilize(env=store_env(shared_store))  # durable and visible to any other process
    assert "first_aid" not in fresh.repository.get(a).qualifications
    assert fresh.repository.get(a).qualifications.keys() >= {"driver"}
    assert fresh.repository.get(b).qualifications.keys() >= {"first_aid"}
    for application in (fresh, other, app):
        application.close()


def test_a_failing_database_fails_its_batch_and_the_committer_carries_on(
        gc_app: Mobilize, monkeypatch: pytest.MonkeyPatch) -> None:
    street = Street(gc_app)
    real = gc_app.recorder.insert_events
    from eventsourcing.persistence import OperationalError

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(gc_app.recorder, "insert_events", down)
    with pytest.raises(OperationalError):
        gc_app.certify(street.people[0], "driver", T0 + 9 * HOUR, ctx=ctx("while-down"))
    monkeypatch.setattr(gc_app.recorder, "insert_events", real)

    assert gc_app.certify(street.people[0], "driver", T0 + 9 * HOUR, ctx=ctx("while-down")) == street.people[0]
    assert command_events(gc_app, "while-down") == ["Person.QualificationCertified", "CommandRecord.Accepted"]


# --- the setting --------------------------------------------------------------------------------------


def test_group_commit_is_off_unless_switched_on(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (GROUP_COMMIT, "AGGREGATE_CACHE_MAXSIZE", "MOBILIZE_AGGREGATE_CACHE_MAXSIZE",
                     "AGGREGATE_CACHE_FASTFORWARD", "MOBILIZE_AGGREGATE_CACHE_FASTFORWARD"):
        monkeypatch.delenv(variable, raising=False)  # the suite may run with any of them set
    assert Settings.from_env({}).group_commit is False
    assert Settings.from_env({GROUP_COMMIT: "on"}).group_commit is True
    assert Settings.from_env({GROUP_COMMIT: "off"}).eventsourcing_env()[GROUP_COMMIT] == "off"
    with pytest.raises(BadSetting, match="expected on or off"):
        Settings.from_env({GROUP_COMMIT: "sometimes"})
    plain = Mobilize(env={**store_env("memory:"), GROUP_COMMIT: "off"})
    assert committer_for(plain) is None
    on = Mobilize(env={**store_env("memory:"), GROUP_COMMIT: "on"})
    assert isinstance(committer_for(on), GroupCommitter)


def test_an_idle_committer_writes_at_once_and_a_lone_command_is_its_own_batch(gc_app: Mobilize) -> None:
    world = World(gc_app)
    committer = committer_for(gc_app)
    before = committer.stats.transactions
    started = time.monotonic()
    world.person("Solo")
    assert committer.stats.transactions == before + 1
    assert time.monotonic() - started < 5


def test_in_one_batch_a_command_that_read_what_another_writes_is_kept_apart(
        gc_app: Mobilize, monkeypatch: pytest.MonkeyPatch) -> None:
    street = Street(gc_app)
    world = street.world
    closing, staying = world.incident(), world.incident()
    a, b, c = street.people[:3]
    committer = committer_for(gc_app)
    with held_batch(gc_app, monkeypatch) as gate:
        results = queue_behind(gc_app, gate, lambda: gc_app.certify(c, "driver", T0 + 99 * HOUR, ctx=ctx("lead")), [
            lambda: gc_app.close_incident(closing, ctx=ctx("close")),
            # read the incident before the close committed: stale once it has (ADR 0011)
            lambda: gc_app.dispatch("person", a, closing, "go", ctx=ctx("into-closing")),
            # read `staying` before a later command of the batch closes it: it commits first, the close after
            lambda: gc_app.dispatch("person", b, staying, "go", ctx=ctx("into-staying")),
            lambda: gc_app.close_incident(staying, ctx=ctx("close-after")),
        ])
    lead, closed, into_closing, into_staying, closed_after = results
    assert (lead, closed, closed_after) == (c, closing, staying), results
    assert isinstance(into_closing, ConcurrentChange) and into_closing.facts == {"read": [str(closing)]}
    assert isinstance(into_staying, UUID), results
    assert command_events(gc_app, "into-closing") == []
    assert command_events(gc_app, "into-staying")[0] == "Dispatch.Requested"
    assert committer.stats.refused >= 1
    log = [type(gc_app.mapper.to_domain_event(n)).__qualname__ for n in all_notifications(gc_app)]
    assert log.index("Dispatch.Requested") < len(log) - log[::-1].index("Incident.Closed") - 1, "dispatch, then close"
