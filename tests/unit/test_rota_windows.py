"""How a rota cuts a span: consecutive shifts per lane and post, the plan's headcount, ids stable per rota."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from mobilize.application.commands.rota import MAX_ROTA_SHIFTS, rota_windows
from mobilize.domain.base import InvalidCommand
from mobilize.domain.testing_site import TestingSite
from tests.unit.conftest import HOUR, T0


def site(lanes: int = 2) -> TestingSite:
    return TestingSite.plan("Site 1", uuid4(), uuid4(), lanes, {"sampler": 2, "registrar": 1}, None)


def test_a_day_of_eight_hour_shifts_on_every_lane_and_post_with_the_planned_headcount() -> None:
    windows = rota_windows(site(), T0, T0 + 24 * HOUR, 8)

    assert len(windows) == 2 * 2 * 3
    assert [(w.lane, w.post, w.start, w.end, w.slots) for w in windows[:4]] == [
        (1, "sampler", T0, T0 + 8 * HOUR, 2), (1, "sampler", T0 + 8 * HOUR, T0 + 16 * HOUR, 2),
        (1, "sampler", T0 + 16 * HOUR, T0 + 24 * HOUR, 2), (1, "registrar", T0, T0 + 8 * HOUR, 1)]


def test_shift_ids_are_stable_within_a_rota_and_differ_between_rotas() -> None:
    windows = rota_windows(site(), T0, T0 + 24 * HOUR, 8, lanes=[2], posts=["registrar"])
    rota, other = uuid4(), uuid4()

    ids = [w.shift_id(rota) for w in windows]

    assert ids == [w.shift_id(rota) for w in rota_windows(site(), T0, T0 + 24 * HOUR, 8, [2], ["registrar"])]
    assert len(set(ids)) == 3 and not set(ids) & {w.shift_id(other) for w in windows}


@pytest.mark.parametrize(("change", "field"), [
    ({"end": T0 + 20 * HOUR}, "end"),
    ({"end": T0 - HOUR}, "end"),
    ({"shift_hours": 25}, "shift_hours"),
    ({"shift_hours": 1e-12}, "shift_hours"),  # would round to no time at all
    ({"lanes": [0]}, "lanes"),
    ({"lanes": []}, "lanes"),
    ({"posts": ["marshal"]}, "posts"),
    ({"posts": ["sampler", "sampler"]}, "posts"),
    ({"end": T0 + MAX_ROTA_SHIFTS * HOUR, "shift_hours": 1}, "end"),  # 2 lanes × 2 posts × that many hours
])
def test_a_malformed_rota_names_the_field(change: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"start": T0, "end": T0 + 24 * HOUR, "shift_hours": 8, **change}

    with pytest.raises(InvalidCommand) as refused:
        rota_windows(site(), **arguments)

    assert refused.value.facts["field"] == field
