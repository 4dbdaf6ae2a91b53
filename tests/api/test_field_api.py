"""A person's own responder token: their own shifts and dispatches only, acted on as themselves; every action and
its outcome noted in their field log; device times bounded (the future refused, the far past flagged)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from tests.api.conftest import Api, Desk
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)


class Field:
    """A drive under way at T0 + 5 min (the server's clock): Chen Jing and Wu Lei on shifts, Chen with a token."""

    def __init__(self, desk: Desk) -> None:
        world = self.world = desk.world
        self.incident = world.incident()
        world.war(self.incident)
        self.site = world.open_site(self.incident)
        self.chen, self.wu = world.person("Chen Jing"), world.person("Wu Lei")
        self.shift = world.shift(self.site, T0)
        self.short = world.shift(self.site, T0 - 10 * HOUR, hours=1, lane=2)
        self.wu_shift = world.shift(self.site, T0, lane=2)
        world.do("assign_to_shift", self.short, self.chen)
        world.do("assign_to_shift", self.shift, self.chen)
        world.do("assign_to_shift", self.wu_shift, self.wu)
        self.now(T0 + 5 * MINUTE)
        issued = desk.grid_operator.post(f"/people/{self.chen}/responder-token", {}, key="issue-chen")
        assert issued.status_code == 201, issued.text
        self.issued = issued.json()
        self.chen_api = Api(desk.client, self.issued["token"])

    def now(self, moment: datetime) -> None:
        """Set the server's clock."""
        self.world.app.clock = lambda: moment  # type: ignore[method-assign]

    def events(self, kind: str) -> list[Any]:
        return [e for e in self.world.events() if type(e).__qualname__ == kind]


@pytest.fixture
def field(desk: Desk) -> Field:
    return Field(desk)


def test_an_operator_issues_a_person_their_token_shown_once_as_a_link_and_a_qr_code(desk: Desk, field: Field) -> None:
    issued = field.issued

    assert issued["token"].startswith("mbz.") and issued["link"].endswith(f"/field?token={issued['token']}")
    assert issued["qr_svg"].startswith("<svg") and "path" in issued["qr_svg"]
    other_grid = desk.world.do("register_person", "Zhao Lei", ["volunteer"], desk.world.other_grid)
    assert desk.grid_operator.post(f"/people/{other_grid}/responder-token", {}).status_code == 403
    assert desk.viewer.post(f"/people/{field.chen}/responder-token", {}).status_code == 403


def test_a_responder_checks_in_as_themself_at_the_time_their_device_says(field: Field) -> None:
    mine = field.chen_api.get("/field/me").json()
    checked_in = field.chen_api.post(f"/field/shifts/{field.shift}/check-in", {"occurred_at": T0 + 2 * MINUTE},
                                     key="chen-in")
    again = field.chen_api.post(f"/field/shifts/{field.shift}/check-in", {"occurred_at": T0 + 2 * MINUTE},
                                key="chen-in")

    assert [s["id"] for s in mine["shifts"]] == [str(field.short), str(field.shift)]  # the recent one too
    assert mine["shifts"][1]["site"] == "Site 1" and mine["shifts"][1]["post_code"].endswith(":1:sampler")
    assert checked_in.status_code == 200 and again.status_code == 200 and checked_in.json()["late"] is False
    [event] = field.events("Shift.CheckedIn")
    assert event.actor.startswith("Chen Jing (responder, token ") and event.occurred_at == T0 + 2 * MINUTE
    assert event.recorded_at > event.occurred_at  # the server's own time of arrival
    [report] = field.chen_api.get("/field/me").json()["reports"]
    assert report["outcome"] == "done" and report["key"] == "chen-in"


def test_a_responder_cannot_act_on_anyone_elses_shift_or_dispatch(desk: Desk, field: Field) -> None:
    theirs = desk.world.do("dispatch", "person", field.wu, field.incident, "keep order", site_id=field.site)

    shift = field.chen_api.post(f"/field/shifts/{field.wu_shift}/check-in", {})
    handover = field.chen_api.post(f"/field/shifts/{field.wu_shift}/hand-over", {"notes": "all quiet"})
    dispatch = field.chen_api.post(f"/field/dispatches/{theirs}/acknowledge", {})

    assert shift.status_code == 403 and handover.status_code == 403 and dispatch.status_code == 403
    assert field.events("Shift.CheckedIn") == [] and field.events("Dispatch.Acknowledged") == []
    refused = field.chen_api.get("/field/me").json()["reports"]
    assert [r["outcome"] for r in refused] == ["refused", "refused", "refused"]  # and the operator sees it too:
    assert desk.grid_operator.get(f"/people/{field.chen}/field-log").json()[0]["refusal"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/roster"), ("get", "/audit"), ("get", "/gaps"), ("get", "/org-tree"),
    ("post", "/org-units"), ("post", "/shifts/{shift}/check-in"), ("post", "/dispatches"),
    ("post", "/people/{chen}/responder-token"), ("get", "/people/{chen}"), ("get", "/people/{chen}/field-log")])
def test_a_responder_calls_no_operator_route(field: Field, method: str, path: str) -> None:
    url = path.format(shift=field.shift, chen=field.chen)
    answer = field.chen_api.get(url) if method == "get" else field.chen_api.post(url, {"person_id": field.chen})

    assert answer.status_code == 403, answer.text
    assert "responder token" in answer.json()["message"]


