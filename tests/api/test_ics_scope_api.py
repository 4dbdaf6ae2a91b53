"""Least privilege on ICS forms, what-if and drill reads: a grid operator works under its street's incident, may name
it, and never sees another street's incident or the header of a neighbour grid's site."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, Desk, issue
from tests.conftest import HOUR, T0

SECRET = "Secret outbreak at Other Street"


@pytest.fixture
def streets(desk: Desk) -> dict[str, Any]:
    """The street's incident, in war, with its one site in the neighbour grid; a sampler of our grid; then one
    incident of the neighbour grid alone, and last (so the newest open incident anywhere) another street's."""
    world = desk.world
    street = world.incident()
    world.war(street)
    commander = world.do("register_person", "Commander Theirs", ["grid_leader"], world.other_grid,
                         qualifications={"marshal": T0 + 365 * 24 * HOUR})
    site = world.do("plan_testing_site", street, world.other_grid, "Site Theirs", 1, {"sampler": 1})
    world.do("appoint_site_commander", site, commander)
    world.do("open_site", site)
    sampler = world.person("Sampler Mine")
    neighbours = world.do("declare_incident", "Grid 2 drive", "mass_testing_drive", world.other_grid)
    other_street = world.do("establish_unit", "Other Street", "street")
    secret = world.do("declare_incident", SECRET, "mass_testing_drive", other_street)
    return {"street": street, "secret": secret, "neighbours": neighbours, "site": site, "sampler": sampler}


def csv_of(client: Api, form: str, **params: Any) -> str:
    response = client.get(f"/ics/{form}", lang="en", format="csv", **params)
    assert response.status_code == 200, response.text
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("form", ["201", "203", "211", "215"])
def test_a_grid_operators_forms_default_to_its_streets_incident_never_another_streets(
        desk: Desk, streets: dict[str, Any], form: str) -> None:
    # given another street's incident declared after the street's
    # when the grid's operator asks for the form without naming an incident
    mine = csv_of(desk.grid_operator, form)
    # then it is the street's incident, the one the grid works under; the other street's is not even named
    assert "Round 1" in mine and SECRET not in mine and "Grid 2 drive" not in mine
    # while an unscoped operator and an auditor get the newest open incident anywhere, as before
    assert SECRET in csv_of(desk.operator, form) and SECRET in csv_of(desk.auditor, form)


def test_a_grid_operators_assignments_show_nothing_of_a_neighbour_grids_site(desk: Desk,
                                                                            streets: dict[str, Any]) -> None:
    # given the street's incident, whose one site lies in the neighbour grid
    street = streets["street"]
    neighbour = Api(desk.client, issue(desk.world.app, "operator", "Grid 2 desk", desk.world.other_grid))
    # when the grid's operator asks for the incident's assignments (ICS 204)
    mine = csv_of(desk.grid_operator, "204", incident=street)
    # then the incident is named, but not the site, its grid or its commander
    assert "Round 1" in mine
    assert not any(word in mine for word in ("Site Theirs", "Shimaqiao Grid 2", "Commander Theirs"))
    # while the neighbour grid's own operator and an auditor read the site's header
    for client in (neighbour, desk.auditor, desk.operator):
        theirs = csv_of(client, "204", incident=street)
        assert "Site Theirs" in theirs and "Commander Theirs" in theirs


READS = [("/ics/201", {}), ("/ics/215", {}), ("/what-if/gaps", {"at": T0.isoformat()}), ("/drill-league", {}),
         ("/drill-musters", {})]


@pytest.mark.parametrize(("path", "params"), READS)
def test_a_grid_operator_may_name_its_streets_incident_and_no_other(desk: Desk, streets: dict[str, Any], path: str,
                                                                     params: dict[str, Any]) -> None:
    if path == "/what-if/gaps":
        params = {**params, "person": streets["sampler"]}
    # when the grid's operator names the street's incident, above its grid
    answer = desk.grid_operator.get(path, incident=streets["street"], **params)
    # then it is read
    assert answer.status_code == 200, answer.text
    # and another street's incident, or the neighbour grid's, does not exist to it
    for other in (streets["secret"], streets["neighbours"]):
        refused = desk.grid_operator.get(path, incident=other, **params)
        assert refused.status_code == 404, refused.text
        assert SECRET not in refused.text
    # while an unscoped operator and an auditor may name any incident
    for client in (desk.operator, desk.auditor):
        for incident in (streets["street"], streets["secret"], streets["neighbours"]):
            assert client.get(path, incident=incident, **params).status_code == 200, (path, incident)
