"""The read side from the command line: status and lag, rebuild, views as tables, replay as of a moment."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import World
from tests.projections.scenario import SmallDrive


@pytest.fixture
def played(tmp_path: Path) -> tuple[str, Mobilize, SmallDrive]:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    drive = SmallDrive(World(app))
    drive.play(random.Random(2), 60)
    return store, app, drive


def test_status_shows_lag_until_a_rebuild_catches_up(played, capsys) -> None:
    store, app, _ = played
    head = app.recorder.max_notification_id()

    assert main(["--store", store, "projections", "status"]) == 0
    assert f"roster         0         {head}" in capsys.readouterr().out

    assert main(["--store", store, "projections", "rebuild", "roster"]) == 0
    assert f"roster: rebuilt from zero, {head} events applied" in capsys.readouterr().out
    assert main(["--store", store, "projections", "status"]) == 0
    assert f"roster         {head}" in capsys.readouterr().out


def test_replay_as_of_a_recorded_time_shows_what_was_known_then(played, capsys) -> None:
    store, app, drive = played
    assert main(["--store", store, "audit", "trail", "--format", "csv"]) == 0
    capsys.readouterr()
    time.sleep(0.01)
    moment = datetime.now(UTC)
    time.sleep(0.01)
    known_then = app.recorder.max_notification_id()
    drive.world.do("close_incident", drive.incident)

    assert main(["--store", store, "replay", "--as-of", moment.isoformat(), "dispatches"]) == 0
    out = capsys.readouterr().out
    assert f"(as known at log position {known_then}, the last recorded by {moment.isoformat()}:" in out

    assert main(["--store", store, "replay", "--as-of", "yesterday", "roster"]) == 2
    assert "give a log position" in capsys.readouterr().err


@pytest.mark.parametrize("view", ["roster", "gaps", "dispatches", "resting", "readiness", "duty-hours"])
def test_every_view_prints_as_a_table_live_and_as_of(played, capsys, view: str) -> None:
    store, app, _ = played
    at, head = "--now=2026-03-02T18:00+08:00", str(app.recorder.max_notification_id())

    assert main(["--store", store, view, at]) == 0
    now_alone = capsys.readouterr().out
    assert main(["--store", store, "replay", "--as-happened", "2026-03-02T18:00+08:00", view]) == 0
    as_happened = capsys.readouterr().out
    assert main(["--store", store, view, "--as-of", head, at]) == 0
    known = capsys.readouterr().out
    assert main(["--store", store, "replay", "--as-of", head, view, at]) == 0
    replayed = capsys.readouterr().out

    assert "row" in now_alone and now_alone == as_happened
    assert "(as happened by 2026-03-02 18:00 CST: every event that occurred by then" in as_happened
    assert "row" in known and known == replayed and f"(as known at log position {head}:" in known
    ViewStore.for_store(store).close()


def test_generate_plays_a_drive_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `mobilize generate` was listed in --help and crashed with KeyError: 'generate'
    store = f"sqlite:///{tmp_path / 'events.db'}"
    assert main(["--store", store, "generate", "--grids", "2", "--days", "1"]) == 0
    out = capsys.readouterr()
    assert "refusals by rule" in out.out and "events/s" in out.err
