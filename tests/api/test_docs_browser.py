"""/docs and /redoc render in a browser cut off from the internet: their assets come from the app itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from mobilize.api.app import create_app
from mobilize.demo.live import Served
from mobilize.settings import Settings
from tests.browser import Browser, Watched, screenshot, serve


@pytest.fixture(scope="module")
def api() -> FastAPI:
    """The API over an empty in-memory store (the docs need no data)."""
    return create_app(Settings(store="memory:"))


@pytest.fixture(scope="module")
def served(api: FastAPI) -> Iterator[Served]:
    with serve(api) as running:
        yield running


@pytest.fixture(scope="module")
def spec(api: FastAPI) -> dict[str, Any]:
    return api.openapi()


def test_swagger_ui_lists_every_operation_with_the_network_cut_off(browser: Browser, served: Served,
                                                                   spec: dict[str, Any]) -> None:
    watched, page = Watched.open(browser, offline=True)
    page.goto(f"{served.url}/docs")
    page.locator(".opblock").first.wait_for(timeout=20_000)
    operations = sum(len(item) for item in spec["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert page.locator(".opblock-summary-path", has_text="/api/shifts/{shift_id}/assignments").count() == 1
    assert page.locator("button.authorize").is_visible()  # the bearer scheme: a place to paste the token

    command = page.locator("#operations-incidents-declare_incident_api_incidents_post")
    command.locator(".opblock-summary").click()
    body = command.locator(".body-param__example, .microlight").first
    body.wait_for(timeout=10_000)
    assert "three positive cases in Shimaqiao" in command.inner_text()  # the whole-body example (its reason)
    assert "Idempotency-Key" in command.inner_text()
    assert screenshot(page, "docs-swagger-offline").stat().st_size > 10_000
    assert watched.left == [], "the page asked for something outside this machine"
    assert watched.problems == []
    assert watched.blocked == []
    assert any("/docs-assets/swagger-ui-bundle.js" in url for url in watched.requests)
    page.context.close()


def test_redoc_renders_with_the_network_cut_off(browser: Browser, served: Served) -> None:
    watched, page = Watched.open(browser, offline=True)
    page.goto(f"{served.url}/redoc")
    page.get_by_text("Declare an incident (or a drill) over an org unit.").first.wait_for(timeout=30_000)
    assert page.get_by_text("Refusal").count() >= 1  # the error body, as a schema
    assert screenshot(page, "docs-redoc-offline").stat().st_size > 10_000
    assert watched.left == [], "the page asked for something outside this machine"
    assert watched.problems == []
    # ReDoc 2 always draws its vendor's logo from the internet: the page's policy stops it inside the browser
    assert set(watched.blocked) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
    page.context.close()


def test_the_cut_is_real(browser: Browser, served: Served) -> None:
    """The harness itself: a page that reaches outside is caught and gets nothing."""
    watched, page = Watched.open(browser, offline=True)
    page.goto(f"{served.url}/healthz")
    fetched = page.evaluate("fetch('https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js')"
                            ".then(() => 'loaded', () => 'failed')")
    assert fetched == "failed"
    assert watched.left == ["https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"]
    page.context.close()
