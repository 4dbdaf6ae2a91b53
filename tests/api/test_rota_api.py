"""The bulk rota over HTTP: a site's posts for a span in one command, every shift or none."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobilize.domain.shift import Shift
from tests.api.conftest import Desk
from tests.conftest import HOUR, T0

DAY = {"start": T0, "end": T0 + 24 * HOUR, "shift_hours": 8}


@pytest.fixture
def site(desk: Desk) -> UUID:
    """An open site in the grid operator's grid: 2 lanes, sampler/registrar/marshal, 4 people per post."""
    incident = desk.world.incident()
    desk.world.war(incident)
    return desk.world.open_site(incident)


def kinds(events: list[Any]) -> Counter[str]:
    return Counter(type(e).__qualname__ for e in events)


def test_a_day_in_eight_hour_shifts_schedules_every_lane_and_post_in_one_commit(desk: Desk, site: UUID) -> None:
    world = desk.world
    before = world.log_size()

    answer = desk.operator.post(f"/sites/{site}/rota", {**DAY, "reason": "round 1, day 1"}, key="rota-1")

    assert answer.status_code == 201
    body = answer.json()
    assert body["count"] == 2 * 3 * 3 == len(set(body["ids"]))
    shifts = [world.app.repository.get(UUID(i)) for i in body["ids"]]
    assert all(isinstance(s, Shift) and s.slots == 4 and s.hours == 8 for s in shifts)
    assert [(s.lane, s.post, s.start) for s in shifts[:3]] == [
        (1, "sampler", T0), (1, "sampler", T0 + 8 * HOUR), (1, "sampler", T0 + 16 * HOUR)]
    assert {(s.lane, s.post) for s in shifts} == {(lane, post) for lane in (1, 2)
                                                  for post in ("sampler", "registrar", "marshal")}
    written = world.events()[before:]
    assert kinds(written) == {"Shift.Scheduled": 18, "SiteRota.Started": 1, "SiteRota.PostReserved": 18,
                              "CommandRecord.Accepted": 1}
    assert {e.command_id for e in written} == {written[0].command_id}  # one command, one commit
    assert {e.reason for e in written if not type(e).__qualname__.startswith("CommandRecord")} == {"round 1, day 1"}
    gaps = desk.viewer.get("/gaps", now=(T0 + HOUR).isoformat()).json()["items"]
    assert {(g["lane"], g["post"], g["required"]) for g in gaps} >= {(1, "sampler", 4), (2, "marshal", 4)}


def test_chosen_lanes_and_posts_only(desk: Desk, site: UUID) -> None:
    body = desk.operator.post(f"/sites/{site}/rota", {**DAY, "shift_hours": 12, "lanes": [2],
                                                      "posts": ["sampler"]}).json()

    shifts = [desk.world.app.repository.get(UUID(i)) for i in body["ids"]]
    assert [(s.lane, s.post, s.start, s.end) for s in shifts] == [
        (2, "sampler", T0, T0 + 12 * HOUR), (2, "sampler", T0 + 12 * HOUR, T0 + 24 * HOUR)]


def test_one_refused_shift_refuses_the_rota_naming_every_refused_shift_and_writes_nothing(
        desk: Desk, site: UUID) -> None:
    world = desk.world
    world.shift(site, T0 + 2 * HOUR, hours=4, post="sampler", lane=1)  # the plan's 4 samplers are then 5
    world.shift(site, T0 + 20 * HOUR, hours=8, post="marshal", lane=2, slots=2)
    before = world.log_size()

    answer = desk.operator.post(f"/sites/{site}/rota", DAY, key="rota-2")

    assert answer.status_code == 409
    error = answer.json()
    assert error["error"] == "rota_refused" and error["retryable"] is False
    assert "2 of the 18 shifts" in error["message"]
    refused = [{k: r[k] for k in ("lane", "post", "start", "end", "error")} for r in error["facts"]["refused"]]
    assert refused == [
        {"lane": 1, "post": "sampler", "start": T0.isoformat(), "end": (T0 + 8 * HOUR).isoformat(),
         "error": "post_plan_exceeded"},
        {"lane": 2, "post": "marshal", "start": (T0 + 16 * HOUR).isoformat(), "end": (T0 + 24 * HOUR).isoformat(),
         "error": "post_plan_exceeded"}]
    assert all("plans 4 sampler" in r["message"] or "plans 4 marshal" in r["message"]
               for r in error["facts"]["refused"])
    assert world.log_size() == before


