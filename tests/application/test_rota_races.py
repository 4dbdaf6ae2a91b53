"""The rota under races: decided on a post plan or a site that changed before it committed, it decides again;
two rotas racing for one site's posts never both land."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.application.commands.rota import RotaRefused
from mobilize.domain.base import CommandContext, RuleViolated
from mobilize.settings import store_env
from tests.application.test_races import first_save_lets, race, shared_store  # noqa: F401 - a fixture
from tests.conftest import HOUR, T0, World

ROUNDS = 8


def kinds(world: World) -> list[str]:
    return [type(e).__qualname__ for e in world.events()]


def test_a_rota_decided_before_a_shift_took_a_post_is_refused_naming_that_window(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = world.open_site(world.incident(), lanes=1, per_post=1)
    ran = first_save_lets(world.app, monkeypatch, lambda: world.shift(site, T0 + 8 * HOUR, post="marshal"))

    with pytest.raises(RotaRefused) as refused:
        world.do("schedule_rota", site, T0, T0 + 16 * HOUR, 8)

    assert ran, "the single shift ran in between"
    assert [(r["lane"], r["post"], r["start"], r["error"]) for r in refused.value.facts["refused"]] == [
        (1, "marshal", (T0 + 8 * HOUR).isoformat(), "post_plan_exceeded")]
    assert kinds(world).count("Shift.Scheduled") == 1


def test_a_rota_decided_before_its_site_closed_schedules_nothing(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = world.open_site(world.incident())
    ran = first_save_lets(world.app, monkeypatch, lambda: world.do("close_site", site))

    with pytest.raises(RuleViolated, match="closed"):
        world.do("schedule_rota", site, T0, T0 + 8 * HOUR, 8)

    assert ran and "Shift.Scheduled" not in kinds(world)


def test_two_rotas_racing_for_one_sites_posts_never_both_land(shared_store: str) -> None:  # noqa: F811
    here, there = Mobilize(env=store_env(shared_store)), Mobilize(env=store_env(shared_store))
    world = World(here)
    serial = iter(range(1_000_000))

    def rota(app: Mobilize, site: UUID, start_hour: int) -> Any:
        return app.schedule_rota(site, T0 + start_hour * HOUR, T0 + (start_hour + 8) * HOUR, 4, ctx=CommandContext(
            actor="operator:race", command_id=f"rota-race-{next(serial)}", occurred_at=T0 - 12 * HOUR))

    outcomes = []
    for _ in range(ROUNDS):
        site = world.open_site(world.incident(), lanes=1, per_post=1)
        outcomes.append(race(lambda: rota(here, site, 0), lambda: rota(there, site, 4)))  # they overlap by 4 h

    for first, second in outcomes:
        assert sorted(type(r).__name__ for r in (first, second)) == ["RotaRefused", "UUID"], (first, second)
    shifts = [e for e in world.events() if type(e).__qualname__ == "Shift.Scheduled"]
    assert len(shifts) == ROUNDS * 2 * 3  # per round one rota: two 4-hour shifts at each of three posts
    here.close()
    there.close()
