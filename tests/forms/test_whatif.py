"""What-if: pulling a person or a task force at a moment shows the gaps that would follow; nothing is written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.forms.ics import FormProblem
from mobilize.forms.whatif import pull
from mobilize.projections.anchors import head_at
from mobilize.projections.replay import reading
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)
AT = T0 + 2 * HOUR


def staffed(world: World) -> dict:
    """Chen works lane 1 now (checked in) and is booked for lane 1 tonight; Li works lane 2 now."""
    site = world.open_site(world.incident())
    chen, li = world.person("Chen Jing"), world.person("Li Na")
    now_1, now_2, tonight = world.shift(site, T0, lane=1), world.shift(site, T0, lane=2), world.shift(
        site, T0 + 10 * HOUR, lane=1)
    for shift, person in ((now_1, chen), (now_2, li)):
        world.do("assign_to_shift", shift, person)
    # two hours' rest between her shifts: peace's duty policy needs a written override
    world.do("assign_to_shift", tonight, chen, override_reason="the only sampler of lane 1 tonight")
    world.do("check_in", now_1, chen, at=T0 + MINUTE)
    world.do("check_in", now_2, li, at=T0 + MINUTE)
    team = world.do("form_task_force", "Union team", "union", world.community, chen, "Flag 1")
    world.do("enlist", team, li)
    return {"site": site, "chen": chen, "li": li, "team": team}


def needs(rows: list[dict], column: str) -> dict[tuple, int]:
    return {(row["lane"], row["window"]): row[column] for row in rows if row["post"] == "sampler"}


def test_pulling_a_person_shows_the_gaps_that_would_follow_and_writes_nothing(world: World, store: str) -> None:
    records = staffed(world)
    views = ViewStore.for_store(store)
    length, head = world.log_size(), head_at(world.app, world.log_size())

    outcome = pull(world.app, reading(world.app, views, as_happened=AT), person=str(records["chen"]), hours=12)

    assert needs(outcome.rows, "need") == {(1, "now"): 0, (2, "now"): 0, (1, "next"): 0}
    assert needs(outcome.rows, "need_if") == {(1, "now"): 1, (2, "now"): 0, (1, "next"): 1}
    assert sorted(m["move"] for m in outcome.moves) == ["check out", "unassign"]
    assert outcome.pulled == ["Chen Jing"]
    assert (world.log_size(), head_at(world.app, world.log_size())) == (length, head), "a what-if wrote to the log"
    views.close()


def test_pulling_a_task_force_pulls_every_member(world: World, store: str) -> None:
    records = staffed(world)
    views = ViewStore.for_store(store)
    length = world.log_size()

    outcome = pull(world.app, reading(world.app, views, as_happened=AT), task_force=str(records["team"]))

    assert sorted(outcome.pulled) == ["Chen Jing", "Li Na"]
    assert needs(outcome.rows, "need_if") == {(1, "now"): 1, (2, "now"): 1, (1, "next"): 1}
    assert world.log_size() == length
    with pytest.raises(FormProblem, match="exactly one"):
        pull(world.app, reading(world.app, views, as_happened=AT))
    views.close()


def test_the_what_if_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    records = staffed(World(app))
    length = app.recorder.max_notification_id()

    assert main(["--store", store, "what-if", "--person", str(records["chen"]), "--at", AT.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Chen Jing" in out and "unassign" in out and "need if" in out and "as happened by" in out
    assert app.recorder.max_notification_id() == length
