"""The peace page in headless Chromium: a street secretary reads last Monday's action day, in Chinese by default
and in English on the switch."""

from __future__ import annotations

from mobilize.demo.live import Served
from tests.api import test_dashboard_browser as browser
from tests.api.conftest import issue
from tests.api.test_dashboard_browser import ARTIFACTS, Page
from tests.conftest import World
from tests.projections.peace_week import WEEK, PeaceWeek

page, served, store = browser.page, browser.served, browser.store
"""The dashboard test's fixtures: a headless page, the API served over a SQLite store."""


def test_the_peace_page_shows_the_week_per_grid_and_why_a_request_left_the_grid(world: World, served: Served,
                                                                                page: Page) -> None:
    week = PeaceWeek(world)
    week.monday()
    call_up = world.do("call_up_drill", world.incident(exercise=True), world.street, "square", at=week.at(50))
    world.do("muster", call_up, week.workers[0], at=week.at(50.2))
    secretary = issue(world.app, "viewer", "Street secretary")

    page.send("Page.navigate", url=f"{served.url}/api/peace?week={WEEK}&token={secretary}")
    page.wait_for("document.querySelector('#action-day tbody').innerText.includes('Shimaqiao Grid 1')")
    first = page.evaluate("document.querySelector('#action-day tbody tr').innerText")
    assert first.split("\t")[2:6] == ["4", "2", "1", "2"]  # planned, visited, walk-ins, requests
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert "网格行动日" in page.evaluate("document.body.innerText")
    assert "Shimaqiao Community" in page.evaluate("document.querySelector('#escalations').innerText")
    assert page.evaluate("document.querySelector('#league tbody').innerText").startswith("1")
    assert page.evaluate("location.search") == f"?week={WEEK}"  # the token left the address bar
    assert page.screenshot(ARTIFACTS / "peace-zh.png").stat().st_size > 10_000

    page.evaluate("document.querySelector('#lang').click()")
    page.wait_for("document.body.innerText.includes('Grid action day')")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    assert page.screenshot(ARTIFACTS / "peace-en-phone.png").stat().st_size > 10_000
    assert not page.problems
