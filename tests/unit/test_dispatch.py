"""Dispatch alone, with the Dispatchable it sends: the transitions, reasons, and one live dispatch at a time."""

from __future__ import annotations

from uuid import uuid4

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.dispatch import (
    TRANSITIONS,
    AlreadyDispatched,
    Dispatch,
    IllegalTransition,
)
from mobilize.domain.person import NotAvailable, Person
from tests.unit.conftest import T0, assert_stamped, at, names

INCIDENT = uuid4()


def person() -> Person:
    """Given a registered person, events already collected."""
    p = Person.register("Chen Jing", ["volunteer"], uuid4())
    p.collect_events()
    return p


def requested(subject: Person | None = None) -> tuple[Dispatch, Person]:
    """Given a dispatch of a person, requested, events already collected."""
    subject = subject or person()
    dispatch = Dispatch.request("person", subject, INCIDENT, None, "marshal lane 2")
    dispatch.collect_events()
    subject.collect_events()
    return dispatch, subject


def test_the_transitions_go_forward_and_declined_released_recalled_are_final() -> None:
    assert TRANSITIONS == {
        "requested": ("acknowledged", "declined", "recalled"),
        "acknowledged": ("en_route", "recalled"),
        "en_route": ("on_scene", "recalled"),
        "on_scene": ("released", "recalled"),
    }
    finals = {"declined", "released", "recalled"}
    assert finals.isdisjoint(TRANSITIONS)
    assert all(state in TRANSITIONS or state in finals for nexts in TRANSITIONS.values() for state in nexts)


def test_a_request_holds_the_subject_to_the_dispatch() -> None:
    # given
    subject, site = person(), uuid4()

    # when
    dispatch = Dispatch.request("person", subject, INCIDENT, site, "  marshal lane 2 ")

    # then
    [event] = dispatch.collect_events()
    assert type(event).__qualname__ == "Dispatch.Requested"
    assert (event.subject_kind, event.subject_id, event.subject_name, event.incident_id, event.site_id,
            event.task) == ("person", subject.id, "Chen Jing", INCIDENT, site, "marshal lane 2")
    [taken] = subject.collect_events()
    assert (type(taken).__qualname__, taken.dispatch_id) == ("Dispatchable.DispatchTaken", dispatch.id)
    assert_stamped([event, taken])
    assert (dispatch.state, dispatch.is_final, subject.active_dispatch) == ("requested", False, dispatch.id)


def test_a_dispatch_goes_the_whole_way_and_releases_its_subject() -> None:
    # given
    dispatch, subject = requested()

    # when
    dispatch.acknowledge()
    dispatch.set_out()
    dispatch.arrive()
    dispatch.release(subject)

    # then
    events = dispatch.collect_events()
    assert names(events) == ["Dispatch.Acknowledged", "Dispatch.WentEnRoute", "Dispatch.ArrivedOnScene",
                             "Dispatch.Released"]
    [ended] = subject.collect_events()
    assert (type(ended).__qualname__, ended.dispatch_id) == ("Dispatchable.DispatchEnded", dispatch.id)
    assert_stamped([*events, ended])
    assert (dispatch.state, dispatch.is_final, subject.active_dispatch) == ("released", True, None)


ILLEGAL = [
    ([], "set_out"), ([], "arrive"), ([], "release"),
    (["acknowledge"], "acknowledge"), (["acknowledge"], "decline"), (["acknowledge"], "arrive"),
    (["acknowledge", "set_out"], "release"),
    (["acknowledge", "set_out", "arrive"], "set_out"),
    (["acknowledge", "set_out", "arrive", "release"], "recall"),
]


