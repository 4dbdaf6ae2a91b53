"""What-if over HTTP: the gaps beside the real ones, scoped, and nothing written."""

from __future__ import annotations

from mobilize.projections.anchors import head_at
from tests.api.conftest import Api, Desk, issue
from tests.forms.test_whatif import AT, staffed


def test_what_if_over_http_writes_nothing_and_keeps_to_the_callers_scope(desk: Desk) -> None:
    records = staffed(desk.world)
    neighbour = Api(desk.client, issue(desk.world.app, "operator", "Grid 2 desk", desk.world.other_grid))
    length = desk.world.log_size()
    head = head_at(desk.world.app, length)

    answer = desk.viewer.get("/what-if/gaps", person=records["chen"], at=AT.isoformat())

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["pulled"] == ["Chen Jing"] and body["written"] == 0
    assert body["reading"]["meaning"] == "as_happened"
    assert sum(row["need_if"] - row["need"] for row in body["items"]) == 2
    assert (desk.world.log_size(), head_at(desk.world.app, desk.world.log_size())) == (length, head)
    assert neighbour.get("/what-if/gaps", person=records["chen"], at=AT.isoformat()).status_code == 404
    assert desk.viewer.get("/what-if/gaps", at=AT.isoformat()).status_code == 422
    assert desk.viewer.get("/what-if/gaps", person=records["chen"]).status_code == 422
