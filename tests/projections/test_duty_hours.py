"""Scenarios: hours on duty per person, CST day and incident; the rest between duties; every override in writing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from mobilize.log.codec import iso
from mobilize.projections.base import Runner
from mobilize.projections.duty_hours import DutyHours, hours, overrides
from mobilize.projections.store import ViewStore
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)
DAY_ONE, DAY_TWO = "2026-03-02", "2026-03-03"  # T0 is 06:00 UTC, 14:00 in China Standard Time


class Drive:
    """A street in war (8-hour shifts, 8 hours rest) with one open site, and the duty-hours view over it."""

    def __init__(self, world: World, store: str) -> None:
        self.world = world
        self.incident = world.incident()
        world.war(self.incident, max_shift_hours=8, min_rest_hours=8)
        self.site = world.open_site(self.incident)
        self.views = ViewStore.for_store(store)
        self.runner = Runner(world.app, self.views, DutyHours())

    def booked(self, person: UUID, start: datetime, hours: float = 8, **kwargs: Any) -> UUID:
        """A shift at the site with `person` assigned to it."""
        shift = self.world.shift(self.site, start, hours=hours)
        self.world.do("assign_to_shift", shift, person, **kwargs)
        return shift

    def hours(self, now: datetime, **filters: Any) -> list[dict[str, Any]]:
        """The view's hours, caught up."""
        self.runner.catch_up()
        return hours(self.views, now, **filters)

    def overrides(self, **filters: Any) -> list[dict[str, Any]]:
        """The view's overrides, caught up."""
        self.runner.catch_up()
        return overrides(self.views, **filters)


@pytest.fixture
def drive(world: World, store: str) -> Iterator[Drive]:
    """A drive in war on every backend."""
    scenario = Drive(world, store)
    yield scenario
    scenario.views.close()


def test_check_in_to_check_out_is_duty_on_the_day_and_incident(drive: Drive) -> None:
    world = drive.world
    sampler = world.person("Chen Jing")
    shift = drive.booked(sampler, T0)

    world.do("check_in", shift, sampler, at=T0 - 5 * MINUTE)
    world.do("check_out", shift, sampler, at=T0 + 8 * HOUR + 10 * MINUTE)

    assert drive.hours(T0 + 24 * HOUR) == [{
        "person_id": str(sampler), "person": "Chen Jing", "day": DAY_ONE, "incident_id": str(drive.incident),
        "exercise": False, "hours": 8.25, "shifts": 1, "on_duty": False, "rest_hours": [], "shortest_rest_hours": None,
    }]


def test_a_night_shift_is_split_at_midnight_china_standard_time(drive: Drive) -> None:
    world = drive.world
    sampler = world.person()
    night = drive.booked(sampler, T0 + 6 * HOUR)  # 20:00 to 04:00 CST

    world.do("check_in", night, sampler, at=T0 + 6 * HOUR)
    world.do("check_out", night, sampler, at=T0 + 14 * HOUR)

    rows = drive.hours(T0 + 24 * HOUR)
    assert [(row["day"], row["hours"], row["shifts"]) for row in rows] == [(DAY_ONE, 4.0, 1), (DAY_TWO, 4.0, 1)]


def test_a_duty_not_yet_checked_out_counts_up_to_now(drive: Drive) -> None:
    world = drive.world
    sampler = world.person()
    shift = drive.booked(sampler, T0)

    world.do("check_in", shift, sampler, at=T0)

    [row] = drive.hours(T0 + 3 * HOUR + 30 * MINUTE)
    assert (row["hours"], row["on_duty"]) == (3.5, True)
    assert [(row["day"], row["hours"]) for row in drive.hours(T0 + 12 * HOUR)] == [(DAY_ONE, 10.0), (DAY_TWO, 2.0)]


def test_the_rest_between_two_duties_runs_from_check_out_to_the_next_check_in(drive: Drive) -> None:
    world = drive.world
    sampler = world.person()
    first, second = drive.booked(sampler, T0), drive.booked(sampler, T0 + 16 * HOUR)

    world.do("check_in", first, sampler, at=T0)
    world.do("check_out", first, sampler, at=T0 + 8 * HOUR + 15 * MINUTE)  # stayed on a quarter hour
    world.do("check_in", second, sampler, at=T0 + 16 * HOUR - 10 * MINUTE)  # came in ten minutes early
    world.do("check_out", second, sampler, at=T0 + 24 * HOUR)

    # 14:00–22:15 CST, then 7 h 35 min of rest, then 05:50–14:00 CST the next day
    assert [(row["day"], row["hours"], row["rest_hours"], row["shortest_rest_hours"])
            for row in drive.hours(T0 + 48 * HOUR)] == [(DAY_ONE, 8.25, [], 7.58), (DAY_TWO, 8.17, [7.58], 7.58)]


