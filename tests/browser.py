"""Real browser tests: Debian's Chromium driven by Playwright, apps served on free local ports, screenshots kept.

tests/conftest.py loads this module as a plugin, so the session-scoped `browser` fixture exists once for every test
(a test module importing the fixture itself would start a second Playwright, which its sync API refuses); browser
tests import the rest:

    from tests.browser import Browser, Page, Watched, screenshot, serve

Playwright never downloads a browser here: it drives the system's Chromium by `executable_path`, installed with
apt-get when missing (as root), the test skipped only when that cannot be done.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mobilize.demo.live import Served, start_server

try:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, sync_playwright
except ImportError:  # without the test extra: the module still loads as a plugin, and the fixture skips
    Browser = BrowserContext = Page = Request = Route = Any  # type: ignore[misc]
    sync_playwright = None

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
"""Where screenshots go (git-ignored): a failed run's last look at the page, a green run's record."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--hide-scrollbars",
        "--disable-dev-shm-usage"]  # containers give /dev/shm 64 MB, too little for a renderer
LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}


def chromium() -> str:
    """Debian's Chromium, installed with apt-get if missing; the test is skipped only if it cannot be."""
    if found := shutil.which("chromium"):
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium is missing and cannot be installed here (apt-get as root is needed)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, timeout=600, env=env)
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, capture_output=True, timeout=1200, env=env)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"chromium is missing and apt-get could not install it: {error}")
    return shutil.which("chromium") or pytest.skip("apt-get installed chromium but it is not on PATH")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: while Playwright's sync API is up, its event loop counts as running in the main
    thread, and a test calling `asyncio.run` (the log bell's) would fail; after the last non-browser test the
    session's one browser starts and stays up to the end."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each test opens its own context (cookies, storage, routes)."""
    if sync_playwright is None:
        pytest.skip("browser tests need playwright (the test extra)")
    binary = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=binary, args=ARGS)
        yield launched
        launched.close()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(api: Any) -> Iterator[Served]:
    """Serve an ASGI app with uvicorn on a free local port for the block; `served.url` is its address."""
    running = start_server(api, "127.0.0.1", free_port())
    try:
        yield running
    finally:
        running.stop()


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    """Save what the page shows as `test-artifacts/<name>.png`."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


class Watched:
    """A page's problems (uncaught exceptions, console errors, failed requests) and every request it made.

    With `offline=True` the context is cut off from everything but this machine: each request to another host
    is aborted (and remembered in `left`), and the context's proxy points nowhere, so nothing the routes miss
    gets out either. A test then asserts `left == []`: the page needed nothing from outside.
    """

    def __init__(self, context: BrowserContext, offline: bool = False) -> None:
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []  # what the page's own Content-Security-Policy stopped inside the browser
        self._outside: list[str] = []
        context.on("request", self._seen)
        context.on("requestfailed", self._failed)
        context.on("page", self._watch)
        if offline:
            context.route("**/*", self._only_local)

    @property
    def left(self) -> list[str]:
        """Requests for anything outside this machine that got past the page's own policy (aborted if offline)."""
        return [url for url in self._outside if url not in self.blocked]

    @classmethod
    def open(cls, browser: Browser, offline: bool = False, **options: Any) -> tuple[Watched, Page]:
        """A new context (offline if asked) with one page, watched."""
        if offline:  # no proxy listens on port 9 (discard): a request routes did not catch fails on this machine
            options.setdefault("proxy", {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost,[::1]"})
        options.setdefault("viewport", {"width": 1440, "height": 900})
        context = browser.new_context(**options)
        watched = cls(context, offline=offline)
        return watched, context.new_page()

    def _watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" not in message.text:  # told in requestfailed
            self.problems.append(f"console: {message.text}")

    def _seen(self, request: Request) -> None:
        self.requests.append(request.url)
        if not _local(request.url):
            self._outside.append(request.url)

    def _failed(self, request: Request) -> None:
        if request.failure == "csp":
            self.blocked.append(request.url)
        elif request.failure != "net::ERR_ABORTED":  # the page let go of it (a reload ends an open event stream)
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _only_local(self, route: Route) -> None:
        if _local(route.request.url):
            route.continue_()
        else:
            route.abort("internetdisconnected")


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or (parts.hostname or "") in LOCAL
