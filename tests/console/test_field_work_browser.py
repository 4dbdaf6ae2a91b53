"""The console's screens for people in the field: a roll call watched live, a site's printable check-in sheet, and
a person's field tokens issued (shown once), listed and revoked — in a real browser, checked against the log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import segno

from mobilize.demo.live import Served
from tests.api.conftest import issue
from tests.browser import screenshot
from tests.conftest import World
from tests.console.conftest import NewPage, shot
from tests.console.steps import Console, Street, a_running_site, events, expect

PATH = re.compile(r'<path[^>]* d="([^"]+)"')


def test_an_operator_calls_the_roll_of_a_site_and_watches_it_on_a_phone(world: World, served: Served,
                                                                        new_page: NewPage) -> None:
    street = Street(world)
    _, site = a_running_site(world, street)
    now = datetime.now(UTC)
    shift = world.shift(site, now - timedelta(minutes=30), slots=2)
    chen, li = street.samplers[0], street.samplers[1]
    for person in (chen, li):
        world.do("assign_to_shift", shift, person, ctx=world.ctx(now - timedelta(minutes=40)))
        world.do("check_in", shift, person, ctx=world.ctx(now - timedelta(minutes=25)))
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    console = Console(phone, served, issue(world.app, "operator", "Li Wei", world.grid))
    page = console.page

    screen = console.tab("rollcall")
    assert page.locator('a[data-screen="rollcall"]').inner_text() == "点名"
    expect(screen.locator(f'[data-roll="{site}"]')).to_contain_text("尚未点过名")
    with page.expect_request(f"**/api/roll-calls/{site}") as sent:
        screen.locator('[data-act="call"]').tap()
    waiting = screen.locator('[data-list="unaccounted"] .row')
    expect(waiting).to_have_count(2)
    [called] = events(world, "RollCall.Called")
    assert called.actor.startswith("Li Wei (operator") and set(called.roll) == {str(chen), str(li)}
    assert sent.value.headers["idempotency-key"]
    ticking = screen.locator(f'[data-list="unaccounted"] [data-person="{li}"] .ticking')
    first = ticking.inner_text()
    expect(ticking).not_to_have_text(first, timeout=3000)  # the wait ticks by the second

    world.do("answer_roll", site, chen, ctx=world.ctx(datetime.now(UTC), actor="陈静 (responder)"))
    answered = screen.locator(f'[data-list="accounted"] [data-person="{chen}"]')
    expect(answered).to_be_visible(timeout=8000)  # read again on its own (the stream, or the poll)
    expect(answered).to_contain_text("用时")
    expect(screen.locator('[data-count="accounted"]')).to_have_text("1/2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-rollcall")

    screen.locator('[data-act="close"]').tap()
    expect(screen.locator(f'[data-roll="{site}"] .badge.closed')).to_be_visible()
    [closed] = events(world, "RollCall.Closed")
    assert closed.unaccounted == [str(li)] and closed.actor.startswith("Li Wei (operator")
    page.reload()  # the past roll call stays shown, frozen: who never answered, and for how long
    screen = console.tab("rollcall")
    expect(screen.locator(f'[data-list="unaccounted"] [data-person="{li}"]')).to_be_visible()
    expect(screen.locator('[data-act="close"]')).to_have_count(0)
    frozen = screen.locator(".ticking").inner_text()
    page.wait_for_timeout(1500)
    assert screen.locator(".ticking").inner_text() == frozen
    assert not console.problems


def test_a_refused_roll_call_is_shown_where_the_operator_acted(world: World, served: Served,
                                                               new_page: NewPage) -> None:
    street = Street(world)
    a_running_site(world, street)  # open, but nobody is checked in there now
    console = Console(new_page(), served, issue(world.app, "operator", "Li Wei"))
    screen = console.tab("rollcall")

    screen.locator('[data-act="call"]').click()
    refusal = screen.locator(".roll .refusal")
    expect(refusal).to_be_visible()
    assert refusal.get_attribute("data-error") == "invalid_command" and "无法执行" in refusal.inner_text()
    assert "无人可点名" in refusal.inner_text()
    assert events(world, "RollCall.Called") == []
    team = screen.locator("select[name=subject]")
    team.select_option(str(street.task_force))  # a task force: all its members, wherever they are
    panel = screen.locator(f'[data-roll="{street.task_force}"]')
    expect(panel).to_contain_text("尚未点过名")
    panel.locator('[data-act="call"]').click()
    expect(screen.locator('[data-list="unaccounted"] .row')).to_have_count(2)
    assert not console.problems


def test_the_check_in_sheet_prints_one_code_per_lane_and_post(world: World, served: Served,
                                                              new_page: NewPage) -> None:
    street = Street(world)
    incident, _ = a_running_site(world, street)
    site = world.do("plan_testing_site", incident, world.grid, "石马桥2号检测点", 2,
                    {"sampler": 2, "registrar": 1, "marshal": 1})
    token = issue(world.app, "auditor", "Audit Office")
    console = Console(new_page(), served, token)
    screen = console.tab("sites")
    link = screen.locator(f'[data-site="{site}"] [data-act="codes"]')
    expect(link).to_have_text("打印签到二维码")
    with console.page.context.expect_page() as opened:
        link.click()
    sheet = opened.value
    expect(sheet.locator("body[data-ready=yes]")).to_be_attached()
    codes = served_codes(served, token, site)

    cards = sheet.locator("figure.code")
    assert cards.count() == len(codes) == 2 * 3  # two lanes × sampler, registrar, marshal
    assert {(c["lane"], c["post"]) for c in codes} == {(lane, post) for lane in (1, 2)
                                                       for post in ("sampler", "registrar", "marshal")}
    assert sheet.locator(".sheet").count() == 2  # four codes to a page
    for i, code in enumerate(codes):
        card = cards.nth(i)
        assert (card.get_attribute("data-lane"), card.get_attribute("data-post")) == (str(code["lane"]), code["post"])
        assert card.get_attribute("data-code") == code["code"] == f"{site}:{code['lane']}:{code['post']}"
        assert card.get_attribute("data-link").endswith(f"/field?post={code['code']}")
        drawn = PATH.search(card.locator(".qr").inner_html())
        encoded = PATH.search(segno.make(card.get_attribute("data-link"), error="m").svg_inline(scale=4))
        assert drawn and encoded and drawn.group(1) == encoded.group(1)  # the code drawn encodes that link
        assert "石马桥2号检测点" in card.inner_text() and f"通道 {code['lane']}" in card.inner_text()
    assert {cards.nth(i).locator(".post").inner_text() for i in range(cards.count())} == {"采样", "登记", "秩序维护"}
    size = cards.first.locator(".qr svg").bounding_box()
    assert size and size["width"] >= 290  # 80 mm at 96 dpi ≈ 302 px: scannable from a metre

    sheet.emulate_media(media="print")
    assert sheet.locator(".bar").is_hidden()
    pdf = sheet.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 2  # A4 pages, a page break after four
    sheet.emulate_media(media="screen")
    screenshot(sheet, "console-check-in-sheet", full_page=True)


def served_codes(served: Served, token: str, site: object) -> list[dict[str, object]]:
    answer = httpx.get(f"{served.url}/api/sites/{site}/check-in-codes", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def test_an_operator_issues_lists_and_revokes_a_persons_field_token(world: World, served: Served,
                                                                    new_page: NewPage) -> None:
    street = Street(world)
    chen = street.samplers[0]
    console = Console(new_page(), served, issue(world.app, "operator", "Zhang Min", world.grid))
    page = console.page
    screen = console.tab("people")
    assert page.locator('a[data-screen="people"]').inner_text() == "人员"
    screen.locator("input[name=q]").fill("陈")
    screen.locator("button[type=submit]").click()
    screen = page.locator('.screen[data-screen="people"]')
    screen.locator(f'[data-person="{chen}"] [data-act="tokens"]').click()
    tokens = page.locator(f'[data-tokens="{chen}"]')
    expect(tokens).to_contain_text("尚未发放现场令牌")

    tokens.locator('[data-act="issue"]').click()
    shown = console.dialog("issued-token")
    expect(shown).to_contain_text("只显示这一次")
    link = shown.locator("input[name=link]").input_value()
    assert "/field?token=mbz." in link and shown.locator(".qr svg").count() == 1
    [issued] = events(world, "AccessToken.Issued")[-1:]
    assert issued.person_id == chen and issued.actor.startswith("Zhang Min (operator")
    shown.locator("button.x").click()
    row = page.locator(f'[data-token="{issued.originator_id}"]')
    expect(row).to_contain_text("有效")
    assert link.split("token=")[1] not in page.content()  # the secret is gone with the dialog

    row.locator('[data-act="revoke"]').click()
    revoke = console.dialog("revoke-token")
    revoke.locator("input[name=reason]").fill("手机丢失")
    console.submit(revoke)
    row = page.locator(f'[data-token="{issued.originator_id}"]')
    expect(row).to_contain_text("已吊销")
    expect(row).to_contain_text("手机丢失")
    [revoked] = events(world, "AccessToken.Revoked")
    assert revoked.originator_id == issued.originator_id and revoked.reason == "手机丢失"
    assert revoked.actor.startswith("Zhang Min (operator")
    shot(page, "people-tokens")
    assert not console.problems


def test_an_auditor_reads_roll_calls_and_tokens_without_controls_and_a_viewer_has_neither(
        world: World, served: Served, new_page: NewPage) -> None:
    street = Street(world)
    world.do("call_roll", street.task_force, ctx=world.ctx(datetime.now(UTC)))
    world.app.issue_responder_token(street.registrar, "0" * 64, ctx=world.ctx(datetime.now(UTC)))
    auditor = Console(new_page(), served, issue(world.app, "auditor", "Audit Office"))
    screen = auditor.tab("rollcall")
    screen.locator("select[name=subject]").select_option(str(street.task_force))
    expect(screen.locator(f'[data-roll="{street.task_force}"] [data-list="unaccounted"] .row')).to_have_count(2)
    assert screen.locator("button").count() == 0
    screen = auditor.tab("people")
    screen.locator(f'[data-person="{street.registrar}"] [data-act="tokens"]').click()
    tokens = auditor.page.locator(f'[data-tokens="{street.registrar}"]')
    expect(tokens.locator(".row")).to_have_count(1)
    assert tokens.locator("button").count() == 0
    assert not auditor.problems

    viewer = Console(new_page(), served, issue(world.app, "viewer", "Wall screen 1"))
    expect(viewer.page.locator('a[data-screen="org"]')).to_be_visible()
    assert viewer.page.locator('a[data-screen="rollcall"], a[data-screen="people"]').count() == 0
    viewer.page.goto(f"{served.url}/console#rollcall")
    expect(viewer.page.locator('.screen[data-screen="org"]')).to_be_visible()
    assert not viewer.problems
