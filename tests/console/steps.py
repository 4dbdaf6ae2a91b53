"""Steps of the console's browser scenarios: the people of a street, the console page driven like an operator
would, and the event log the scenarios are checked against."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from mobilize.demo.live import Served
from tests.browser import Page, Watched
from tests.conftest import T0, World

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (the test extra)")
expect = sync_api.expect
CST = timedelta(hours=8)
VALID = datetime.now(UTC) - T0 + timedelta(days=365)
"""Qualifications valid a year from today (the scenarios run at the wall clock's now, the world's set-up at T0)."""
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class Street:
    """The people of the scenario: a grid leader, three samplers, a registrar, and the street's task force."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.leader = world.person("王建国", ("marshal",), ("grid_leader",), VALID)
        world.do("appoint_grid_leader", world.grid, "first_secretary", self.leader)
        self.samplers = [world.person(name, ("sampler",), ("medical_staff",), VALID)
                         for name in ("陈静", "李娜", "刘洋")]
        self.registrar = world.person("赵强", ("registrar",), ("volunteer",), VALID)
        self.task_force = world.do("form_task_force", "均禾街党群应急突击队", "street", world.street, self.leader,
                                   "第一面旗")
        world.do("enlist", self.task_force, self.registrar)


def events(world: World, kind: str) -> list[Any]:
    """The recorded events of one type (`Aggregate.Event`), in log order."""
    return [event for event in world.events() if type(event).__qualname__ == kind]


def counts(world: World) -> Counter[str]:
    return Counter(type(event).__qualname__ for event in world.events())


class Console:
    """The console page of one token, driven like an operator would."""

    def __init__(self, opened: tuple[Watched, Page], served: Served, token: str) -> None:
        self.watched, self.page = opened
        page = self.page
        page.goto(f"{served.url}/console?token={token}")
        expect(page.locator("#who")).not_to_be_empty()
        expect(page.locator("#link")).to_have_class("link up", timeout=10_000)

    @property
    def problems(self) -> list[str]:
        """What went wrong on the page (uncaught errors, console errors, failed requests), and whatever it asked
        of any machine but this one (the context is offline: a command center's network)."""
        refused = "Failed to load resource: the server responded with a status of 4"  # a refusal, shown on the page
        return [problem for problem in self.watched.problems if refused not in problem] + self.watched.left

    def tab(self, name: str) -> sync_api.Locator:
        self.page.click(f'a[data-screen="{name}"]')
        screen = self.page.locator(f'.screen[data-screen="{name}"]')
        expect(screen).to_be_visible()
        return screen

    def dialog(self, name: str) -> sync_api.Locator:
        found = self.page.locator(f'dialog[data-dialog="{name}"]')
        expect(found).to_be_visible()
        return found

    def submit(self, dialog: sync_api.Locator) -> None:
        dialog.locator("button[type=submit]").click()
        expect(dialog).to_be_hidden()


def local(moment: datetime) -> str:
    """A datetime-local value in China Standard Time."""
    return (moment.astimezone(UTC) + CST).strftime("%Y-%m-%dT%H:%M")



def assign_from_candidates(console: Console, shift: UUID, person: UUID) -> None:
    console.page.locator(f'[data-shift="{shift}"] [data-act="candidates"]').click()
    candidates = console.dialog("candidates")
    candidates.locator(f'.candidate[data-person="{person}"] [data-act="assign"]').click()
    expect(candidates).to_be_hidden()


def a_running_site(world: World, street: Street) -> tuple[UUID, UUID]:
    """An incident, the street at war, an open site in grid 1 (given through the application)."""
    incident = world.do("declare_incident", "均禾全员核酸检测", "mass_testing_drive", world.street)
    world.war(incident)
    site = world.do("plan_testing_site", incident, world.grid, "石马桥1号检测点", 1,
                    {"sampler": 2, "registrar": 1, "marshal": 1})
    world.do("appoint_site_commander", site, street.leader)
    world.do("open_site", site)
    return incident, site
