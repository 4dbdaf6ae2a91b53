"""TaskForce alone: formed with a leader and a flag, members, a temporary party branch, disbanding."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.dispatch import AlreadyDispatched, Dispatch
from mobilize.domain.task_force import TaskForce
from tests.unit.conftest import assert_stamped, names

LEADER = uuid4()


def task_force(*members: UUID) -> TaskForce:
    """Given a task force led by LEADER, with `members` enlisted, events already collected."""
    tf = TaskForce.form("Shimaqiao Commando", "cooperative_grid", uuid4(), LEADER, "Party flag No. 7")
    for member in members:
        tf.enlist(member)
    tf.collect_events()
    return tf


def test_a_task_force_is_formed_with_its_leader_as_first_member_and_a_flag() -> None:
    # when
    unit = uuid4()
    tf = TaskForce.form(" Shimaqiao Commando ", "cooperative_grid", unit, LEADER, " Party flag No. 7 ")

    # then
    [formed] = tf.collect_events()
    assert type(formed).__qualname__ == "TaskForce.Formed"
    assert (formed.name, formed.tier, formed.unit_id, formed.leader_id, formed.flag) == \
        ("Shimaqiao Commando", "cooperative_grid", unit, LEADER, "Party flag No. 7")
    assert_stamped([formed])
    assert tf.members == [LEADER]


@pytest.mark.parametrize(("name", "tier", "flag"), [(" ", "street", "flag"), ("TF", "district", "flag"),
                                                    ("TF", "street", " ")])
def test_a_task_force_without_a_name_a_known_tier_or_a_flag_is_refused(name: str, tier: str, flag: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        TaskForce.form(name, tier, uuid4(), LEADER, flag)
    assert refused.value.rule == "invalid_command"


def test_members_join_and_leave_but_not_twice_and_not_the_leader() -> None:
    # given
    tf = task_force()
    member = uuid4()

    # when
    tf.enlist(member)
    tf.discharge(member)

    # then
    events = tf.collect_events()
    assert names(events) == ["TaskForce.MemberJoined", "TaskForce.MemberLeft"]
    assert [e.person_id for e in events] == [member, member]
    assert_stamped(events)
    with pytest.raises(RuleViolated, match="leader cannot leave"):
        tf.discharge(LEADER)
    with pytest.raises(RuleViolated, match="not a member"):
        tf.discharge(member)
    with pytest.raises(RuleViolated, match="already a member"):
        tf.enlist(LEADER)
    assert tf.collect_events() == []


def test_a_temporary_branch_is_set_up_with_a_member_as_secretary_and_dissolved() -> None:
    # given
    secretary = uuid4()
    tf = task_force(secretary)

    # when
    tf.set_up_branch(" Temporary Branch ", secretary)
    tf.dissolve_branch()

    # then
    set_up, _ = events = tf.collect_events()
    assert names(events) == ["TaskForce.TemporaryBranchSetUp", "TaskForce.TemporaryBranchDissolved"]
    assert (set_up.branch_name, set_up.secretary_id) == ("Temporary Branch", secretary)
    assert_stamped(events)
    assert tf.branch is None


def test_a_branch_needs_a_member_secretary_a_name_and_none_already_set_up() -> None:
    # given
    secretary = uuid4()
    tf = task_force(secretary)

    # when / then
    with pytest.raises(RuleViolated, match="must be a member"):
        tf.set_up_branch("Branch", uuid4())
    with pytest.raises(InvalidCommand):
        tf.set_up_branch("  ", secretary)
    with pytest.raises(RuleViolated, match="no temporary branch"):
        tf.dissolve_branch()
    tf.set_up_branch("Branch", secretary)
    tf.collect_events()
    with pytest.raises(RuleViolated, match="already has a temporary branch"):
        tf.set_up_branch("Branch 2", secretary)
    assert tf.collect_events() == []


def test_a_task_force_on_a_dispatch_is_not_disbanded_nor_sent_on_another() -> None:
    # given
    tf = task_force()
    dispatch = Dispatch.request("task_force", tf, uuid4(), None, "sweep building 3")
    assert names(tf.collect_events()) == ["Dispatchable.DispatchTaken"]

    # when / then
    with pytest.raises(RuleViolated, match="still on a dispatch"):
        tf.disband()
    with pytest.raises(AlreadyDispatched):
        Dispatch.request("task_force", tf, uuid4(), None, "another sweep")
    assert tf.collect_events() == []

    dispatch.acknowledge()
    dispatch.set_out()
    dispatch.arrive()
    dispatch.release(tf)
    tf.disband()
    assert names(tf.collect_events()) == ["Dispatchable.DispatchEnded", "TaskForce.Disbanded"]


def test_a_disbanded_task_force_takes_no_members_branch_or_dispatch() -> None:
    # given
    member = uuid4()
    tf = task_force(member)

    # when
    tf.disband()

    # then
    [disbanded] = tf.collect_events()
    assert type(disbanded).__qualname__ == "TaskForce.Disbanded"
    assert_stamped([disbanded])
    for refused_step in (lambda: tf.enlist(uuid4()), lambda: tf.set_up_branch("Branch", member), tf.disband,
                         lambda: Dispatch.request("task_force", tf, uuid4(), None, "sweep")):
        with pytest.raises(RuleViolated, match="is disbanded"):
            refused_step()
    assert tf.collect_events() == []
