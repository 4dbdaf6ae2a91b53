"""A person's history: where they were, when, on whose order; duty hours and rest; overrides with reasons."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.forms.history import history
from mobilize.forms.render import render
from mobilize.projections.replay import reading
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)


def two_shifts(world: World) -> tuple:
    """A sampler works 06–14, then (overriding the 8-hour rest, in writing) 16–22; checked in and out of the first."""
    site = world.open_site(world.incident(), per_post=2)
    world.war(world.incident(), min_rest_hours=8)
    person = world.person("Chen Jing")
    first, second = world.shift(site, T0), world.shift(site, T0 + 10 * HOUR, hours=6)
    world.do("assign_to_shift", first, person, ctx=world.ctx(ordered_by="commander:wang"))
    world.do("assign_to_shift", second, person, override_reason="two samplers off sick",
             ctx=world.ctx(ordered_by="commander:liu"))
    world.do("check_in", first, person, at=T0 + 2 * MINUTE)
    world.do("check_out", first, person, at=T0 + 8 * HOUR)
    return person, first, second


def test_the_history_says_where_when_on_whose_order_and_the_overrides(world: World, store: str) -> None:
    person, _, _ = two_shifts(world)
    views = ViewStore.for_store(store)

    form = history(world.app, views, str(person), reading(world.app, views, as_happened=T0 + 9 * HOUR))
    moves, days, overrides = (table.rows for table in form.tables)

    assigned = [m for m in moves if m["activity"] == "Shift.Assigned"]
    assert [(m["ordered_by"], m["where"], m["when"]) for m in assigned] == [
        ("commander:wang", "Site 1 · 1 · sampler", "2026-03-02 14:00 – 2026-03-02 22:00"),
        ("commander:liu", "Site 1 · 1 · sampler", "2026-03-03 00:00 – 2026-03-03 06:00")]
    assert [m["occurred_at"] for m in moves if m["activity"] in ("Shift.CheckedIn", "Shift.CheckedOut")] == [
        "2026-03-02 14:02", "2026-03-02 22:00"]
    assert [(d["day"], d["hours"]) for d in days] == [("2026-03-02", 7.97)]
    assert [(o["reason"], o["ordered_by"]) for o in overrides] == [("two samplers off sick", "commander:liu")]
    assert "wartime_shortest_rest" in overrides[0]["rules"]
    assert dict(form.fields)["person"] == "Chen Jing" and form.head in render(form, "zh", "html").decode()

    before = history(world.app, views, str(person), reading(world.app, views, as_happened=T0 + HOUR))
    assert [m["activity"] for m in before.tables[0].rows if m["activity"].startswith("Shift.Check")] == [
        "Shift.CheckedIn"], "the check-out at 22:00 had not happened by 15:00"
    views.close()


def test_the_history_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    person, _, _ = two_shifts(World(Mobilize(env=store_env(store))))

    assert main(["--store", store, "history", str(person), "--now", (T0 + 9 * HOUR).isoformat()]) == 0
    out = capsys.readouterr().out
    assert "two samplers off sick" in out and "commander:wang" in out and "as happened by" in out
    assert main(["--store", store, "history", "not-an-id"]) == 2
