"""Scenarios: testing sites from plan to close, their commanders and their hourly tallies."""

from __future__ import annotations

import pytest

from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.incident import IncidentClosed
from mobilize.domain.testing_site import NoCommander, SiteStateRefused, TestingSite
from tests.conftest import HOUR, T0, World

POSTS = {"sampler": 2, "registrar": 1, "marshal": 1}


def site(world: World, incident) -> TestingSite:
    return world.app.load(TestingSite, world.do("plan_testing_site", incident, world.grid, "Site 1", 3, POSTS),
                          "testing site")


def test_a_site_opens_only_once_a_commander_is_appointed(world: World) -> None:
    planned = site(world, world.incident())
    size = world.log_size()

    with pytest.raises(NoCommander, match="has no commander; appoint one first"):
        world.do("open_site", planned.id)
    assert world.log_size() == size

    world.do("appoint_site_commander", planned.id, world.person("Wang Gang", ("marshal",)))
    world.do("open_site", planned.id)

    assert world.app.load(TestingSite, planned.id, "testing site").state == "open"


def test_in_war_the_grids_leader_is_proposed_as_commander_and_in_peace_nobody_is(world: World) -> None:
    secretary = world.person("Li Wei", ("marshal",), ("first_secretary",))
    world.do("appoint_grid_leader", world.grid, "first_secretary", secretary)
    incident = world.incident()

    assert site(world, incident).proposed_commander_id is None
    world.war(incident)
    assert site(world, incident).proposed_commander_id == secretary


def test_a_site_has_lanes_with_posts_per_lane(world: World) -> None:
    planned = site(world, world.incident())

    assert planned.has_post(3, "sampler") and not planned.has_post(4, "sampler")
    assert not planned.has_post(1, "driver")
    with pytest.raises(InvalidCommand, match="known posts are sampler"):
        world.do("plan_testing_site", world.incident(), world.grid, "Bad", 1, {"juggler": 1})
    with pytest.raises(InvalidCommand, match="between 1 and 50 lanes"):
        world.do("plan_testing_site", world.incident(), world.grid, "Bad", 0, POSTS)
    with pytest.raises(InvalidCommand, match="sites stand in a grid"):
        world.do("plan_testing_site", world.incident(), world.community, "Bad", 1, POSTS)


def test_pause_reopen_close_follow_the_sites_state(world: World) -> None:
    opened = world.open_site(world.incident())

    with pytest.raises(SiteStateRefused, match="is open; cannot reopen"):
        world.do("reopen_site", opened)
    world.do("pause_site", opened)
    with pytest.raises(SiteStateRefused, match="is paused; cannot pause"):
        world.do("pause_site", opened)
    world.do("reopen_site", opened)
    world.do("close_site", opened)
    with pytest.raises(SiteStateRefused, match="is closed; cannot open"):
        world.do("open_site", opened)


def test_a_closed_incident_gets_no_new_site(world: World) -> None:
    incident = world.incident()
    world.do("close_incident", incident)

    with pytest.raises(IncidentClosed):
        world.do("plan_testing_site", incident, world.grid, "Late site", 1, POSTS)


def test_hourly_tallies_add_up_and_a_second_report_corrects_the_first(world: World) -> None:
    opened = world.open_site(world.incident())

    world.do("report_tally", opened, T0, 300)
    world.do("report_tally", opened, T0 + HOUR, 280)
    world.do("report_tally", opened, T0, 310)

    loaded = world.app.load(TestingSite, opened, "testing site")
    assert loaded.samples == 590
    assert [e.correction for e in world.events() if type(e).__name__ == "TallyReported"] == [False, False, True]
    with pytest.raises(InvalidCommand, match="give the hour's start"):
        world.do("report_tally", opened, T0 + HOUR / 2, 10)
    with pytest.raises(InvalidCommand, match="samples must be between"):
        world.do("report_tally", opened, T0, -1)


def test_a_planned_site_reports_no_tally(world: World) -> None:
    planned = site(world, world.incident())

    with pytest.raises(RuleViolated, match="is planned; cannot report a tally"):
        world.do("report_tally", planned.id, T0, 10)
