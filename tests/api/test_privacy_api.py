"""Personal data over HTTP: who may erase it, what each role sees, and what a person may ask for."""

from __future__ import annotations

from mobilize.domain.personal import ERASED
from tests.api.conftest import Desk


def register(desk: Desk, grid: object) -> object:
    return desk.world.do("register_person", "Chen Jing", ["volunteer"], grid, phone="13800000000",
                         id_number="440111199001011234")


def test_an_operator_over_the_persons_grid_erases_with_a_reason_and_every_reader_sees_it_erased(desk: Desk) -> None:
    # given a person of grid 1 and a person of grid 2
    person, neighbour = register(desk, desk.world.grid), register(desk, desk.world.other_grid)
    # when others try: a viewer, an auditor, the grid-1 operator on grid 2's person, or without a reason
    assert desk.viewer.post(f"/people/{person}/erase", {"reason": "asked"}).status_code == 403
    assert desk.auditor.post(f"/people/{person}/erase", {"reason": "asked"}).status_code == 403
    assert desk.grid_operator.post(f"/people/{neighbour}/erase", {"reason": "asked"}).status_code == 403
    missing = desk.grid_operator.post(f"/people/{person}/erase", {})
    assert missing.status_code == 422 and "reason" in missing.text
    assert desk.auditor.get(f"/people/{person}").json()["phone"] == "13800000000"  # nothing happened
    # and the grid's own operator, with a reason
    done = desk.grid_operator.post(f"/people/{person}/erase", {"reason": "resident asked (PIPL Art. 47)"})
    assert done.status_code == 200, done.text
    # then every entitled reader sees it erased, the viewer sees nothing personal as before
    for reader in (desk.auditor, desk.operator, desk.grid_operator):
        shown = reader.get(f"/people/{person}").json()
        assert (shown["phone"], shown["id_number"], shown["erased"]) == (ERASED, ERASED, True)
    assert desk.viewer.get(f"/people/{person}").json()["phone"] is None
    # a correction is refused clearly, and the neighbour is untouched
    refused = desk.grid_operator.post(f"/people/{person}/personal-data", {"phone": "13900000000"})
    assert refused.status_code == 409 and refused.json()["error"] == "personal_data_erased"
    assert desk.operator.get(f"/people/{neighbour}").json()["phone"] == "13800000000"


def test_what_is_held_about_a_person_and_where_it_came_from(desk: Desk) -> None:
    person = register(desk, desk.world.grid)
    desk.grid_operator.post(f"/people/{person}/personal-data", {"phone": "13900000000"})

    held = desk.auditor.get(f"/people/{person}/held")

    assert held.status_code == 200
    report = held.json()
    assert report["held"]["phone"] == "13900000000" and report["held"]["name"] == "Chen Jing"
    sources = report["personal_data_recorded"]
    assert [s["event_type"] for s in sources] == ["Person.Registered", "Person.PersonalDataCorrected"]
    assert sources[0]["personal_data"]["phone"] == "13800000000" and sources[1]["actor"].startswith("Zhang Min")
    assert desk.viewer.get(f"/people/{person}/held").status_code == 403
    neighbour = register(desk, desk.world.other_grid)
    assert desk.grid_operator.get(f"/people/{neighbour}/held").status_code == 404
