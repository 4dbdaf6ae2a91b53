"""Properties: whatever order commands arrive in, the log never shows a double booking, an illegal
dispatch step or a lost event.

Each example builds a fresh street (people, shifts, dispatchable subjects) on a fresh store, plays a
random sequence of commands against it (refusals are expected and swallowed), then audits the EVENT
LOG by replaying it from scratch, not just the aggregates' final state.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobilize.application import CommandIdReused, Mobilize
from mobilize.application.idempotency import COMMAND_NAMESPACE
from mobilize.domain.base import CommandContext, DomainError
from mobilize.domain.dispatch import TRANSITIONS
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World, backends, store_for

NOW = T0 + timedelta(days=3)
"""The application's fixed clock: after every `occurred_at` a property uses, so none is 'in the future'."""

EXAMPLES = {"memory": 250, "sqlite": 40, "postgres": 15}
"""Examples per property and backend: many on memory, a few on real stores to keep the file under ~40 s."""

MINUTE = timedelta(minutes=1)
NO_SUCH_DISPATCH = UUID(int=7)


def budget(backend: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis settings for one backend: no deadline (stores vary), no example database in the repo."""
    return settings(max_examples=EXAMPLES[backend], deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def fresh_app(backend: str) -> Iterator[Mobilize]:
    """The application on a new, empty store of the backend, with a fixed clock."""
    with tempfile.TemporaryDirectory() as folder:
        app = Mobilize(env=store_env(store_for(backend, Path(folder))))
        app.clock = lambda: NOW  # type: ignore[method-assign]
        try:
            yield app
        finally:
            app.close()


# --- Given: a street in war with people, shifts, a task force and two incidents -------------------


@dataclass
class Outcome:
    """What one command did: its result, or the refusal, and the log size around it."""

    name: str
    ctx: CommandContext
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    result: UUID | None
    error: DomainError | None
    size_before: int
    size_after: int


class Street(World):
    """The conftest world, remembering every command's outcome, with a roster and dispatch subjects.

    Hours are counted from T0; the war policy allows 8-hour shifts with 8 hours of rest.
    """

    SHIFTS = (  # (post, lane, start hour, end hour, slots)
        ("sampler", 1, 0, 8, 2),  # S0
        ("sampler", 2, 4, 12, 1),  # S1: overlaps S0
        ("sampler", 1, 8, 16, 2),  # S2: adjacent to S0, so no rest in between
        ("registrar", 1, 2, 6, 2),  # S3: inside S0, two slots
        ("sampler", 1, 20, 28, 1),  # S4: 4 h after S2, exactly 8 h after S1
        ("sampler", 2, 28, 38, 2),  # S5: 10 hours long (over the limit), adjacent to S4
    )

    def __init__(self, app: Mobilize) -> None:
        self.outcomes: list[Outcome] = []
        super().__init__(app)
        self.incidents = [self.incident(), self.incident()]
        self.war(self.incidents[0], max_shift_hours=8, min_rest_hours=8)
        self.site = self.open_site(self.incidents[0])
        self.people = [
            self.person("Chen Jing"),
            self.person("Wu Lei", valid_for=10 * HOUR),  # sampler only until T0+10h
            self.person("Zhao Min", ("sampler", "registrar")),
            self.person("Sun Hao", ("registrar",)),
        ]
        self.do("certify", self.people[3], "sampler", T0 - timedelta(days=1))  # long expired
        self.shifts = [self.do("schedule_shift", self.site, lane, post, T0 + start * HOUR, T0 + end * HOUR,
                               slots=slots) for post, lane, start, end, slots in self.SHIFTS]
        leader = self.person("Liu Yang", ("marshal",), ("grid_leader",))
        vanguard = self.do("form_task_force", "Junhe Vanguard", "street", self.street, leader, "flag-1")
        self.subjects = [("person", self.people[0]), ("person", self.people[1]), ("task_force", vanguard)]
        self.assignments: list[tuple[int, int]] = []
        self.dispatches: list[UUID] = []

    def do(self, name: str, *args: Any, at: datetime | None = None, ctx: CommandContext | None = None,
           **kwargs: Any) -> UUID:
        """Run a command as the conftest world does, and remember what came of it."""
        ctx = ctx or self.ctx(at)
        before = self.log_size()
        try:
            result = super().do(name, *args, ctx=ctx, **kwargs)
        except DomainError as error:
            self.outcomes.append(Outcome(name, ctx, args, kwargs, None, error, before, self.log_size()))
            raise
        self.outcomes.append(Outcome(name, ctx, args, kwargs, result, None, before, self.log_size()))
        return result

    def attempt(self, name: str, *args: Any, **kwargs: Any) -> UUID | None:
        """Run a command that may well be refused; a refusal is an answer, not a failure."""
        try:
            return self.do(name, *args, **kwargs)
        except DomainError:
            return None

    def seat(self, seat: int | tuple[int, int]) -> tuple[int, int]:
        """(person, shift) indices: a pair as given, or the k-th most recent accepted assignment."""
        if isinstance(seat, tuple):
            return seat
        return self.assignments[-1 - seat % len(self.assignments)] if self.assignments else (0, seat)

    def dispatch_at(self, recent: int) -> UUID:
        """The k-th most recent dispatch ordered so far (or an id of none, before the first)."""
        return self.dispatches[-1 - recent % len(self.dispatches)] if self.dispatches else NO_SUCH_DISPATCH


# --- When: random steps ---------------------------------------------------------------------------

REASONS = st.sampled_from([None, "", "   ", "short-handed: the night team is in quarantine", "ordered by HQ"])
PERSON, SHIFT = st.integers(0, 3), st.integers(0, len(Street.SHIFTS) - 1)
SEAT = st.one_of(st.integers(0, 3), st.tuples(PERSON, SHIFT))
"""A person on a shift: the k-th most recent accepted assignment, or any (person, shift) pair."""
RECENT = st.integers(0, 3)
"""The k-th most recent dispatch."""
AROUND_THE_SHIFT = st.integers(-60, 11 * 60)
"""Minutes from a shift's start: a little early, during, and after it."""


def often(times: int, strategy: Callable[[], st.SearchStrategy[Any]]) -> list[st.SearchStrategy[Any]]:
    """`times` separate copies of a strategy, so `one_of` picks it more often (it merges identical ones)."""
    return [strategy() for _ in range(times)]


ROSTER_STEPS = st.one_of(
    *often(2, lambda: st.tuples(st.just("assign_to_shift"), st.tuples(PERSON, SHIFT), REASONS)),
    st.tuples(st.just("unassign_from_shift"), SEAT),
    *often(2, lambda: st.tuples(st.just("check_in"), SEAT, AROUND_THE_SHIFT)),
    st.tuples(st.just("check_out"), SEAT, AROUND_THE_SHIFT),
    st.tuples(st.just("record_no_show"), SEAT, AROUND_THE_SHIFT),
)
MOVES = st.sampled_from(["acknowledge_dispatch", "set_out", "arrive_on_scene", "release_dispatch"])
DISPATCH_STEPS = st.one_of(
    *often(2, lambda: st.tuples(st.just("dispatch"), st.integers(0, 2), st.integers(0, 1), st.booleans())),
    *often(2, lambda: st.tuples(MOVES, RECENT)),
    *often(4, lambda: st.tuples(st.just("advance"), RECENT, st.integers(0, 4))),
    st.tuples(st.sampled_from(["decline_dispatch", "recall_dispatch"]), RECENT, REASONS),
    st.tuples(st.just("close_incident"), st.integers(0, 1)),
    st.tuples(st.just("close_site")),
    st.tuples(st.just("set_availability"), st.integers(0, 1), st.sampled_from(["available", "on_leave"])),
)
REPLAY_STEPS = st.one_of(
    st.tuples(st.just("retry"), st.integers(0, 200)),
    st.tuples(st.just("reuse_id"), st.integers(0, 200)),
)


def play(street: Street, steps: list[tuple[Any, ...]]) -> None:
    """Run each step against the street, swallowing refusals."""
    for name, *args in steps:
        STEP[name](street, *args)


def _assign(street: Street, seat: tuple[int, int], reason: str | None) -> None:
    person, shift = seat
    if street.attempt("assign_to_shift", street.shifts[shift], street.people[person], override_reason=reason):
        street.assignments.append(seat)


def _on_seat(name: str) -> Callable[..., None]:
    def step(street: Street, seat: int | tuple[int, int], minutes: int | None = None) -> None:
        person, shift = street.seat(seat)
        at = None if minutes is None else T0 + Street.SHIFTS[shift][2] * HOUR + minutes * MINUTE
        street.attempt(name, street.shifts[shift], street.people[person], at=at)
    return step


def _dispatch(street: Street, subject: int, incident: int, to_site: bool) -> None:
    kind, subject_id = street.subjects[subject]
    order = street.attempt("dispatch", kind, subject_id, street.incidents[incident], "sample building 7",
                           site_id=street.site if to_site else None)
    if order is not None:
        street.dispatches.append(order)


def _step_of_dispatch(name: str) -> Callable[..., None]:
    def step(street: Street, index: int, reason: str | None = None) -> None:
        street.attempt(name, street.dispatch_at(index), ctx=street.ctx(reason=reason))
    return step


NEXT = {"acknowledged": "acknowledge_dispatch", "declined": "decline_dispatch", "en_route": "set_out",
        "on_scene": "arrive_on_scene", "released": "release_dispatch", "recalled": "recall_dispatch"}


def _advance(street: Street, recent: int, choice: int) -> None:
    """Take one of the steps the dispatch allows next, as a dispatcher who knows its state would."""
    if not street.dispatches:
        return
    order = street.dispatch_at(recent)
    allowed = TRANSITIONS.get(street.app.repository.get(order).state, ())
    if allowed:
        state = allowed[max(0, choice - 2) % len(allowed)]  # mostly forward, sometimes declined or recalled
        street.attempt(NEXT[state], order, ctx=street.ctx(reason="called back by the commander"))


def _retry(street: Street, index: int) -> None:
    """Submit an earlier command again, same id and body: a retry from a client that lost the answer."""
    earlier = street.outcomes[index % len(street.outcomes)]
    street.attempt(earlier.name, *earlier.args, ctx=earlier.ctx, **earlier.kwargs)


def _reuse_id(street: Street, index: int) -> None:
    """Submit another command under an earlier command's id: a client bug."""
    earlier = street.outcomes[index % len(street.outcomes)]
    street.attempt("certify", street.people[0], "first_aid", T0 + timedelta(days=30), ctx=earlier.ctx)


STEP: dict[str, Callable[..., None]] = {
    "assign_to_shift": _assign,
    **{name: _on_seat(name) for name in ("unassign_from_shift", "check_in", "check_out", "record_no_show")},
    "dispatch": _dispatch,
    **{name: _step_of_dispatch(name) for name in
       ("acknowledge_dispatch", "set_out", "arrive_on_scene", "release_dispatch", "decline_dispatch",
        "recall_dispatch")},
    "close_incident": lambda street, i: street.attempt("close_incident", street.incidents[i]),
    "close_site": lambda street: street.attempt("close_site", street.site),
    "set_availability": lambda street, p, state: street.attempt("set_availability", street.people[p], state),
    "advance": _advance,
    "retry": _retry,
    "reuse_id": _reuse_id,
}


# --- Then: audits that replay the log -------------------------------------------------------------


def kind(event: Any) -> str:
    """`Aggregate.Event`, e.g. 'Person.ShiftBooked' (a bare 'Closed' could be an incident's or a site's)."""
    return type(event).__qualname__


@dataclass
class RosterAudit:
    """What a replay of the log says about bookings; every list should be empty."""

    double_bookings: list[str] = field(default_factory=list)
    unqualified: list[str] = field(default_factory=list)
    unexplained_breaches: list[str] = field(default_factory=list)
    overfull: list[str] = field(default_factory=list)
    bad_steps: list[str] = field(default_factory=list)
    booked: dict[str, tuple[UUID, UUID, str | None]] = field(default_factory=dict)
    assigned: dict[str, tuple[UUID, UUID, str | None]] = field(default_factory=dict)
    released: dict[str, tuple[UUID, UUID]] = field(default_factory=dict)
    unassigned: dict[str, tuple[UUID, UUID]] = field(default_factory=dict)
    bookings: dict[UUID, dict[UUID, tuple[datetime, datetime]]] = field(default_factory=lambda: defaultdict(dict))
    seats: dict[UUID, dict[UUID, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))


def audit_roster(events: list[Any]) -> RosterAudit:
    """Replay qualifications, war policy, bookings and seats from the log, noting every broken rule."""
    audit = RosterAudit()
    shifts: dict[UUID, Any] = {}
    qualifications: dict[UUID, dict[str, datetime]] = defaultdict(dict)
    wars: dict[tuple[UUID, str], tuple[float, float]] = {}
    for e in events:
        what = kind(e)
        if what == "Shift.Scheduled":
            shifts[e.originator_id] = e
        elif what == "OrgUnit.SwitchedToWar":
            wars[(e.originator_id, str(e.incident_id))] = (e.max_shift_hours, e.min_rest_hours)
        elif what == "OrgUnit.StoodDown":
            del wars[(e.originator_id, str(e.incident_id))]
        elif what == "Person.QualificationCertified":
            qualifications[e.originator_id][e.skill] = e.valid_until
        elif what == "Person.QualificationRevoked":
            del qualifications[e.originator_id][e.skill]
        elif what == "Person.ShiftBooked":
            _replay_booking(audit, e, shifts[e.shift_id], qualifications[e.originator_id], wars)
        elif what == "Person.ShiftReleased":
            audit.released[e.command_id] = (e.originator_id, e.shift_id)
            del audit.bookings[e.originator_id][e.shift_id]
        elif what.startswith("Shift."):
            _replay_seat(audit, e, shifts[e.originator_id])
    return audit


def _replay_booking(audit: RosterAudit, e: Any, shift: Any, held: dict[str, datetime],
                    wars: dict[tuple[UUID, str], tuple[float, float]]) -> None:
    person, start, end = e.originator_id, e.start, e.end
    if (start, end) != (shift.start, shift.end):
        audit.bad_steps.append(f"{e.command_id}: booked {start}–{end} for a shift of {shift.start}–{shift.end}")
    for other, (o_start, o_end) in audit.bookings[person].items():
        if start < o_end and o_start < end:
            audit.double_bookings.append(f"{e.command_id}: {person} on {e.shift_id} and {other} at once")
    valid_until = held.get(shift.skill)
    if valid_until is None or valid_until < end:
        audit.unqualified.append(f"{e.command_id}: {person} has {shift.skill} until {valid_until}, shift ends {end}")
    breaches = _breaches(start, end, audit.bookings[person].values(), wars)
    reason_given = bool(e.override_reason and e.override_reason.strip())
    if breaches and not (reason_given and set(e.overridden) == breaches):
        audit.unexplained_breaches.append(
            f"{e.command_id}: broke {sorted(breaches)}, recorded overridden={e.overridden} "
            f"override_reason={e.override_reason!r}")
    if not breaches and (e.overridden or e.override_reason is not None):
        audit.unexplained_breaches.append(f"{e.command_id}: nothing broken yet overridden={e.overridden}")
    audit.booked[e.command_id] = (person, e.shift_id, e.override_reason)
    audit.bookings[person][e.shift_id] = (start, end)


def _breaches(start: datetime, end: datetime, others: Any,
              wars: dict[tuple[UUID, str], tuple[float, float]]) -> set[str]:
    """The wartime rules a booking breaks, worked out afresh (all wars here cover the whole street)."""
    if not wars:
        return set()
    longest = min(w[0] for w in wars.values())
    rest = timedelta(hours=max(w[1] for w in wars.values()))
    broken = {"wartime_longest_shift"} if end - start > timedelta(hours=longest) else set()
    for o_start, o_end in others:
        if (start - o_end if o_end <= start else o_start - end) < rest:
            broken.add("wartime_shortest_rest")
    return broken


def _replay_seat(audit: RosterAudit, e: Any, shift: Any) -> None:
    seats = audit.seats[e.originator_id]
    what, person = kind(e), getattr(e, "person_id", None)
    status = seats.get(person, {}).get("status")
    if what == "Shift.Assigned":
        audit.assigned[e.command_id] = (person, e.originator_id, e.override_reason)
        seats[person] = {"status": "assigned"}
        if len(seats) > shift.slots:
            audit.overfull.append(f"{e.command_id}: {len(seats)} people on a {shift.slots}-slot shift")
    elif what == "Shift.Unassigned":
        if status not in ("assigned", "no_show"):
            audit.bad_steps.append(f"{e.command_id}: unassigned someone who is {status}")
        audit.unassigned[e.command_id] = (person, e.originator_id)
        seats.pop(person, None)
    elif what == "Shift.CheckedIn":
        if status != "assigned" or not shift.start - timedelta(minutes=30) <= e.at < shift.end:
            audit.bad_steps.append(f"{e.command_id}: checked in at {e.at} while {status}")
        seats[person] = {"status": "checked_in", "at": e.at}
    elif what == "Shift.CheckedOut":
        if status != "checked_in" or e.at < seats[person]["at"]:
            audit.bad_steps.append(f"{e.command_id}: checked out at {e.at} while {status}")
        seats.setdefault(person, {})["status"] = "checked_out"
    elif what == "Shift.NoShowRecorded":
        if status != "assigned" or e.occurred_at < shift.start + timedelta(minutes=10):
            audit.bad_steps.append(f"{e.command_id}: no-show at {e.occurred_at} while {status}")
        seats[person] = {"status": "no_show"}


FINAL = ("declined", "released", "recalled")
STATE_OF = {"Dispatch.Acknowledged": "acknowledged", "Dispatch.Declined": "declined",
            "Dispatch.WentEnRoute": "en_route", "Dispatch.ArrivedOnScene": "on_scene",
            "Dispatch.Released": "released", "Dispatch.Recalled": "recalled"}


@dataclass
class DispatchAudit:
    """What a replay of the log says about dispatches; every list should be empty."""

    illegal_steps: list[str] = field(default_factory=list)
    double_dispatches: list[str] = field(default_factory=list)
    loose_ends: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    states: dict[UUID, str] = field(default_factory=dict)
    live: dict[UUID, UUID | None] = field(default_factory=dict)


def audit_dispatches(events: list[Any]) -> DispatchAudit:
    """Replay every dispatch's states and every subject's live dispatch from the log."""
    audit = DispatchAudit()
    closed: set[UUID] = set()
    subject_of: dict[UUID, UUID] = {}
    moved_by: dict[str, set[tuple[UUID, str]]] = defaultdict(set)  # command → (dispatch, new state)
    for e in events:
        what = kind(e)
        if what == "Incident.Closed":
            closed.add(e.originator_id)
        elif what == "Dispatch.Requested":
            audit.states[e.originator_id] = "requested"
            subject_of[e.originator_id] = e.subject_id
            moved_by[e.command_id].add((e.originator_id, "requested"))
            if e.incident_id in closed:
                audit.illegal_steps.append(f"{e.command_id}: dispatched to a closed incident")
        elif what in STATE_OF:
            _replay_step(audit, e, STATE_OF[what], moved_by)
        elif what.endswith(".DispatchTaken"):
            if audit.live.get(e.originator_id) is not None:
                audit.double_dispatches.append(f"{e.command_id}: {e.originator_id} took {e.dispatch_id} while "
                                               f"on {audit.live[e.originator_id]}")
            if (e.dispatch_id, "requested") not in moved_by[e.command_id] or subject_of[e.dispatch_id] != \
                    e.originator_id:
                audit.loose_ends.append(f"{e.command_id}: took {e.dispatch_id} without its request")
            audit.live[e.originator_id] = e.dispatch_id
        elif what.endswith(".DispatchEnded"):
            if audit.live.get(e.originator_id) != e.dispatch_id:
                audit.loose_ends.append(f"{e.command_id}: ended {e.dispatch_id}, not the live one")
            if not any(d == e.dispatch_id and s in FINAL for d, s in moved_by[e.command_id]):
                audit.loose_ends.append(f"{e.command_id}: ended {e.dispatch_id} that did not finish")
            audit.live[e.originator_id] = None
    for order, state in audit.states.items():
        if state not in FINAL and audit.live.get(subject_of[order]) != order:
            audit.loose_ends.append(f"{order} is {state} but its subject is not held to it")
    return audit


def _replay_step(audit: DispatchAudit, e: Any, state: str, moved_by: dict[str, set[tuple[UUID, str]]]) -> None:
    current = audit.states[e.originator_id]
    if state not in TRANSITIONS.get(current, ()):
        audit.illegal_steps.append(f"{e.command_id}: {current} → {state}")
    if state in ("declined", "recalled") and not (e.reason and e.reason.strip()):
        audit.unexplained.append(f"{e.command_id}: {state} without a reason")
    audit.states[e.originator_id] = state
    moved_by[e.command_id].add((e.originator_id, state))


def assert_no_lost_event(street: Street) -> None:
    """Accepted commands are in the log once and whole; refused ones left no trace; versions have no gaps."""
    log = street.events()
    accepted = [o for o in street.outcomes if o.error is None]
    accepted_ids = {o.ctx.command_id for o in accepted}
    records: dict[UUID, list[Any]] = defaultdict(list)
    for e in log:
        if kind(e) == "CommandRecord.Accepted":
            records[e.originator_id].append(e)
    for o in accepted:
        found = records[uuid5(COMMAND_NAMESPACE, o.ctx.command_id)]
        assert [(r.name, r.result) for r in found] == [(o.name, str(o.result))], o
    for o in street.outcomes:
        if o.error is not None:
            assert o.size_after == o.size_before, f"refused {o.name} ({o.error.rule}) wrote to the log"
    assert {e.command_id for e in log} <= accepted_ids, "events of a command that was never accepted"
    assert_commands_are_contiguous(log)
    assert_versions_have_no_gaps(log)


def assert_commands_are_contiguous(log: list[Any]) -> None:
    """One command's events sit together in the log: nothing else was written in between."""
    seen: set[str] = set()
    previous = None
    for e in log:
        if e.command_id != previous:
            assert e.command_id not in seen, f"events of {e.command_id} are split in the log"
            seen.add(e.command_id)
            previous = e.command_id


def assert_versions_have_no_gaps(log: list[Any]) -> None:
    """Each aggregate's events come in the log as versions 1, 2, … n."""
    versions: dict[UUID, list[int]] = defaultdict(list)
    for e in log:
        versions[e.originator_id].append(e.originator_version)
    for aggregate, numbers in versions.items():
        assert numbers == list(range(1, len(numbers) + 1)), f"{aggregate} has versions {numbers}"


# --- The properties -------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", backends())
def test_no_sequence_of_roster_commands_double_books_anyone_or_breaks_a_rule_unexplained(backend: str) -> None:
    @budget(backend)
    @given(steps=st.lists(ROSTER_STEPS, max_size=40))
    def scenario(steps: list[tuple[Any, ...]]) -> None:
        with fresh_app(backend) as app:
            street = Street(app)

            play(street, steps)

            audit = audit_roster(street.events())
            assert audit.double_bookings == []
            assert audit.unqualified == []
            assert audit.unexplained_breaches == []
            assert audit.overfull == []
            assert audit.bad_steps == []
            assert audit.booked == audit.assigned, "every ShiftBooked pairs with an Assigned of the same command"
            assert audit.released == audit.unassigned, "every ShiftReleased pairs with an Unassigned"
            assert holdings_of_people(street) == holdings_of_shifts(street) == replayed_holdings(audit)
            assert_no_lost_event(street)

    scenario()


def holdings_of_people(street: Street) -> set[tuple[UUID, UUID]]:
    """(person, shift) for every entry of Person.bookings."""
    return {(p, UUID(s)) for p in street.people for s in street.app.repository.get(p).bookings}


def holdings_of_shifts(street: Street) -> set[tuple[UUID, UUID]]:
    """(person, shift) for every entry of Shift.people."""
    return {(UUID(p), s) for s in street.shifts for p in street.app.repository.get(s).people}


def replayed_holdings(audit: RosterAudit) -> set[tuple[UUID, UUID]]:
    """(person, shift) held according to the replayed bookings, checked against the replayed seats."""
    booked = {(p, s) for p, shifts in audit.bookings.items() for s in shifts}
    seated = {(p, s) for s, people in audit.seats.items() for p in people}
    assert booked == seated
    return booked


@pytest.mark.parametrize("backend", backends())
def test_no_sequence_of_dispatch_commands_skips_a_step_or_sends_anyone_twice(backend: str) -> None:
    @budget(backend)
    @given(steps=st.lists(DISPATCH_STEPS, max_size=40))
    def scenario(steps: list[tuple[Any, ...]]) -> None:
        with fresh_app(backend) as app:
            street = Street(app)

            play(street, steps)

            audit = audit_dispatches(street.events())
            assert audit.illegal_steps == []
            assert audit.double_dispatches == []
            assert audit.loose_ends == []
            assert audit.unexplained == []
            for _, subject in street.subjects:
                assert app.repository.get(subject).active_dispatch == audit.live.get(subject)
            for order, state in audit.states.items():
                assert app.repository.get(order).state == state
            assert_no_lost_event(street)

    scenario()


@pytest.mark.parametrize("backend", backends())
def test_every_accepted_command_is_logged_once_and_whole_and_a_refused_or_repeated_one_not_at_all(
        backend: str) -> None:
    @budget(backend)
    @given(steps=st.lists(st.one_of(ROSTER_STEPS, DISPATCH_STEPS, REPLAY_STEPS), max_size=50))
    def scenario(steps: list[tuple[Any, ...]]) -> None:
        with fresh_app(backend) as app:
            street = Street(app)

            play(street, steps)

            assert_no_lost_event(street)
            first: dict[str, Outcome] = {}
            for o in street.outcomes:
                earlier = first.get(o.ctx.command_id)
                if earlier is None:
                    first.update({o.ctx.command_id: o} if o.error is None else {})
                elif (o.name, o.args, o.kwargs) == (earlier.name, earlier.args, earlier.kwargs):
                    assert (o.result, o.size_after) == (earlier.result, o.size_before), "a retry changed something"
                else:
                    assert isinstance(o.error, CommandIdReused), f"{o.name} under a used id gave {o.error!r}"

    scenario()


def forged(qualname: str, **fields: Any) -> Any:
    """A stand-in for a domain event the application should never write."""
    event = type(qualname.rpartition(".")[2], (), {"__qualname__": qualname})()
    event.__dict__.update(fields)
    return event


def test_the_audits_are_not_vacuous_they_flag_a_forged_double_booking_and_a_skipped_step() -> None:
    with fresh_app("memory") as app:
        street = Street(app)
        chen, wu = street.people[:2]
        street.do("assign_to_shift", street.shifts[0], chen)
        order = street.do("dispatch", "person", wu, street.incidents[0], "sample building 7")
        log = street.events()
        _, _, start, end, _ = Street.SHIFTS[1]
        overlapping = forged("Person.ShiftBooked", originator_id=chen, shift_id=street.shifts[1], command_id="f-1",
                             start=T0 + start * HOUR, end=T0 + end * HOUR, overridden=[], override_reason=None)
        skipped = forged("Dispatch.Released", originator_id=order, command_id="f-2", reason=None)

        assert audit_roster(log).booked and audit_roster(log).double_bookings == []
        assert audit_roster([*log, overlapping]).double_bookings != []
        assert audit_dispatches(log).states == {order: "requested"}
        assert audit_dispatches([*log, skipped]).illegal_steps == ["f-2: requested → released"]
