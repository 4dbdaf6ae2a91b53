"""Scenarios: the readiness board follows switches, people, qualifications and task forces; drills are timed apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from mobilize.projections.base import Runner
from mobilize.projections.readiness import Readiness, board, mobilization_times
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)


@pytest.fixture
def views(store: str) -> Iterator[ViewStore]:
    """The view database that goes with the scenario's store."""
    view_store = ViewStore.for_store(store)
    yield view_store
    view_store.close()


def caught_up(world: World, views: ViewStore) -> ViewStore:
    """The views with every event of the log applied."""
    Runner(world.app, views, Readiness()).catch_up()
    return views


def row(views: ViewStore, unit: UUID, now: Any = T0) -> dict[str, Any]:
    """The board row of one unit."""
    return next(r for r in board(views, now, unit) if r["unit"] == unit)


def task_force(world: World, name: str, unit: UUID | None = None) -> UUID:
    """A task force under `unit` (the grid by default), led by a new volunteer."""
    leader = world.person(f"Leader of {name}", ("marshal",), ("volunteer",))
    return world.do("form_task_force", name, "cooperative_grid", unit or world.grid, leader, f"flag of {name}")


def muster(world: World, dispatch: UUID, at: Any) -> None:
    """Acknowledge, set out and arrive on scene at `at`."""
    for step in ("acknowledge_dispatch", "set_out"):
        world.do(step, dispatch, at=at - MINUTE)
    world.do("arrive_on_scene", dispatch, at=at)


def test_a_grid_is_in_war_through_its_streets_switch_and_back_in_peace_after_stand_down(
        world: World, views: ViewStore) -> None:
    incident = world.incident()
    world.do("switch_to_war", world.street, incident, ["coordination"], max_shift_hours=8, min_rest_hours=8, at=T0)

    grid = row(caught_up(world, views), world.grid, T0 + HOUR)
    assert (grid["mode"], grid["since"], grid["incidents"], grid["exercises"]) == ("war", T0, [incident], [])
    assert [r["name"] for r in board(views, T0, world.community)] == [
        "Shimaqiao Community", "Shimaqiao Grid 1", "Shimaqiao Grid 2"]
    assert {r["mode"] for r in board(views, T0)} == {"war"}

    world.do("stand_down", world.street, incident, at=T0 + 5 * HOUR)

    grid = row(caught_up(world, views), world.grid, T0 + 6 * HOUR)
    assert (grid["mode"], grid["since"], grid["incidents"]) == ("peace", T0 + 5 * HOUR, [])
    assert list(grid) == ["unit", "name", "kind", "parent", "mode", "exercise", "since", "incidents", "exercises",
                          "available", "task_forces_ready", "task_forces_total"]


def test_unavailable_people_and_expired_or_revoked_qualifications_are_not_counted(
        world: World, views: ViewStore) -> None:
    world.person("Chen Jing", ("sampler", "registrar"))
    world.person("Expiring Soon", ("sampler",), valid_for=HOUR)
    on_leave, revoked = world.person("On Leave", ("sampler",)), world.person("Revoked", ("sampler", "driver"))
    world.do("set_availability", on_leave, "on_leave")
    world.do("revoke_qualification", revoked, "sampler")

    caught_up(world, views)

    assert row(views, world.grid, T0)["available"] == {"driver": 1, "registrar": 1, "sampler": 2}
    assert row(views, world.grid, T0 + 2 * HOUR)["available"] == {"driver": 1, "registrar": 1, "sampler": 1}
    assert row(views, world.street, T0 + 2 * HOUR)["available"] == {"driver": 1, "registrar": 1, "sampler": 1}
    assert row(views, world.other_grid)["available"] == {}


def test_a_task_force_on_a_dispatch_is_not_ready_until_it_is_released(world: World, views: ViewStore) -> None:
    incident = world.incident()
    first, second = task_force(world, "Junhe Team 1"), task_force(world, "Junhe Team 2")
    task_force(world, "Street Team", world.street)
    order = world.do("dispatch", "task_force", first, incident, "guard the quarantine hotel")

    caught_up(world, views)
    assert [(r["task_forces_ready"], r["task_forces_total"]) for r in board(views, T0)] == [(2, 3), (1, 2), (1, 2),
                                                                                           (0, 0)]

    world.do("recall_dispatch", order, ctx=world.ctx(reason="needed for a transfer"))
    world.do("disband_task_force", second)

    grid = row(caught_up(world, views), world.grid)
    assert (grid["task_forces_ready"], grid["task_forces_total"]) == (1, 1)