def test_a_retry_answers_the_same_shifts_and_writes_nothing_and_a_reused_key_is_refused(
        desk: Desk, site: UUID) -> None:
    world = desk.world
    first = desk.operator.post(f"/sites/{site}/rota", DAY, key="rota-3")
    after_first = world.log_size()

    again = desk.operator.post(f"/sites/{site}/rota", DAY, key="rota-3")
    other = desk.operator.post(f"/sites/{site}/rota", {**DAY, "lanes": [1]}, key="rota-3")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 422
    assert world.log_size() == after_first


def test_scope_and_roles(desk: Desk, site: UUID) -> None:
    world = desk.world
    elsewhere = world.do("plan_testing_site", world.incident(), world.other_grid, "Site 2", 1, {"sampler": 1})

    assert desk.grid_operator.post(f"/sites/{site}/rota", DAY).status_code == 201
    assert desk.grid_operator.post(f"/sites/{elsewhere}/rota", DAY).status_code == 403
    assert desk.viewer.post(f"/sites/{site}/rota", DAY).status_code == 403
    assert desk.auditor.post(f"/sites/{site}/rota", DAY).status_code == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"end": T0 + 20 * HOUR}, "end"),  # 20 hours are not a whole number of 8-hour shifts
    ({"end": T0}, "end"),
    ({"lanes": [3]}, "lanes"),
    ({"lanes": [1, 1]}, "lanes"),
    ({"shift_hours": 0}, "shift_hours"),
    ({"posts": ["driver"]}, "posts"),  # a post, but not one of this site's plan
    ({"posts": ["cook"]}, "posts.0"),
    ({"start": datetime(2026, 3, 2, 6)}, "start"),  # no zone
])
def test_bad_input_is_a_422_naming_the_field(desk: Desk, site: UUID, change: dict[str, Any], field: str) -> None:
    before = desk.world.log_size()

    answer = desk.operator.post(f"/sites/{site}/rota", {**DAY, **change})

    assert answer.status_code == 422
    error = answer.json()
    assert field == error["facts"].get("field") or field in [p["field"] for p in error["facts"].get("problems", [])]
    assert desk.world.log_size() == before


def test_a_closed_site_or_an_unknown_one(desk: Desk, site: UUID) -> None:
    desk.world.do("close_site", site)

    closed = desk.operator.post(f"/sites/{site}/rota", DAY)
    unknown = desk.operator.post(f"/sites/{desk.world.grid}/rota", DAY)

    assert closed.status_code == 409 and closed.json()["error"] == "rule_violated"
    assert unknown.status_code == 404


ROTA_BODIES = st.fixed_dictionaries({
    "start": st.integers(-48, 48).map(lambda h: T0 + h * HOUR),
    "hours": st.sampled_from([0.25, 0.5, 1, 4, 5, 8, 12, 24, 30]),
    "shifts": st.integers(-1, 30),
    "lanes": st.none() | st.lists(st.integers(0, 4), max_size=4),
    "posts": st.none() | st.lists(st.sampled_from(["sampler", "registrar", "marshal", "driver"]), max_size=3),
})


@pytest.mark.parametrize("store", ["memory"], indirect=True)
def test_whatever_the_body_a_rota_is_scheduled_whole_or_refused_with_nothing_written(desk: Desk, site: UUID) -> None:
    world = desk.world
    world.shift(site, T0 + 30 * HOUR, hours=8, post="marshal", lane=2, slots=4)  # some rotas collide with it
    seen: Counter[int] = Counter()

    @settings(max_examples=80, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=ROTA_BODIES)
    def scenario(body: dict[str, Any]) -> None:
        start = body["start"]
        request = {"start": start, "end": start + body["shifts"] * body["hours"] * HOUR, "shift_hours": body["hours"],
                   **{k: body[k] for k in ("lanes", "posts") if body[k] is not None}}
        before = world.log_size()

        answer = desk.operator.post(f"/sites/{site}/rota", request)

        assert answer.status_code in (201, 409, 422), answer.text
        seen[answer.status_code] += 1
        if answer.status_code != 201:
            assert world.log_size() == before
            return
        count = answer.json()["count"]
        written = world.events()[before:]
        assert kinds(written)["Shift.Scheduled"] == kinds(written)["SiteRota.PostReserved"] == count > 0
        assert len({e.command_id for e in written}) == 1

    scenario()
    assert set(seen) == {201, 409, 422}, seen  # scheduled, refused by a rule, malformed: each was tried
