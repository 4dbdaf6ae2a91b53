"""`mobilize list …` prints whole ids that other commands take back; an unknown or shortened id is an error."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from uuid import uuid4

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import SmallDrive

UUID_TEXT = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


@pytest.fixture
def played(tmp_path: Path) -> tuple[str, SmallDrive]:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    drive = SmallDrive(World(Mobilize(env=store_env(store))))
    drive.play(random.Random(4), 50)
    return store, drive


def run(capsys: pytest.CaptureFixture[str], store: str, *argv: str) -> tuple[int, str, str]:
    status = main(["--store", store, *argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize("what", ["org", "units", "incidents", "sites", "shifts", "people", "task-forces"])
def test_every_list_prints_whole_ids(played, capsys, what: str) -> None:
    store, _ = played
    status, out, err = run(capsys, store, "list", what)
    assert status == 0, err
    assert UUID_TEXT.search(out), out
    assert "row" in out.splitlines()[-1]


def test_list_filters_as_the_api_does(played, capsys) -> None:
    store, drive = played
    world = drive.world
    _, out, _ = run(capsys, store, "list", "units", "--kind", "grid", "--format", "json")
    assert [(u["id"], u["inherited_from"]) for u in json.loads(out)] == [(str(world.grid), str(world.street)),
                                                                         (str(world.other_grid), str(world.street))]
    _, out, _ = run(capsys, store, "list", "incidents", "--exercise", "true")
    assert str(drive.drill) in out and str(drive.incident) not in out
    _, out, _ = run(capsys, store, "list", "shifts", "--site", str(drive.site), "--post", "registrar", "--lane", "2",
                    "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 3 and {(r["post"], r["lane"]) for r in rows} == {("registrar", 2)}
    window = ["--from", (T0 + 9 * HOUR).isoformat(), "--to", (T0 + 10 * HOUR).isoformat()]
    _, out, _ = run(capsys, store, "list", "shifts", *window, "--format", "json")
    assert {r["id"] for r in json.loads(out)} == {str(s) for s in drive.shifts[4:8]}
    _, out, _ = run(capsys, store, "list", "people", "--q", "person 1", "--format", "csv")
    assert out.splitlines()[1].startswith(f"{drive.people[1]},Person 1,")
    _, out, _ = run(capsys, store, "list", "task-forces", "--unit", str(world.community), "--format", "json")
    assert [r["id"] for r in json.loads(out)] == [str(drive.team)]


def test_an_id_printed_by_list_is_taken_back_by_the_roster(played, capsys) -> None:
    store, drive = played
    _, out, _ = run(capsys, store, "list", "sites")
    site = UUID_TEXT.findall(out)[0]
    status, roster, err = run(capsys, store, "roster", "--site", site, "--now", "2026-03-02T15:00+08:00")
    assert status == 0, err
    assert site == str(drive.site)


ID_OPTIONS: list[tuple[list[str], str]] = [
    (["roster"], "--site"), (["roster"], "--grid"), (["roster"], "--incident"), (["roster"], "--task-force"),
    (["gaps"], "--incident"), (["readiness"], "--unit"), (["duty-hours"], "--person"), (["duty-hours"], "--incident"),
    (["dispatches"], "--incident"), (["audit", "trail"], "--incident"), (["audit", "trail"], "--person"),
    (["list", "sites"], "--incident"), (["list", "people"], "--under"),
]


@pytest.mark.parametrize(("command", "option"), ID_OPTIONS)
def test_an_unknown_or_shortened_id_is_an_error_not_an_empty_table(played, capsys, command: list[str],
                                                                    option: str) -> None:
    store, drive = played
    real = {"--site": drive.site, "--grid": drive.world.grid, "--incident": drive.incident, "--task-force": drive.team,
            "--unit": drive.world.grid, "--person": drive.people[0], "--under": drive.world.community}[option]

    status, out, err = run(capsys, store, *command, option, str(uuid4()))
    assert (status, out) == (2, ""), out
    assert f"{option}: no " in err and "mobilize list" in err

    status, out, err = run(capsys, store, *command, option, str(real)[:8])
    assert (status, out) == (2, "")
    assert "is not a whole id" in err

    status, _, err = run(capsys, store, *command, option, str(real).upper())
    assert status == 0, err


def test_an_id_of_the_wrong_kind_is_named_as_such(played, capsys) -> None:
    store, drive = played
    status, _, err = run(capsys, store, "roster", "--site", str(drive.incident))
    assert status == 2 and f"--site: no site with id {drive.incident}" in err
    status, _, err = run(capsys, store, "roster", "--grid", str(drive.world.community))
    assert status == 2 and "is a community, not a grid" in err
    status, _, err = run(capsys, store, "list", "people", "--state", "open")
    assert status == 2 and "people have no state" in err
    status, _, err = run(capsys, store, "list", "sites", "--state", "burning")
    assert status == 2 and "sites are planned, open, paused, closed" in err

