"""Fixtures: the application on each backend, and a small world to write scenarios against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.logs import configure_logging
from mobilize.settings import Settings, store_env

pytest_plugins = ("tests.browser",)  # the session's browser (Playwright over Debian's Chromium), once for all

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
"""When scenario drives start."""

HOUR = timedelta(hours=1)


def backends() -> list[str]:
    """The stores every scenario runs on; PostgreSQL joins when MOBILIZE_TEST_POSTGRES names a server."""
    names = ["memory", "sqlite"]
    if os.environ.get("MOBILIZE_TEST_POSTGRES"):
        names.append("postgres")
    return names


def store_for(backend: str, tmp_path: Path) -> str:
    """A fresh, empty store URL of the given kind."""
    if backend == "memory":
        return "memory:"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'events.db'}"
    from tests.postgres import fresh_database

    return fresh_database()


@pytest.fixture(scope="session", autouse=True)
def quiet_logs_and_tidy_schemas() -> Iterator[None]:
    """Logs at warning level (a log line per command slows drives down); drop test schemas at the end."""
    configure_logging(Settings(log_format="json", log_level="warning"))
    yield
    if os.environ.get("MOBILIZE_TEST_POSTGRES"):
        from tests.postgres import drop_created

        drop_created()


@pytest.fixture
def info_logs() -> Iterator[None]:
    """Info-level logging for a test that watches log lines (the session otherwise logs warnings only)."""
    configure_logging(Settings(log_format="json", log_level="info"))
    yield
    configure_logging(Settings(log_format="json", log_level="warning"))


@pytest.fixture(params=backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store URL, once per backend."""
    return store_for(request.param, tmp_path)


@pytest.fixture
def app(store: str) -> Iterator[Mobilize]:
    """The application on a fresh store."""
    application = Mobilize(env=store_env(store))
    yield application
    application.close()


class World:
    """Given-steps for scenarios: a street with a community and grids, people, an incident."""

    def __init__(self, app: Mobilize) -> None:
        self.app = app
        self.serial = 0
        self.street = self.do("establish_unit", "Junhe Street", "street")
        self.community = self.do("establish_unit", "Shimaqiao Community", "community", self.street)
        self.grid = self.do("establish_unit", "Shimaqiao Grid 1", "grid", self.community)
        self.other_grid = self.do("establish_unit", "Shimaqiao Grid 2", "grid", self.community)

    def ctx(self, at: datetime | None = None, **kwargs: Any) -> CommandContext:
        """A command context at a given time, with a fresh command id."""
        self.serial += 1
        fields: dict[str, Any] = {"actor": "operator:li", "ordered_by": "commander:wang",
                                  "command_id": f"test-{self.serial}", "occurred_at": at or T0 - 12 * HOUR}
        fields.update(kwargs)
        return CommandContext(**fields)

    def do(self, command: str, /, *args: Any, at: datetime | None = None, ctx: CommandContext | None = None,
           **kwargs: Any) -> UUID:
        """Run a command at time `at` (default: before the drive)."""
        return getattr(self.app, command)(*args, ctx=ctx or self.ctx(at), **kwargs)

    def person(self, name: str = "Chen Jing", skills: tuple[str, ...] = ("sampler",),
               roles: tuple[str, ...] = ("medical_staff",), valid_for: timedelta = timedelta(days=365)) -> UUID:
        """Register a person holding `skills`, valid for `valid_for` after T0."""
        return self.do("register_person", name, list(roles), self.grid,
                       qualifications=dict.fromkeys(skills, T0 + valid_for))

    def incident(self, exercise: bool = False) -> UUID:
        """Declare a mass testing drive over the street."""
        return self.do("declare_incident", "Round 1", "mass_testing_drive", self.street, exercise=exercise)

    def war(self, incident: UUID, max_shift_hours: float = 8, min_rest_hours: float = 8) -> UUID:
        """Switch the whole street to war for the incident."""
        return self.do("switch_to_war", self.street, incident, ["coordination", "sampling"],
                       max_shift_hours=max_shift_hours, min_rest_hours=min_rest_hours)

    def open_site(self, incident: UUID, lanes: int = 2, per_post: int = 4) -> UUID:
        """A site with a commander, open, with sampler/registrar/marshal posts per lane, `per_post` people each
        (the plan is a limit on overlapping shifts: the scenarios schedule several at once)."""
        site = self.do("plan_testing_site", incident, self.grid, "Site 1", lanes,
                       {"sampler": per_post, "registrar": per_post, "marshal": per_post})
        self.do("appoint_site_commander", site, self.person("Commander Wang", ("marshal",), ("grid_leader",)))
        self.do("open_site", site)
        return site

    def shift(self, site: UUID, start: datetime, hours: float = 8, post: str = "sampler", lane: int = 1,
              slots: int = 1) -> UUID:
        """Schedule a shift at a post."""
        return self.do("schedule_shift", site, lane, post, start, start + timedelta(hours=hours), slots=slots)

    def events(self) -> list[Any]:
        """Every domain event in the log, in order."""
        return list(_all_events(self.app))

    def log_size(self) -> int:
        """How many events the log holds."""
        return self.app.recorder.max_notification_id() or 0


def _all_events(app: Mobilize) -> Iterator[Any]:
    start = 1
    while notes := app.recorder.select_notifications(start, 1000):
        yield from (app.mapper.to_domain_event(note) for note in notes)
        start = notes[-1].id + 1


@pytest.fixture
def world(app: Mobilize) -> World:
    """A street, a community and two grids, on a fresh store."""
    return World(app)