def test_an_override_is_listed_with_its_rules_written_reason_and_who_gave_it(drive: Drive) -> None:
    world = drive.world
    sampler, registrar = world.person("Xu Ping"), world.person("Ma Hong")
    drive.booked(sampler, T0)
    drive.booked(registrar, T0)
    ordered = world.ctx(at=T0 + HOUR, actor="operator:zhao", ordered_by="commander:huang")

    late = drive.booked(sampler, T0 + 10 * HOUR, hours=12, ctx=ordered,
                        override_reason="only sampler left; commander approved")

    assigned = [e for e in world.events() if type(e).__qualname__ == "Shift.Assigned"][-1]
    expected = {
        "person_id": str(sampler), "person": "Xu Ping", "shift_id": str(late), "incident_id": str(drive.incident),
        "rules": ["wartime_longest_shift", "wartime_shortest_rest"],
        "reason": "only sampler left; commander approved", "actor": "operator:zhao", "ordered_by": "commander:huang",
        "occurred_at": iso(T0 + HOUR), "recorded_at": iso(assigned.recorded_at), "exercise": False,
    }
    assert drive.overrides() == [expected]
    assert drive.overrides(person_id=sampler, incident_id=drive.incident) == [expected]
    assert drive.overrides(person_id=registrar) == []


def test_unassigned_people_and_no_shows_add_no_hours(drive: Drive) -> None:
    world = drive.world
    released, absent = world.person("Lin Tao"), world.person("Luo Xin")
    shift = drive.booked(released, T0)
    world.do("unassign_from_shift", shift, released)
    world.do("record_no_show", drive.booked(absent, T0 + 9 * HOUR), absent, at=T0 + 9 * HOUR + 15 * MINUTE)

    assert drive.hours(T0 + 24 * HOUR) == []


def test_filtering_by_incident_counts_its_hours_but_the_rest_before_it_still_shows(drive: Drive) -> None:
    world = drive.world
    sampler, other = world.person("Deng Yu"), world.person("Feng Li")
    second_incident = world.incident()
    first = drive.booked(sampler, T0)
    drive.site = world.open_site(second_incident)
    second = drive.booked(sampler, T0 + 16 * HOUR)
    for person, shift, start in ((sampler, first, T0), (sampler, second, T0 + 16 * HOUR)):
        world.do("check_in", shift, person, at=start)
        world.do("check_out", shift, person, at=start + 8 * HOUR)
    world.do("check_in", drive.booked(other, T0 + 16 * HOUR), other, at=T0 + 16 * HOUR)

    now = T0 + 24 * HOUR
    [row] = drive.hours(now, person_id=sampler, incident_id=second_incident)
    assert (row["day"], row["incident_id"], row["hours"], row["rest_hours"]) == (DAY_TWO, str(second_incident), 8.0,
                                                                                 [8.0])
    assert [r["person"] for r in drive.hours(now, incident_id=second_incident)] == ["Deng Yu", "Feng Li"]
    assert len(drive.hours(now, person_id=sampler)) == 2, "one row per day and incident"


def test_rebuilding_from_the_log_gives_what_catching_up_after_each_command_gave(drive: Drive, store: str) -> None:
    world = drive.world
    sampler, medic, stayer = world.person("Chen Jing"), world.person("Ma Hong"), world.person("Xu Ping")
    first, night = drive.booked(sampler, T0), drive.booked(medic, T0 + 6 * HOUR)
    cover = drive.booked(sampler, T0 + 12 * HOUR, override_reason="night cover; approved by commander")
    open_duty = drive.booked(stayer, T0 + 20 * HOUR)
    drive.runner.catch_up()
    for name, shift, person, at in [("check_in", first, sampler, T0), ("check_in", night, medic, T0 + 6 * HOUR),
                                    ("check_out", first, sampler, T0 + 7 * HOUR),
                                    ("check_out", night, medic, T0 + 14 * HOUR),
                                    ("check_in", cover, sampler, T0 + 12 * HOUR),
                                    ("check_out", cover, sampler, T0 + 20 * HOUR),
                                    ("check_in", open_duty, stayer, T0 + 20 * HOUR)]:
        world.do(name, shift, person, at=at)
        drive.runner.catch_up()
    now = T0 + 30 * HOUR
    incremental = (hours(drive.views, now), overrides(drive.views))

    # Another connection to the view database: the rebuild drops the view and replays the whole log into it.
    fresh = ViewStore.for_store(store)
    try:
        Runner(world.app, fresh, DutyHours()).rebuild()
        assert (hours(fresh, now), overrides(fresh)) == incremental
    finally:
        fresh.close()
    assert len(incremental[0]) == 5 and len(incremental[1]) == 1, "the scenario leaves hours and an override"
