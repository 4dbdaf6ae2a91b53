"""The peace views from the command line: the action day report of a week, requests, the hazard register."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.settings import store_env
from tests.conftest import World
from tests.projections.peace_week import WEEK, PeaceWeek


@pytest.fixture
def week(tmp_path: Path) -> tuple[str, PeaceWeek]:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    peace = PeaceWeek(World(Mobilize(env=store_env(store))))
    peace.monday()
    return store, peace


def test_a_street_secretary_reads_last_mondays_action_day_and_why_requests_left_the_grid(week, capsys) -> None:
    store, _ = week

    assert main(["--store", store, "action-day", "--week", "2026-02-25"]) == 0
    out = capsys.readouterr().out

    assert f"Grid action day, week {WEEK}" in out
    grid_line = next(line for line in out.splitlines() if line.startswith("Shimaqiao Grid 1"))
    assert grid_line.split()[5:] == ["4", "2", "4", "1", "2", "1", "1", "1", "1", "0", "1", "1"]
    assert "needs the housing office's budget" in out
    assert main(["--store", store, "action-day", "--week", "last monday"]) == 2


def test_open_and_overdue_requests_and_the_hazard_register_print_as_tables(week, capsys) -> None:
    store, peace = week
    later = peace.at(24 * 5).isoformat()

    # the week's records are dated before its units were established (the test world is made today): read the
    # whole log as known, at a moment five days on, rather than as it happened by then
    head = str(peace.world.log_size())
    assert main(["--store", store, "requests", "--overdue", "--as-of", head, "--now", later]) == 0
    out = capsys.readouterr().out
    assert "Overdue residents' requests" in out and "community" in out and "(1 row)" in out
    assert "Shimaqiao Grid 1  Shimaqiao Community  1" in out
    assert main(["--store", store, "hazards", "--all"]) == 0
    assert "self_built_house" in capsys.readouterr().out
    assert main(["--store", store, "replay", "--as-of", "12", "action-day", "--week", WEEK]) == 0
    assert "(as known at log position 12:" in capsys.readouterr().out
