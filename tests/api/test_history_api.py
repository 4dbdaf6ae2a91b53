"""A person's history over HTTP: JSON and printable, auditors and operators of the person's grid only."""

from __future__ import annotations

from tests.api.conftest import Api, Desk, issue
from tests.conftest import HOUR, T0
from tests.forms.test_history import two_shifts


def test_the_history_over_http(desk: Desk) -> None:
    person, _, _ = two_shifts(desk.world)

    response = desk.auditor.get(f"/people/{person}/history", now=(T0 + 9 * HOUR).isoformat())
    printable = desk.auditor.get(f"/people/{person}/history", format="html", lang="zh")

    assert response.status_code == 200
    assert [o["reason"] for o in response.json()["overrides"]] == ["two samplers off sick"]
    assert "人员履历" in printable.text and response.headers["x-chain-head"] in printable.text
    assert desk.viewer.get(f"/people/{person}/history").status_code == 403
    neighbour = Api(desk.client, issue(desk.world.app, "operator", "Grid 2 desk", desk.world.other_grid))
    assert desk.grid_operator.get(f"/people/{person}/history").status_code == 200
    assert neighbour.get(f"/people/{person}/history").status_code == 404
    assert desk.auditor.get(f"/people/{desk.world.grid}/history").status_code == 404
