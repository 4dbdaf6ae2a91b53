"""Scenarios: incidents declared, escalated and closed; drills kept apart from real incidents."""

from __future__ import annotations

import pytest

from mobilize.domain.base import InvalidCommand
from mobilize.domain.incident import Incident, IncidentClosed
from tests.conftest import World


def test_an_incident_escalates_only_upwards_and_closes_once(world: World) -> None:
    incident = world.incident()

    world.do("escalate_incident", incident, 3)
    with pytest.raises(InvalidCommand, match="raise the level above 3"):
        world.do("escalate_incident", incident, 2)
    world.do("close_incident", incident)
    with pytest.raises(IncidentClosed, match="is closed"):
        world.do("close_incident", incident)
    with pytest.raises(IncidentClosed):
        world.do("escalate_incident", incident, 4)

    loaded = world.app.load(Incident, incident, "incident")
    assert (loaded.level, loaded.closed) == (3, True)


def test_a_drill_is_an_incident_flagged_as_an_exercise(world: World) -> None:
    drill, real = world.incident(exercise=True), world.incident()

    assert world.app.load(Incident, drill, "incident").exercise is True
    assert world.app.load(Incident, real, "incident").exercise is False
    declared = [e for e in world.events() if type(e).__name__ == "Declared"]
    assert [e.exercise for e in declared] == [True, False]


def test_an_incident_needs_a_known_kind_and_a_title(world: World) -> None:
    with pytest.raises(InvalidCommand, match="kind must be one of mass_testing_drive"):
        world.do("declare_incident", "Flood", "tsunami", world.street)
    with pytest.raises(InvalidCommand, match="needs a title"):
        world.do("declare_incident", "  ", "other", world.street)
