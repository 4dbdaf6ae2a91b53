"""The two meanings of a moment: as known at T (recorded by T) and as happened by T (occurred by T)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.replay import AS_HAPPENED, AS_KNOWN, reading, replay, replay_reading
from mobilize.projections.roster import on_duty
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import SmallDrive

MINUTE = timedelta(minutes=1)
T = T0 + HOUR


@dataclass
class LateCheckIns:
    """Three people on a shift from T0; one checks in on time, two at T0+5 min typed in only after `known`."""

    world: World
    known: int
    late: list[str]
    shifts: list[UUID]
    people: list[UUID]


def late_check_ins(world: World) -> LateCheckIns:
    site = world.open_site(world.incident())
    names = ["On Time", "Late Typed A", "Late Typed B"]
    people = [world.person(name) for name in names]
    shifts = [world.shift(site, T0, lane=1 + i % 2, post="sampler") for i in range(3)]
    for shift, person in zip(shifts, people, strict=True):
        world.do("assign_to_shift", shift, person)
    world.do("check_in", shifts[0], people[0], at=T0 + 2 * MINUTE)
    known = world.log_size()
    for shift, person in zip(shifts[1:], people[1:], strict=True):  # recorded after `known`, occurred before T
        world.do("check_in", shift, person, at=T0 + 5 * MINUTE)
    return LateCheckIns(world, known, names[1:], shifts, people)


def statuses(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(row["person"], row["status"]) for row in rows}


def test_as_known_and_as_happened_rosters_differ_exactly_by_the_late_check_ins(world: World, store: str) -> None:
    log = late_check_ins(world)
    views = ViewStore.for_store(store)

    known = reading(world.app, views, as_of=str(log.known), now=T)
    happened = reading(world.app, views, as_happened=T)
    as_known = statuses(on_duty(replay_reading(world.app, "roster", known), known.now))
    as_happened = statuses(on_duty(replay_reading(world.app, "roster", happened), happened.now))

    assert (known.meaning, happened.meaning, happened.now) == (AS_KNOWN, AS_HAPPENED, T)
    assert as_known - as_happened == {(name, "expected") for name in log.late}
    assert as_happened - as_known == {(name, "on duty") for name in log.late}
    assert ("On Time", "on duty") in as_known & as_happened
    views.close()


def test_as_happened_leaves_out_what_occurred_later_though_recorded_earlier(world: World, store: str) -> None:
    log = late_check_ins(world)
    world.do("check_out", log.shifts[2], log.people[2], at=T0 + 8 * HOUR)  # recorded now, happened at the shift's end
    views = ViewStore.for_store(store)

    at_t = on_duty(replay(world.app, "roster", world.log_size(), happened_by=T), T)
    after = on_duty(replay(world.app, "roster", world.log_size(), happened_by=T0 + 9 * HOUR), T0 + 9 * HOUR)

    assert (log.late[1], "on duty") in statuses(at_t)
    assert log.late[1] not in {row["person"] for row in after}
    views.close()


def test_every_view_replays_as_happened_on_random_drives(world: World, store: str) -> None:
    SmallDrive(world).play(random.Random(11), 60)
    for moment in (T0 - 6 * HOUR, T0 + 3 * HOUR, T0 + 30 * HOUR):
        for name in PROJECTIONS:
            replay(world.app, name, world.log_size(), happened_by=moment)  # no handler trips on a thinned log
    everything = replay(world.app, "roster", world.log_size(), happened_by=T0 + 1000 * HOUR)
    live = ViewStore.for_store(store)
    Runner(world.app, live, projection("roster")).catch_up()
    assert on_duty(everything, T) == on_duty(live, T), "as happened by a moment after it all = the live view"
    live.close()


def test_the_cli_says_which_meaning_it_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    log = late_check_ins(World(app))

    assert main(["--store", store, "roster", "--as-of", str(log.known), "--now", T.isoformat()]) == 0
    known = capsys.readouterr().out
    assert main(["--store", store, "roster", "--now", T.isoformat()]) == 0
    happened = capsys.readouterr().out
    assert main(["--store", store, "replay", "roster", "--as-happened", T.isoformat()]) == 0

    assert f"(as known at log position {log.known}: only what had been recorded then" in known
    assert "(as happened by 2026-03-02 15:00 CST: every event that occurred by then" in happened
    assert happened == capsys.readouterr().out
    for name in log.late:
        [as_known] = [line for line in known.splitlines() if name in line]
        [as_happened] = [line for line in happened.splitlines() if name in line]
        assert " expected " in as_known and " on duty " in as_happened
