"""Fixtures for the console in a real browser: Playwright driving the system's Chromium, and the API served."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mobilize.api.app import create_app
from mobilize.demo.live import Served, start_server
from mobilize.settings import Settings
from tests.conftest import World

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the test extra)")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NewPage = Callable[..., "sync_api.Page"]
"""Opens a page in a context of its own: `new_page(viewport=..., is_mobile=...)`."""
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[sync_api.Browser]:
    """Headless Chromium, the system's own (Playwright never downloads a browser here)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (Debian's chromium package)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=binary, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def store(tmp_path: Path) -> str:
    """A SQLite store, as a command center runs it (overrides the per-backend store of tests/conftest.py)."""
    return f"sqlite:///{tmp_path / 'events.db'}"


@pytest.fixture
def served(world: World, store: str) -> Iterator[Served]:
    """The API and console over the world, served by uvicorn on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    running = start_server(create_app(Settings(store=store), application=world.app), "127.0.0.1", port)
    yield running
    running.stop()


@pytest.fixture
def new_page(browser: sync_api.Browser, served: Served) -> Iterator[NewPage]:
    """Pages in contexts of their own (a laptop by default), closed before the server stops: their streams end."""
    contexts: list[sync_api.BrowserContext] = []

    def opened(**options: Any) -> sync_api.Page:
        context = browser.new_context(**{"viewport": {"width": 1366, "height": 900}, **options})
        contexts.append(context)
        return context.new_page()

    yield opened
    for context in contexts:
        context.close()


def screenshot(page: sync_api.Page, name: str) -> Path:
    """Save the page as test-artifacts/console-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"console-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
