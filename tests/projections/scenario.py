"""A small drive for read-side tests: a menu of commands over one world, and the views' contents."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from mobilize.domain.base import DomainError
from mobilize.projections.base import Projection, Runner
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)


def caught_up(world: World, store: str, projection: Projection) -> ViewStore:
    """The view store of `store` with `projection` applied to the whole log."""
    views = ViewStore.for_store(store)
    Runner(world.app, views, projection).catch_up()
    return views


def dump(views: ViewStore, projection: Projection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a view, in a stable order."""
    return {table: sorted(views.query(f"SELECT * FROM {table}"), key=repr) for table in projection.drops}


class SmallDrive:
    """A street in war, a site with shifts, a few people and a task force, and the moves an operator makes."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.incident = world.incident()
        self.drill = world.incident(exercise=True)
        world.war(self.incident, max_shift_hours=8, min_rest_hours=8)
        self.site = world.open_site(self.incident)
        self.people = [world.person(f"Person {i}", ("sampler", "registrar", "marshal", "driver")) for i in range(4)]
        self.shifts = [world.shift(self.site, T0 + start * HOUR, hours=8, post=post, lane=lane)
                       for start in (0, 8, 16) for post in ("sampler", "registrar") for lane in (1, 2)]
        self.team = world.do("form_task_force", "Union team", "union", world.community, self.people[0], "Flag 2")
        self.orders: list[Any] = []

    def moves(self) -> list[Callable[[random.Random], Any]]:
        """What an operator may do next; each move may be refused, as in life."""
        return [self.assign, self.assign, self.check_in, self.check_out, self.no_show, self.unassign,
                self.dispatch, self.advance_dispatch, self.enlist, self.tally]

    def play(self, rng: random.Random, steps: int, after_each: Callable[[], None] = lambda: None) -> int:
        """Make `steps` random moves; returns how many were accepted."""
        accepted = 0
        moves = self.moves()
        for _ in range(steps):
            try:
                rng.choice(moves)(rng)
                accepted += 1
            except DomainError:
                pass
            after_each()
        return accepted

    def _at(self, shift_index: int, minutes: int) -> Any:
        return T0 + (shift_index // 4) * 8 * HOUR + minutes * MINUTE

    def assign(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.shifts))
        self.world.do("assign_to_shift", self.shifts[index], rng.choice(self.people),
                      override_reason=rng.choice([None, "short of hands"]))

    def check_in(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.shifts))
        self.world.do("check_in", self.shifts[index], rng.choice(self.people), at=self._at(index, rng.randint(-20, 30)))

    def check_out(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.shifts))
        self.world.do("check_out", self.shifts[index], rng.choice(self.people), at=self._at(index, 480))

    def no_show(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.shifts))
        self.world.do("record_no_show", self.shifts[index], rng.choice(self.people), at=self._at(index, 15))

    def unassign(self, rng: random.Random) -> None:
        self.world.do("unassign_from_shift", rng.choice(self.shifts), rng.choice(self.people))

    def dispatch(self, rng: random.Random) -> None:
        kind, subject = rng.choice([("person", rng.choice(self.people)), ("task_force", self.team)])
        self.orders.append(self.world.do("dispatch", kind, subject, rng.choice([self.incident, self.drill]),
                                         "keep order", at=T0 + rng.randint(0, 20) * HOUR))

    def advance_dispatch(self, rng: random.Random) -> None:
        if not self.orders:
            raise _Nothing("no dispatch yet")
        step = rng.choice(["acknowledge_dispatch", "set_out", "arrive_on_scene", "release_dispatch",
                           "decline_dispatch", "recall_dispatch"])
        self.world.do(step, rng.choice(self.orders),
                      ctx=self.world.ctx(at=T0 + rng.randint(0, 22) * HOUR, reason="changed plans"))

    def enlist(self, rng: random.Random) -> None:
        self.world.do("enlist", self.team, rng.choice(self.people))

    def tally(self, rng: random.Random) -> None:
        self.world.do("report_tally", self.site, T0 + rng.randint(0, 23) * HOUR, rng.randint(0, 400))


class _Nothing(DomainError):
    """Raised when a move has nothing to act on yet."""
