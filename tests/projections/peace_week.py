"""A peace week for read-side tests: Monday's plan and visits, requests (one escalated), a hazard, wishes; and a
menu of random peace-time moves for property tests."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from mobilize.domain.base import DomainError
from tests.conftest import HOUR, World

MONDAY = date(2026, 2, 23)
"""The action day: a Monday in China (the week 2026-W09), a week before the drive of the other scenarios."""
DAY = 24 * HOUR
START = datetime.fromisoformat("2026-02-23T09:00:00+08:00")
WEEK = "2026-W09"


class PeaceWeek:
    """Two grids, a few households and grid workers, and what an action day does with them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.workers = [world.do("register_person", f"Worker {i}", ["grid_worker_full_time"], grid, at=START)
                        for i, grid in enumerate((world.grid, world.grid, world.other_grid))]
        self.homes = [world.do("register_household", world.grid, f"{i}-101 Shimaqiao Road", at=START,
                               care_flags=["elderly_alone"] if i % 2 else []) for i in range(4)]
        self.requests: list[UUID] = []
        self.hazards: list[UUID] = []
        self.wishes: list[UUID] = []
        self.visits: list[UUID] = []

    def at(self, hours: float) -> datetime:
        return START + hours * HOUR

    def monday(self) -> None:
        """Plan four households, visit three of them, one walk-in; two requests (one escalated), a hazard."""
        w, li, zhou = self.world, self.workers[0], self.workers[1]
        for home in self.homes:
            w.do("plan_visits", w.grid, MONDAY, home, [li], theme="visiting residents", at=self.at(0))
        for i, home in enumerate(self.homes[:3]):
            self.visits.append(w.do("record_visit", w.grid, "scheduled", [li], "met" if i < 2 else "not_at_home",
                                    household_id=home, day=MONDAY, at=self.at(1 + i)))
        walk_in = w.do("record_visit", w.grid, "walk_in", [zhou], "met", at=self.at(5))
        medicine = w.do("register_request", self.visits[0], "social_assistance", "medicine", self.at(72),
                        at=self.at(1.5))
        roof = w.do("register_request", walk_in, "housing", "roof leaks", self.at(48), at=self.at(5.5))
        w.do("assign_request", medicine, li, at=self.at(2))
        w.do("resolve_request", medicine, li, "a company donated four months of her medicine", at=self.at(30))
        w.do("escalate_request", roof, ctx=w.ctx(self.at(6), reason="needs the housing office's budget"))
        self.requests += [medicine, roof]
        hazard = w.do("report_hazard", w.grid, "self_built_house", "No. 12 back lane", li, at=self.at(3))
        w.do("order_rectification", hazard, zhou, self.at(96), at=self.at(4))
        w.do("rectify_hazard", hazard, zhou, "wall shored up", at=self.at(50))
        w.do("verify_hazard", hazard, li, at=self.at(52))
        self.hazards.append(hazard)
        wish = w.do("register_wish", w.grid, "a school bag", at=self.at(2))
        w.do("claim_wish", wish, unit="District Tax Bureau", at=self.at(3))
        w.do("fulfil_wish", wish, at=self.at(28))
        self.wishes.append(wish)

    def moves(self) -> list[Callable[[random.Random], Any]]:
        return [self.visit, self.request, self.escalate, self.resolve, self.hazard, self.rectify, self.wish]

    def play(self, rng: random.Random, steps: int, after_each: Callable[[], None] = lambda: None) -> None:
        """Random moves (refusals included: they must change nothing), each followed by `after_each`."""
        for step in range(steps):
            self.step = step
            with contextlib.suppress(DomainError):
                rng.choice(self.moves())(rng)
            after_each()

    def _when(self) -> datetime:
        return self.at(self.step)

    def visit(self, rng: random.Random) -> None:
        home = rng.choice(self.homes)
        if rng.random() < 0.5:
            self.world.do("plan_visits", self.world.grid, MONDAY, home, [self.workers[0]], at=self._when())
        self.visits.append(self.world.do("record_visit", self.world.grid, rng.choice(["scheduled", "when_needed"]),
                                         [self.workers[0]], rng.choice(["met", "not_at_home"]), household_id=home,
                                         day=MONDAY, at=self._when()))

    def request(self, rng: random.Random) -> None:
        if self.visits:
            self.requests.append(self.world.do("register_request", rng.choice(self.visits), "health", "check-up",
                                               self._when() + rng.choice([2, 30]) * HOUR, at=self._when()))

    def escalate(self, rng: random.Random) -> None:
        if self.requests:
            self.world.do("escalate_request", rng.choice(self.requests),
                          ctx=self.world.ctx(self._when(), reason="beyond the grid"))

    def resolve(self, rng: random.Random) -> None:
        if self.requests:
            self.world.do("resolve_request", rng.choice(self.requests), rng.choice(self.workers), "done",
                          at=self._when())

    def hazard(self, rng: random.Random) -> None:
        self.hazards.append(self.world.do("report_hazard", self.world.grid, "fire", "stairwell", self.workers[0],
                                          at=self._when()))

    def rectify(self, rng: random.Random) -> None:
        if not self.hazards:
            return
        hazard = rng.choice(self.hazards)
        move = rng.randrange(3)
        if move == 0:
            self.world.do("order_rectification", hazard, self.workers[1], self._when() + 10 * HOUR, at=self._when())
        elif move == 1:
            self.world.do("rectify_hazard", hazard, self.workers[1], at=self._when())
        else:
            self.world.do("verify_hazard", hazard, rng.choice(self.workers), passed=rng.random() < 0.7,
                          at=self._when())

    def wish(self, rng: random.Random) -> None:
        if not self.wishes or rng.random() < 0.3:
            self.wishes.append(self.world.do("register_wish", self.world.grid, "a wheelchair", at=self._when()))
            return
        wish = rng.choice(self.wishes)
        if rng.random() < 0.5:
            self.world.do("claim_wish", wish, self.workers[2], at=self._when())
        else:
            self.world.do("fulfil_wish", wish, at=self._when())
