"""The dashboard in headless Chromium: a check-in recorded through the API shows on the page without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobilize.api.app import create_app
from mobilize.demo.live import Served
from mobilize.settings import Settings
from tests.api.conftest import issue
from tests.browser import Browser, Page, Watched, screenshot, serve
from tests.conftest import World


@pytest.fixture
def store(tmp_path: Path) -> str:
    """A SQLite store, as a command center runs it (this overrides the per-backend store of tests/conftest.py)."""
    return f"sqlite:///{tmp_path / 'events.db'}"


@pytest.fixture
def served(world: World, store: str) -> Iterator[Served]:
    """The API over the world, served by uvicorn on a free local port."""
    with serve(create_app(Settings(store=store), application=world.app)) as running:
        yield running


@pytest.fixture
def watched(browser: Browser) -> Iterator[tuple[Watched, Page]]:
    """A fresh context and page, cut off from everything but this machine (the dashboard needs nothing else)."""
    watched, page = Watched.open(browser, offline=True)
    yield watched, page
    page.context.close()


def a_running_site(world: World, exercise: bool = False, name: str = "Site 1", war_over: Any = None,
                   people: tuple[str | None, ...] = ("Chen Jing", "Wang Fang", None)) -> tuple[list[Any], list[Any]]:
    """A site at war with its sampler, registrar and marshal posts staffed around now; one post left short."""
    incident = world.incident(exercise=exercise)
    world.do("switch_to_war", war_over or world.street, incident, ["coordination", "sampling"], max_shift_hours=8,
             min_rest_hours=8)
    site = world.do("plan_testing_site", incident, world.grid, name, 1, {"sampler": 4, "registrar": 4, "marshal": 4})
    world.do("appoint_site_commander", site, world.person(f"Commander of {name}", ("marshal",), ("grid_leader",)))
    world.do("open_site", site)
    start = datetime.now(UTC) - timedelta(minutes=5)
    shifts, staffed = [], []
    for post, person in zip(("sampler", "registrar", "marshal"), people, strict=True):
        shift = world.shift(site, start, post=post, slots=2 if post == "marshal" else 1)
        shifts.append(shift)
        if person:
            someone = world.person(person, (post,), ("volunteer",))
            world.do("assign_to_shift", shift, someone, ctx=world.ctx(datetime.now(UTC)))
            staffed.append(someone)
    return shifts, staffed


def text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text()


def test_the_roster_on_the_page_changes_live_when_someone_checks_in(
        world: World, served: Served, watched: tuple[Watched, Page]) -> None:
    watch, page = watched
    shifts, people = a_running_site(world)
    viewer = issue(world.app, "viewer", "Wall screen 1")
    operator = issue(world.app, "operator", "Li Wei")
    page.goto(f"{served.url}/api/dashboard?token={viewer}")
    page.wait_for_function("document.querySelector('#link').dataset.state === 'up'")
    page.wait_for_function("document.querySelector('#roster tbody').innerText.includes('Chen Jing')")
    assert text(page, "#link") == "实时"  # Chinese by default
    page.locator("#lang").click()  # the English switch: the same page, in place
    assert page.evaluate("document.querySelector('#link').textContent") == "live"
    row = f"#roster tr[data-person='{people[0]}']"
    page.wait_for_function(f"document.querySelector(\"{row}\").innerText.includes('expected')")
    assert "expected" in text(page, row)
    assert page.evaluate("location.search") == ""  # the token left the address bar for localStorage
    page.evaluate("window.sameDocument = true")

    checked_in = httpx.post(f"{served.url}/api/shifts/{shifts[0]}/check-in", json={"person_id": str(people[0])},
                            headers={"Authorization": f"Bearer {operator}", "Idempotency-Key": "check-in-1"})
    assert checked_in.status_code == 200, checked_in.text

    page.wait_for_function(f"document.querySelector(\"{row}\").innerText.includes('on duty')", timeout=10_000)
    assert "on duty" in text(page, row)
    assert page.evaluate("window.sameDocument") is True  # changed in place, never reloaded
    page.wait_for_function("document.querySelector('#k-on-duty').textContent === '1'")
    assert page.evaluate("document.querySelector('#k-need').textContent") == "2"
    assert text(page, "#modes").count("WAR") == 4
    assert "Shift.CheckedIn" in text(page, "#events")
    assert screenshot(page, "dashboard").stat().st_size > 10_000
    assert watch.problems == []
    assert watch.left == []


def test_drill_figures_stand_apart_from_real_ones_and_labels_are_chinese_by_default(
        world: World, served: Served, watched: tuple[Watched, Page]) -> None:
    watch, page = watched
    a_running_site(world)  # real: 4 required, 2 have, 2 needed; the street and all under it at war
    a_running_site(world, exercise=True, name="Drill Site", war_over=world.grid,
                   people=("Liu Yang", None, None))  # drill: 4 required, 1 have, 3 needed; one grid in the drill
    viewer = issue(world.app, "viewer", "Wall screen 1")
    page.goto(f"{served.url}/dashboard?token={viewer}")
    page.wait_for_function("document.querySelector('#d-need').textContent === '3'")

    figures = {kpi: (text(page, f"#k-{kpi}"), text(page, f"#d-{kpi}"))
               for kpi in ("required", "have", "need", "on-duty", "no-show", "war")}
    assert figures == {"required": ("4", "4"), "have": ("2", "1"), "need": ("2", "3"), "on-duty": ("0", "0"),
                       "no-show": ("0", "0"), "war": ("4", "1")}  # never 8 required or 5 needed
    gaps = page.locator("#gaps tbody tr")
    assert gaps.count() == 3  # the real marshal post, then the drill's registrar and marshal posts
    assert "演练" not in gaps.nth(0).inner_text()
    assert all("演练" in gaps.nth(index).inner_text() for index in (1, 2))
    assert "演练" in text(page, "#roster tbody")  # Liu Yang's row is a drill's
    assert text(page, "#gaps-note") == "3 个岗位中 2 个已满员 · 演练：3 个岗位中 1 个已满员"
    assert text(page, "#roster-note") == ("当前应在岗 2 人：在岗 0，待签到 2，缺勤 0 · "
                                          "演练：当前应在岗 1 人：在岗 0，待签到 1，缺勤 0")

    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    labels = text(page, ".kpis")
    for label in ("应到", "已到", "缺口", "在岗", "缺勤", "战时单元", "演练"):
        assert label in labels
    assert "required now" not in labels
    assert text(page, "#gaps thead").strip() == "采样点\t通道\t岗位\t应到\t已到\t缺口\t未签到\t轮休"
    assert "秩序维护" in text(page, "#gaps tbody")  # posts too
    assert "战时" in text(page, "#modes") and "演练" in text(page, "#modes")
    screenshot(page, "dashboard-drill-apart-zh", full_page=True)

    phone, small = Watched.open(page.context.browser, offline=True, viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    small.goto(f"{served.url}/dashboard")  # a context of its own: the token is given again, as a phone would
    small.evaluate(f"localStorage.setItem('mobilize.token', '{viewer}')")
    small.reload()
    small.wait_for_function("document.querySelector('#d-need').textContent === '3'")
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    assert small.locator("#k-need").bounding_box()["width"] < 200  # the KPIs wrap into rows
    screenshot(small, "dashboard-phone-zh", full_page=True)
    assert phone.problems == [] and phone.left == []
    small.context.close()

    page.locator("#lang").click()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "required now" in text(page, ".kpis") and "drill" in text(page, ".kpis")
    page.reload()  # the choice is kept
    assert text(page, "#lang") == "中文"
    assert watch.problems == []
    assert watch.left == []
