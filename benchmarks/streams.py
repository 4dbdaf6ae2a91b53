"""Open streams: what an API process pays to hold many `/api/stream` feeds while operators give commands.

One street's people keep a field page or a dashboard open (about 1,000 in Junhe), each an SSE feed of its
own. A holder process (`python -m benchmarks.worker hold`) opens N feeds with viewer tokens (at most 10 per
token, as the API allows), waits until every one has its first frame, and then counts what arrives. Operators
give commands at a steady, modest pace (a busy hour of a street, far below what the API sustains) with 1
client, so that the figures show the cost of the feeds, not of a saturated API:

- the API process's resident memory with N feeds open (and per feed, against none);
- command latency p50/p99 with N feeds open, against none;
- fan-out: for each event of the load, from its recorded time to its arrival at the LAST of the N feeds;
- whether every feed stayed open and received every event;
- at the process's bound (`STREAMS_PER_PROCESS`), one more feed is refused with 429, not served.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.commands import Server, Variant
from benchmarks.common import Results, Row, percentile, say, stop, worker
from benchmarks.latency import expected_positions
from benchmarks.workload import World, drive
from mobilize.api.routes.stream import STREAMS_PER_PROCESS, STREAMS_PER_TOKEN

COMMANDS_PER_SECOND = 20.0
"""The operators' pace while feeds are open (≈ 50 log events/s: a street's busiest hour is far below)."""
MEMORY_LIMIT_MIB = 1024
FANOUT_LIMIT_MS = 1000.0
"""An event should reach every open page within a second."""


def current_rss_mib(pid: int) -> float | None:
    """Resident memory now (VmRSS) of a live process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def measure(results: Results, variant: Variant, counts: tuple[int, ...], seconds: float) -> None:
    """Memory, command latency and fan-out with each number of open feeds; the bound's refusal at the end."""
    world = World(variant.url)
    server = Server(variant)
    tokens = world.tokens(max(counts) // STREAMS_PER_TOKEN + 2, "viewer")
    idle: dict[str, float] = {}
    try:
        for count in counts:
            say(f"{count} open streams on {variant.name}, commands at {COMMANDS_PER_SECOND:g}/s for {seconds:g}s")
            units = world.units(int(COMMANDS_PER_SECOND * seconds / 3) + 8)  # seeded before: not a burst to feeds
            held = Holder(server.port, tokens[:-1], count)
            try:
                time.sleep(1.0)  # let the opening settle before the memory is read
                memory = current_rss_mib(server.process.pid)
                before = world.log_size()
                outcome = drive(server.port, world.token, units, 1, seconds, rate=COMMANDS_PER_SECOND)
                expected = len(expected_positions(world, before, world.log_size())["sse"])
                time.sleep(2.0)  # stragglers
                if count == STREAMS_PER_PROCESS:
                    refused = one_more(server.port, tokens[-1])
                report = held.finish()
            finally:
                held.stop()
            _rows(results, variant, count, memory, outcome.latencies_ms, report, expected, idle)
            if count == STREAMS_PER_PROCESS:
                results.add(Row(f"streams.{variant.name}.bound", "streams",
                                f"  feed {STREAMS_PER_PROCESS + 1} at the process bound", float(refused), "status",
                                store=variant.store, note="429 expected: refused, not served"))
    finally:
        server.stop()
        world.close()


def _rows(results: Results, variant: Variant, count: int, memory: float | None, latencies: list[float],
          report: dict[str, Any], expected: int, idle: dict[str, float]) -> None:
    key = f"streams.{variant.name}.n{count}"
    if count == 0:
        idle["memory"] = memory or 0.0
    per_feed = ((memory - idle["memory"]) * 1024 / count) if count and memory and "memory" in idle else None
    results.add(Row(f"{key}.memory", "streams", f"API memory, {count} open streams ({variant.name})", memory,
                    "MiB", store=variant.store, limit=MEMORY_LIMIT_MIB,
                    note=f"{per_feed:.0f} KiB per open stream" if per_feed is not None else "",
                    extra={"kib_per_stream": per_feed}))
    results.add(Row(f"{key}.commands", "streams", f"  command latency p99, {count} open streams", percentile(
        latencies, 99), "ms", store=variant.store, extra={"p50": percentile(latencies, 50),
                                                          "p99": percentile(latencies, 99),
                                                          "commands": len(latencies)}))
    if count:
        fanout = report["fanout_ms"]
        short = report["open"] < count or report["least_events"] < expected
        results.add(Row(f"{key}.fanout", "streams", f"  recorded → last of {count} streams, p99",
                        percentile(fanout, 99), "ms", store=variant.store, limit=FANOUT_LIMIT_MS,
                        note=(f"{report['open']} of {count} open at the end; fewest events on one stream "
                              f"{report['least_events']}" if short else ""),
                        extra={"p50": percentile(fanout, 50), "p99": percentile(fanout, 99),
                               "open_at_end": report["open"], "events_expected": expected,
                               "fewest_events_on_a_stream": report["least_events"],
                               "holder_peak_rss_mib": report["peak_rss_mib"]}))


def one_more(port: int, token: str, path: str = "/api/stream") -> int:
    """The status of one more feed at the bound (read the status line only, then let go)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        return connection.getresponse().status
    finally:
        connection.close()


class Holder:
    """The holder worker: opens the feeds, says when all are open, reports on SIGTERM."""

    def __init__(self, port: int, tokens: list[str], count: int, path: str = "/api/stream",
                 per_token: int = STREAMS_PER_TOKEN) -> None:
        self.file = tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False)  # noqa: SIM115 - kept open
        self.file.write("\n".join(tokens))
        self.file.close()
        self.process: subprocess.Popen[str] | None = None
        if not count:
            return
        self.process = worker("hold", "--port", str(port), "--tokens", self.file.name, "--count", str(count),
                              "--path", path, "--per-token", str(per_token))
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip() or not json.loads(line).get("ready"):
            raise RuntimeError(f"the holder could not open {count} streams: {line.strip()}")

    def finish(self) -> dict[str, Any]:
        """Stop the holder and return its report."""
        if self.process is None:
            return {"fanout_ms": [], "open": 0, "least_events": 0, "peak_rss_mib": None, "changed": {}}
        self.process.terminate()
        out, _ = self.process.communicate(timeout=60)
        return json.loads(out.strip().splitlines()[-1])

    def stop(self) -> None:
        """Make sure the holder is gone and its token file too."""
        if self.process is not None:
            stop(self.process)
        Path(self.file.name).unlink(missing_ok=True)
