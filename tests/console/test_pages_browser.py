"""The console's pages (呼叫) in a real browser: the board reorders itself as the pager escalates (its rounds run
here with the time injected), a page is read in full, an operator acknowledges one for its person with a reason
(once, however often clicked), and an auditor reads it all on a phone without a control — checked against the log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest

from mobilize.demo.live import Served
from mobilize.feeds.pager import Pager
from mobilize.feeds.webhooks import Hook
from mobilize.projections.store import ViewStore
from tests.api.conftest import issue
from tests.conftest import World
from tests.console.conftest import NewPage, shot
from tests.console.steps import Console, Street, a_running_site, events, expect
from tests.feeds.test_pager import Receiver

MINUTE = timedelta(minutes=1)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local webhook that fails its first post (HTTP 500), then takes every post."""
    server = Receiver()
    server.script = [(500, {"error": "robot down"})]
    yield server
    server.close()


def pager(world: World, *hooks: Hook) -> Pager:
    """A pager with views of its own (the served API keeps its own), run by the test at the times it chooses."""
    return Pager(world.app, ViewStore.for_store("memory:"), list(hooks))


def paged(world: World, site: UUID, person: UUID, at: datetime) -> UUID:
    """The person put on a shift at `at` (and so paged then); the page's id."""
    shift = world.shift(site, at + 20 * MINUTE)
    world.do("assign_to_shift", shift, person, ctx=world.ctx(at))
    [page] = [p for p in world.app.inbox_of(person) if p["subject_id"] == shift]
    return UUID(str(page["id"]))


def test_an_escalated_page_rises_to_the_top_and_an_operator_acknowledges_it_for_the_person_once(
        world: World, served: Served, new_page: NewPage, receiver: Receiver) -> None:
    street = Street(world)
    chen, li = street.samplers[0], street.samplers[1]
    _, site = a_running_site(world, street)
    now = datetime.now(UTC)
    chen_page = paged(world, site, chen, now - 40 * MINUTE)
    li_page = paged(world, site, li, now - 25 * MINUTE)
    rounds = pager(world, Hook.model_validate({"name": "duty", "format": "json", "url": receiver.url(),
                                               "levels": [0]}))
    console = Console(new_page(), served, issue(world.app, "operator", "Zhang Min", world.grid))
    page = console.page
    screen = console.tab("pages")
    assert page.locator('a[data-screen="pages"]').inner_text() == "呼叫"
    board = screen.locator(".row.page")
    expect(board).to_have_count(2)
    assert board.first.get_attribute("data-page") == str(chen_page)  # both unanswered: the longest waiting first
    expect(board.first.locator(".ticking[data-due]")).to_contain_text("已超时")
    assert page.locator('[data-count="pages"]').count() == 0

    rounds.round(now - 29 * MINUTE)  # Chen's page escalates to the grid leader; the hook fails its first post
    rounds.round(now - 14 * MINUTE)  # Li's escalates to the grid leader, Chen's on to the command center
    top = screen.locator(f'.row.page[data-page="{chen_page}"]')
    expect(top).to_have_attribute("data-level", "2", timeout=8000)  # read again on its own (the stream)
    board = page.locator('.screen[data-screen="pages"] .row.page')
    expect(board).to_have_count(4)  # and the grid leader's two copies
    assert board.first.get_attribute("data-page") == str(chen_page)
    assert board.nth(1).get_attribute("data-page") == str(li_page)
    expect(board.first).to_contain_text("已上报指挥中心")
    expect(board.nth(1)).to_contain_text("已上报网格长")
    assert board.nth(2).get_attribute("data-level") == "0" and "上报" in board.nth(2).inner_text()
    expect(page.locator('[data-count="pages"]')).to_have_text("1")
    expect(board.first.locator("[data-attempts]")).to_contain_text("失败 1")
    expect(board.first.locator('[data-delivered="yes"]')).to_be_visible()
    waited = board.first.locator(".ticking[data-from]")
    first = waited.inner_text()
    expect(waited).not_to_have_text(first, timeout=3000)  # the wait ticks by the second

    board.first.locator(".open-page").click()
    detail = page.locator(f'[data-detail="{chen_page}"]')
    expect(detail).to_be_visible()
    escalations = detail.locator('[data-list="escalations"] .row')
    expect(escalations).to_have_count(2)
    expect(escalations.first).to_contain_text("王建国")  # the grid leader by name, from the directory
    expect(escalations.nth(1)).to_contain_text("指挥中心")
    failed = detail.locator('[data-list="attempts"] [data-outcome="failed"]')
    expect(failed).to_contain_text("HTTP 500")
    expect(detail.locator('[data-list="attempts"] [data-outcome="delivered"]')).to_have_count(1)
    expect(detail.locator('[data-list="deliveries"]')).to_contain_text("推送 duty")
    shot(page, "pages-board")

    page.locator(f'.row.page[data-page="{chen_page}"] [data-act="acknowledge"]').click()
    dialog = console.dialog("acknowledge-page")
    dialog.locator("textarea[name=reason]").fill("   ")
    dialog.locator("button[type=submit]").click()
    refusal = dialog.locator(".refusal")
    expect(refusal).to_have_attribute("data-error", "invalid_command")  # refused where the operator acted
    expect(refusal).to_contain_text("须写明原因")
    assert events(world, "Inbox.Acknowledged") == []
    dialog.locator("textarea[name=reason]").fill("电话联系本人，已确认收到")
    with page.expect_request(f"**/pages/{chen_page}/acknowledge") as sent:
        dialog.locator("button[type=submit]").dblclick()  # a second, impatient click
    expect(dialog).to_be_hidden()
    assert sent.value.headers["idempotency-key"]
    expect(page.locator(f'.row.page[data-page="{chen_page}"]')).to_have_count(0)  # answered: off the open board
    expect(page.locator('[data-count="pages"]')).to_have_count(0)
    [ack] = events(world, "Inbox.Acknowledged")
    assert ack.notification_id == chen_page and ack.reason == "电话联系本人，已确认收到"
    assert ack.actor.startswith("Zhang Min (operator")
    assert len(events(world, "Inbox.Withdrawn")) == 1  # the grid leader's copy of Chen's page

    page.locator('.screen[data-screen="pages"] select[name=pages-state]').select_option("all")
    answered = page.locator(f'.row.page[data-page="{chen_page}"]')
    expect(answered).to_have_attribute("data-state", "acknowledged")
    expect(answered).to_contain_text("Zhang Min")
    assert answered.locator('[data-act="acknowledge"]').count() == 0
    assert len(events(world, "Inbox.Acknowledged")) == 1
    assert not console.problems


