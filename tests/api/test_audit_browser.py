"""The auditor's page in a real browser: the roster at a moment equals `mobilize replay --as-of` for it, the two
meanings of a moment, the timeline, the chain's verdict with its anchor; and no control on the page writes."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest

from mobilize.api.app import create_app
from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.demo.live import Served
from mobilize.projections.anchors import anchor
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings, store_env
from tests.api.conftest import issue
from tests.browser import Browser, Page, Watched, screenshot, serve
from tests.conftest import World
from tests.projections.scenario import SmallDrive


@pytest.fixture(scope="module")
def drive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str, Mobilize, str]]:
    """A small drive on SQLite, anchored, served; an auditor's token."""
    folder = tmp_path_factory.mktemp("audit-page")
    store = f"sqlite:///{folder / 'events.db'}"
    settings = Settings(store=store, anchor_key=str(folder / "anchor.key"), anchors=str(folder / "anchors.jsonl"))
    app = Mobilize(env=store_env(store))
    SmallDrive(World(app)).play(random.Random(9), 80)
    views = ViewStore.for_store(store)
    anchor(app, views, settings, actor="test:auditor")
    views.close()
    token = issue(app, "auditor", "Audit Office")
    with serve(create_app(settings, application=app)) as served:
        yield served, store, app, token


def opened(browser: Browser, served: Served, token: str) -> tuple[Watched, Page]:
    watched, page = Watched.open(browser, offline=True)
    page.goto(f"{served.url}/audit?token={token}")
    page.locator("body[data-ready=yes]").wait_for(timeout=30_000)
    return watched, page


def cli_roster(store: str, position: int, incident: str,
               capsys: pytest.CaptureFixture[str]) -> list[tuple[str, ...]]:
    """`mobilize replay roster --as-of POSITION --incident ID`, its rows as (person, post, lane, site, status)."""
    assert main(["--store", store, "replay", "roster", "--as-of", str(position), "--incident", incident]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("person"))
    starts = [lines[header].index(name) for name in ("person", "post", "lane", "site", "grid", "status", "since")]
    rows = []
    for line in lines[header + 2:]:
        if line.startswith("("):
            break
        cells = [line[a:b].strip() for a, b in itertools.pairwise(starts)]
        rows.append((cells[0], cells[1], cells[2], cells[3], cells[5]))
    return sorted(rows)


def page_roster(page: Page) -> list[tuple[str, ...]]:
    rows = page.locator("#roster-then tbody tr")
    keys = ("person", "post", "lane", "site", "status")
    return sorted(tuple(str(rows.nth(i).get_attribute(f"data-{key}")) for key in keys) for i in range(rows.count()))


def test_the_roster_at_a_moment_equals_replay_as_of_it(browser: Browser, drive: Any,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    served, store, app, token = drive
    watched, page = opened(browser, served, token)
    page.locator("#lang").click()  # English
    page.locator("input[name=meaning][value=known]").check()
    compared = 0
    head = app.recorder.max_notification_id()
    for position in (head // 4, head // 2, 3 * head // 4, head - 5):
        page.locator("#moment-text").fill(str(position))
        page.locator("#moment-text").press("Enter")
        page.locator(f"#reading-then[data-position='{position}']").wait_for(timeout=20_000)
        expected = cli_roster(store, position, page.locator("#incident").input_value(), capsys)
        assert page_roster(page) == expected, f"position {position}"
        assert f"as known at log position {position}" in page.locator("#reading-then").inner_text()
        compared += len(expected)
    assert compared > 0, "the moments compared show people on the roster"
    screenshot(page, "audit-page-as-known")
    assert watched.problems == [] and watched.left == []


def test_the_page_shows_the_timeline_the_chain_and_the_two_meanings_in_chinese(browser: Browser, drive: Any) -> None:
    served, _, _, token = drive
    watched, page = opened(browser, served, token)

    assert page.locator("h1").inner_text() == "审计工作台"
    assert page.locator("#timeline tbody tr").count() > 10
    assert "审计链完好" in page.locator("#verify").inner_text()
    assert "最近锚定" in page.locator("#anchor").inner_text()
    page.locator("#f-kind").select_option("Shift.CheckedIn")
    kinds = {page.locator("#timeline tbody tr").nth(i).locator("td").nth(2).inner_text()
             for i in range(page.locator("#timeline tbody tr").count())}
    assert kinds == {"Shift.CheckedIn"}
    first = page.locator("#timeline tbody tr").first
    occurred = first.locator("td").first.inner_text()
    first.click()  # that check-in's moment, as it happened
    page.locator(f"#reading-then[data-happened='{occurred}']").wait_for(timeout=20_000)
    assert f"按发生时间截至 {occurred}" in page.locator("#reading-then").inner_text()
    person = first.locator("td").nth(3).inner_text()
    on_duty = page.locator("#roster-then tbody tr[data-status='on duty']")
    assert person in [on_duty.nth(i).get_attribute("data-person") for i in range(on_duty.count())], \
        "who checked in at that moment is on duty as it happened then"
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    screenshot(page, "audit-page-phone", full_page=True)
    assert watched.problems == [] and watched.left == []


def test_no_control_on_the_page_writes(browser: Browser, drive: Any) -> None:
    served, _, app, token = drive
    length = app.recorder.max_notification_id()
    watched, page = opened(browser, served, token)
    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))

    for select in ("#f-kind", "#f-person", "#f-site", "#f-force"):
        options = page.locator(f"{select} option")
        if options.count() > 1:
            page.locator(select).select_option(index=1)
    assert page.locator("#whatif").is_enabled(), "a person is picked: the what-if can run"
    buttons = page.locator("button:visible:not(#show-token)")  # the token form only keeps a token in the browser
    for i in range(buttons.count()):
        if buttons.nth(i).is_enabled():
            buttons.nth(i).click()
    page.locator("#whatif-who", has_text=re.compile("撤出|pulled")).wait_for(timeout=20_000)  # it ran, in memory
    page.locator("input[name=meaning][value=known]").check()
    page.locator("#moment").fill("3")
    page.wait_for_timeout(800)

    assert page.locator("form[method=post], form[method=POST]").count() == 0
    assert methods and set(methods) == {"GET"}, methods
    assert app.recorder.max_notification_id() == length, "something on the page wrote to the log"
    assert watched.left == []


