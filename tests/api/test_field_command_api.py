"""A commander calls the roll from the field page: the site's commander or the task force's leader, no one else;
the call and the close are recorded with the commander as their actor and noted in their field log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from mobilize.domain.testing_site import TestingSite
from tests.api.conftest import Api, Desk
from tests.api.test_field_api import Field


class Command(Field):
    """The Field scenario, with Lin leading a task force Chen is in, and the site's commander Wang: each a token."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        world = self.world
        self.lin = world.person("Team Leader Lin")
        self.team = world.do("form_task_force", "Junhe Task Force", "street", world.street, self.lin, "red flag")
        world.do("enlist", self.team, self.chen)
        self.wang = world.app.load(TestingSite, self.site, "site").commander_id
        self.lin_api, self.wang_api = self.token(desk, self.lin, "lin"), self.token(desk, self.wang, "wang")

    def token(self, desk: Desk, person: UUID | None, name: str) -> Api:
        issued = desk.operator.post(f"/people/{person}/responder-token", {}, key=f"issue-{name}")
        assert issued.status_code == 201, issued.text
        return Api(desk.client, issued.json()["token"])


@pytest.fixture
def command(desk: Desk) -> Command:
    return Command(desk)


def test_a_leader_calls_the_roll_of_their_task_force_watches_it_and_closes_it(command: Command) -> None:
    path = f"/field/command/{command.team}/roll-call"

    called = command.lin_api.post(path, {"reason": "after the transfer"}, key="call-1")
    answered = command.chen_api.post(f"/field/roll-calls/{command.team}/answer", {}, key="here")
    status = command.lin_api.get(path).json()
    closed = command.lin_api.post(f"{path}/close", {}, key="close-1")
    shown = command.lin_api.get("/field/me").json()["commanding"]

    assert called.status_code == 200 and answered.status_code == 200 and closed.status_code == 200
    assert [p["name"] for p in status["accounted"]] == ["Chen Jing"]
    assert [p["name"] for p in status["unaccounted"]] == ["Team Leader Lin"] and status["closed_at"] is None
    [call] = command.events("RollCall.Called")
    [close] = command.events("RollCall.Closed")
    assert call.actor.startswith("Team Leader Lin (responder, token ") and call.reason == "after the transfer"
    assert close.actor.startswith("Team Leader Lin (responder")
    assert [(c["name"], c["subject_kind"]) for c in shown] == [("Junhe Task Force", "task_force")]
    assert shown[0]["roll_call"]["closed_at"] is not None
    assert [r["action"] for r in command.lin_api.get("/field/me").json()["reports"]] == ["close_roll", "call_roll"]


def test_nobody_but_the_commander_calls_reads_or_closes_a_roll(desk: Desk, command: Command) -> None:
    command.lin_api.post(f"/field/command/{command.team}/roll-call", {}, key="call")
    tries: list[Any] = []
    for subject in (command.team, command.site):  # a member of the team; a sampler at the site
        path = f"/field/command/{subject}/roll-call"
        chen = command.chen_api
        tries += [chen.post(path, {}), chen.get(path), chen.post(f"{path}/close", {})]
    tries.append(command.lin_api.post(f"/field/command/{command.site}/roll-call", {}))  # leads a team, not the site
    staff = desk.operator.post(f"/field/command/{command.team}/roll-call", {})

    assert [t.status_code for t in tries] == [403] * 7 and staff.status_code == 403
    assert "commander" in tries[3].json()["message"] and "leader" in tries[0].json()["message"]
    assert len(command.events("RollCall.Called")) == 1 and command.events("RollCall.Closed") == []
    reports = command.chen_api.get("/field/me").json()["reports"]
    assert {r["refusal"] for r in reports} == {"forbidden"} and len(reports) == 4  # the reads change nothing
    assert command.chen_api.get("/field/me").json()["commanding"] == []


def test_a_site_commander_sees_their_site_and_its_roll_is_refused_when_nobody_is_on_duty(command: Command) -> None:
    shown = command.wang_api.get("/field/me").json()["commanding"]
    called = command.wang_api.post(f"/field/command/{command.site}/roll-call", {})
    unknown = command.wang_api.post(f"/field/command/{command.shift}/roll-call", {})

    assert [(c["subject_id"], c["subject_kind"], c["roll_call"]) for c in shown] == [(str(command.site), "site", None)]
    assert called.status_code == 422 and "nobody is on the roll" in called.json()["message"]
    assert unknown.status_code == 404
