"""The runner's batches: read as the recorder reads, all or nothing, and what a view remembers stays true."""

from __future__ import annotations

import random
import sqlite3
import threading
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from mobilize.log.reader import Log
from mobilize.projections.base import Projection, Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.roster import Roster
from mobilize.projections.store import Transaction, ViewStore
from tests.conftest import HOUR, World
from tests.projections.scenario import SmallDrive, dump


def test_the_log_reads_what_the_recorder_selects(world: World) -> None:
    SmallDrive(world).play(random.Random(5), 30)
    log, recorder = Log(world.app.recorder), world.app.recorder

    for start, limit, stop in ((1, 1000, None), (4, 7, None), (10, 100, 25), (30, 5, 31), (10**6, 10, None)):
        read = [log.notification(row) for row in log.rows(start, limit, stop)]
        assert read == list(recorder.select_notifications(start, limit, stop=stop)), (start, limit, stop)


class Faulty(Projection):
    """Registers each person under the position of the event, until, after position 30, every row collides."""

    name = "faulty"
    tables = ("CREATE TABLE IF NOT EXISTS faulty (id TEXT PRIMARY KEY)",)
    drops = ("faulty",)

    def Person_Registered(self, tx: Transaction, event: Any, note: Any) -> None:
        tx.execute("INSERT INTO faulty VALUES (?)", ("the same" if note.id > 30 else str(note.id),))


def test_a_statement_that_fails_mid_batch_rolls_the_whole_batch_back(world: World, store: str) -> None:
    for index in range(12):
        world.person(f"Person {index}")
    views = ViewStore.for_store(store)
    runner = Runner(world.app, views, Faulty(), batch=10)

    # on PostgreSQL the failed insert is only reported when the batch waits for its replies, later on
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        runner.catch_up()

    committed = runner.position
    assert 30 <= committed < world.log_size() and committed % 10 == 0
    assert all(int(row[0]) <= committed for row in views.query("SELECT id FROM faulty"))
    views.close()


def test_a_runners_position_may_be_read_from_another_thread_while_it_writes(world: World, store: str) -> None:
    SmallDrive(world).play(random.Random(3), 60)
    views = ViewStore.for_store(store)
    runner = Runner(world.app, views, Roster(), batch=2)  # many small pipelined transactions
    seen: list[int] = []
    worker = threading.Thread(target=runner.catch_up)
    worker.start()
    while worker.is_alive():
        seen.append(runner.position)  # a read between or during the runner's transactions: it waits for one
    worker.join()

    assert seen == sorted(seen), "positions only go forward"
    assert runner.position == world.log_size()
    views.close()


def check_out(world: World, shift: Any, person: Any, start: datetime) -> None:
    world.do("assign_to_shift", shift, person, override_reason="short of hands")
    world.do("check_in", shift, person, at=start)
    world.do("check_out", shift, person, at=start + 8 * HOUR)


def test_a_view_remembers_nothing_another_process_changed(world: World, store: str) -> None:
    drive = SmallDrive(world)  # the street is at war: 8 hours of rest after a shift
    views = ViewStore.for_store(store)
    this, other = Runner(world.app, views, Roster(), batch=5), Runner(world.app, views, Roster(), batch=5)
    person, first_shift, later_shift = drive.people[1], drive.shifts[0], drive.shifts[8]
    check_out(world, first_shift, person, drive._at(0, 0))
    this.catch_up()  # remembers the street at war, and the shifts' grids

    world.do("stand_down", world.street, drive.incident)
    world.do("switch_to_war", world.community, drive.incident, ["sampling"], max_shift_hours=8, min_rest_hours=7.3)
    other.catch_up()  # another process applies the change of rest
    check_out(world, later_shift, person, drive._at(8, 0))
    this.catch_up()

    (resting_until,), = views.query("SELECT resting_until FROM roster_rest")
    rest = datetime.fromisoformat(resting_until) - (drive._at(8, 0) + 8 * HOUR)
    assert abs(rest - timedelta(hours=7.3)) < timedelta(seconds=1), "the community's new rule, not the street's old one"
    live = dump(views, this.projection)
    this.rebuild()
    assert dump(views, this.projection) == live
    views.close()


@pytest.mark.parametrize("name", sorted(PROJECTIONS))
def test_two_processes_taking_turns_build_the_view_one_would(world: World, store: str, name: str) -> None:
    drive, rng = SmallDrive(world), random.Random(17)
    views = ViewStore.for_store(store)
    turns = [Runner(world.app, views, projection(name), batch=3) for _ in range(2)]

    for step in range(40):
        drive.play(rng, 2)
        if step == 20:
            world.do("stand_down", world.street, drive.incident)
            world.war(drive.incident, min_rest_hours=5.5)
        turns[step % 2].catch_up(until=world.log_size() - step % 3)  # sometimes stopping short of the end

    turns[0].catch_up()
    live = dump(views, turns[0].projection)
    turns[1].rebuild()
    assert dump(views, turns[1].projection) == live
    views.close()
