"""Scenarios: a dispatch from request to release or recall; illegal transitions are refused."""

from __future__ import annotations

import pytest

from mobilize.domain.base import InvalidCommand, NotFound
from mobilize.domain.dispatch import AlreadyDispatched, Dispatch, IllegalTransition
from mobilize.domain.incident import IncidentClosed
from mobilize.domain.person import Person
from mobilize.domain.testing_site import SiteStateRefused
from tests.conftest import World


def test_a_dispatch_goes_requested_acknowledged_en_route_on_scene_released(world: World) -> None:
    incident, driver = world.incident(), world.person("Liang Bo", ("driver",), ("volunteer",))
    site = world.open_site(incident)

    order = world.do("dispatch", "person", driver, incident, "carry samples to the lab", site_id=site)
    for step in ("acknowledge_dispatch", "set_out", "arrive_on_scene", "release_dispatch"):
        world.do(step, order)

    kinds = [type(e).__name__ for e in world.events() if type(e).__qualname__.startswith("Dispatch.")]
    assert kinds == ["Requested", "Acknowledged", "WentEnRoute", "ArrivedOnScene", "Released"]
    assert world.app.load(Person, driver, "person").active_dispatch is None


def test_illegal_transitions_are_refused_and_leave_no_trace(world: World) -> None:
    incident, driver = world.incident(), world.person("Liang Bo", ("driver",), ("volunteer",))
    order = world.do("dispatch", "person", driver, incident, "carry samples")
    size = world.log_size()

    with pytest.raises(IllegalTransition, match="a dispatch that is requested cannot become on scene") as refused:
        world.do("arrive_on_scene", order)
    with pytest.raises(IllegalTransition, match="cannot become released"):
        world.do("release_dispatch", order)

    assert refused.value.facts["allowed"] == ["acknowledged", "declined", "recalled"]
    assert world.log_size() == size


def test_declining_and_recalling_need_a_reason_and_end_the_dispatch(world: World) -> None:
    incident, driver = world.incident(), world.person("Liang Bo", ("driver",), ("volunteer",))
    order = world.do("dispatch", "person", driver, incident, "carry samples")

    with pytest.raises(InvalidCommand, match="declining a dispatch needs a reason"):
        world.do("decline_dispatch", order)
    world.do("decline_dispatch", order, ctx=world.ctx(reason="already on hotel duty"))
    with pytest.raises(IllegalTransition, match="declined cannot become acknowledged"):
        world.do("acknowledge_dispatch", order)

    second = world.do("dispatch", "person", driver, incident, "carry samples")
    world.do("acknowledge_dispatch", second)
    with pytest.raises(InvalidCommand, match="recalling a dispatch needs a reason"):
        world.do("recall_dispatch", second)
    world.do("recall_dispatch", second, ctx=world.ctx(reason="needed for a transfer"))

    assert world.app.load(Dispatch, second, "dispatch").state == "recalled"
    declined = next(e for e in world.events() if type(e).__name__ == "Declined")
    assert declined.reason == "already on hotel duty"


def test_one_live_dispatch_at_a_time_per_person_or_task_force(world: World) -> None:
    incident, driver = world.incident(), world.person("Liang Bo", ("driver",), ("volunteer",))
    world.do("dispatch", "person", driver, incident, "carry samples")

    with pytest.raises(AlreadyDispatched, match="already on another dispatch"):
        world.do("dispatch", "person", driver, incident, "and another thing")


def test_a_closed_incident_or_site_accepts_no_new_dispatch(world: World) -> None:
    incident, driver = world.incident(), world.person("Liang Bo", ("driver",), ("volunteer",))
    site = world.open_site(incident)
    world.do("close_site", site)

    with pytest.raises(SiteStateRefused, match="is closed"):
        world.do("dispatch", "person", driver, incident, "carry samples", site_id=site)
    world.do("close_incident", incident)
    with pytest.raises(IncidentClosed, match="is closed"):
        world.do("dispatch", "person", driver, incident, "carry samples")


def test_a_dispatch_names_a_real_subject_and_a_site_of_its_own_incident(world: World) -> None:
    incident, other = world.incident(), world.incident()
    driver = world.person("Liang Bo", ("driver",), ("volunteer",))
    foreign_site = world.open_site(other)

    with pytest.raises(InvalidCommand, match="subject_kind must be"):
        world.do("dispatch", "robot", driver, incident, "carry samples")
    with pytest.raises(NotFound, match="no task force"):
        world.do("dispatch", "task_force", driver, incident, "carry samples")
    with pytest.raises(InvalidCommand, match="belongs to another incident"):
        world.do("dispatch", "person", driver, incident, "carry samples", site_id=foreign_site)