def test_a_member_acknowledges_their_task_forces_dispatch_and_declines_only_with_a_reason(field: Field) -> None:
    world = field.world
    leader = world.person("Team Leader Lin")
    team = world.do("form_task_force", "Junhe Task Force", "street", world.street, leader, "red flag")
    world.do("enlist", team, field.chen)
    order = world.do("dispatch", "task_force", team, field.incident, "transfer to isolation", site_id=field.site)

    mine = field.chen_api.get("/field/me").json()["dispatches"]
    acknowledged = field.chen_api.post(f"/field/dispatches/{order}/acknowledge", {}, key="ack")
    no_reason = field.chen_api.post(f"/field/dispatches/{order}/set-out", {}, key="out")

    assert mine[0]["id"] == str(order) and mine[0]["steps"] == ["acknowledge", "decline"]
    assert acknowledged.status_code == 200 and no_reason.status_code == 200
    assert field.events("Dispatch.Acknowledged")[0].actor.startswith("Chen Jing (responder")
    assert field.chen_api.post(f"/field/dispatches/{order}/release", {}).status_code == 422  # the center's step


def test_declining_needs_a_reason(field: Field) -> None:
    order = field.world.do("dispatch", "person", field.chen, field.incident, "guard the hotel")

    bare = field.chen_api.post(f"/field/dispatches/{order}/decline", {})
    reasoned = field.chen_api.post(f"/field/dispatches/{order}/decline", {"reason": "on shift at Site 1"})

    assert bare.status_code == 422 and "reason" in bare.json()["message"]
    assert reasoned.status_code == 200
    assert field.events("Dispatch.Declined")[0].reason == "on shift at Site 1"


def test_a_device_clock_ahead_is_refused_and_one_far_behind_is_flagged(desk: Desk, field: Field) -> None:
    order = field.world.do("dispatch", "person", field.chen, field.incident, "guard the hotel")

    ahead = field.chen_api.post(f"/field/dispatches/{order}/acknowledge", {"occurred_at": T0 + HOUR})
    behind = field.chen_api.post(f"/field/dispatches/{order}/acknowledge", {"occurred_at": T0 - 13 * HOUR})

    assert ahead.status_code == 422 and "future" in ahead.json()["message"]
    assert behind.status_code == 200 and behind.json()["late"] is True
    latest = desk.grid_operator.get(f"/people/{field.chen}/field-log").json()[0]
    assert latest["late"] is True and latest["lag_minutes"] == 13 * 60 + 5


def test_a_check_in_that_reaches_the_server_after_its_window_is_refused_with_the_reason(field: Field) -> None:
    field.now(T0 + 2 * HOUR)  # the short shift ended at T0 - 9 h; the phone checked in during it, offline
    late = field.chen_api.post(f"/field/shifts/{field.short}/check-in", {"occurred_at": T0 - 9.5 * HOUR})

    assert late.status_code == 409 and late.json()["error"] == "check_in_arrived_after_window"
    assert "after the shift ended" in late.json()["message"]
    assert field.chen_api.get("/field/me").json()["reports"][0]["refusal"] == "check_in_arrived_after_window"


def test_a_revoked_responder_token_is_refused(desk: Desk, field: Field) -> None:
    token_id = UUID(field.issued["token_id"])
    assert desk.grid_operator.post(f"/responder-tokens/{token_id}/revoke", {}).status_code == 200
    assert field.chen_api.get("/field/me").status_code == 401
    assert isinstance(field.world, World)


def test_every_route_but_the_field_ones_refuses_a_responder(desk: Desk, field: Field) -> None:
    some_id = "0f9d5b2c-7c1e-4f3a-8d2b-6a4e1c9b7d21"
    answers = {}
    for path, operations in desk.client.get("/openapi.json").json()["paths"].items():
        if not path.startswith("/api") or path.startswith(("/api/field/", "/api/dashboard")):
            continue  # the dashboard's page and event map read no token
        for method, operation in operations.items():
            url = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    values = parameter["schema"].get("enum") or [some_id]
                    url = url.replace(f"{{{parameter['name']}}}", values[0])
            answer = desk.client.request(method, url, json={}, headers=field.chen_api.headers())
            answers[f"{method.upper()} {path}"] = answer.status_code
    assert len(answers) > 40
    assert {route: status for route, status in answers.items() if status != 403} == {}


def test_a_check_in_from_another_posts_qr_code_is_refused(field: Field) -> None:
    wrong = field.chen_api.post(f"/field/shifts/{field.shift}/check-in", {"at_post": f"{field.site}:2:marshal"})
    right = field.chen_api.post(f"/field/shifts/{field.shift}/check-in", {"at_post": f"{field.site}:1:sampler"})

    assert wrong.status_code == 422 and wrong.json()["facts"]["field"] == "at_post"
    assert right.status_code == 200


def test_a_responder_hands_their_post_over_to_the_next_shift_with_a_note(field: Field) -> None:
    world = field.world
    following = world.shift(field.site, T0 + 8 * HOUR)  # the same post, lane 1 sampler, next
    before = field.chen_api.post(f"/field/shifts/{field.shift}/hand-over", {"notes": "swabs low"})
    field.chen_api.post(f"/field/shifts/{field.shift}/check-in", {})
    empty = field.chen_api.post(f"/field/shifts/{field.shift}/hand-over", {"notes": ""})
    handed = field.chen_api.post(f"/field/shifts/{field.shift}/hand-over", {"notes": "swabs low: 2 boxes left"})

    assert before.status_code == 409 and empty.status_code == 422 and handed.status_code == 200, handed.text
    [event] = field.events("Shift.HandedOver")
    assert event.next_shift_id == following and event.notes == "swabs low: 2 boxes left"
    assert event.actor.startswith("Chen Jing (responder")
    assert field.chen_api.get("/field/me").json()["shifts"][1]["handed_over"] is True
