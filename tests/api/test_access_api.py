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


def test_a_grid_operator_may_not_put_another_grids_person_on_duty_or_dispatch_them(desk: Desk) -> None:
    world = desk.world
    incident = world.incident()
    site = world.open_site(incident)  # in grid 1, the scoped operator's own
    shift = world.shift(site, world.app.clock().replace(year=2026, month=3, day=2, hour=6, minute=0, second=0,
                                                        microsecond=0))
    neighbour = world.do("register_person", "Liu Yang", ["medical_staff"], world.other_grid,
                         qualifications={"sampler": world.app.clock().replace(year=2027)})
    size = world.log_size()

    rostered = desk.grid_operator.post(f"/shifts/{shift}/assignments", {"person_id": neighbour})
    sent = desk.grid_operator.post("/dispatches", {"subject_kind": "person", "subject_id": neighbour,
                                                   "incident_id": incident, "site_id": site, "task": "help"})

    assert (rostered.status_code, sent.status_code) == (403, 403)
    assert "reaches outside it" in sent.json()["message"]
    assert world.log_size() == size


def test_either_side_of_a_dispatch_may_move_it_on(desk: Desk) -> None:
    from tests.api.conftest import Api, issue

    world = desk.world
    incident = world.incident()
    site = world.open_site(incident)
    neighbour = world.do("register_person", "Liu Yang", ["volunteer"], world.other_grid)
    order = world.do("dispatch", "person", neighbour, incident, "help at site 1", site_id=site)
    home_side = Api(desk.client, issue(world.app, "operator", "Wu Hua", world.other_grid))

    recalled = home_side.post(f"/dispatches/{order}/recall", {"reason": "needed at home"})

    assert recalled.status_code == 200
