"""TestingSite alone: planning, the commander it needs to open, its states, and hourly tallies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.testing_site import NoCommander, SiteStateRefused, TestingSite
from tests.unit.conftest import HOUR, T0, assert_stamped, names

POSTS = {"sampler": 1, "registrar": 1, "marshal": 1}


def site(commander: bool = False, opened: bool = False) -> TestingSite:
    """Given a planned site (with a commander, open, if asked), events already collected."""
    planned = TestingSite.plan("Site 1", uuid4(), uuid4(), 2, POSTS, None)
    if commander or opened:
        planned.appoint_commander(uuid4())
    if opened:
        planned.open()
    planned.collect_events()
    return planned


def test_a_site_is_planned_with_lanes_and_posts() -> None:
    # when
    incident, grid, proposed = uuid4(), uuid4(), uuid4()
    planned = TestingSite.plan(" Site 1 ", incident, grid, 2, POSTS, proposed)

    # then
    [event] = planned.collect_events()
    assert type(event).__qualname__ == "TestingSite.Planned"
    assert (event.name, event.incident_id, event.grid_id, event.lanes, event.posts) == \
        ("Site 1", incident, grid, 2, POSTS)
    assert event.proposed_commander_id == proposed
    assert_stamped([event])
    assert (planned.state, planned.has_post(2, "sampler"), planned.has_post(3, "sampler"),
            planned.has_post(1, "driver")) == ("planned", True, False, False)


@pytest.mark.parametrize(("name", "lanes", "posts"), [
    (" ", 1, POSTS), ("Site", 0, POSTS), ("Site", 51, POSTS), ("Site", 1, {}),
    ("Site", 1, {"juggler": 1}), ("Site", 1, {"sampler": 0}),
])
def test_a_malformed_plan_is_refused(name: str, lanes: int, posts: dict[str, int]) -> None:
    with pytest.raises(InvalidCommand) as refused:
        TestingSite.plan(name, uuid4(), uuid4(), lanes, posts, None)
    assert refused.value.rule == "invalid_command"


def test_a_site_without_a_commander_does_not_open() -> None:
    # given
    planned = site()

    # when / then
    with pytest.raises(NoCommander) as refused:
        planned.open()
    assert refused.value.rule == "site_needs_commander"
    assert planned.collect_events() == []
    assert planned.state == "planned"


def test_a_site_with_a_commander_opens() -> None:
    # given
    planned = site()
    commander = uuid4()

    # when
    planned.appoint_commander(commander)
    planned.open()

    # then
    events = planned.collect_events()
    assert names(events) == ["TestingSite.CommanderAppointed", "TestingSite.Opened"]
    assert events[0].person_id == commander
    assert_stamped(events)
    assert planned.state == "open"
    with pytest.raises(RuleViolated, match="already commands"):
        planned.appoint_commander(commander)
    assert planned.collect_events() == []


def test_an_open_site_pauses_reopens_and_closes() -> None:
    # given
    s = site(opened=True)

    # when
    s.pause()
    s.reopen()
    s.pause()
    s.close()

    # then
    events = s.collect_events()
    assert names(events) == ["TestingSite.Paused", "TestingSite.Reopened", "TestingSite.Paused",
                             "TestingSite.Closed"]
    assert_stamped(events)
    assert s.state == "closed"


@pytest.mark.parametrize(("state", "action"), [
    ("planned", "pause"), ("planned", "reopen"), ("open", "open"), ("open", "reopen"), ("paused", "pause"),
    ("paused", "open"), ("closed", "open"), ("closed", "close"), ("closed", "appoint_commander"),
])
def test_a_step_the_state_does_not_allow_is_refused(state: str, action: str) -> None:
    # given a site in `state`
    s = site(commander=True)
    for step in {"planned": [], "open": ["open"], "paused": ["open", "pause"], "closed": ["close"]}[state]:
        getattr(s, step)()
    s.collect_events()

    # when / then
    with pytest.raises(SiteStateRefused) as refused:
        getattr(s, action)(*([uuid4()] if action == "appoint_commander" else []))
    assert refused.value.rule == "site_state"
    assert refused.value.facts["state"] == state
    assert s.collect_events() == []


def test_a_tally_is_reported_per_hour_and_a_second_report_corrects_the_first() -> None:
    # given
    s = site(opened=True)
    beijing = timezone(timedelta(hours=8))

    # when
    s.report_tally(datetime(2026, 3, 2, 14, 0, tzinfo=beijing), 120)
    s.report_tally(T0, 150)
    s.report_tally(T0 + HOUR, 90)

    # then
    events = s.collect_events()
    assert names(events) == ["TestingSite.TallyReported"] * 3
    assert [(e.hour, e.samples, e.correction) for e in events] == \
        [(T0, 120, False), (T0, 150, True), (T0 + HOUR, 90, False)]
    assert_stamped(events)
    assert s.samples == 240


def test_a_tally_is_refused_before_opening_off_the_hour_or_out_of_range() -> None:
    # given
    planned, s = site(commander=True), site(opened=True)

    # when / then
    with pytest.raises(SiteStateRefused):
        planned.report_tally(T0, 10)
    with pytest.raises(InvalidCommand, match="whole hour"):
        s.report_tally(T0 + timedelta(minutes=30), 10)
    with pytest.raises(InvalidCommand, match="between 0 and 100000"):
        s.report_tally(T0, -1)
    assert planned.collect_events() == [] and s.collect_events() == []


def test_a_closed_site_still_takes_a_late_tally() -> None:
    # given
    s = site(opened=True)
    s.close()
    s.collect_events()

    # when
    s.report_tally(T0, 10)

    # then
    assert names(s.collect_events()) == ["TestingSite.TallyReported"]
