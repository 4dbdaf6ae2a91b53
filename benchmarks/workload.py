"""The HTTP workload: a command center's slice of a drive, and clients that give it commands.

The world (a street in war, eight open sites) is built through the application's commands; the
units of work are seeded in bulk (people with their qualification, shifts to fill), each with its
own command context and command record, so that the measured part is only the HTTP commands:

- a shift unit: assign the person to the shift, check in, check out (3 commands);
- a dispatch unit: dispatch a person to a site, acknowledge, set out, arrive, release (5 commands).

Two shift units to one dispatch unit: 6 of 11 commands are assignments and check-ins/outs, 5 are
dispatch transitions. Every command carries its own Idempotency-Key, as real clients send.
"""

from __future__ import annotations

import functools
import http.client
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.application import Mobilize
from mobilize.application.idempotency import accepted
from mobilize.domain.base import CommandContext, MobilizeAggregate, current_context
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.settings import store_env

POSTS = {"sampler": 1, "registrar": 1, "marshal": 1}
SITES, LANES = 8, 2
ACTOR = "bench:seed"

@dataclass
class Command:
    """One HTTP command; `path` may hold `{id}`, filled with the result of the unit's first command."""

    path: str
    body: dict[str, Any]


@dataclass
class Unit:
    """A chain of commands by one operator; later ones may need the first one's result."""

    commands: list[Command]
    kind: str


class World:
    """A street in war with open sites, an operator token, and units of work seeded on demand."""

    def __init__(self, store: str) -> None:
        self.app = Mobilize(env=store_env(store))
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        self.setup_at = now - timedelta(days=2)
        self.shift_start = now - timedelta(hours=10)
        self.serial = 0
        street = self._do("establish_unit", "Bench Street", "street")
        community = self._do("establish_unit", "Bench Community", "community", street)
        self.incident = self._do("declare_incident", "Bench testing drive", "mass_testing_drive", street)
        self._do("switch_to_war", street, self.incident, ["sampling"], max_shift_hours=8, min_rest_hours=8)
        self.sites: list[tuple[UUID, UUID]] = []
        for number in range(SITES):
            grid = self._do("establish_unit", f"Bench Grid {number + 1}", "grid", community)
            commander = self._do("register_person", f"Commander {number + 1}", ["grid_leader"], grid)
            site = self._do("plan_testing_site", self.incident, grid, f"Site {number + 1}", LANES, POSTS)
            self._do("appoint_site_commander", site, commander)
            self._do("open_site", site)
            self.sites.append((site, grid))
        secret = secrets.token_urlsafe(24)
        token_id = self._do("issue_token", "Bench Operator", "operator", None, secret_hash(secret))
        self.token = f"{TOKEN_PREFIX}.{token_id.hex}.{secret}"

    def tokens(self, count: int, role: str) -> list[str]:
        """`count` more bearer tokens of a role, unscoped (for clients that only read or listen)."""
        made = []
        for number in range(count):
            secret = secrets.token_urlsafe(24)
            token_id = self._do("issue_token", f"Bench {role} {number + 1}", role, None, secret_hash(secret))
            made.append(f"{TOKEN_PREFIX}.{token_id.hex}.{secret}")
        return made

    def _context(self, at: datetime | None = None) -> CommandContext:
        self.serial += 1
        return CommandContext(actor=ACTOR, command_id=f"bench-seed-{uuid4().hex}", occurred_at=at or self.setup_at)

    def _do(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.app, name)(*args, ctx=self._context(), **kwargs)

    def _recorded(self, name: str, build: Callable[[], list[MobilizeAggregate]]) -> list[MobilizeAggregate]:
        """Aggregates built under one command's context, with its command record: what the command would save."""
        ctx = self._context()
        token = current_context.set(ctx.resolved(self.app.clock()))
        try:
            built = build()
            record = accepted(ctx.command_id, name, built[0].id)
        finally:
            current_context.reset(token)
        return [*built, record]

    def _person(self, skill: str) -> Callable[[], list[MobilizeAggregate]]:
        def build() -> list[MobilizeAggregate]:
            person = Person.register(f"Volunteer {self.serial}", ["volunteer"], self.sites[0][1])
            person.certify(skill, self.shift_start + timedelta(days=365))
            return [person]
        return build

    def units(self, count: int) -> list[Unit]:
        """Seed `count` units of work (two shift units to one dispatch unit) and return them in that mix."""
        units: list[Unit] = []
        pending: list[MobilizeAggregate] = []
        start, end = self.shift_start, self.shift_start + timedelta(hours=8)
        for number in range(count):
            site, grid = self.sites[number % SITES]
            if number % 3 == 2:
                person = self._recorded("register_person", self._person("marshal"))
                pending += person
                units.append(_dispatch_unit(person[0].id, self.incident, site))
            else:
                post = list(POSTS)[number % 3]
                person = self._recorded("register_person", self._person(post))
                shift = self._recorded("schedule_shift", functools.partial(
                    _scheduled, site, self.incident, grid, 1 + number % LANES, post, start, end))
                pending += person + shift
                units.append(_shift_unit(shift[0].id, person[0].id, start, end))
            if len(pending) >= 1_000:
                self.app.save(*pending)
                pending.clear()
        if pending:
            self.app.save(*pending)
        return units

    def log_size(self) -> int:
        """The log's last position."""
        return self.app.recorder.max_notification_id() or 0

    def close(self) -> None:
        """Let go of the store."""
        self.app.close()


