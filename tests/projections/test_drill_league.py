"""The drill league table: grids and communities ranked by muster times across drills, drills only."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from mobilize.projections.drill_musters import league, musters
from mobilize.projections.readiness import Readiness, mobilization_times
from tests.conftest import T0, World
from tests.projections.scenario import caught_up

MINUTE = timedelta(minutes=1)


def people(world: World, grid: UUID, count: int) -> list[UUID]:
    return [world.do("register_person", f"P{i} of {grid.hex[:4]}", ["volunteer"], grid) for i in range(count)]


def test_grids_and_communities_are_ranked_by_median_muster_minutes_across_drills(world: World, store: str) -> None:
    qinghu = world.do("establish_unit", "Qinghu Community", "community", world.street)
    qinghu_grid = world.do("establish_unit", "Qinghu Grid 1", "grid", qinghu)
    ones, twos, threes = people(world, world.grid, 2), people(world, world.other_grid, 2), people(world, qinghu_grid, 1)
    leader = ones[0]
    force = world.do("form_task_force", "Grid 1 action team", "cooperative_grid", world.grid, leader, "flag 1")
    first, second = world.incident(exercise=True), world.incident(exercise=True)
    real = world.incident()
    for number, (drill, minutes) in enumerate(((first, (10, 20, 5, 30, 8)), (second, (12, 14, 6, 40, 9)))):
        at = T0 + number * timedelta(days=7)
        call_up = world.do("call_up_drill", drill, world.street, "Junhe square", at=at)
        for person, m in zip([*ones, *twos, *threes], minutes, strict=True):
            world.do("muster", call_up, person, at=at + m * MINUTE)
    for incident, called, minutes in ((first, T0, 15), (real, T0 + timedelta(days=1), 90)):
        order = world.do("dispatch", "task_force", force, incident, "muster at the square", at=called)
        for step in ("acknowledge_dispatch", "set_out"):
            world.do(step, order, at=called + MINUTE)
        world.do("arrive_on_scene", order, at=called + minutes * MINUTE)
        world.do("release_dispatch", order, at=called + 2 * minutes * MINUTE)

    views = caught_up(world, store, Readiness())
    grids = league(views)
    communities = league(views, "community")

    assert [(r["rank"], r["unit"], r["drills"], r["mustered"], r["median_minutes"]) for r in grids] == [
        (1, "Qinghu Grid 1", 2, 2, 8.5), (2, "Shimaqiao Grid 1", 2, 4, 13.0), (3, "Shimaqiao Grid 2", 2, 4, 18.0)]
    assert (grids[1]["task_forces_mustered"], grids[1]["task_force_median_minutes"]) == (1, 15.0)  # not the 90
    assert [(r["unit"], r["mustered"], r["median_minutes"]) for r in communities] == [
        ("Qinghu Community", 2, 8.5), ("Shimaqiao Community", 8, 13.0)]
    assert [r["rank"] for r in league(views, incident_id=second)] == [1, 2, 3]
    assert [r["minutes"] for r in musters(views, first)][:2] == [5.0, 8.0]
    assert [t["minutes"] for t in mobilization_times(views)] == [15.0]
    views.close()


def test_the_league_prints_by_grid_and_by_community(tmp_path, capsys) -> None:
    from mobilize.application import Mobilize
    from mobilize.cli.main import main
    from mobilize.settings import store_env

    store = f"sqlite:///{tmp_path / 'events.db'}"
    world = World(Mobilize(env=store_env(store)))
    li = people(world, world.grid, 1)[0]
    call_up = world.do("call_up_drill", world.incident(exercise=True), world.street, "square", at=T0)
    world.do("muster", call_up, li, at=T0 + 12 * MINUTE)

    assert main(["--store", store, "drill-league"]) == 0
    out = capsys.readouterr().out
    assert "Drill league by grid" in out and "Drill league by community" in out
    assert "1     Shimaqiao Grid 1  1       1         12" in out
