"""Staffing gaps: required, have and need per post and per incident, now and for the next hours."""

from __future__ import annotations

from datetime import timedelta

from mobilize.projections.gaps import StaffingGaps, incident_gaps, post_gaps
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import caught_up

MINUTE = timedelta(minutes=1)


def gaps(world: World, store: str) -> ViewStore:
    return caught_up(world, store, StaffingGaps())


def test_required_have_need_now_and_next(world: World, store: str) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    chen, li = world.person("Chen Jing"), world.person("Li Na")
    now_shift = world.shift(site, T0, slots=2)
    later = world.shift(site, T0 + 8 * HOUR, post="registrar")
    world.shift(site, T0 + 12 * HOUR)  # starts within the 12 hours after T0 + 1h
    world.shift(site, T0 + 13 * HOUR)  # starts when those 12 hours end: beyond the horizon
    world.do("assign_to_shift", now_shift, chen)
    world.do("check_in", now_shift, chen, at=T0)
    world.do("assign_to_shift", later, world.person("Wu Yan", ("registrar",)))

    rows = post_gaps(gaps(world, store), T0 + HOUR)

    assert [(r["post"], r["window"], r["required"], r["have"], r["need"]) for r in rows] == [
        ("registrar", "next", 1, 1, 0), ("sampler", "next", 1, 0, 1), ("sampler", "now", 2, 1, 1)]
    assert li  # registered but on no shift: not counted anywhere


def test_someone_not_checked_in_ten_minutes_after_start_is_not_counted(world: World, store: str) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    chen = world.person("Chen Jing")
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, chen)
    views = gaps(world, store)

    at_five = post_gaps(views, T0 + 5 * MINUTE)[0]
    at_ten = post_gaps(views, T0 + 10 * MINUTE)[0]

    assert (at_five["have"], at_five["need"], at_five["not_checked_in"]) == (1, 0, 0)
    assert (at_ten["have"], at_ten["need"], at_ten["not_checked_in"]) == (0, 1, 1)


def test_someone_still_owed_rest_at_a_shifts_start_is_not_counted(world: World, store: str) -> None:
    incident = world.incident()
    world.war(incident, max_shift_hours=8, min_rest_hours=8)
    site = world.open_site(incident)
    chen = world.person("Chen Jing")
    first, second = world.shift(site, T0), world.shift(site, T0 + 12 * HOUR)
    world.do("assign_to_shift", first, chen)
    world.do("assign_to_shift", second, chen, override_reason="only sampler left")
    world.do("check_in", first, chen, at=T0)
    world.do("check_out", first, chen, at=T0 + 8 * HOUR)

    row = next(r for r in post_gaps(gaps(world, store), T0 + 9 * HOUR) if r["window"] == "next")

    assert (row["required"], row["have"], row["resting"], row["need"]) == (1, 0, 1, 1)


def test_per_incident_totals_and_closed_sites_drop_out(world: World, store: str) -> None:
    incident = world.incident()
    site = world.open_site(incident, lanes=2)
    for lane in (1, 2):
        world.shift(site, T0, lane=lane)

    totals = incident_gaps(gaps(world, store), T0 + HOUR)
    assert [(t["incident_id"], t["window"], t["required"], t["need"]) for t in totals] == [
        (str(incident), "now", 2, 2)]

    world.do("close_site", site)
    assert incident_gaps(gaps(world, store), T0 + HOUR) == []
