"""The field page on a phone (Chromium, 390×844, touch): check in by a confirmed button; check in offline and see
it sent once when the network returns, at the device's time; a queued check-in that arrives too late shows why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from mobilize.api.app import create_app
from mobilize.application import Mobilize
from mobilize.domain.testing_site import TestingSite
from mobilize.settings import Settings
from tests.api.conftest import issue
from tests.browser import Watched, screenshot, serve
from tests.conftest import World, store_for

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
MINUTE = timedelta(minutes=1)


class Street:
    """A site open now (real time: the page's clock and the server's), a person with a responder token."""

    def __init__(self, app: Mobilize) -> None:
        self.world = World(app)
        self.now = datetime.now(UTC).replace(microsecond=0)
        incident = self.world.incident()
        self.site = self.world.open_site(incident)
        self.chen = self.world.person("Chen Jing")
        self.token = self._token(self.chen)
        self.operator = issue(app, "operator", "Li Wei")

    def shift(self, start: timedelta, hours: float, lane: int = 1) -> UUID:
        shift = self.world.shift(self.site, self.now + start, hours=hours, lane=lane)
        self.world.do("assign_to_shift", shift, self.chen,  # back to back: past the peace-time rest, on purpose
                      override_reason="two short shifts back to back for the field page's test")
        return shift

    def _token(self, person: UUID) -> str:
        from mobilize.api.deps import TOKEN_PREFIX, secret_hash

        token_id = self.world.app.issue_responder_token(person, secret_hash("s3cret-field"), ctx=self.world.ctx())
        return f"{TOKEN_PREFIX}.{token_id.hex}.s3cret-field"

    def check_ins(self, shift: UUID) -> list[Any]:
        return [e for e in self.world.events()
                if type(e).__qualname__ == "Shift.CheckedIn" and e.originator_id == shift]


@pytest.fixture
def street(tmp_path: Path) -> Iterator[Street]:
    app = Mobilize(env=Settings(store=store_for("sqlite", tmp_path)).eventsourcing_env())
    yield Street(app)
    app.close()


def test_a_responder_checks_in_by_button_then_offline_and_it_is_sent_once_at_the_device_time(
        browser: Any, street: Street, tmp_path: Path) -> None:
    first = street.shift(-10 * MINUTE, 0.4)  # on now, until now + 14 min
    second = street.shift(20 * MINUTE, 4, lane=2)  # check-in opens 30 min early: now - 10 min
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={street.token}")
        card = page.locator(f"[data-shift='{first}']")
        card.locator("[data-action='check-in']").click()
        card.locator("[data-action='confirm-check-in']").click()
        page.locator("#outcomes li.done").first.wait_for()
        assert "token=" not in page.url  # the secret does not stay in the address bar
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 360, "height": 740})  # the narrowest phones in use: nothing runs off
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.set_viewport_size(PHONE["viewport"])
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        device = street.now - 3 * MINUTE  # the phone's own clock
        page.clock.set_fixed_time(device)
        page.context.set_offline(True)
        page.reload()  # the page opens with no network: the service worker keeps it, the phone what it last read
        later = page.locator(f"[data-shift='{second}']")
        later.locator("[data-action='check-in']").click()
        later.locator("[data-action='confirm-check-in']").click()
        assert page.locator("#queue li.pending").count() == 1
        assert later.locator("[data-status='pending']").is_visible()
        assert street.check_ins(second) == []
        screenshot(page, "field-offline-queued")

        page.context.set_offline(False)
        page.locator("#outcomes li.done").nth(1).wait_for()
        page.locator("#queue li.empty").wait_for()
        page.locator("#lang").click()
        assert page.locator(f"[data-shift='{second}'] [data-status='checked_in']").inner_text() == "checked in"
        screenshot(page, "field-online-sent")
        page.context.close()

    [first_in] = street.check_ins(first)
    [second_in] = street.check_ins(second)
    assert first_in.actor.startswith("Chen Jing (responder, token ")
    assert second_in.occurred_at == device and second_in.recorded_at > device + 2 * MINUTE
    assert watched.left == []


def test_a_check_in_queued_offline_that_arrives_after_its_window_shows_the_refusal(
        browser: Any, street: Street, tmp_path: Path) -> None:
    shift = street.shift(-60 * MINUTE, 2)  # on now, until now + 1 h
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={street.token}")
        card = page.locator(f"[data-shift='{shift}']")
        card.wait_for()
        page.context.set_offline(True)
        card.locator("[data-action='check-in']").click()
        card.locator("[data-action='confirm-check-in']").click()
        page.locator("#queue li.pending").wait_for()

        street.world.app.clock = lambda: street.now + 2 * timedelta(hours=1)  # type: ignore[method-assign]
        page.context.set_offline(False)  # the phone finds a network only after the shift has ended
        refused = page.locator("#outcomes li.refused")
        refused.wait_for()
        assert "到达指挥中心时已是" in refused.inner_text() and "请联系检测点指挥长补录" in refused.inner_text()
        screenshot(page, "field-refused-late")
        page.context.close()

    assert street.check_ins(shift) == []
    assert street.world.app.field_log(street.chen)[0]["refusal"] == "check_in_arrived_after_window"


def test_a_responder_answers_a_roll_call_from_the_page(browser: Any, street: Street, tmp_path: Path) -> None:
    shift = street.shift(-30 * MINUTE, 2)
    street.world.do("check_in", shift, street.chen, at=street.now - 20 * MINUTE)
    street.world.do("call_roll", street.site, at=street.now - MINUTE)
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={street.token}")
        page.locator(f"[data-roll='{street.site}'] [data-action='answer']").click()
        page.locator("#outcomes li.done").wait_for()
        page.locator("#rolls").wait_for(state="hidden")
        page.context.close()

    status = street.world.app.roll_call(street.site)
    assert status is not None and list(status.answered) == [str(street.chen)]
    assert watched.problems == []


def test_a_responder_checks_in_by_scanning_the_posts_qr_code(browser: Any, street: Street, tmp_path: Path) -> None:
    shift = street.shift(-10 * MINUTE, 2)  # lane 1, sampler
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        codes = httpx.get(f"{served.url}/api/sites/{street.site}/check-in-codes",
                          headers={"Authorization": f"Bearer {street.operator}"}, timeout=30).json()
        [sheet] = [c for c in codes if (c["lane"], c["post"]) == (1, "sampler")]
        wrong = next(c for c in codes if (c["lane"], c["post"]) == (2, "marshal"))
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={street.token}")
        page.locator(f"[data-shift='{shift}']").wait_for()
        page.goto(wrong["link"])  # the phone's camera opens the link on the sheet
        page.locator("#notice", has_text="此二维码不属于您的任何班次").wait_for()
        page.goto(sheet["link"])
        card = page.locator(f"[data-shift='{shift}'].scanned")
        card.locator("[data-action='check-in']").click()
        card.locator("[data-action='confirm-check-in']").click()
        page.locator("#outcomes li.done").wait_for()
        page.context.close()

    assert sheet["qr_svg"].startswith("<svg") and sheet["link"].endswith(f"/field?post={street.site}:1:sampler")
    [checked_in] = street.check_ins(shift)
    assert checked_in.actor.startswith("Chen Jing (responder")
    # each scan is a navigation, which cancels the page's read still under way: that one is no problem
    assert [problem for problem in watched.problems if "ERR_ABORTED" not in problem] == []


def test_an_answer_lost_on_the_way_back_is_sent_again_and_acts_once(browser: Any, street: Street,
                                                                    tmp_path: Path) -> None:
    shift = street.shift(-10 * MINUTE, 2)
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    lost: list[str] = []

    def lose_the_answer(route: Any) -> None:  # the check-in reaches the server; its answer never reaches the phone
        if route.request.method == "POST" and not lost:
            route.fetch()
            lost.append(route.request.headers["idempotency-key"])
            route.abort("connectionreset")
        else:
            route.continue_()

    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.route("**/api/field/shifts/**", lose_the_answer)
        page.goto(f"{served.url}/field?token={street.token}")
        card = page.locator(f"[data-shift='{shift}']")
        card.locator("[data-action='check-in']").click()
        card.locator("[data-action='confirm-check-in']").click()
        for _ in range(100):
            if lost:
                break
            page.wait_for_timeout(50)  # lets Playwright run the route handler
        page.wait_for_timeout(200)
        assert page.locator("#queue li.pending").count() == 1  # to the phone it failed: it stays queued
        assert page.locator("#outcomes li.done").count() == 0
        assert len(street.check_ins(shift)) == 1  # though the server did it
        page.evaluate("window.dispatchEvent(new Event('online'))")  # the network is back: the queue goes again
        page.locator("#outcomes li.done").wait_for()
        page.context.close()

    assert len(lost) == 1 and len(street.check_ins(shift)) == 1
    [report] = street.world.app.field_log(street.chen)
    assert report["key"] == lost[0] and report["outcome"] == "done"


def test_a_responder_hands_over_and_acknowledges_a_dispatch_from_the_page(browser: Any, street: Street,
                                                                          tmp_path: Path) -> None:
    shift = street.shift(-60 * MINUTE, 1.5)
    street.world.shift(street.site, street.now + 30 * MINUTE, hours=2)  # the next one at the same post
    street.world.do("check_in", shift, street.chen, at=street.now - 50 * MINUTE)
    incident = street.world.app.load(TestingSite, street.site, "site").incident_id
    order = street.world.do("dispatch", "person", street.chen, incident, "guard the quarantine hotel")
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={street.token}")
        card = page.locator(f"[data-shift='{shift}']")
        card.locator("[data-action='hand-over']").click()
        card.locator("textarea").fill("采样拭子只剩2盒")
        card.locator("[data-action='confirm-hand-over']").click()
        page.locator(f"[data-dispatch='{order}'] [data-action='acknowledge']").click()
        page.locator("#outcomes li.done").nth(1).wait_for()
        page.locator(f"[data-dispatch='{order}'] [data-action='set-out']").wait_for()
        screenshot(page, "field-handover-dispatch")
        page.context.close()

    kinds = {type(e).__qualname__: e for e in street.world.events()}
    assert kinds["Shift.HandedOver"].notes == "采样拭子只剩2盒"
    assert kinds["Dispatch.Acknowledged"].actor.startswith("Chen Jing (responder")
    assert watched.problems == []
