"""The dashboard in headless Chromium: a check-in recorded through the API shows on the page without a reload."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobilize.api.app import create_app
from mobilize.demo.live import Served, start_server
from mobilize.settings import Settings
from tests.api.conftest import issue
from tests.conftest import World

websocket = pytest.importorskip("websocket", reason="the DevTools client needs websocket-client (the test extra)")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB, too little for a renderer
         "--hide-scrollbars", "--window-size=1440,900", "--remote-debugging-port=0"]


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


class Page:
    """One page of headless Chromium, driven over the DevTools protocol."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.process = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = self._devtools_port(profile / "DevToolsActivePort")
        target = next(t for t in httpx.get(f"http://127.0.0.1:{port}/json/list").json() if t["type"] == "page")
        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=15, suppress_origin=True)
        self.serial = 0
        self.problems: list[str] = []  # uncaught exceptions and console errors, for a failure's message
        self.send("Runtime.enable")
        self.send("Page.enable")

    def _devtools_port(self, announced: Path) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if announced.exists() and (lines := announced.read_text().split()):
                return int(lines[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode} before opening DevTools")
            time.sleep(0.1)
        raise RuntimeError("chromium did not open DevTools within 30 s")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (events arriving meanwhile are screened for problems)."""
        self.serial += 1
        self.socket.send(json.dumps({"id": self.serial, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.serial:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if message.get("method") == "Runtime.exceptionThrown":
                self.problems.append(str(message["params"]["exceptionDetails"]))
            elif message.get("method") == "Runtime.consoleAPICalled" and message["params"]["type"] == "error":
                self.problems.append(str(message["params"]["args"]))

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression on the page."""
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """Poll until the expression is truthy on the page; fail with what the page said otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := self.evaluate(expression):
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression!r}; page problems: {self.problems}")

    def screenshot(self, path: Path) -> Path:
        """Save what the page shows as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        return path

    def close(self) -> None:
        """Hang up and end the browser."""
        self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    """A headless Chromium page with a throwaway profile."""
    opened = Page(chromium(), tmp_path / "profile")
    yield opened
    opened.close()


@pytest.fixture
def store(tmp_path: Path) -> str:
    """A SQLite store, as a command center runs it (this overrides the per-backend store of tests/conftest.py)."""
    return f"sqlite:///{tmp_path / 'events.db'}"


@pytest.fixture
def served(world: World, store: str) -> Iterator[Served]:
    """The API over the world, served by uvicorn on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    running = start_server(create_app(Settings(store=store), application=world.app), "127.0.0.1", port)
    yield running
    running.stop()


def a_running_site(world: World) -> tuple[list[Any], list[Any]]:
    """A site at war with its sampler, registrar and marshal posts staffed around now; one post left short."""
    incident = world.incident()
    world.war(incident)
    site = world.open_site(incident, lanes=1)
    start = datetime.now(UTC) - timedelta(minutes=5)
    shifts, people = [], []
    for post, name in (("sampler", "Chen Jing"), ("registrar", "Wang Fang"), ("marshal", None)):
        shift = world.shift(site, start, post=post, slots=2 if post == "marshal" else 1)
        shifts.append(shift)
        if name:
            person = world.person(name, (post,), ("volunteer",))
            world.do("assign_to_shift", shift, person, ctx=world.ctx(datetime.now(UTC)))
            people.append(person)
    return shifts, people


def test_the_roster_on_the_page_changes_live_when_someone_checks_in(world: World, served: Served, page: Page) -> None:
    shifts, people = a_running_site(world)
    viewer = issue(world.app, "viewer", "Wall screen 1")
    operator = issue(world.app, "operator", "Li Wei")
    page.send("Page.navigate", url=f"{served.url}/api/dashboard?token={viewer}")
    page.wait_for("document.querySelector('#link').textContent === 'live'")
    page.wait_for("document.querySelector('#roster tbody').innerText.includes('Chen Jing')")
    row = f"document.querySelector('#roster tr[data-person=\"{people[0]}\"]').innerText"
    assert "expected" in page.evaluate(row)
    assert page.evaluate("location.search") == ""  # the token left the address bar for localStorage
    page.evaluate("window.sameDocument = true")

    checked_in = httpx.post(f"{served.url}/api/shifts/{shifts[0]}/check-in", json={"person_id": str(people[0])},
                            headers={"Authorization": f"Bearer {operator}", "Idempotency-Key": "check-in-1"})
    assert checked_in.status_code == 200, checked_in.text

    assert "on duty" in page.wait_for(f"{row}.includes('on duty') && {row}", timeout=10)
    assert page.evaluate("window.sameDocument") is True  # changed in place, never reloaded
    assert page.wait_for("document.querySelector('#k-on-duty').textContent === '1'")
    assert page.evaluate("document.querySelector('#k-need').textContent") == "2"
    assert page.evaluate("document.querySelector('#modes').innerText").count("WAR") == 4
    assert "Shift.CheckedIn" in page.evaluate("document.querySelector('#events').innerText")
    assert page.screenshot(ARTIFACTS / "dashboard.png").stat().st_size > 10_000
    assert not page.problems