@pytest.mark.parametrize(("steps", "step"), ILLEGAL, ids=[f"{'-'.join(s) or 'requested'}:{t}" for s, t in ILLEGAL])
def test_a_step_that_cannot_follow_the_current_state_is_refused(steps: list[str], step: str) -> None:
    # given
    dispatch, subject = requested()
    for done in steps:
        getattr(dispatch, done)(*([subject] if done == "release" else []))
    dispatch.collect_events()
    subject.collect_events()
    before = dispatch.state

    # when / then
    args = {"decline": ("no car", subject), "recall": ("not needed", subject), "release": (subject,)}.get(step, ())
    with pytest.raises(IllegalTransition) as refused:
        getattr(dispatch, step)(*args)
    assert refused.value.rule == "dispatch_transition"
    assert refused.value.facts["current"] == before
    assert dispatch.collect_events() == [] and subject.collect_events() == []
    assert dispatch.state == before


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_declining_or_recalling_needs_a_reason(reason: str | None) -> None:
    # given
    dispatch, subject = requested()

    # when / then
    with pytest.raises(InvalidCommand, match="declining a dispatch needs a reason") as declined:
        dispatch.decline(reason, subject)
    with pytest.raises(InvalidCommand, match="recalling a dispatch needs a reason"):
        dispatch.recall(reason, subject)
    assert declined.value.facts == {"field": "reason"}
    assert dispatch.collect_events() == [] and subject.collect_events() == []
    assert (dispatch.state, subject.active_dispatch) == ("requested", dispatch.id)


def test_a_declined_dispatch_frees_its_subject_and_its_events_carry_the_reason_of_the_command() -> None:
    # given a command with a reason (the application passes the context's reason to decline)
    dispatch, subject = requested()
    ctx = at(T0, reason="no car")

    # when
    dispatch.decline(ctx.reason, subject)

    # then
    [declined] = dispatch.collect_events()
    [ended] = subject.collect_events()
    assert (type(declined).__qualname__, type(ended).__qualname__) == (
        "Dispatch.Declined", "Dispatchable.DispatchEnded")
    assert declined.reason == "no car" == ended.reason
    assert_stamped([declined, ended], ctx)
    assert (dispatch.state, subject.active_dispatch) == ("declined", None)


def test_a_dispatch_on_scene_is_recalled() -> None:
    # given
    dispatch, subject = requested()
    dispatch.acknowledge()
    dispatch.set_out()
    dispatch.arrive()
    dispatch.collect_events()

    # when
    dispatch.recall("site closed", subject)

    # then
    [recalled] = dispatch.collect_events()
    assert type(recalled).__qualname__ == "Dispatch.Recalled"
    assert_stamped([recalled])
    assert names(subject.collect_events()) == ["Dispatchable.DispatchEnded"]
    assert subject.active_dispatch is None


def test_a_subject_is_held_to_one_live_dispatch_at_a_time() -> None:
    # given a person on a dispatch
    first, subject = requested()

    # when / then
    with pytest.raises(AlreadyDispatched) as refused:
        Dispatch.request("person", subject, INCIDENT, None, "another task")
    assert refused.value.rule == "one_active_dispatch"
    assert refused.value.facts["active_dispatch_id"] == str(first.id)
    assert subject.collect_events() == []

    # and once that dispatch is over, the next one is taken
    first.recall("needed elsewhere", subject)
    subject.collect_events()
    second = Dispatch.request("person", subject, INCIDENT, None, "another task")
    assert names(subject.collect_events()) == ["Dispatchable.DispatchTaken"]
    assert subject.active_dispatch == second.id


def test_a_subject_is_freed_only_from_the_dispatch_it_is_on() -> None:
    # given
    _, subject = requested()

    # when / then
    with pytest.raises(RuleViolated, match="not on that dispatch"):
        subject.end_dispatch(uuid4())
    assert subject.collect_events() == []


def test_a_person_not_available_is_not_dispatched() -> None:
    # given
    subject = person()
    subject.set_availability("out_of_service")
    subject.collect_events()

    # when / then
    with pytest.raises(NotAvailable):
        Dispatch.request("person", subject, INCIDENT, None, "marshal lane 2")
    assert subject.collect_events() == []
    assert subject.active_dispatch is None


def test_a_dispatch_without_a_task_is_refused() -> None:
    subject = person()
    with pytest.raises(InvalidCommand, match="what the task is"):
        Dispatch.request("person", subject, INCIDENT, None, "  ")
    assert subject.collect_events() == []
