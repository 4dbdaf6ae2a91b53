"""The peace page in headless Chromium: a street secretary reads last Monday's action day, in Chinese by default
and in English on the switch, on a laptop and on a phone, with nothing fetched from outside this machine."""

from __future__ import annotations

from mobilize.demo.live import Served
from tests.api import test_dashboard_browser as dashboard
from tests.api.conftest import issue
from tests.browser import Page, Watched, screenshot
from tests.conftest import World
from tests.projections.peace_week import WEEK, PeaceWeek

served, store, watched = dashboard.served, dashboard.store, dashboard.watched
"""The dashboard test's fixtures: the API served over a SQLite store, and an offline page on the session's browser."""


def text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text()


def test_the_peace_page_shows_the_week_per_grid_and_why_a_request_left_the_grid(
        world: World, served: Served, watched: tuple[Watched, Page]) -> None:
    watch, page = watched
    week = PeaceWeek(world)
    week.monday()
    call_up = world.do("call_up_drill", world.incident(exercise=True), world.street, "square", at=week.at(50))
    world.do("muster", call_up, week.workers[0], at=week.at(50.2))
    gas = world.do("report_hazard", world.grid, "gas", "No. 3 kitchen", week.workers[0], at=week.at(6))
    world.do("order_rectification", gas, week.workers[1], week.at(120), at=week.at(7))  # still open: 整改中
    secretary = issue(world.app, "viewer", "Street secretary")

    page.goto(f"{served.url}/peace?week={WEEK}&token={secretary}")
    page.wait_for_function("document.querySelector('#action-day tbody').innerText.includes('Shimaqiao Grid 1')")
    page.wait_for_function("document.querySelector('#hazards tbody').innerText.includes('No. 3 kitchen')")
    first = page.evaluate("document.querySelector('#action-day tbody tr').innerText")
    assert first.split("\t")[2:6] == ["4", "2", "1", "2"]  # planned, visited, walk-ins, requests
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert "网格行动日" in page.evaluate("document.body.innerText")
    assert "Shimaqiao Community" in text(page, "#escalations")
    assert text(page, "#league tbody").startswith("1")
    assert page.evaluate("location.search") == f"?week={WEEK}"  # the token left the address bar
    # the views' codes in words: the roof request (housing) went up to the community; the gas hazard is ordered
    assert text(page, "#requests tbody").split("\t")[1:3] == ["住房", "社区"]
    assert "整改中" in text(page, "#hazards tbody")
    assert not {"housing", "community", "ordered"} & set(text(page, "main").replace("\t", "\n").split("\n"))
    assert screenshot(page, "peace-zh", full_page=True).stat().st_size > 10_000

    page.locator("#lang").click()
    page.wait_for_function("document.body.innerText.includes('Grid action day')")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.wait_for_function("document.querySelector('#requests tbody').innerText.includes('housing')")
    assert text(page, "#requests tbody").split("\t")[1:3] == ["housing", "community"]
    assert "rectification ordered" in text(page, "#hazards tbody")
    assert "住房" not in text(page, "main")
    page.locator("#to-dashboard").click()  # the command center is a click away, and back, in the language chosen
    page.wait_for_url(f"{served.url}/dashboard")
    page.wait_for_function("document.querySelector('#to-peace').textContent === 'peace time'")
    page.go_back()
    page.wait_for_function("document.querySelector('#requests tbody').innerText.includes('housing')")

    phone, small = Watched.open(page.context.browser, offline=True, viewport={"width": 390, "height": 844},
                                device_scale_factor=2, is_mobile=True, has_touch=True)
    small.goto(f"{served.url}/peace?week={WEEK}")  # a context of its own: token and language given again
    small.evaluate(f"localStorage.setItem('mobilize.token', '{secretary}')")
    small.evaluate("localStorage.setItem('mobilize.lang', 'en')")
    small.reload()
    small.wait_for_function("document.querySelector('#requests tbody').innerText.includes('housing')")
    assert small.evaluate("document.documentElement.lang") == "en"
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    cut_off = small.evaluate("""[...document.querySelectorAll('table')].filter((table) => {
        const box = table.parentElement, style = getComputedStyle(box);
        return box.scrollWidth > box.clientWidth + 1 && !['auto', 'scroll'].includes(style.overflowX);
      }).map((table) => table.id)""")
    assert cut_off == []  # a table wider than the phone scrolls within its panel: no column is out of reach
    assert screenshot(small, "peace-en-phone").stat().st_size > 10_000
    assert phone.problems == [] and phone.left == []
    small.context.close()
    assert watch.problems == []
    assert watch.left == []  # every request outside this machine is blocked: the page needed none
