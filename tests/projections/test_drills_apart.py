"""Drills apart everywhere: every view row that belongs to an incident says whether it is a drill (`exercise`),
and no total adds a drill's figures to a real incident's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from mobilize.projections import duty_hours, gaps, readiness, roster
from mobilize.projections.base import Projection, Runner
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import caught_up

PROJECTIONS = (roster.Roster, gaps.StaffingGaps, duty_hours.DutyHours, readiness.Readiness)


class TwoDrives:
    """A real testing drive and a drill over the same street, each with a site, a staffed shift, an override,
    a check-in and a task force dispatched."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.real, self.drill = world.incident(), world.incident(exercise=True)
        world.war(self.real)
        world.do("switch_to_war", world.other_grid, self.drill, ["coordination"], max_shift_hours=8,
                 min_rest_hours=8)
        self.sites = {incident: self.site(incident, name) for incident, name in ((self.real, "Real Site"),
                                                                                 (self.drill, "Drill Site"))}
        for incident, name in ((self.real, "Chen Jing"), (self.drill, "Liu Yang")):
            person = world.person(name)
            first = world.shift(self.sites[incident], T0)
            world.do("assign_to_shift", first, person)
            world.do("check_in", first, person, at=T0)
            world.do("check_out", first, person, at=T0 + 8 * HOUR)
            late = world.shift(self.sites[incident], T0 + 10 * HOUR, slots=2)
            world.do("assign_to_shift", late, person, override_reason="short of samplers")
            world.do("check_in", late, person, at=T0 + 10 * HOUR)
            team = world.do("form_task_force", f"{name}'s team", "union", world.community, person, "Flag")
            order = world.do("dispatch", "task_force", team, incident, "keep order", at=T0 + 11 * HOUR)
            world.do("acknowledge_dispatch", order, at=T0 + 11 * HOUR)
            world.do("set_out", order, at=T0 + 11 * HOUR)
            world.do("arrive_on_scene", order, at=T0 + 11.5 * HOUR)

    def site(self, incident: UUID, name: str) -> UUID:
        site = self.world.do("plan_testing_site", incident, self.world.grid, name, 1,
                             {"sampler": 4, "registrar": 4, "marshal": 4})
        self.world.do("appoint_site_commander", site, self.world.person(f"Commander of {name}", ("marshal",)))
        self.world.do("open_site", site)
        return site

    def flag(self, incident_id: Any) -> bool:
        """What a row of this incident must say."""
        assert str(incident_id) in (str(self.real), str(self.drill)), incident_id
        return str(incident_id) == str(self.drill)


def rows(views: ViewStore) -> dict[str, list[dict[str, Any]]]:
    """Every incident's rows of every view, as the API serves them."""
    now = T0 + 12 * HOUR
    return {"post_gaps": gaps.post_gaps(views, now), "incident_gaps": gaps.incident_gaps(views, now),
            "on_duty": roster.on_duty(views, now), "dispatched": roster.dispatched(views),
            "hours": duty_hours.hours(views, now), "overrides": duty_hours.overrides(views),
            "mobilization_times": readiness.mobilization_times(views)}


def all_views(world: World, store: str) -> ViewStore:
    views = ViewStore.for_store(store)
    for projection in PROJECTIONS:
        Runner(world.app, views, projection()).catch_up()
    return views


def test_every_row_of_an_incident_carries_its_drill_flag(world: World, store: str) -> None:
    drives = TwoDrives(world)

    views = rows(all_views(world, store))

    for view, found in views.items():
        assert found, f"{view}: the scenario leaves rows"
        for row in found:
            incident = row.get("incident_id", row.get("incident"))
            assert row["exercise"] is drives.flag(incident), (view, row)
    for view in ("post_gaps", "incident_gaps", "on_duty", "dispatched", "hours", "overrides"):
        assert {row["exercise"] for row in views[view]} == {False, True}, f"{view}: real and drill rows both"
    assert [row["exercise"] for row in views["mobilization_times"]] == [True]  # measured on drills only


def test_a_drill_is_never_added_to_a_real_incidents_totals(world: World, store: str) -> None:
    drives = TwoDrives(world)

    totals = gaps.incident_gaps(caught_up(world, store, gaps.StaffingGaps()), T0 + 12 * HOUR)

    assert [(row["incident_id"] == str(drives.drill), row["exercise"], row["window"], row["required"],
             row["have"], row["need"]) for row in sorted(totals, key=lambda row: row["exercise"])] == [
        (False, False, "now", 2, 1, 1), (True, True, "now", 2, 1, 1)]


def test_the_unit_board_keeps_real_incidents_and_drills_in_separate_lists(world: World, store: str) -> None:
    drives = TwoDrives(world)

    board = {row["name"]: row for row in readiness.board(caught_up(world, store, readiness.Readiness()),
                                                         T0 + 12 * HOUR)}

    assert board["Shimaqiao Grid 1"]["incidents"] == [drives.real]
    assert board["Shimaqiao Grid 1"]["exercises"] == []
    assert board["Shimaqiao Grid 2"]["incidents"] == [drives.real]
    assert board["Shimaqiao Grid 2"]["exercises"] == [drives.drill]
    assert board["Shimaqiao Grid 2"]["exercise"] is False  # at war for real: a drill does not make it a drill


def test_rebuilt_views_flag_drills_as_the_live_ones_did(world: World, store: str) -> None:
    TwoDrives(world)
    live = all_views(world, store)
    live_rows = rows(live)

    fresh = ViewStore.for_store(store)
    try:
        for projection in PROJECTIONS:
            rebuilt: Projection = projection()
            Runner(world.app, fresh, rebuilt).rebuild()
        assert rows(fresh) == live_rows
    finally:
        fresh.close()


def test_a_view_that_never_saw_the_declaration_says_it_does_not_know(world: World, store: str) -> None:
    """A view built before it kept drills has no row for the incident: unknown (None), never 'real'."""
    TwoDrives(world)
    views = all_views(world, store)
    with views.transaction() as tx:
        tx.execute("DELETE FROM roster_incidents")

    assert {row["exercise"] for row in roster.on_duty(views, T0 + 12 * HOUR)} == {None}

