"""Scenarios: the directory follows the tree, incidents, sites, shifts, people and task forces; a rebuild from zero
gives what following the log gave."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from mobilize.cli.main import main
from mobilize.projections import directory_lists, directory_people, directory_tree
from mobilize.projections.base import Runner
from mobilize.projections.directory import Directory
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import SmallDrive, dump

YEAR = 365 * 24 * HOUR


@pytest.fixture
def views(store: str) -> Iterator[ViewStore]:
    """The view database that goes with the scenario's store."""
    view_store = ViewStore.for_store(store)
    yield view_store
    view_store.close()


def everything(views: ViewStore, now: datetime) -> dict[str, Any]:
    """What every read of the directory answers at `now`."""
    return {"tree": directory_tree.org_tree(views), "incidents": directory_lists.incidents(views),
            "sites": directory_lists.sites(views), "shifts": directory_lists.shifts(views, now),
            "people": directory_people.people(views, now), "task_forces": directory_people.task_forces(views)}


def unit(views: ViewStore, unit_id: UUID) -> dict[str, Any]:
    return next(u for u in directory_tree.units(views) if u["id"] == str(unit_id))


def test_rebuilding_from_zero_gives_what_catching_up_after_every_command_gave(world: World, views: ViewStore,
                                                                               store: str) -> None:
    made: dict[str, Any] = {}

    def keep(name: str, command: str, *args: Any, **kwargs: Any) -> Callable[[], None]:
        return lambda: made.__setitem__(name, world.do(command, *args, **kwargs))

    def do(command: str, *names: str, **kwargs: Any) -> Callable[[], Any]:
        return lambda: world.do(command, *(made.get(n, n) for n in names), **kwargs)

    steps: list[Callable[[], Any]] = [
        keep("real", "declare_incident", "Round 1", "mass_testing_drive", world.street),
        keep("drill", "declare_incident", "Drill", "mass_testing_drive", world.community, exercise=True),
        keep("leader", "register_person", "Leader", ["grid_leader"], world.grid, qualifications={"marshal": T0 + YEAR}),
        keep("deputy", "register_person", "Deputy", ["grid_leader"], world.grid, qualifications={"sampler": T0 + YEAR}),
        lambda: world.do("appoint_grid_leader", world.grid, "first_secretary", made["leader"]),
        lambda: world.do("appoint_grid_leader", world.grid, "first_secretary", made["deputy"]),
        lambda: world.do("switch_to_war", world.community, made["drill"], ["coordination"], max_shift_hours=10,
                         min_rest_hours=6),
        lambda: world.do("switch_to_war", world.street, made["real"], ["sampling"], max_shift_hours=8,
                         min_rest_hours=8),
        lambda: made.__setitem__("site", world.do("plan_testing_site", made["real"], world.grid, "Site 1", 1,
                                                  {"sampler": 2})),
        do("appoint_site_commander", "site", "leader"), do("open_site", "site"), do("pause_site", "site"),
        do("reopen_site", "site"),
        lambda: world.do("report_tally", made["site"], T0, 50), lambda: world.do("report_tally", made["site"], T0, 60),
        lambda: made.__setitem__("shift", world.shift(made["site"], T0, slots=2)),
        lambda: made.__setitem__("next", world.shift(made["site"], T0 + 16 * HOUR)),
        do("assign_to_shift", "shift", "deputy"), do("assign_to_shift", "next", "deputy"),
        do("unassign_from_shift", "next", "deputy"),
        lambda: world.do("check_in", made["shift"], made["deputy"], at=T0),
        lambda: world.do("check_out", made["shift"], made["deputy"], at=T0 + 8 * HOUR),
        do("escalate_incident", "real", level=2),
        do("revoke_qualification", "leader", "marshal"), do("set_availability", "leader", "on_leave"),
        lambda: made.__setitem__("team", world.do("form_task_force", "Team", "cooperative_grid", world.grid,
                                                  made["deputy"], "Flag")),
        do("enlist", "team", "leader"), do("set_up_temporary_branch", "team", "Branch", "deputy"),
        lambda: made.__setitem__("order", world.do("dispatch", "task_force", made["team"], made["real"], "guard")),
        do("discharge", "team", "leader"), do("dissolve_temporary_branch", "team"),
        do("stand_down", world.community, "drill"), do("close_incident", "drill"),
        do("recall_dispatch", "order", ctx=world.ctx(reason="not needed")), do("disband_task_force", "team"),
        do("close_site", "site"),
    ]
    runner = Runner(world.app, views, Directory(), batch=3)
    for step in steps:
        step()
        runner.catch_up()
    moments = (T0 + HOUR, T0 + 9 * HOUR, T0 + 20 * HOUR)
    live = [everything(views, now) for now in moments]
    rows = dump(views, runner.projection)

    fresh = ViewStore.for_store(store)
    try:
        rebuilt_runner = Runner(world.app, fresh, Directory())
        rebuilt_runner.rebuild()
        assert [everything(fresh, now) for now in moments] == live
        assert dump(fresh, rebuilt_runner.projection) == rows
    finally:
        fresh.close()

    grid = unit(views, world.grid)
    assert grid["leaders"] == [{"seat": "first_secretary", "person_id": str(made["deputy"]), "name": "Deputy"}]
    assert (grid["mode"], grid["inherited_from"], grid["policy"]) == ("war", str(world.street),
                                                                       {"max_shift_hours": 8, "min_rest_hours": 8})
    site = directory_lists.sites(views).items[0]
    assert (site["state"], site["samples_total"], site["commander_name"]) == ("closed", 60, "Leader")
    people = {p["name"]: p for p in directory_people.people(views, T0 + 9 * HOUR).items}
    assert people["Deputy"]["activity"] == "resting"  # eight hours' rest after a check-out at T0 + 8h
    assert (people["Leader"]["availability"], people["Leader"]["qualifications"]) == ("on_leave", [])
    team = directory_people.task_forces(views).items[0]
    assert (team["state"], team["branch"], team["member_count"]) == ("disbanded", None, 1)
    incidents = {i["title"]: (i["state"], i["level"], i["exercise"]) for i in directory_lists.incidents(views).items}
    assert incidents == {"Round 1": ("open", 2, False), "Drill": ("closed", 1, True)}


