"""ICS forms over HTTP: each form in each format, stamped; operators see their subtree; viewers get none."""

from __future__ import annotations

import io
import random

import pypdf

from tests.api.conftest import Api, Desk, issue
from tests.conftest import HOUR, T0
from tests.projections.scenario import SmallDrive


def test_each_form_over_http_is_stamped_and_scoped(desk: Desk) -> None:
    drive = SmallDrive(desk.world)
    drive.play(random.Random(6), 50)
    at = (T0 + 9 * HOUR).isoformat()

    for form in ("201", "203", "204", "211", "215"):
        response = desk.auditor.get(f"/ics/{form}", now=at)
        assert response.status_code == 200, (form, response.text)
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["x-chain-head"] in response.text
    person = desk.auditor.get("/ics/214", person=drive.people[0], as_happened=at, lang="en", format="csv")
    pdf = desk.auditor.get("/ics/204", site=drive.site, as_of=40, format="pdf")

    assert person.status_code == 200 and "ICS 214 Activity Log" in person.content.decode("utf-8-sig")
    assert pdf.headers["x-log-position"] == "40" and pdf.headers["content-type"] == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    assert 'filename="ics-204-zh-p40.pdf"' in pdf.headers["content-disposition"]

    assert desk.viewer.get("/ics/201").status_code == 403
    assert desk.auditor.get("/ics/214").status_code == 422
    assert desk.auditor.get("/ics/216").status_code == 422
    assert desk.auditor.get("/ics/201", as_happened="2026-03-02T10:00").status_code == 422
    # the site and its people lie in grid 1: its operator sees the rows, grid 2's sees none and cannot name the site
    neighbour = Api(desk.client, issue(desk.world.app, "operator", "Grid 2 desk", desk.world.other_grid))
    full = desk.auditor.get("/ics/211", now=at, lang="en", format="csv").content.decode("utf-8-sig")
    own = desk.grid_operator.get("/ics/211", now=at, lang="en", format="csv").content.decode("utf-8-sig")
    other = neighbour.get("/ics/211", now=at, lang="en", format="csv").content.decode("utf-8-sig")
    names = [name for name in ("Person 0", "Person 1", "Person 2", "Person 3") if name in full]
    assert names and all(name in own for name in names) and not any(name in other for name in names)
    assert neighbour.get("/ics/204", site=drive.site).status_code == 404