def test_a_drill_is_timed_from_call_up_to_muster_and_never_counted_with_real_incidents(
        world: World, views: ViewStore) -> None:
    drill, real = world.incident(exercise=True), world.incident()
    world.do("switch_to_war", world.street, drill, ["coordination"], max_shift_hours=8, min_rest_hours=8, at=T0)
    world.do("switch_to_war", world.grid, real, ["sampling"], max_shift_hours=8, min_rest_hours=8, at=T0 + HOUR)
    fast, slow, busy = (task_force(world, name) for name in ("Fast Team", "Slow Team", "Busy Team"))
    fast_order = world.do("dispatch", "task_force", fast, drill, "muster at the square", at=T0)
    world.do("dispatch", "task_force", slow, drill, "muster at the square", at=T0 + 10 * MINUTE)
    world.do("dispatch", "task_force", busy, real, "transfer people to isolation", at=T0 + HOUR)
    muster(world, fast_order, T0 + 95 * MINUTE)

    caught_up(world, views)

    times = mobilization_times(views)
    assert [(t["name"], t["called_up_at"], t["mustered_at"], t["minutes"]) for t in times] == [
        ("Fast Team", T0, T0 + 95 * MINUTE, 95.0), ("Slow Team", T0 + 10 * MINUTE, None, None)]
    assert (times[0]["incident"], times[0]["task_force"], times[0]["dispatch"]) == (drill, fast, fast_order)
    assert mobilization_times(views, drill) == times
    assert mobilization_times(views, real) == []
    street, grid = row(views, world.street), row(views, world.grid)
    assert (street["mode"], street["exercise"], street["incidents"], street["exercises"]) == ("war", True, [], [drill])
    assert (grid["mode"], grid["exercise"], grid["since"]) == ("war", False, T0 + HOUR)
    assert (grid["incidents"], grid["exercises"]) == ([real], [drill])


def test_rebuilding_from_zero_gives_the_same_board_as_catching_up_after_every_command(
        world: World, views: ViewStore, store: str) -> None:
    drill, real = world.incident(exercise=True), world.incident()
    people: list[UUID] = []
    teams: list[UUID] = []
    orders: list[UUID] = []
    steps: list[Callable[[], Any]] = [
        lambda: people.append(world.person("Chen Jing", ("sampler", "first_aid"))),
        lambda: people.append(world.person("Liang Bo", ("driver",), valid_for=2 * HOUR)),
        lambda: world.do("certify", people[0], "registrar", T0 + HOUR),
        lambda: world.do("revoke_qualification", people[0], "first_aid"),
        lambda: world.do("set_availability", people[1], "on_leave"),
        lambda: world.do("switch_to_war", world.community, drill, ["coordination"], max_shift_hours=8,
                         min_rest_hours=8, at=T0),
        lambda: world.do("switch_to_war", world.street, real, ["sampling"], max_shift_hours=8, min_rest_hours=8,
                         at=T0 + HOUR),
        lambda: teams.append(task_force(world, "Team 1")),
        lambda: teams.append(task_force(world, "Team 2", world.other_grid)),
        lambda: orders.append(world.do("dispatch", "task_force", teams[0], drill, "muster", at=T0 + 2 * HOUR)),
        lambda: muster(world, orders[0], T0 + 3 * HOUR),
        lambda: world.do("release_dispatch", orders[0], at=T0 + 4 * HOUR),
        lambda: world.do("dispatch", "task_force", teams[1], real, "guard the hotel", at=T0 + 4 * HOUR),
        lambda: world.do("stand_down", world.community, drill, at=T0 + 5 * HOUR),
    ]
    runner = Runner(world.app, views, Readiness(), batch=3)
    for step in steps:
        step()
        runner.catch_up()
    moments = (T0, T0 + 90 * MINUTE, T0 + 6 * HOUR)
    incremental = ([board(views, now) for now in moments], mobilization_times(views))

    fresh = ViewStore.for_store(store)
    try:
        Runner(world.app, fresh, Readiness()).rebuild()
        rebuilt = ([board(fresh, now) for now in moments], mobilization_times(fresh))
    finally:
        fresh.close()

    assert rebuilt == incremental
    assert incremental[1][0]["minutes"] == 60.0
