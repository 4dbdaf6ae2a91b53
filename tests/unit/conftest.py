"""The unit layer: each aggregate alone, no application and no store.

Every test runs inside a resolved command context (the one a command handler would set), so the
aggregates can stamp their events; `at` moves the clock for rules that depend on time.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mobilize.domain.base import CommandContext, current_context

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
"""When each test's command happens, unless the test moves the clock."""

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

# actor, ordered_by, command_id and correlation_id all differ, so an event stamped from the wrong field shows.
BASE = CommandContext(actor="operator:test", ordered_by="commander:test", command_id="unit-cmd-0",
                      correlation_id="unit-corr", occurred_at=T0).resolved(T0)

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def context() -> Iterator[CommandContext]:
    """The command context of the test; reset afterwards, undoing any `at` the test did."""
    token = current_context.set(BASE)
    yield BASE
    current_context.reset(token)


def at(moment: datetime, **changes: Any) -> CommandContext:
    """Make the next commands happen at `moment` (a new command id; other fields as given); returns the context."""
    ctx = dataclasses.replace(BASE, command_id=f"unit-cmd-{next(_serial)}", occurred_at=moment, **changes)
    ctx = ctx.resolved(moment)
    current_context.set(ctx)
    return ctx


def names(events: Iterable[Any]) -> list[str]:
    """The events' class names, e.g. "Shift.CheckedIn"."""
    return [type(e).__qualname__ for e in events]


def assert_stamped(events: Iterable[Any], ctx: CommandContext = BASE) -> None:
    """Every event carries the command context `ctx`."""
    events = list(events)
    assert events, "no events to check"
    for e in events:
        stamped = {f: getattr(e, f) for f in ("actor", "ordered_by", "command_id", "correlation_id", "reason",
                                                 "occurred_at")}
        assert stamped == ctx.event_fields(), type(e).__qualname__
