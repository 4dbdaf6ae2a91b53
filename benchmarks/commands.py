"""HTTP command throughput and latency: uvicorn in a process of its own, operators as threads of this one."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import (
    Results,
    Row,
    free_port,
    peak_rss_mib,
    percentile,
    say,
    stop,
    worker,
)
from benchmarks.workload import Client, World, drive

COMMANDS_PER_UNIT = 11 / 3
WARM_UP_SECONDS = 0.5
MEMORY_LIMIT_MIB = 1024


@dataclass(frozen=True)
class Variant:
    """One configuration of the API under load."""

    store: str
    """'postgres' or 'sqlite'."""
    url: str
    group_commit: str | None = None
    """'on' or 'off' to set MOBILIZE_GROUP_COMMIT; None for the default of this version of mobilize."""
    workers: int = 1
    """API processes (`mobilize serve --workers N`)."""

    @property
    def name(self) -> str:
        """How the rows are keyed and labelled."""
        return self.store + (f"+group_commit_{self.group_commit}" if self.group_commit else "") + \
            (f"+{self.workers}_workers" if self.workers > 1 else "")


class Server:
    """The API in a worker process, on a free port."""

    def __init__(self, variant: Variant) -> None:
        self.port = free_port()
        extra = (("--group-commit", variant.group_commit) if variant.group_commit else ()) + \
            (("--workers", str(variant.workers)) if variant.workers > 1 else ())
        self.process = worker("serve", "--store", variant.url, "--port", str(self.port), *extra, stdout=None)
        deadline = time.monotonic() + 60
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the API did not start on port {self.port}")
            time.sleep(0.1)

    def _healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False

    def peak_mib(self) -> float | None:
        """The peak RSS so far of the API process (of the largest one, with several workers)."""
        pids = [self.process.pid, *_children(self.process.pid)]
        return max((peak for peak in map(peak_rss_mib, pids) if peak is not None), default=None)

    def stop(self) -> None:
        """Stop the API process."""
        stop(self.process)


def _children(pid: int) -> list[int]:
    """The child processes of a process (uvicorn's workers)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(child) for child in task.read_text().split())
        except OSError:
            continue
    return found


def measure(results: Results, variant: Variant, levels: tuple[int, ...], seconds: float,
            expected_rate: float = 3_000) -> None:
    """Commands/s and p50/p99 at each number of concurrent clients, and the API's peak memory."""
    world = World(variant.url)
    server = Server(variant)
    try:
        _floor(results, variant, server, world.token)
        for clients in levels:
            say(f"HTTP commands on {variant.name}, {clients} client(s), {seconds:g}s")
            units = world.units(int(expected_rate * (seconds + WARM_UP_SECONDS) / COMMANDS_PER_UNIT) + clients)
            warm = int(len(units) * WARM_UP_SECONDS / (seconds + WARM_UP_SECONDS))
            drive(server.port, world.token, units[:warm], clients, WARM_UP_SECONDS)
            before = world.log_size()
            outcome = drive(server.port, world.token, units[warm:], clients, seconds)
            events = world.log_size() - before
            _rows(results, variant, clients, outcome.rate, outcome.latencies_ms,
                  {"commands": outcome.commands, "seconds": round(outcome.seconds, 2), "statuses": outcome.statuses,
                   "events_per_s": round(events / outcome.seconds) if outcome.seconds else None,
                   "ran_out_of_work": outcome.exhausted})
        results.add(Row(f"memory.api.{variant.name}", "memory", f"API process under load ({variant.name})",
                        server.peak_mib(), "MiB", store=variant.store, limit=MEMORY_LIMIT_MIB))
    finally:
        server.stop()
        world.close()


def _rows(results: Results, variant: Variant, clients: int, rate: float, latencies: list[float],
          extra: dict[str, object]) -> None:
    key = f"commands.{variant.name}.c{clients}"
    postgres = variant.store == "postgres"
    ceiling = {1: "raw.pg.row_tx.c1", 16: "raw.pg.row_tx.c16", 64: "raw.pg.row_tx.c16"}.get(clients)
    statuses: dict[int, int] = extra["statuses"]  # type: ignore[assignment]
    errors = {s: n for s, n in statuses.items() if s not in (200, 201)}
    note = f"errors {errors}" if errors else ("ran out of seeded work" if extra["ran_out_of_work"] else "")
    results.add(Row(f"{key}.rate", "commands", f"HTTP commands, {variant.name}, {clients} client(s)", rate,
                    "cmd/s", store=variant.store, ceiling=ceiling if postgres else None,
                    goal=1.3 if postgres and clients == 64 else None, note=note, extra=extra))
    limit = {1: 3.0, 64: 25.0}.get(clients) if postgres else None
    results.add(Row(f"{key}.latency", "commands", f"  latency, {variant.name}, {clients} client(s)",
                    percentile(latencies, 99), "ms", store=variant.store, limit=limit,
                    extra={"p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
                           "max": max(latencies) if latencies else None}))


def _floor(results: Results, variant: Variant, server: Server, token: str, seconds: float = 0.5) -> None:
    """What any request costs before the command does anything: the web layer alone, then with the bearer
    token checked and the command's lookups (an unknown shift: refused with 404 after two reads)."""
    client = Client(server.port, token)
    unknown = "/api/shifts/00000000-0000-4000-8000-000000000000/check-in"

    def per_request(request: Callable[[], object]) -> float:
        count, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds:
            request()
            count += 1
        return 1000 * (time.perf_counter() - began) / count

    def health() -> None:
        client.connection.request("GET", "/healthz")
        client.connection.getresponse().read()

    bare = per_request(health)
    refused = per_request(lambda: client.post(unknown, {"person_id": unknown[-36:]}))
    client.close()
    results.add(Row(f"commands.{variant.name}.floor", "commands", f"  floor: a refused command (404), 1 client, "
                    f"{variant.name}", refused, "ms", store=variant.store,
                    note=f"GET /healthz {bare:.1f} ms; a 404 command checks the token and reads twice",
                    extra={"healthz_ms": bare, "refused_command_ms": refused}))
