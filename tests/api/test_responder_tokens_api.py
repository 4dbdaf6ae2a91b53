"""A person's responder tokens, listed: who issued each and when, who revoked it, when and why — never a secret; for
an operator over the person's grid and for auditors only."""

from __future__ import annotations

from tests.api.conftest import Api, Desk, issue


def test_a_persons_tokens_show_who_issued_and_who_revoked_them_and_why(desk: Desk) -> None:
    world = desk.world
    chen = world.person("Chen Jing")
    first = desk.grid_operator.post(f"/people/{chen}/responder-token", {"reason": "first drive"}, key="t1").json()
    second = desk.operator.post(f"/people/{chen}/responder-token", {}).json()
    revoked = desk.grid_operator.post(f"/responder-tokens/{first['token_id']}/revoke", {"reason": "lost phone"})

    listed = desk.grid_operator.get(f"/people/{chen}/responder-tokens")
    audited = desk.auditor.get(f"/people/{chen}/responder-tokens")

    assert revoked.status_code == 200, revoked.text
    assert listed.status_code == 200, listed.text
    assert audited.json() == listed.json()
    old, new = listed.json()
    assert (old["token_id"], new["token_id"]) == (first["token_id"], second["token_id"])
    assert old["issued_by"].startswith("Zhang Min (operator") and new["issued_by"].startswith("Li Wei (operator")
    assert old["revoked"] is True and old["revoked_by"].startswith("Zhang Min (operator")
    assert old["reason"] == "lost phone" and old["revoked_at"] >= old["issued_at"]
    assert new["revoked"] is False and new["revoked_at"] is None and new["revoked_by"] is None
    secrets = [first["token"], first["token"].split(".")[2], second["token"].split(".")[2]]
    assert not any(secret in listed.text for secret in secrets)
    assert set(old) == {"token_id", "issued_at", "issued_by", "revoked", "revoked_at", "revoked_by", "reason"}
    still = Api(desk.client, second["token"]).get("/field/me")
    assert still.status_code == 200 and Api(desk.client, first["token"]).get("/field/me").status_code == 401


def test_tokens_of_someone_outside_the_scope_or_to_a_viewer_are_not_listed(desk: Desk) -> None:
    world = desk.world
    outsider = world.do("register_person", "Wu Lei", ["volunteer"], world.other_grid)
    desk.operator.post(f"/people/{outsider}/responder-token", {})
    other_operator = Api(desk.client, issue(world.app, "operator", "Grid 2 desk", world.other_grid))

    assert desk.grid_operator.get(f"/people/{outsider}/responder-tokens").status_code == 404
    assert desk.viewer.get(f"/people/{outsider}/responder-tokens").status_code == 403
    assert desk.anonymous.get(f"/people/{outsider}/responder-tokens").status_code == 401
    assert len(other_operator.get(f"/people/{outsider}/responder-tokens").json()) == 1
    assert desk.auditor.get(f"/people/{world.grid}/responder-tokens").json() == []
    assert desk.operator.get("/people/not-an-id/responder-tokens").status_code == 422

