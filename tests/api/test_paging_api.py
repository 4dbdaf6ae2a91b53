"""Pages through the API: the person sees theirs on the field page, says it arrived and acknowledges it (once,
as themself); a task force's members each answer theirs; operators see the board of unanswered pages of their
own subtree only, and a person's inbox with every attempt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import Api, Desk, issue
from tests.conftest import HOUR, T0

MINUTE = timedelta(minutes=1)


def token(desk: Desk, person: Any) -> Api:
    issued = desk.grid_operator.post(f"/people/{person}/responder-token", {})
    assert issued.status_code == 201, issued.text
    return Api(desk.client, issued.json()["token"])


def events(desk: Desk, kind: str) -> list[Any]:
    return [e for e in desk.world.events() if type(e).__qualname__ == kind]


def test_a_person_sees_their_page_says_it_arrived_and_acknowledges_it_once(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen)
    chen_api = token(desk, chen)

    [page] = chen_api.get("/field/me").json()["notifications"]
    arrived = chen_api.post(f"/field/notifications/{page['id']}/delivered", {}, key="d-1")
    acked = chen_api.post(f"/field/notifications/{page['id']}/acknowledge", {}, key="a-1")
    again = chen_api.post(f"/field/notifications/{page['id']}/acknowledge", {}, key="a-2")  # another tap
    retried = chen_api.post(f"/field/notifications/{page['id']}/acknowledge", {}, key="a-1")  # a lost answer

    assert page["kind"] == "shift" and page["state"] == "sent" and page["title"].startswith("排班：Site 1")
    assert arrived.status_code == acked.status_code == again.status_code == retried.status_code == 200
    [ack] = events(desk, "Inbox.Acknowledged")
    assert ack.actor.startswith("Chen Jing (responder")
    [delivered] = events(desk, "Inbox.Delivered")
    assert delivered.channel == "field"
    shown = chen_api.get("/field/me").json()["notifications"][0]
    assert shown["state"] == "acknowledged" and shown["delivered_at"] is not None


def test_a_responder_cannot_touch_anyone_elses_page_nor_read_the_board(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    chen, wu = world.person("Chen Jing"), world.person("Wu Lei")
    world.do("assign_to_shift", world.shift(site, T0), wu)
    [wu_page] = world.app.inbox_of(wu)
    chen_api = token(desk, chen)

    refused = chen_api.post(f"/field/notifications/{wu_page['id']}/acknowledge", {})
    assert refused.status_code == 404  # not in Chen's inbox: to Chen it does not exist
    assert chen_api.get("/pages").status_code == 403
    assert chen_api.get(f"/people/{wu}/pages").status_code == 403
    assert events(desk, "Inbox.Acknowledged") == []


def test_a_task_force_dispatch_pages_every_member_who_each_acknowledge_from_the_field(desk: Desk) -> None:
    world = desk.world
    incident = world.incident()
    leader, member = world.person("Leader Liu"), world.person("Member Ma")
    force = world.do("form_task_force", "Party vanguard", "street", world.street, leader, "flag")
    world.do("enlist", force, member)
    order = world.do("dispatch", "task_force", force, incident, "door-to-door testing")
    leader_api, member_api = token(desk, leader), token(desk, member)

    first = leader_api.post(f"/field/dispatches/{order}/acknowledge", {})
    second = member_api.post(f"/field/dispatches/{order}/acknowledge", {})
    third = member_api.post(f"/field/dispatches/{order}/acknowledge", {})

    assert first.status_code == 200 and second.status_code == 200, second.text
    assert third.status_code == 409 and "no unanswered page" in third.json()["message"]
    assert [p["state"] for p in member_api.get("/field/me").json()["notifications"]] == ["acknowledged"]
    assert len(events(desk, "Dispatch.Acknowledged")) == 1 and len(events(desk, "Inbox.Acknowledged")) == 2
    assert {e.actor.split(" (")[0] for e in events(desk, "Inbox.Acknowledged")} == {"Leader Liu", "Member Ma"}


def test_the_board_shows_open_pages_of_the_callers_subtree_only(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    elsewhere = world.do("register_person", "Zhao Lei", ["volunteer"], world.other_grid,
                         qualifications={"sampler": T0 + timedelta(days=30)})
    world.do("assign_to_shift", world.shift(site, T0), chen)
    world.do("assign_to_shift", world.shift(site, T0, lane=2), elsewhere)

    everyone = desk.auditor.get("/pages", state="open").json()
    mine = desk.grid_operator.get("/pages", state="open").json()
    assert {p["person_name"] for p in everyone} == {"Chen Jing", "Zhao Lei"}
    assert [p["person_name"] for p in mine] == ["Chen Jing"]
    assert desk.grid_operator.get(f"/people/{elsewhere}/pages").status_code == 404
    assert desk.grid_operator.get("/pages", state="nonsense").status_code == 422
    inbox = desk.auditor.get(f"/people/{chen}/pages").json()
    assert inbox[0]["attempts"] == [] and inbox[0]["deliveries"] == [] and inbox[0]["level"] == 0


def test_an_operator_acknowledges_for_someone_only_with_a_reason_and_is_recorded_as_who_did(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen)
    [page] = world.app.inbox_of(chen)

    bare = desk.grid_operator.post(f"/people/{chen}/pages/{page['id']}/acknowledge", {})
    said = desk.grid_operator.post(f"/people/{chen}/pages/{page['id']}/acknowledge",
                                   {"reason": "reached her by phone at 07:40"})

    assert bare.status_code == 422 and bare.json()["facts"]["field"] == "reason", bare.text
    assert said.status_code == 200
    [ack] = events(desk, "Inbox.Acknowledged")
    assert ack.actor.startswith("Zhang Min (operator") and ack.reason == "reached her by phone at 07:40"


def test_the_board_finds_a_grids_pages_however_many_newer_ones_elsewhere_and_puts_the_most_urgent_first(
        desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen, at=T0 - 14 * timedelta(hours=1))
    later = world.shift(site, T0, lane=2, slots=4)
    others = []
    for number in range(4):  # newer pages of another grid, all gone up to the command center
        other = world.do("register_person", f"Zhao {number}", ["volunteer"], world.other_grid,
                         qualifications={"sampler": T0 + timedelta(days=30)})
        world.do("assign_to_shift", later, other)
        others.append(other)
    for other in others:
        [page] = world.app.inbox_of(other)
        world.do("escalate_page", other, page["id"], at=page["sent_at"] + 11 * MINUTE)  # no leaders: level 2

    mine = desk.grid_operator.get("/pages", state="open", limit=1).json()
    urgent = desk.auditor.get("/pages", state="open").json()

    assert [p["person_name"] for p in mine] == ["Chen Jing"]  # not crowded out by the other grid's
    assert [p["level"] for p in urgent] == [2, 2, 2, 2, 0] and urgent[-1]["person_name"] == "Chen Jing"
    assert desk.auditor.get(f"/people/{world.street}/pages").status_code == 404  # no such person


def test_an_operator_answers_a_leaders_copy_only_over_the_grid_the_page_belongs_to(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    leader = world.do("register_person", "Gu Lin", ["grid_leader"], world.other_grid)  # lives in the next grid
    world.do("appoint_grid_leader", world.grid, "first_secretary", leader)
    world.do("assign_to_shift", world.shift(site, T0), chen)
    [page] = world.app.inbox_of(chen)
    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 11 * MINUTE)
    [copy] = world.app.inbox_of(leader)
    neighbour = Api(desk.client, issue(world.app, "operator", "Next grid desk", world.other_grid))

    refused = neighbour.post(f"/people/{leader}/pages/{copy['id']}/acknowledge", {"reason": "rang him"})
    allowed = desk.operator.post(f"/people/{leader}/pages/{copy['id']}/acknowledge", {"reason": "rang him"})

    assert refused.status_code == 403, refused.text
    assert allowed.status_code == 200 and world.app.inbox_of(chen)[0]["state"] == "acknowledged"


def test_a_person_without_a_home_grid_is_touched_by_the_grid_answering_for_their_page_and_no_other(
        desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    drifter = world.do("register_person", "Zhou Min", ["volunteer"], None, qualifications={"sampler": T0 + 30 * HOUR})
    world.do("assign_to_shift", world.shift(site, T0), drifter)
    [page] = world.app.inbox_of(drifter)
    neighbour = Api(desk.client, issue(world.app, "operator", "Next grid desk", world.other_grid))

    assert neighbour.post(f"/people/{drifter}/responder-token", {}).status_code == 403  # under no grid of theirs
    assert neighbour.post(f"/people/{drifter}/pages/{page['id']}/acknowledge", {"reason": "x"}).status_code == 403
    assert [p["person_name"] for p in desk.grid_operator.get("/pages", state="open").json()] == ["Zhou Min"]
    said = desk.grid_operator.post(f"/people/{drifter}/pages/{page['id']}/acknowledge", {"reason": "at the site"})
    assert said.status_code == 200, said.text
