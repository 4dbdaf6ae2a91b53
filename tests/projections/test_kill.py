"""A projection process killed with SIGKILL mid-catch-up resumes with nothing lost and nothing applied twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import World
from tests.projections.scenario import SmallDrive, dump

CATCH_UP = textwrap.dedent("""
    import sys, time
    from mobilize.application import Mobilize
    from mobilize.projections.base import Runner
    from mobilize.projections.registry import projection
    from mobilize.projections.store import ViewStore
    from mobilize.settings import store_env
    store, name = sys.argv[1], sys.argv[2]
    runner = Runner(Mobilize(env=store_env(store)), ViewStore.for_store(store), projection(name), batch=5)
    def committed(count):
        print(runner.position, flush=True)
        time.sleep(0.01)  # slow enough to be killed in the middle, as a loaded machine would be
    runner.catch_up(on_batch=committed)
    print("done", flush=True)
""")


@pytest.mark.parametrize("name", sorted(PROJECTIONS))
def test_sigkill_mid_catch_up_then_restart_gives_the_same_view_as_a_rebuild(tmp_path: Path, name: str) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    SmallDrive(World(app)).play(random.Random(11), 150)
    total = app.recorder.max_notification_id()

    child = subprocess.Popen([sys.executable, "-c", CATCH_UP, store, name], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert child.stdout is not None
    for _ in range(8):
        child.stdout.readline()
    child.send_signal(signal.SIGKILL)
    child.wait()

    views = ViewStore.for_store(store)
    resumed = Runner(app, views, projection(name))
    killed_at = resumed.position
    resumed.catch_up()
    after_restart = dump(views, resumed.projection)
    resumed.rebuild()

    assert 0 < killed_at < total, "the kill landed mid-way"
    assert after_restart == dump(views, resumed.projection)
    views.close()
