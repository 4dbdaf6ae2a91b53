"""Roll call (PAR): an operator calls the roll of a site; those on duty answer from the field; the record shows
who is accounted for and who not, for how long; each step is an event of the log, replayed as of any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import Api, Desk
from tests.conftest import T0

MINUTE = timedelta(minutes=1)


def test_a_roll_call_accounts_for_everyone_on_duty_at_the_site(desk: Desk) -> None:
    world = desk.world
    incident = world.incident()
    site = world.open_site(incident)
    chen, wu, off_duty = world.person("Chen Jing"), world.person("Wu Lei"), world.person("Zhou Min")
    for lane, person in ((1, chen), (2, wu)):
        shift = world.shift(site, T0, lane=lane)
        world.do("assign_to_shift", shift, person)
        world.do("check_in", shift, person, at=T0 + MINUTE)
    later = world.shift(site, T0 + 9 * timedelta(hours=1), lane=1)
    world.do("assign_to_shift", later, off_duty)
    clock = [T0 + 10 * MINUTE]
    world.app.clock = lambda: clock[0]  # type: ignore[method-assign]
    chen_api = Api(desk.client, desk.grid_operator.post(f"/people/{chen}/responder-token", {}).json()["token"])
    zhou_api = Api(desk.client, desk.grid_operator.post(f"/people/{off_duty}/responder-token", {}).json()["token"])

    called = desk.grid_operator.post(f"/roll-calls/{site}", {"reason": "gas smell at lane 2"}, key="par-1")
    waiting = chen_api.get("/field/me").json()["roll_calls"]
    between = datetime.now(UTC)  # the log's own clock: when each step was recorded
    clock[0] += 2 * MINUTE
    answered = chen_api.post(f"/field/roll-calls/{site}/answer", {}, key="here")
    stranger = zhou_api.post(f"/field/roll-calls/{site}/answer", {})
    clock[0] += 3 * MINUTE
    status = desk.auditor.get(f"/roll-calls/{site}").json()

    assert called.status_code == 201, called.text
    assert answered.status_code == 200, answered.text
    assert [w["name"] for w in waiting] == ["Site 1"] and chen_api.get("/field/me").json()["roll_calls"] == []
    assert stranger.status_code == 409 and stranger.json()["error"] == "not_on_roll"
    assert [a["name"] for a in status["accounted"]] == ["Chen Jing"] and status["accounted"][0]["after_seconds"] == 120
    assert status["unaccounted"] == [{"person_id": str(wu), "name": "Wu Lei", "for_seconds": 300}]
    then = desk.auditor.get(f"/roll-calls/{site}", as_of=between.isoformat()).json()
    assert then["accounted"] == [] and {p["name"] for p in then["unaccounted"]} == {"Chen Jing", "Wu Lei"}
    before = desk.auditor.get(f"/roll-calls/{site}", as_of=(between - timedelta(hours=1)).isoformat())
    assert before.status_code == 404
    assert desk.grid_operator.post(f"/roll-calls/{site}/close", {}).status_code == 200
    kinds = [type(e).__qualname__ for e in world.events() if type(e).__qualname__.startswith("RollCall.")]
    assert kinds == ["RollCall.Started", "RollCall.Called", "RollCall.Answered", "RollCall.Closed"]
    closed = next(e for e in world.events() if type(e).__qualname__ == "RollCall.Closed")
    assert closed.unaccounted == [str(wu)] and closed.actor.startswith("Zhang Min (operator")
    answer = next(e for e in world.events() if type(e).__qualname__ == "RollCall.Answered")
    assert answer.actor.startswith("Chen Jing (responder")


def test_a_roll_call_of_another_grid_or_by_a_responder_is_refused(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    other = world.do("plan_testing_site", world.incident(), world.other_grid, "Site 2", 1, {"sampler": 1})

    assert desk.grid_operator.post(f"/roll-calls/{other}", {}).status_code == 403
    assert desk.viewer.get(f"/roll-calls/{site}").status_code == 403
    nobody = desk.grid_operator.post(f"/roll-calls/{site}", {})
    assert nobody.status_code == 422 and "nobody is on the roll" in nobody.json()["message"]


def test_a_task_forces_roll_call_is_every_member_wherever_they_are(desk: Desk) -> None:
    world = desk.world
    leader, chen = world.person("Team Leader Lin"), world.person("Chen Jing")
    team = world.do("form_task_force", "Shimaqiao Action Team", "union", world.grid, leader, "red flag")
    world.do("enlist", team, chen)
    chen_api = Api(desk.client, desk.grid_operator.post(f"/people/{chen}/responder-token", {}).json()["token"])

    assert desk.grid_operator.post(f"/roll-calls/{team}", {"reason": "flood warning"}).status_code == 201
    [waiting] = chen_api.get("/field/me").json()["roll_calls"]
    assert (waiting["name"], waiting["subject_kind"]) == ("Shimaqiao Action Team", "task_force")
    assert chen_api.post(f"/field/roll-calls/{team}/answer", {}).status_code == 200
    status = desk.auditor.get(f"/roll-calls/{team}").json()
    assert [a["name"] for a in status["accounted"]] == ["Chen Jing"]
    assert [u["name"] for u in status["unaccounted"]] == ["Team Leader Lin"]
    assert desk.grid_operator.post(f"/roll-calls/{world.grid}", {}).status_code == 404  # a grid has no roll
