"""The peace view: the action day report, requests and their escalations, the hazard register, the share
resolved in the grid; equal to a rebuild, and replayable as of any moment."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobilize.application import Mobilize
from mobilize.projections import peace_reports
from mobilize.projections.base import Runner
from mobilize.projections.peace import PeaceWork, week_of
from mobilize.projections.replay import replay
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import World
from tests.projections.peace_week import DAY, MONDAY, WEEK, PeaceWeek
from tests.projections.scenario import caught_up, dump


def test_the_action_day_report_counts_visits_against_plan_requests_hazards_and_wishes(world: World, store: str) -> None:
    week = PeaceWeek(world)
    week.monday()

    views = caught_up(world, store, PeaceWork())
    grid, other = peace_reports.action_day(views, WEEK)

    assert week_of(MONDAY) == WEEK
    assert (grid["grid"], grid["community"]) == ("Shimaqiao Grid 1", "Shimaqiao Community")
    assert {k: v for k, v in grid.items() if k not in ("grid_id", "grid", "community", "week")} == {
        "households_planned": 4, "households_visited": 2, "visits": 4, "walk_ins": 1, "requests_opened": 2,
        "requests_resolved": 1, "requests_escalated": 1, "hazards_found": 1, "hazards_rectified": 1,
        "hazards_open": 0, "wishes_registered": 1, "wishes_fulfilled": 1}
    assert other["households_planned"] == other["visits"] == 0
    assert peace_reports.action_day(views, "2026-W10")[0]["visits"] == 0
    views.close()


def test_requests_that_left_the_grid_say_why_and_overdue_ones_surface(world: World, store: str) -> None:
    week = PeaceWeek(world)
    week.monday()
    views = caught_up(world, store, PeaceWork())

    [left] = peace_reports.escalations(views, WEEK)
    assert (left["grid"], left["from_level"], left["to_level"], left["unit"], left["reason"], left["actor"]) == (
        "Shimaqiao Grid 1", "grid", "community", "Shimaqiao Community", "needs the housing office's budget",
        "operator:li")
    [still_open] = peace_reports.requests(views, week.at(24))
    assert (still_open["level"], still_open["unit"], still_open["overdue"]) == ("community", "Shimaqiao Community",
                                                                                False)
    assert peace_reports.requests(views, week.at(24), overdue_only=True) == []
    assert [r["request_id"] for r in peace_reports.requests(views, week.at(24) + 2 * DAY, overdue_only=True)] == [
        week.requests[1]]
    rates = {r["grid"]: (r["resolved"], r["resolved_in_grid"], r["escalated"], r["rate"])
             for r in peace_reports.resolved_in_grid(views)}
    assert rates == {"Shimaqiao Grid 1": (1, 1, 1, 1.0), "Shimaqiao Grid 2": (0, 0, 0, None)}
    views.close()


def test_the_hazard_register_shows_who_rectified_who_verified_and_what_is_overdue(world: World, store: str) -> None:
    week = PeaceWeek(world)
    week.monday()
    late = world.do("report_hazard", world.grid, "gas", "Building 3 kitchen", week.workers[0], at=week.at(6))
    world.do("order_rectification", late, week.workers[1], week.at(10), at=week.at(7))
    views = caught_up(world, store, PeaceWork())

    register = {row["hazard_id"]: row for row in peace_reports.hazards(views, week.at(12))}
    done = register[week.hazards[0]]
    assert (done["state"], done["rectifier_id"], done["verifier_id"], done["overdue"]) == (
        "verified", week.workers[1], week.workers[0], False)
    assert (register[late]["state"], register[late]["overdue"]) == ("ordered", True)
    assert [r["hazard_id"] for r in peace_reports.hazards(views, week.at(12), open_only=True)] == [late]
    views.close()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(5, 50))
def test_the_reports_live_equal_the_reports_of_a_rebuild(seed: int, steps: int) -> None:
    app = Mobilize(env=store_env("memory:"))
    views = ViewStore.for_store("memory:")
    runner = Runner(app, views, PeaceWork(), batch=5)
    week = PeaceWeek(World(app))

    week.play(random.Random(seed), steps, after_each=runner.catch_up)
    now = week.at(steps)
    live = (peace_reports.action_day(views, WEEK), peace_reports.requests(views, now),
            peace_reports.escalations(views), peace_reports.hazards(views, now), peace_reports.resolved_in_grid(views))
    tables = dump(views, runner.projection)
    runner.rebuild()

    assert dump(views, runner.projection) == tables
    assert (peace_reports.action_day(views, WEEK), peace_reports.requests(views, now),
            peace_reports.escalations(views), peace_reports.hazards(views, now),
            peace_reports.resolved_in_grid(views)) == live


def test_the_action_day_report_replayed_as_of_monday_noon_is_what_it_showed_then(world: World, store: str) -> None:
    week = PeaceWeek(world)
    views = ViewStore.for_store(store)
    runner = Runner(world.app, views, PeaceWork())
    week.monday()
    runner.catch_up()
    then = world.log_size()
    shown_then = peace_reports.action_day(views, WEEK)

    week.play(random.Random(5), 30, after_each=runner.catch_up)

    assert world.log_size() > then and peace_reports.action_day(views, WEEK) != shown_then
    assert peace_reports.action_day(replay(world.app, "peace", then), WEEK) == shown_then
    views.close()
