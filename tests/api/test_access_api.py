"""Access control: roles and subtree scopes; revoked tokens; viewers see no personal identifiers."""

from __future__ import annotations

from tests.api.conftest import Desk


def test_no_token_a_bad_token_or_a_revoked_one_is_a_401(desk: Desk) -> None:
    from tests.api.conftest import Api, issue

    revoked = issue(desk.world.app, "operator", "Former staff")
    token_id = revoked.split(".")[1]
    from uuid import UUID

    desk.world.do("revoke_token", UUID(hex=token_id))

    assert desk.anonymous.get("/roster").status_code == 401
    assert Api(desk.client, "mbz.nothing.here").get("/roster").status_code == 401
    assert Api(desk.client, revoked).get("/roster").status_code == 401
    wrong_secret = Api(desk.client, revoked.rsplit(".", 1)[0] + ".guess")
    assert wrong_secret.get("/roster").json()["error"] == "unauthenticated"


def test_an_auditor_and_a_viewer_read_but_never_write(desk: Desk) -> None:
    body = {"name": "Grid 7", "kind": "grid", "parent_id": desk.world.community}
    size = desk.world.log_size()

    for client in (desk.auditor, desk.viewer):
        refused = client.post("/org-units", body)
        assert refused.status_code == 403 and "may read but not give commands" in refused.json()["message"]
        assert client.get("/roster").status_code == 200
    assert desk.world.log_size() == size


def test_an_operator_of_grid_a_cannot_touch_grid_b(desk: Desk) -> None:
    world = desk.world
    mine = desk.grid_operator.post(f"/org-units/{world.grid}/leaders",
                                   {"seat": "first_secretary", "person_id": world.person()})
    theirs = desk.grid_operator.post(f"/org-units/{world.other_grid}/leaders",
                                     {"seat": "first_secretary", "person_id": world.person()})
    above = desk.grid_operator.post("/org-units", {"name": "Grid 9", "kind": "grid", "parent_id": world.community})

    assert mine.status_code == 200
    assert theirs.status_code == 403 and "covers Shimaqiao Grid 1" in theirs.json()["message"]
    assert above.status_code == 403


def test_only_auditors_and_operators_read_the_audit_trail_and_personal_identifiers(desk: Desk) -> None:
    person = desk.world.do("register_person", "Chen Jing", ["volunteer"], desk.world.grid, phone="13800000000",
                           id_number="440111199001011234")

    assert desk.auditor.get("/audit").status_code == 200
    assert desk.viewer.get("/audit").status_code == 403
    seen_by_auditor = desk.auditor.get(f"/people/{person}").json()
    seen_by_viewer = desk.viewer.get(f"/people/{person}").json()
    assert seen_by_auditor["phone"] == "13800000000" and seen_by_auditor["id_number"].startswith("4401")
    assert seen_by_viewer["phone"] is None and seen_by_viewer["id_number"] is None
    assert seen_by_viewer["name"] == "Chen Jing"
