"""A reader that leaves early (`mobilize audit trail | head`) ends the command quietly, with no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mobilize.application import Mobilize
from mobilize.settings import store_env
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[1]


def test_a_closed_pipe_ends_a_command_quietly(tmp_path: Path) -> None:
    # given a store with a trail to print
    store = f"sqlite:///{tmp_path / 'events.db'}"
    world = World(Mobilize(env=store_env(store)))
    for number in range(20):
        world.person(f"Person {number}")
    world.app.close()
    # when its reader has gone before the command writes a line
    child = subprocess.Popen([sys.executable, "-m", "mobilize", "--store", store, "audit", "trail"], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PYTHONPATH": str(ROOT),
                                                                                 "PATH": "/usr/bin:/bin"})
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    errors = child.stderr.read().decode()
    # then it stops as a Unix tool cut short by its pipe does: no traceback, status 141
    assert child.wait(timeout=60) == 141, errors
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
