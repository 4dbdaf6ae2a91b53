"""Personal data over HTTP: who may erase it, what each role sees, and what a person may ask for."""

from __future__ import annotations

import json

from mobilize.domain.personal import ERASED
from tests.api.conftest import Desk
from tests.privacy.test_household_erasure import SECRETS, household_with_records


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


def test_an_operator_over_the_households_grid_erases_it_once_and_its_records_read_erased(desk: Desk) -> None:
    # given a household of grid 1 with a visit, and one of grid 2
    world = desk.world
    home = household_with_records(world)
    neighbour = world.do("register_household", world.other_grid, "9-101 Shimaqiao Road", care_flags=["low_income"])
    # when others try: a viewer, an auditor, the grid-1 operator on grid 2's household, or without a reason
    path = f"/households/{home['home']}/erase"
    assert desk.viewer.post(path, {"reason": "asked"}).status_code == 403
    assert desk.auditor.post(path, {"reason": "asked"}).status_code == 403
    assert desk.grid_operator.post(f"/households/{neighbour}/erase", {"reason": "asked"}).status_code == 403
    missing = desk.grid_operator.post(path, {})
    assert missing.status_code == 422 and "reason" in missing.text
    assert desk.grid_operator.post(f"/households/{home['li']}/erase", {"reason": "a person"}).status_code == 404
    # and the grid's own operator, with a reason, sent twice with one Idempotency-Key, then once more
    first = desk.grid_operator.post(path, {"reason": "the family moved away (PIPL Art. 47)"}, key="erase-7-302")
    again = desk.grid_operator.post(path, {"reason": "the family moved away (PIPL Art. 47)"}, key="erase-7-302")
    later = desk.operator.post(path, {"reason": "asked again"})
    assert (first.status_code, again.status_code, later.status_code) == (200, 200, 200), later.text
    assert first.json() == again.json() == {"id": str(home["home"])}
    # then the audit trail shows every field of the household and its records erased, and one erasure by her
    trail = desk.grid_operator.get("/audit", limit=1000).json()["items"]
    ours = [row for row in trail if row["aggregate_id"] in {str(home[r]) for r in ("home", "visit", "request",
                                                                                     "wish")}]
    shown = json.dumps([row["payload"] for row in ours], ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in shown] and ERASED in shown
    erasures = [row for row in ours if row["event_type"] == "Household.PersonalDataErased"]
    assert len(erasures) == 1 and erasures[0]["actor"].startswith("Zhang Min")
    assert erasures[0]["reason"] == "the family moved away (PIPL Art. 47)"
    assert "9-101 Shimaqiao Road" in json.dumps(desk.operator.get("/audit", limit=1000).json()["items"])
    # and a new visit or a change of its flags is refused, in Chinese when asked
    zh = {"Accept-Language": "zh-CN", **desk.grid_operator.headers()}
    flags = desk.client.post(f"/api/households/{home['home']}/care-flags", json={"care_flags": ["disability"]},
                             headers=zh)
    visit = desk.grid_operator.post("/visits", {"grid_id": world.grid, "kind": "when_needed", "outcome": "met",
                                                "visitor_ids": [home["li"]], "household_id": home["home"]})
    assert (flags.status_code, flags.json()["error"]) == (409, "personal_data_erased")
    assert flags.json()["message"].startswith("该住户的个人信息已被删除")
    assert (visit.status_code, visit.json()["error"]) == (409, "personal_data_erased")
    assert "household's personal data was erased" in visit.json()["message"]
