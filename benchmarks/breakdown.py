"""Where a command's time goes: the same mix, in-process (no HTTP), timed and then profiled.

The in-process rate against the HTTP rate separates the web layer from the application; the profile
counts the store's round trips and aggregate reads per command and the share of time spent waiting
on the database, and names the functions that cost the most.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from benchmarks.common import Results, Row, say
from benchmarks.workload import Command, Unit, World
from mobilize.domain.base import CommandContext

STEPS = {"acknowledge": "acknowledge_dispatch", "set-out": "set_out", "arrive": "arrive_on_scene",
         "release": "release_dispatch"}


def _call(world: World, command: Command, result: str) -> str:
    """Give one command of a unit through the application, as its route would."""
    app, parts, body = world.app, command.path.replace("{id}", result).split("/"), command.body
    at = body.get("occurred_at")
    ctx = CommandContext(actor="bench:operator", command_id=uuid4().hex,
                         occurred_at=datetime.fromisoformat(at) if at else None)
    if parts[2] == "dispatches" and len(parts) == 3:
        return str(app.dispatch("person", UUID(body["subject_id"]), UUID(body["incident_id"]), body["task"],
                                site_id=UUID(body["site_id"]), ctx=ctx))
    if parts[2] == "dispatches":
        return str(getattr(app, STEPS[parts[4]])(UUID(parts[3]), ctx=ctx))
    name = {"assignments": "assign_to_shift", "check-in": "check_in", "check-out": "check_out"}[parts[4]]
    return str(getattr(app, name)(UUID(parts[3]), UUID(body["person_id"]), ctx=ctx))


def _play(world: World, units: list[Unit]) -> int:
    given = 0
    for unit in units:
        result = ""
        for command in unit.commands:
            answer = _call(world, command, result)
            result = result or answer
            given += 1
    return given


def _calls(stats: pstats.Stats, test: Callable[[str, str], bool]) -> tuple[int, float]:
    """Calls and cumulative seconds of the functions whose (file, name) pass `test`."""
    calls, seconds = 0, 0.0
    for (filename, _, name), (_, total_calls, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if test(filename, name):
            calls += total_calls
            seconds = max(seconds, cumulative)
    return calls, seconds


def measure(results: Results, store: str, label: str, units: int = 300) -> None:
    """In-process commands/s, then the profile of the same mix."""
    say(f"profiling the command mix in-process on {label}")
    world = World(store)
    try:
        work = world.units(2 * units + 30)
        _play(world, work[:30])  # warm: connections, prepared statements
        began = time.perf_counter()
        given = _play(world, work[30:30 + units])
        rate = given / (time.perf_counter() - began)
        profiler = cProfile.Profile()
        profiler.enable()
        began = time.perf_counter()
        profiled = _play(world, work[30 + units:])
        wall = time.perf_counter() - began
        profiler.disable()
    finally:
        world.close()
    stats = pstats.Stats(profiler)
    waits, waiting = _calls(stats, lambda f, n: n == "wait" and f.endswith("psycopg/connection.py"))
    reads, _ = _calls(stats, lambda f, n: n == "select_events" and "eventsourcing" in f)
    writes, _ = _calls(stats, lambda f, n: n == "_insert_events" and "eventsourcing" in f)
    top = _top(stats)
    extra: dict[str, Any] = {
        "commands_profiled": profiled, "ms_per_command_profiled": round(1000 * wall / profiled, 2),
        "aggregate_reads_per_command": round(reads / profiled, 1), "inserts_per_command": round(writes / profiled, 2),
        "db_round_trips_per_command": round(waits / profiled, 1) if waits else None,
        "share_waiting_on_db": round(waiting / wall, 2) if waits else None, "top_functions": top}
    results.add(Row(f"commands.{label}.in_process", "commands", f"application commands in-process, 1 thread, no HTTP "
                    f"({label})", rate, "cmd/s", store=label,
                    ceiling="raw.pg.row_tx.c1" if label == "postgres" else None, extra=extra))
    trips = f", {extra['db_round_trips_per_command']} round trips ({extra['share_waiting_on_db']:.0%} of the " \
            f"time waiting on the server)" if waits else ""
    results.note(f"profile, {label}: a command of the mix reads {extra['aggregate_reads_per_command']} aggregates"
                 f"{trips}; most time in: " + "; ".join(f"{name} {share:.0%}" for name, share in top[:5]))


def read_check_cost(results: Results, store: str, label: str, units: int = 60, rounds: int = 6) -> None:
    """The command mix in-process with the read-set check (ADR 0011) on and off, in alternating slices so that
    both meet the same log size and machine load; the difference is what the check costs a command."""
    say(f"timing the read-set check on {label}")
    world = World(store)
    app: Any = world.app
    checked: list[int] = []
    save = app.save

    def counting_save(*objs: Any, reads: Any = None, **kwargs: Any) -> Any:
        if app.checks_reads:
            checked.append(len(reads or ()))
        return save(*objs, reads=reads, **kwargs)

    app.save = counting_save
    seconds = {True: 0.0, False: 0.0}
    given = {True: 0, False: 0}
    try:
        work = world.units(30 + 2 * rounds * units)
        _play(world, work[:30])  # warm
        for index in range(2 * rounds):
            on = index % 2 == 0
            app.checks_reads = on
            began = time.perf_counter()
            given[on] += _play(world, work[30 + index * units:30 + (index + 1) * units])
            seconds[on] += time.perf_counter() - began
    finally:
        app.checks_reads = True
        world.close()
    with_check, without = given[True] / seconds[True], given[False] / seconds[False]
    per_command = sum(checked) / max(1, len(checked))
    cost_ms = 1000 * (1 / with_check - 1 / without)
    results.add(Row(f"commands.{label}.read_check", "commands", f"application commands in-process with the read-set "
                    f"check ({label}; without it: {without:.0f} cmd/s)", with_check, "cmd/s", store=label,
                    extra={"without_check": round(without, 1), "ms_per_command_for_the_check": round(cost_ms, 3),
                           "records_checked_per_command": round(per_command, 1)}))
    results.note(f"read-set check, {label}: {with_check:.0f} cmd/s with it, {without:.0f} without "
                 f"({cost_ms:+.2f} ms a command; {per_command:.1f} records checked per command, in the same "
                 "insert transaction)")


def _top(stats: pstats.Stats) -> list[tuple[str, float]]:
    """The functions with the most time of their own, as (module:function, share of all)."""
    entries = stats.stats.items()  # type: ignore[attr-defined]
    total = sum(own for _, (_, _, own, _, _) in entries) or 1.0
    ranked = sorted(entries, key=lambda item: item[1][2], reverse=True)[:8]
    return [(f"{filename.rsplit('/', 2)[-2]}/{filename.rsplit('/', 1)[-1]}:{name}" if "/" in filename else name,
             round(own / total, 3)) for (filename, _, name), (_, _, own, _, _) in ranked]
