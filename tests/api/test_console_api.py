"""What the console asks of the server besides the views: who the caller is, the event types, its files."""

from __future__ import annotations

from tests.api.conftest import Desk


def test_me_names_the_holder_role_and_scope(desk: Desk) -> None:
    assert desk.operator.get("/me").json() == {"holder": "Li Wei", "role": "operator", "scope_unit_id": None,
                                               "scope_name": None}
    scoped = desk.grid_operator.get("/me").json()
    assert scoped == {"holder": "Zhang Min", "role": "operator", "scope_unit_id": str(desk.world.grid),
                      "scope_name": "Shimaqiao Grid 1"}
    assert desk.viewer.get("/me").json()["role"] == "viewer"
    refused = desk.anonymous.get("/me")
    assert refused.status_code == 401 and refused.json()["error"] == "unauthenticated"


def test_event_types_are_every_domain_event_the_stream_carries(desk: Desk) -> None:
    types = desk.viewer.get("/event-types").json()
    assert {"Incident.Declared", "OrgUnit.SwitchedToWar", "Shift.Assigned", "Dispatch.Released",
            "TestingSite.TallyReported", "TaskForce.Formed", "Person.Registered"} <= set(types)
    assert all(name.count(".") == 1 and not name.startswith("Aggregate.") for name in types)
    recorded = {type(event).__qualname__ for event in desk.world.events()}
    assert recorded <= set(types)  # the world's own set-up events are among them
    assert desk.anonymous.get("/event-types").status_code == 401


def test_the_console_page_and_its_modules_are_served_and_nothing_else(desk: Desk) -> None:
    page = desk.client.get("/console")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert 'type="module" src="/console/main.js"' in page.text
    script = desk.client.get("/console/main.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert desk.client.get("/console/console.css").headers["content-type"].startswith("text/css")
    for name in ("index.html", "..%2Fdashboard.js", "missing.js", "Main.js"):
        missing = desk.client.get(f"/console/{name}")
        assert missing.status_code == 404, name
        assert missing.json()["error"] == "not_found"


def test_the_check_in_sheet_is_a_page_of_the_console_that_reads_the_api_with_its_token(desk: Desk) -> None:
    page = desk.client.get("/console/check-in-codes")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert 'src="/console/codes.js"' in page.text and "token" not in page.text.lower().replace("takeToken", "")
    assert desk.client.get("/console/codes.css").headers["content-type"].startswith("text/css")
    assert desk.client.get("/console/codes.js").headers["content-type"].startswith("text/javascript")