def _scheduled(site: UUID, incident: UUID, grid: UUID, lane: int, post: str, start: datetime,
               end: datetime) -> list[MobilizeAggregate]:
    return [Shift.schedule(site, incident, grid, lane, post, post, start, end)]


def _shift_unit(shift: UUID, person: UUID, start: datetime, end: datetime) -> Unit:
    return Unit([
        Command(f"/api/shifts/{shift}/assignments", {"person_id": str(person)}),
        Command(f"/api/shifts/{shift}/check-in", {"person_id": str(person),
                                                  "occurred_at": (start - timedelta(minutes=5)).isoformat()}),
        Command(f"/api/shifts/{shift}/check-out", {"person_id": str(person),
                                                   "occurred_at": (end + timedelta(minutes=2)).isoformat()}),
    ], "shift")


def _dispatch_unit(person: UUID, incident: UUID, site: UUID) -> Unit:
    body = {"subject_kind": "person", "subject_id": str(person), "incident_id": str(incident),
            "task": "keep order at the site queue", "site_id": str(site)}
    return Unit([Command("/api/dispatches", body)] + [
        Command(f"/api/dispatches/{{id}}/{step}", {}) for step in ("acknowledge", "set-out", "arrive", "release")
    ], "dispatch")


# --- the clients -----------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What a load run did."""

    commands: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    exhausted: bool = False

    @property
    def rate(self) -> float:
        """Accepted commands per second."""
        return self.commands / self.seconds if self.seconds else 0.0


class Client:
    """One operator's keep-alive HTTP connection (stdlib http.client: the lightest client on a 2-core box,
    so that the load generator takes as little CPU from the server as possible)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST a command with a fresh Idempotency-Key; returns the status and the JSON answer."""
        payload = json.dumps(body).encode()
        headers = {**self.headers, "Idempotency-Key": uuid4().hex}
        for attempt in (1, 2):
            try:
                self.connection.request("POST", path, body=payload, headers=headers)
                response = self.connection.getresponse()
                return response.status, json.loads(response.read() or b"{}")
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


class Pace:
    """Tickets for commands at a steady rate (None: as fast as the server answers)."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.lock = threading.Lock()
        self.issued = 0
        self.start = time.perf_counter()

    def wait(self, deadline: float) -> bool:
        """Wait for this command's turn; False when its turn would come after the deadline."""
        if self.rate is None:
            return time.perf_counter() < deadline
        with self.lock:
            due = self.start + self.issued / self.rate
            self.issued += 1
        if due >= deadline:
            return False
        time.sleep(max(0.0, due - time.perf_counter()))
        return True


def drive(port: int, token: str, units: list[Unit], clients: int, seconds: float, rate: float | None = None) -> Outcome:
    """Give the units' commands from `clients` threads for `seconds` (at `rate` commands/s if given)."""
    outcome = Outcome()
    lock = threading.Lock()
    queue: Iterator[Unit] = iter(units)
    ready = threading.Barrier(clients + 1)
    pace = Pace(rate)
    deadline = 0.0

    def operator() -> None:
        client = Client(port, token)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        ready.wait()
        while time.perf_counter() < deadline:
            with lock:
                unit = next(queue, None)
            if unit is None:
                outcome.exhausted = True
                break
            result = ""
            for command in unit.commands:
                if not pace.wait(deadline):
                    break
                path = command.path.replace("{id}", result)
                began = time.perf_counter()
                try:
                    status, answer = client.post(path, command.body)
                except (OSError, http.client.HTTPException):  # broke twice: status 0, the unit abandoned
                    status, answer = 0, {}
                done = time.perf_counter()
                statuses[status] = statuses.get(status, 0) + 1
                if status not in (200, 201):
                    break
                latencies.append((done - began) * 1000)
                result = result or str(answer.get("id", ""))
        client.close()
        with lock:
            outcome.latencies_ms.extend(latencies)
            for status, count in statuses.items():
                outcome.statuses[status] = outcome.statuses.get(status, 0) + count

    threads = [threading.Thread(target=operator, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    pace.start = began
    ready.wait()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - began
    outcome.commands = len(outcome.latencies_ms)
    return outcome
