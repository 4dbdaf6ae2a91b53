"""The demo's peace week: Monday's grid action day over the whole street, a hazard sweep, small wishes.

Every grid plans and makes its scheduled visits (first secretary + grid leader + grid worker, 定时走访);
residents walk in; a few requests are raised and resolved in the grid, one goes up to the community and
one is left overdue; Deqing's sweep finds nine self-built-house hazards and all are rectified and verified.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from mobilize.demo.desk import Desk
from mobilize.demo.street import HOME_UNITS, Grid, Street
from mobilize.progress import Progress

HOUR = timedelta(hours=1)
HOUSEHOLDS_PER_GRID = 3
WISHES = ("a school bag for her grandson", "a ride to the clinic every month", "a wheelchair",
          "new glasses", "a winter quilt", "help to fill in the pension form")


@dataclass
class PeaceWeek:
    """What the week left behind, for the drill and the summary."""

    monday: date
    homes: dict[UUID, list[UUID]] = field(default_factory=dict)
    """Households registered, by grid."""
    escalated: list[UUID] = field(default_factory=list)


def run_peace_week(desk: Desk, rng: random.Random, street: Street, monday: datetime) -> PeaceWeek:
    """Play the action day (Monday 09:00 CST onward) and the rest of the week's follow-ups."""
    week = PeaceWeek(monday.date())
    desk.at(monday - 2 * HOUR)
    desk.do("set_peace_policy", street.id, 12, 11, reason="street duty rules for peace time")
    progress = Progress("the grid action day", len(street.grids))
    visits: list[tuple[Grid, UUID]] = []
    for number, grid in enumerate(street.grids):
        visits += _action_day(desk, rng, week, grid, monday + (number % 8) * 0.5 * HOUR)
        progress.advance()
    progress.finish()
    _requests(desk, rng, week, street, visits, monday)
    _hazard_sweep(desk, street, monday)
    _wishes(desk, rng, street, monday)
    return week


def worker(grid: Grid) -> UUID:
    """The grid's first full-time grid worker."""
    return grid.members["grid_worker_full_time"][0]


def _action_day(desk: Desk, rng: random.Random, week: PeaceWeek, grid: Grid, at: datetime) -> list[tuple[Grid, UUID]]:
    desk.at(at - 24 * HOUR)
    visitors = [*grid.leaders, worker(grid)]  # "first secretary + grid leader + grid worker"
    homes = []
    for n in range(HOUSEHOLDS_PER_GRID):
        flags = [flag for flag, odds in (("elderly_alone", 0.3), ("low_income", 0.15), ("disability", 0.1))
                 if rng.random() < odds]
        home = desk.do("register_household", grid.id, f"{n + 1}-{rng.randint(1, 6)}0{rng.randint(1, 4)}, "
                       f"{grid.name}", care_flags=flags)
        if home is not None:
            homes.append(home)
            desk.do("plan_visits", grid.id, week.monday, home, visitors, theme="visiting residents")
    week.homes[grid.id] = homes
    visits = []
    for n, home in enumerate(homes):
        outcome = "met" if rng.random() < 0.85 else "not_at_home"
        visit = desk.at(at + n * HOUR).do("record_visit", grid.id, "scheduled", visitors, outcome, household_id=home,
                                          day=week.monday)
        if visit is not None and outcome == "met":
            visits.append((grid, visit))
    return visits


def _requests(desk: Desk, rng: random.Random, week: PeaceWeek, street: Street, visits: list[tuple[Grid, UUID]],
              monday: datetime) -> None:
    """Eight requests from visits and walk-ins: resolved in the grid, but one escalated and one overdue."""
    raised: list[tuple[Grid, UUID]] = []
    for grid, visit in rng.sample(visits, 6):
        raised.append((grid, visit))
    for grid in street.grids[10:12]:
        walk_in = desk.at(monday + 3 * HOUR).do("record_visit", grid.id, "walk_in", [worker(grid)], "met",
                                                observations="came to the grid office")
        if walk_in is not None:
            raised.append((grid, walk_in))
    categories = ("social_assistance", "health", "elderly_care", "environment", "dispute", "housing")
    outsider, first = street.grids[1].members["dual_registered_party_member"][0], street.grids[0]
    for order in (None, "the grid leader sent a sunk-down member: the grid's worker is at the clinic"):
        desk.at(monday + 4 * HOUR).do("record_visit", first.id, "when_needed", [outsider], "met",
                                      household_id=week.homes[first.id][0], outside_grid_order=order)
        # the first is refused: a visitor from another grid goes on the plan's order or a named one
    for index, (grid, visit) in enumerate(raised):
        category = "housing" if index == 0 else categories[index % len(categories)]
        at = monday + (4 + index) * HOUR
        request = desk.at(at).do("register_request", visit, category, f"request {index + 1} of the action day",
                                 at + 72 * HOUR)
        if request is None:
            continue
        if index == 0:
            desk.at(at + 2 * HOUR).do("escalate_request", request,
                                      reason="roof repair needs the housing office's budget, beyond the grid")
            week.escalated.append(request)
            desk.at(at + 50 * HOUR).do("resolve_request", request, grid.leaders[0],
                                       "housing office repaired the roof")
            continue
        desk.do("assign_request", request, worker(grid))
        if index == len(raised) - 1:
            continue  # left open past its due time: the overdue list shows it
        desk.at(at + rng.randint(4, 48) * HOUR).do("resolve_request", request, worker(grid), "resolved in the grid")


def _hazard_sweep(desk: Desk, street: Street, monday: datetime) -> None:
    """Deqing's sweep of self-built and rented houses: nine hazards, all rectified and verified by someone else."""
    for index, grid in enumerate(street.grids[:9]):
        at = monday + (2 + index) * HOUR
        owner = grid.members["building_leader"][0]
        hazard = desk.at(at).do("report_hazard", grid.id, "self_built_house", f"back lane house {index + 1}, "
                                f"{grid.name}", worker(grid), description="cracked load-bearing wall")
        if hazard is None:
            continue
        desk.do("order_rectification", hazard, owner, at + 96 * HOUR)
        desk.at(at + 48 * HOUR).do("rectify_hazard", hazard, owner, "wall shored up and tie rods fitted")
        if index == 0:
            desk.do("verify_hazard", hazard, owner)  # refused: the rectifier cannot verify
        desk.at(at + 52 * HOUR).do("verify_hazard", hazard, worker(grid))


def _wishes(desk: Desk, rng: random.Random, street: Street, monday: datetime) -> None:
    for index, grid in enumerate(street.grids[20:30]):
        desk.at(monday + (index + 1) * HOUR)
        wish = desk.do("register_wish", grid.id, WISHES[index % len(WISHES)])
        if wish is None or index >= 8:
            continue
        if index % 2:
            desk.do("claim_wish", wish, unit=rng.choice(HOME_UNITS))
        else:
            desk.do("claim_wish", wish, grid.members["dual_registered_party_member"][0])
        if index < 6:
            desk.at(monday + (index + 30) * HOUR).do("fulfil_wish", wish, "delivered")
