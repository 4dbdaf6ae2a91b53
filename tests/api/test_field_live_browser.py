"""The field page on a phone (Chromium, 390×844), live: it holds its stream and shows what an operator just did
within a moment, not at the next 15-s poll; a commander calls and closes a roll call from it and watches the
answers come in; a notification is confirmed as delivered, shown as a banner, and acknowledged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobilize.api.app import create_app
from mobilize.application import Mobilize
from mobilize.settings import Settings
from tests.api.test_field_browser import PHONE, Street
from tests.browser import Watched, screenshot, serve
from tests.conftest import store_for

MINUTE = timedelta(minutes=1)


@pytest.fixture
def street(tmp_path: Path) -> Iterator[Street]:
    app = Mobilize(env=Settings(store=store_for("sqlite", tmp_path)).eventsourcing_env())
    yield Street(app)
    app.close()


def test_a_shift_an_operator_assigns_shows_on_the_page_within_moments(browser: Any, street: Street,
                                                                      tmp_path: Path) -> None:
    street.shift(-10 * MINUTE, 2)
    later = street.world.shift(street.site, street.now + 14 * timedelta(hours=1), hours=4, lane=2)
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={street.token}")
        page.locator("#net[data-live='1']").wait_for(timeout=5000)  # the stream is open
        assigned = httpx.post(f"{served.url}/api/shifts/{later}/assignments", json={"person_id": str(street.chen)},
                              headers={"Authorization": f"Bearer {street.operator}", "Idempotency-Key": "assign"},
                              timeout=30)
        assert assigned.status_code == 200, assigned.text
        started = time.monotonic()
        page.locator(f"[data-shift='{later}']").wait_for(timeout=5000)  # the poll would take up to 15 s
        shown_after = time.monotonic() - started
        screenshot(page, "field-live-shift")
        me_reads = sum(url.endswith("/api/field/me") for url in watched.requests)
        page.context.close()

    assert shown_after < 3.0 and me_reads <= 6  # opening, the frame, and the page's own receipt of its page
    assert [p for p in watched.problems if "/api/field/stream" not in p] == []


def test_a_leader_calls_the_roll_from_the_page_watches_the_answers_and_closes_it(browser: Any, street: Street,
                                                                                tmp_path: Path) -> None:
    world = street.world
    lin = world.person("Team Leader Lin")
    team = world.do("form_task_force", "Junhe Task Force", "street", world.street, lin, "red flag")
    world.do("enlist", team, street.chen)
    from mobilize.api.deps import TOKEN_PREFIX, secret_hash

    lin_token = f"{TOKEN_PREFIX}.{world.app.issue_responder_token(lin, secret_hash('s3'), ctx=world.ctx()).hex}.s3"
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.goto(f"{served.url}/field?token={lin_token}")
        card = page.locator(f"[data-command='{team}']")
        card.locator("[data-action='call-roll']").click()
        card.locator("[data-action='confirm-call-roll']").click()
        card.locator("ul.unaccounted li").nth(1).wait_for()  # Lin and Chen, both not yet answered
        page.locator("#net[data-live='1']").wait_for(timeout=5000)
        answered = httpx.post(f"{served.url}/api/field/roll-calls/{team}/answer", json={},
                              headers={"Authorization": f"Bearer {street.token}", "Idempotency-Key": "here"},
                              timeout=30)
        assert answered.status_code == 200, answered.text
        card.locator(f"ul.accounted li[data-person='{street.chen}']").wait_for(timeout=5000)  # by the stream
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "field-commander-roll")
        card.locator("[data-action='close-roll']").click()
        card.locator("[data-action='confirm-close-roll']").click()
        card.locator("[data-action='call-roll']").wait_for()  # closed: it may be called again
        assert "已结束" in card.inner_text()
        page.context.close()

    kinds = {type(e).__qualname__: e for e in world.events()}
    assert kinds["RollCall.Called"].actor.startswith("Team Leader Lin (responder")
    assert kinds["RollCall.Closed"].actor.startswith("Team Leader Lin (responder")
    assert kinds["RollCall.Closed"].unaccounted == [str(lin)]
    assert [p for p in watched.problems if "/api/field/stream" not in p] == []


def test_a_dispatch_pages_the_person_whose_page_confirms_it_arrived_banners_and_acknowledges_it_once(
        browser: Any, street: Street, tmp_path: Path) -> None:
    world = street.world
    incident = world.incident()
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.add_init_script("""window.buzzed = []; window.touched = false;  // whether the person touched the page
            navigator.vibrate = (p) => { window.buzzed.push(p); return true; };
            Object.defineProperty(navigator, "userActivation", { get: () => ({ hasBeenActive: window.touched }) });""")
        page.goto(f"{served.url}/field?token={street.token}")
        page.locator("#net[data-live='1']").wait_for(timeout=5000)  # the stream is open
        assert page.locator("#alerts [data-notification]").count() == 0
        sent = httpx.post(f"{served.url}/api/dispatches", json={
            "subject_kind": "person", "subject_id": str(street.chen), "incident_id": str(incident),
            "task": "转运密接人员至隔离酒店"}, headers={"Authorization": f"Bearer {street.operator}",
                                                  "Idempotency-Key": "dispatch-chen"}, timeout=30)
        assert sent.status_code in (200, 201), sent.text
        [note] = world.app.inbox_of(street.chen)
        banner = page.locator(f"#alerts [data-notification='{note['id']}']")
        banner.wait_for(timeout=5000)  # by the stream, not the 15-s poll
        assert "转运密接人员至隔离酒店" in banner.inner_text()
        page.locator(f"#notifications [data-notification='{note['id']}'][data-state='delivered']").wait_for()
        screenshot(page, "field-notification-banner")
        assert page.evaluate("window.buzzed") == []  # a browser lets no page buzz before the person touched it
        page.evaluate("window.touched = true")
        banner.locator("[data-action='acknowledge-notification']").click()
        page.locator(f"#notifications [data-notification='{note['id']}'][data-state='acknowledged']").wait_for()
        assert page.locator("#alerts [data-notification]").count() == 0
        page.context.close()

    kinds = [type(e).__qualname__ for e in world.events()]
    assert kinds.count("Inbox.Delivered") == 1 and kinds.count("Inbox.Acknowledged") == 1
    delivered = next(e for e in world.events() if type(e).__qualname__ == "Inbox.Delivered")
    acknowledged = next(e for e in world.events() if type(e).__qualname__ == "Inbox.Acknowledged")
    assert delivered.channel == "field" and acknowledged.actor.startswith("Chen Jing (responder")
    assert world.app.inbox_of(street.chen)[0]["state"] == "acknowledged"
    assert [p for p in watched.problems if "/api/field/stream" not in p] == []


def test_an_escalated_page_reaches_the_grid_leader_who_is_buzzed(browser: Any, street: Street,
                                                                 tmp_path: Path) -> None:
    world = street.world
    wu = world.person("Wu Lei")
    world.do("appoint_grid_leader", world.grid, "first_secretary", street.chen)  # Chen leads the grid
    world.do("assign_to_shift", world.shift(street.site, street.now + 2 * timedelta(hours=1)), wu)
    [page_of_wu] = world.app.inbox_of(wu)
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.add_init_script("""window.buzzed = [];
            navigator.vibrate = (p) => { window.buzzed.push(p); return true; };
            Object.defineProperty(navigator, "userActivation", { get: () => ({ hasBeenActive: true }) });""")
        page.goto(f"{served.url}/field?token={street.token}")
        page.locator("#net[data-live='1']").wait_for(timeout=5000)
        world.do("escalate_page", wu, page_of_wu["id"], at=page_of_wu["sent_at"] + 11 * MINUTE,
                 ctx=world.ctx(page_of_wu["sent_at"] + 11 * MINUTE, actor="mobilize pager (system)"))
        copy = next(p for p in world.app.inbox_of(street.chen) if p["kind"] == "escalation")
        banner = page.locator(f"#alerts [data-notification='{copy['id']}']")
        banner.wait_for(timeout=5000)
        assert "未应答：Wu Lei" in banner.inner_text()
        page.wait_for_function("window.buzzed.length >= 1")
        page.context.close()

    assert [p for p in watched.problems if "/api/field/stream" not in p] == []


def test_without_its_stream_the_page_polls_and_opens_the_stream_again_once_it_can(
        browser: Any, street: Street, tmp_path: Path) -> None:
    street.shift(-10 * MINUTE, 2)
    [page_of_it] = street.world.app.inbox_of(street.chen)
    street.world.do("acknowledge_page", street.chen, page_of_it["id"])  # nothing for the page to say arrived
    later = street.world.shift(street.site, street.now + 14 * timedelta(hours=1), hours=4, lane=2)
    api = create_app(Settings(store=store_for("sqlite", tmp_path)), application=street.world.app)
    with serve(api) as served:
        watched, page = Watched.open(browser, **PHONE)
        page.clock.install()  # the page's timers run when the test says
        page.route("**/api/field/stream**", lambda route: route.fulfill(status=503, body="busy"))
        page.goto(f"{served.url}/field?token={street.token}")
        page.locator("#shifts .card").first.wait_for()
        assert page.locator("#net").get_attribute("data-live") == "0"
        street.world.do("assign_to_shift", later, street.chen)
        page.wait_for_timeout(500)
        assert page.locator(f"[data-shift='{later}']").count() == 0  # no stream, and the poll is not due yet
        page.clock.run_for(15_500)
        page.locator(f"[data-shift='{later}']").wait_for(timeout=5000)  # the poll read it
        page.unroute("**/api/field/stream**")
        page.clock.run_for(15_500)  # the next poll opens the stream again
        page.locator("#net[data-live='1']").wait_for(timeout=5000)
        page.context.close()

    assert [p for p in watched.problems if "503" not in p and "/api/field/stream" not in p] == []