def test_an_auditor_reads_the_pages_on_a_phone_without_controls_and_a_viewer_has_no_tab(
        world: World, served: Served, new_page: NewPage) -> None:
    street = Street(world)
    chen = street.samplers[0]
    site = world.open_site(world.incident(exercise=True))  # a drill: its pages say so
    now = datetime.now(UTC)
    chen_page = paged(world, site, chen, now - 40 * MINUTE)
    rounds = pager(world)
    rounds.round(now - 29 * MINUTE)
    rounds.round(now - 18 * MINUTE)
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    auditor = Console(phone, served, issue(world.app, "auditor", "Audit Office"))
    page = auditor.page
    expect(page.locator('[data-count="pages"]')).to_have_text("1")
    screen = auditor.tab("pages")
    top = screen.locator(".row.page").first
    assert top.get_attribute("data-page") == str(chen_page)
    expect(top).to_contain_text("已上报指挥中心")
    expect(top.locator(".badge.drill")).to_have_text("演练")
    assert "exercise" in (top.get_attribute("class") or "")
    top.locator(".open-page").tap()
    detail = page.locator(f'[data-detail="{chen_page}"]')
    expect(detail.locator('[data-list="escalations"] .row')).to_have_count(2)
    assert page.locator('.screen[data-screen="pages"] [data-act="acknowledge"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-pages")
    page.locator("#lang").tap()
    expect(page.locator('a[data-screen="pages"]')).to_contain_text("Pages")
    expect(page.locator(f'.row.page[data-page="{chen_page}"]')).to_contain_text("escalated to the command center")
    assert not auditor.problems

    token = issue(world.app, "viewer", "Wall screen 1")
    assert httpx.get(f"{served.url}/api/pages", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    viewer = Console(new_page(), served, token)
    expect(viewer.page.locator('a[data-screen="org"]')).to_be_visible()
    assert viewer.page.locator('a[data-screen="pages"]').count() == 0
    viewer.page.goto(f"{served.url}/console#pages")
    expect(viewer.page.locator('.screen[data-screen="org"]')).to_be_visible()
    assert not viewer.problems
