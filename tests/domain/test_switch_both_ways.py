"""Scenarios: the peace/war switch both ways, without loose ends (ADR 0014)."""

from __future__ import annotations

import pytest

from mobilize.domain.incident import IncidentClosed
from mobilize.domain.organisation import InWarThroughAncestor, OutsideIncidentScope
from tests.conftest import World


def test_standing_down_a_unit_in_war_through_an_ancestor_names_the_ancestor_to_stand_down(world: World) -> None:
    incident = world.incident()
    world.war(incident)
    size = world.log_size()

    with pytest.raises(InWarThroughAncestor, match="through Junhe Street: stand down Junhe Street") as refused:
        world.do("stand_down", world.grid, incident)

    assert refused.value.facts["stand_down_id"] == str(world.street)
    assert world.log_size() == size
    assert world.app.mode_of(world.grid).state == "war"


def test_a_unit_outside_the_incidents_scope_cannot_be_switched_for_it(world: World) -> None:
    other_community = world.do("establish_unit", "Qinghu Community", "community", world.street)
    incident = world.do("declare_incident", "Cluster 1203", "isolation_transfer", world.community)
    size = world.log_size()

    with pytest.raises(OutsideIncidentScope, match="outside the scope of incident 'Cluster 1203'"):
        world.do("switch_to_war", other_community, incident, [], max_shift_hours=8, min_rest_hours=8)
    with pytest.raises(OutsideIncidentScope):
        world.do("switch_to_war", world.street, incident, [], max_shift_hours=8, min_rest_hours=8)
    assert world.log_size() == size

    world.do("switch_to_war", world.grid, incident, [], max_shift_hours=8, min_rest_hours=8)
    assert world.app.mode_of(world.grid).state == "war"


def test_closing_an_incident_stands_its_units_down_in_the_same_command(world: World) -> None:
    incident, other = world.incident(), world.incident()
    world.do("switch_to_war", world.other_grid, incident, ["transfer"], max_shift_hours=8, min_rest_hours=8)
    world.war(incident)
    world.do("switch_to_war", world.grid, other, ["sampling"], max_shift_hours=8, min_rest_hours=8)
    before = world.log_size()

    world.do("close_incident", incident, ctx=world.ctx(reason="round 1 complete", command_id="close-1"))

    assert world.app.mode_of(world.other_grid).state == "peace"
    assert world.app.mode_of(world.community).state == "peace"
    assert [s["incident_id"] for s in world.app.mode_of(world.grid).switches] == [other]
    closing = [e for e in world.events()[before:] if type(e).__qualname__ != "CommandRecord.Accepted"]
    assert sorted(type(e).__qualname__ for e in closing) == [
        "Incident.Closed", "Incident.UnitStoodDown", "Incident.UnitStoodDown", "OrgUnit.StoodDown",
        "OrgUnit.StoodDown"]
    assert {(e.command_id, e.reason) for e in closing} == {("close-1", "round 1 complete")}
    assert {e.originator_id for e in closing if type(e).__qualname__ == "OrgUnit.StoodDown"} == {
        world.street, world.other_grid}


def test_a_unit_stood_down_before_the_close_is_not_stood_down_twice(world: World) -> None:
    incident = world.incident()
    world.war(incident)
    world.do("stand_down", world.street, incident)
    before = world.log_size()

    world.do("close_incident", incident)

    assert [type(e).__qualname__ for e in world.events()[before:]] == ["Incident.Closed", "CommandRecord.Accepted"]
    with pytest.raises(IncidentClosed):
        world.do("close_incident", incident)


def test_a_closed_incident_cannot_be_switched_to_again_so_no_unit_is_left_in_war_for_it(world: World) -> None:
    incident = world.incident()
    world.war(incident)
    world.do("close_incident", incident)

    with pytest.raises(IncidentClosed):
        world.do("switch_to_war", world.grid, incident, [], max_shift_hours=8, min_rest_hours=8)
    assert world.app.mode_of(world.grid).state == "peace"
