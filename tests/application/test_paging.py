"""Paging: a dispatch or an assignment pages the people it names in the same command; a page is delivered,
acknowledged once, withdrawn when what it is about goes away, and escalated level by level."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from mobilize.domain.base import RuleViolated
from mobilize.domain.notification import Inbox
from mobilize.domain.testing_site import TestingSite
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)


def pages(world: World, person: UUID) -> list[dict[str, Any]]:
    return world.app.inbox_of(person)


def kinds(world: World, prefix: str = "Inbox.") -> list[str]:
    return [type(e).__qualname__ for e in world.events() if type(e).__qualname__.startswith(prefix)]


def paged_in_a_grid_with_two_leaders(world: World) -> tuple[UUID, UUID, UUID, dict[str, Any]]:
    """Chen Jing put on a shift (and paged) in a grid whose dual leaders are Cadre Gu and Head He."""
    site = world.open_site(world.incident())
    chen, cadre, head = world.person("Chen Jing"), world.person("Cadre Gu"), world.person("Head He")
    world.do("appoint_grid_leader", world.grid, "first_secretary", cadre)
    world.do("appoint_grid_leader", world.grid, "cooperative_head", head)
    world.do("assign_to_shift", world.shift(site, T0), chen)
    [page] = pages(world, chen)
    return chen, cadre, head, page


def test_an_assignment_pages_the_person_in_the_same_command(world: World) -> None:
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    shift = world.shift(site, T0)
    before = len(world.events())
    world.do("assign_to_shift", shift, chen)

    [page] = pages(world, chen)
    assert page["kind"] == "shift" and page["state"] == "sent" and page["subject_id"] == shift
    assert page["title"] == "排班：Site 1 1号通道 采样" and "北京时间" in page["body"]
    assert page["due_at"] == page["sent_at"] + 10 * MINUTE
    sent = next(e for e in world.events() if type(e).__qualname__ == "Inbox.Sent")
    assert sent.actor == "operator:li" and sent.ordered_by == "commander:wang"
    written = [type(e).__qualname__ for e in world.events()[before:]]
    assert written == ["Shift.Assigned", "Person.ShiftBooked", "Inbox.Opened", "Inbox.Sent", "CommandRecord.Accepted"]


def test_a_task_force_dispatch_pages_every_member_and_each_acknowledges_their_own(world: World) -> None:
    incident = world.incident()
    leader, member = world.person("Leader Liu"), world.person("Member Ma")
    force = world.do("form_task_force", "Party vanguard", "street", world.street, leader, "flag")
    world.do("enlist", force, member)
    order = world.do("dispatch", "task_force", force, incident, "door-to-door testing")

    [page_leader], [page_member] = pages(world, leader), pages(world, member)
    assert page_leader["kind"] == page_member["kind"] == "dispatch" and page_member["subject_id"] == order
    assert page_member["title"] == "调度令（Party vanguard）：door-to-door testing"

    world.do("answer_dispatch", order, leader, "acknowledge")  # the dispatch and the leader's page
    world.do("answer_dispatch", order, member, "acknowledge")  # the member's page only
    assert pages(world, leader)[0]["state"] == pages(world, member)[0]["state"] == "acknowledged"
    with pytest.raises(RuleViolated, match="no unanswered page"):
        world.do("answer_dispatch", order, member, "acknowledge")
    assert kinds(world, "Dispatch.").count("Dispatch.Acknowledged") == 1
    assert kinds(world).count("Inbox.Acknowledged") == 2


def test_a_second_acknowledgement_records_nothing(world: World) -> None:
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen)
    [page] = pages(world, chen)
    world.do("mark_delivered", chen, page["id"], "field")
    world.do("mark_delivered", chen, page["id"], "field")
    world.do("acknowledge_page", chen, page["id"])
    world.do("acknowledge_page", chen, page["id"])
    assert kinds(world) == ["Inbox.Opened", "Inbox.Sent", "Inbox.Delivered", "Inbox.Acknowledged"]
    assert pages(world, chen)[0]["state"] == "acknowledged"


def test_taking_someone_off_a_shift_withdraws_the_page(world: World) -> None:
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    shift = world.shift(site, T0 + 2 * HOUR)
    world.do("assign_to_shift", shift, chen)
    world.do("unassign_from_shift", shift, chen)
    [page] = pages(world, chen)
    assert page["state"] == "withdrawn" and page["withdrawn_reason"] == "taken off the shift"
    with pytest.raises(RuleViolated, match="withdrawn"):
        world.do("acknowledge_page", chen, page["id"])


def test_an_unanswered_page_goes_to_the_grid_leaders_then_the_command_center(world: World) -> None:
    chen, cadre, head, page = paged_in_a_grid_with_two_leaders(world)

    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 11 * MINUTE)
    first = pages(world, chen)[0]
    assert first["state"] == "escalated" and first["level"] == 1
    assert first["escalations"][0]["to"] == [cadre, head] and first["escalations"][0]["unit_id"] == world.grid
    assert first["due_at"] == page["sent_at"] + 21 * MINUTE
    [copy] = pages(world, cadre)
    assert copy["kind"] == "escalation" and copy["title"] == "未应答：Chen Jing" and copy["due_at"] is None
    assert copy["about_person_id"] == chen and "11 分钟内未确认收到" in copy["body"]

    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 22 * MINUTE)
    assert pages(world, chen)[0]["level"] == 2 and pages(world, chen)[0]["due_at"] is None
    with pytest.raises(RuleViolated, match="already at level 2"):
        world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 40 * MINUTE)

    world.do("acknowledge_page", chen, page["id"], at=page["sent_at"] + 45 * MINUTE)
    assert pages(world, cadre)[0]["state"] == pages(world, head)[0]["state"] == "withdrawn"
    assert pages(world, cadre)[0]["withdrawn_reason"] == "answered by the person paged"


def test_a_grid_without_leaders_escalates_straight_to_the_command_center(world: World) -> None:
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen)
    [page] = pages(world, chen)
    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 11 * MINUTE)
    escalated = pages(world, chen)[0]
    assert escalated["level"] == 2 and escalated["escalations"][0]["to_kind"] == "command_center"


def test_recalling_a_dispatch_withdraws_every_open_page_and_the_leaders_copies(world: World) -> None:
    incident = world.incident()
    chen, cadre = world.person("Chen Jing"), world.person("Cadre Gu")
    world.do("appoint_grid_leader", world.grid, "first_secretary", cadre)
    order = world.do("dispatch", "person", chen, incident, "carry swabs to site 3")
    [page] = pages(world, chen)
    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 11 * MINUTE)
    world.do("recall_dispatch", order, ctx=world.ctx(reason="site 3 closed"))
    assert pages(world, chen)[0]["state"] == pages(world, cadre)[0]["state"] == "withdrawn"


def test_a_drill_page_says_so(world: World) -> None:
    site = world.open_site(world.incident(exercise=True))
    chen = world.person("Chen Jing")
    world.do("assign_to_shift", world.shift(site, T0), chen)
    [page] = pages(world, chen)
    assert page["exercise"] is True and page["title"].startswith("【演练】")


def test_the_inbox_id_is_the_one_the_field_stream_watches(world: World) -> None:
    from mobilize.api.routes.field_scope import watched
    from mobilize.projections.base import Runner
    from mobilize.projections.registry import projection
    from mobilize.projections.store import ViewStore

    chen = world.person("Chen Jing")
    views = ViewStore.for_store("memory:")
    for name in ("roster", "directory"):
        Runner(world.app, views, projection(name)).catch_up()
    ids, _ = watched(world.app, views, chen)
    assert ids[Inbox.create_id(chen)] == "notification"


def test_a_page_about_what_is_over_is_withdrawn_not_escalated(world: World) -> None:
    site = world.open_site(world.incident())
    chen = world.person("Chen Jing")
    shift = world.shift(site, T0, hours=2)
    world.do("assign_to_shift", shift, chen)
    [page] = pages(world, chen)
    world.do("escalate_page", chen, page["id"], at=T0 + 3 * HOUR)
    over = pages(world, chen)[0]
    assert over["state"] == "withdrawn" and over["withdrawn_reason"] == "the shift is over" and over["level"] == 0


def test_a_member_declines_after_two_members_pages_went_to_the_same_leader(world: World) -> None:
    incident = world.incident()
    leader, ma, wu, cadre = (world.person(name) for name in ("Leader Liu", "Member Ma", "Member Wu", "Cadre Gu"))
    world.do("appoint_grid_leader", world.grid, "first_secretary", cadre)
    force = world.do("form_task_force", "Party vanguard", "street", world.street, leader, "flag")
    world.do("enlist", force, ma)
    world.do("enlist", force, wu)
    order = world.do("dispatch", "task_force", force, incident, "door-to-door testing")
    for person in (ma, wu):
        [page] = pages(world, person)
        world.do("escalate_page", person, page["id"], at=page["sent_at"] + 11 * MINUTE)
    assert len(pages(world, cadre)) == 2  # the leader holds a copy of each

    world.do("answer_dispatch", order, ma, "decline", ctx=world.ctx(reason="on duty at the quarantine hotel"))

    assert pages(world, ma)[0]["state"] == "acknowledged"  # declining answers her own page
    assert pages(world, wu)[0]["state"] == "withdrawn"
    assert {p["state"] for p in pages(world, cadre)} == {"withdrawn"}


def test_a_grid_leader_answering_their_copy_answers_the_page_for_the_person(world: World) -> None:
    chen, cadre, head, page = paged_in_a_grid_with_two_leaders(world)
    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 11 * MINUTE)
    [copy] = pages(world, cadre)

    world.do("acknowledge_page", cadre, copy["id"], ctx=world.ctx(page["sent_at"] + 14 * MINUTE, actor="Cadre Gu"))

    assert pages(world, chen)[0]["state"] == "acknowledged" and pages(world, head)[0]["state"] == "withdrawn"
    answered = [e for e in world.events() if type(e).__qualname__ == "Inbox.Acknowledged"
                and e.notification_id == page["id"]]
    assert [e.actor for e in answered] == ["Cadre Gu"]  # who really reached her


def test_an_operator_acknowledging_the_dispatch_leaves_the_persons_page_to_answer(world: World) -> None:
    chen = world.person("Chen Jing")
    order = world.do("dispatch", "person", chen, world.incident(), "carry swabs")
    world.do("acknowledge_dispatch", order)
    assert pages(world, chen)[0]["state"] == "sent"


def test_a_moot_page_is_withdrawn_with_its_leaders_copies(world: World) -> None:
    site = world.open_site(world.incident())
    chen, cadre = world.person("Chen Jing"), world.person("Cadre Gu")
    world.do("appoint_grid_leader", world.grid, "first_secretary", cadre)
    world.do("assign_to_shift", world.shift(site, T0, hours=2), chen)
    [page] = pages(world, chen)
    world.do("escalate_page", chen, page["id"], at=page["sent_at"] + 11 * MINUTE)
    world.do("escalate_page", chen, page["id"], at=T0 + 3 * HOUR)  # the shift is over
    assert pages(world, chen)[0]["state"] == "withdrawn" and pages(world, cadre)[0]["state"] == "withdrawn"
    assert pages(world, cadre)[0]["withdrawn_reason"] == "the shift is over"


def test_a_person_without_a_home_grid_is_answered_for_by_the_shifts_grid(world: World) -> None:
    site = world.open_site(world.incident())
    drifter = world.do("register_person", "Zhou Min", ["volunteer"], None,
                       qualifications={"sampler": T0 + 30 * HOUR})
    world.do("assign_to_shift", world.shift(site, T0), drifter)
    assert pages(world, drifter)[0]["unit_id"] == world.grid


def test_a_commander_relieved_cannot_call_the_roll_from_the_field(world: World) -> None:
    from mobilize.application.commands.roll_calls import NotCommanding

    site = world.open_site(world.incident())
    old = world.app.load(TestingSite, site, "site").commander_id
    world.do("appoint_site_commander", site, world.person("New Commander", ("marshal",), ("grid_leader",)))
    with pytest.raises(NotCommanding):
        world.do("call_roll", site, old)
