"""Every view: live equals a fresh rebuild, as-of replay equals what the live view showed, crashes lose nothing."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobilize.application import Mobilize
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.replay import replay
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import World
from tests.projections.scenario import SmallDrive, dump

NAMES = sorted(PROJECTIONS)


def runners(app: Mobilize, views: ViewStore) -> dict[str, Runner]:
    return {name: Runner(app, views, projection(name), batch=7) for name in NAMES}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(5, 60))
def test_live_views_equal_a_fresh_rebuild_after_random_commands(seed: int, steps: int) -> None:
    app = Mobilize(env=store_env("memory:"))
    views = ViewStore.for_store("memory:")
    live = runners(app, views)
    drive = SmallDrive(World(app))

    drive.play(random.Random(seed), steps, after_each=lambda: [r.catch_up() for r in live.values()])

    for name, runner in live.items():
        before = dump(views, runner.projection)
        runner.rebuild()
        assert dump(views, runner.projection) == before, f"{name}: live view differs from a rebuild"


def test_every_view_replayed_as_of_a_position_equals_what_it_showed_then(world: World, store: str) -> None:
    views = ViewStore.for_store(store)
    live = runners(world.app, views)
    drive = SmallDrive(world)
    rng = random.Random(7)
    drive.play(rng, 40, after_each=lambda: [r.catch_up() for r in live.values()])
    middle = world.log_size()
    snapshots = {name: dump(views, r.projection) for name, r in live.items()}

    drive.play(rng, 40, after_each=lambda: [r.catch_up() for r in live.values()])

    assert world.log_size() > middle
    for name, runner in live.items():
        assert dump(replay(world.app, name, middle), runner.projection) == snapshots[name], name
    views.close()


class Crash(Exception):
    """Raised by the crashing projection, standing in for a killed process."""


@pytest.mark.parametrize("name", NAMES)
def test_a_crash_between_view_write_and_next_event_resumes_exactly_once(world: World, store: str, name: str) -> None:
    SmallDrive(world).play(random.Random(3), 50)
    views = ViewStore.for_store(store)
    crashing = projection(name)
    original = crashing.apply
    crashed_at: list[int] = []

    def apply_then_crash(tx: Any, event: Any, note: Any) -> None:
        original(tx, event, note)
        if note.id >= 23:  # rows written inside the batch's transaction, position not yet recorded
            crashed_at.append(note.id)
            raise Crash()

    crashing.apply = apply_then_crash  # type: ignore[method-assign]
    runner = Runner(world.app, views, crashing, batch=10)
    with pytest.raises(Crash):
        runner.catch_up()
    # a view is not handed the events it ignores: the crash comes at the first one it uses from 23 on
    crashed_batch_began = (crashed_at[0] - 1) // 10 * 10
    assert runner.position == crashed_batch_began >= 20, "the batch that crashed left neither rows nor position"

    resumed = Runner(world.app, views, projection(name), batch=10)
    resumed.catch_up()
    after_resume = dump(views, resumed.projection)
    resumed.rebuild()

    assert resumed.position == world.log_size()
    assert after_resume == dump(views, resumed.projection), "resuming applied something twice or lost it"
    views.close()
