"""Fixtures for the console in a real browser (the shared harness of tests/browser.py), over a served world."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mobilize.api.app import create_app
from mobilize.demo.live import Served
from mobilize.settings import Settings
from tests.browser import Browser, BrowserContext, Page, Watched, screenshot, serve
from tests.conftest import World, backends, store_for

NewPage = Callable[..., tuple[Watched, Page]]
"""Opens a watched page, cut off from anything outside this machine, in a context of its own."""


@pytest.fixture(params=[name for name in backends() if name != "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store a command center runs: SQLite, and PostgreSQL when the tests have one (overrides the per-backend
    store of tests/conftest.py: a served console never runs on the memory store)."""
    return store_for(request.param, tmp_path)


@pytest.fixture
def served(world: World, store: str) -> Iterator[Served]:
    """The API and console over the world, served by uvicorn on a free local port."""
    with serve(create_app(Settings(store=store), application=world.app)) as running:
        yield running


@pytest.fixture
def new_page(browser: Browser, served: Served) -> Iterator[NewPage]:
    """Pages offline but for this machine (a laptop by default), closed before the server stops: streams end."""
    contexts: list[BrowserContext] = []

    def opened(**options: Any) -> tuple[Watched, Page]:
        watched, page = Watched.open(browser, offline=True, **{"viewport": {"width": 1366, "height": 900},
                                                               **options})
        contexts.append(page.context)
        return watched, page

    yield opened
    for context in contexts:
        context.close()


def shot(page: Page, name: str) -> Path:
    """Save the whole page as test-artifacts/console-<name>.png."""
    return screenshot(page, f"console-{name}", full_page=True)
