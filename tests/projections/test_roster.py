"""The live roster: who is at which post now, who is dispatched, who is resting until when."""

from __future__ import annotations

from datetime import timedelta

from mobilize.log.codec import iso
from mobilize.projections.roster import Roster, dispatched, on_duty, resting
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import caught_up

MINUTE = timedelta(minutes=1)


def roster(world: World, store: str) -> ViewStore:
    return caught_up(world, store, Roster())


def test_people_on_duty_expected_and_absent_by_site_grid_incident_and_task_force(world: World, store: str) -> None:
    incident = world.incident()
    world.war(incident)
    site = world.open_site(incident)
    chen, li, wu = world.person("Chen Jing"), world.person("Li Na"), world.person("Wu Bo")
    morning = [world.shift(site, T0, lane=lane) for lane in (1, 2)]
    world.do("assign_to_shift", morning[0], chen)
    world.do("assign_to_shift", morning[1], li)
    world.do("check_in", morning[0], chen, at=T0 - 5 * MINUTE)
    team = world.do("form_task_force", "Union team", "union", world.community, chen, "Flag 3")

    views = roster(world, store)
    now = T0 + HOUR

    rows = on_duty(views, now)
    assert [(r["person"], r["status"], r["lane"], r["post"]) for r in rows] == [
        ("Chen Jing", "on duty", 1, "sampler"), ("Li Na", "expected", 2, "sampler")]
    assert rows[0]["since"] == iso(T0 - 5 * MINUTE)
    assert rows[0]["grid"] == "Shimaqiao Grid 1" and rows[0]["site"] == "Site 1"
    assert on_duty(views, now, site_id=str(site)) == rows
    assert on_duty(views, now, grid_id=str(world.other_grid)) == []
    assert on_duty(views, now, incident_id=str(incident)) == rows
    assert [r["person"] for r in on_duty(views, now, task_force_id=str(team))] == ["Chen Jing"]
    assert wu not in [r["person_id"] for r in rows]


def test_a_no_show_is_listed_and_a_stand_in_replaces_them(world: World, store: str) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    absent, stand_in = world.person("Cai Jun"), world.person("Peng Ning")
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, absent)
    world.do("record_no_show", shift, absent, at=T0 + 15 * MINUTE)

    assert [r["status"] for r in on_duty(roster(world, store), T0 + HOUR)] == ["no-show"]

    world.do("unassign_from_shift", shift, absent)
    world.do("assign_to_shift", shift, stand_in)
    world.do("check_in", shift, stand_in, at=T0 + 30 * MINUTE)

    assert [(r["person"], r["status"]) for r in on_duty(roster(world, store), T0 + HOUR)] == [("Peng Ning", "on duty")]


def test_after_check_out_in_war_a_person_rests_until_the_policy_allows(world: World, store: str) -> None:
    incident = world.incident()
    world.war(incident, max_shift_hours=8, min_rest_hours=10)
    site = world.open_site(incident)
    chen = world.person("Chen Jing")
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, chen)
    world.do("check_in", shift, chen, at=T0)
    world.do("check_out", shift, chen, at=T0 + 8 * HOUR)

    views = roster(world, store)

    assert on_duty(views, T0 + 9 * HOUR) == []
    assert [(r["person"], r["resting_until"]) for r in resting(views, T0 + 9 * HOUR)] == [
        ("Chen Jing", iso(T0 + 18 * HOUR))]
    assert resting(views, T0 + 18 * HOUR) == []


def test_live_dispatches_show_their_state_and_leave_when_they_end(world: World, store: str) -> None:
    incident = world.incident()
    driver, medic = world.person("Liang Bo"), world.person("Ma Hong")
    first = world.do("dispatch", "person", driver, incident, "carry samples", at=T0)
    second = world.do("dispatch", "person", medic, incident, "first aid", at=T0 + HOUR)
    world.do("acknowledge_dispatch", first, at=T0 + 10 * MINUTE)
    world.do("decline_dispatch", second, ctx=world.ctx(at=T0 + 2 * HOUR, reason="on hotel duty"))

    rows = dispatched(roster(world, store), incident_id=str(incident))

    assert [(r["subject"], r["state"], r["since"]) for r in rows] == [
        ("Liang Bo", "acknowledged", iso(T0 + 10 * MINUTE))]