def test_a_drill_over_the_community_and_a_real_war_over_the_street_show_the_real_one_first(world: World,
                                                                                          views: ViewStore) -> None:
    drill = world.do("declare_incident", "Drill", "mass_testing_drive", world.community, exercise=True)
    world.do("switch_to_war", world.community, drill, ["coordination"], max_shift_hours=12, min_rest_hours=4, at=T0)
    Runner(world.app, views, Directory()).catch_up()
    grid = unit(views, world.grid)
    assert (grid["mode"], grid["exercise"], grid["incident_id"]) == ("war", True, str(drill))
    assert unit(views, world.street)["mode"] == "peace"

    real = world.incident()
    world.war(real)  # 8 hours at most, 8 hours' rest: stricter on the shift, stricter on the rest
    Runner(world.app, views, Directory()).catch_up()
    community = unit(views, world.community)
    assert (community["exercise"], community["incident_id"], community["inherited_from"]) == (False, str(real), None)
    assert community["policy"] == {"max_shift_hours": 8, "min_rest_hours": 8}
    assert community["working_groups"] == ["coordination", "sampling"]
    assert [w["unit_id"] for w in unit(views, world.grid)["wars"]] == [str(world.community), str(world.street)]


def test_projections_rebuild_directory_from_the_command_line(tmp_path: Any, capsys: pytest.CaptureFixture) -> None:
    from mobilize.application import Mobilize
    from mobilize.settings import store_env

    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    SmallDrive(World(app)).play(random.Random(5), 40)
    head = app.recorder.max_notification_id()

    assert main(["--store", store, "projections", "rebuild", "directory"]) == 0
    assert f"directory: rebuilt from zero, {head} events applied" in capsys.readouterr().out
    views = ViewStore.for_store(store)
    try:
        assert views.position("directory") == head
        assert directory_people.people(views, T0).total == 5
    finally:
        views.close()
