"""From a command's acceptance to its event at a client: the SSE feed and a Kafka consumer, at a steady load.

Operators give the command mix at a paced rate (about 2.4 log events per command, so ~420 commands/s
for 1k events/s); an SSE client of `/api/stream` and a Kafka consumer of the relay's topic run in this
process. For each accepted command the clock starts when its HTTP answer arrives and stops when the
event it caused (aggregate id and event type) reaches the client: an event that arrives before the
answer counts as 0 ms. The commit lies between the request and the answer, so the same delays
counted from the request are given too (an upper bound: they include the command's own time). The relay runs as `mobilize relay` does, in a process of its own.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.commands import Server, Variant
from benchmarks.common import Results, Row, percentile, say, stop, worker
from benchmarks.workload import Expect, World, drive

EVENTS_PER_COMMAND = 26 / 11
"""Log events per command of the mix, the command records included (2 shift units and 1 dispatch unit)."""
STRAGGLERS_SECONDS = 3.0
MEMORY_LIMIT_MIB = 1024


class Arrivals:
    """When each expected event first reached a client, by (aggregate id, event type)."""

    def __init__(self) -> None:
        self.seen: dict[Expect, float] = {}
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def arrived(self, aggregate_id: str, event_type: str) -> None:
        """Note an event's arrival now."""
        self.seen.setdefault((aggregate_id, event_type), time.perf_counter())

    def run(self, read: Callable[[Arrivals], None]) -> threading.Thread:
        """Read in a thread of its own until stopped."""
        def guarded() -> None:
            try:
                read(self)
            except BaseException as error:  # noqa: BLE001 - reported with the results, not lost in a thread
                self.error = error
                self.ready.set()
        thread = threading.Thread(target=guarded, daemon=True)
        thread.start()
        return thread


def sse_reader(port: int, token: str, after: int) -> Callable[[Arrivals], None]:
    """A client of the live feed from a log position."""
    def read(arrivals: Arrivals) -> None:
        url = f"http://127.0.0.1:{port}/api/stream?after={after}"
        with httpx.stream("GET", url, headers={"Authorization": f"Bearer {token}"}, timeout=None) as response:
            arrivals.ready.set()
            for line in response.iter_lines():
                if arrivals.stop.is_set():
                    return
                if line.startswith("data:"):
                    data = json.loads(line[5:])
                    arrivals.arrived(data["aggregate_id"], data["event_type"])
    return read


def kafka_reader(bootstrap: str, topic: str) -> Callable[[Arrivals], None]:
    """A consumer of the relay's topic from its current end."""
    def read(arrivals: Arrivals) -> None:
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                 client_id="mobilize-bench", fetch_max_wait_ms=10)
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_end(*partitions)
        for partition in partitions:
            consumer.position(partition)
        arrivals.ready.set()
        try:
            while not arrivals.stop.is_set():
                for records in consumer.poll(timeout_ms=50).values():
                    for record in records:
                        event = json.loads(record.value)
                        arrivals.arrived(event["aggregate_id"], event["event_type"])
        finally:
            consumer.close()
    return read


def measure(results: Results, variant: Variant, events_per_second: float, seconds: float,
            bootstrap: str | None, topic: str) -> None:
    """Latency to the SSE client (and to a Kafka consumer when a broker is given) at a steady rate."""
    world = World(variant.url)
    server = Server(variant)
    relay = None
    accepted: dict[Expect, tuple[float, float]] = {}
    try:
        units = world.units(int(events_per_second / EVENTS_PER_COMMAND * seconds / 3.5) + 64)
        if bootstrap:
            relay = worker("relay", "--store", variant.url, "--bootstrap", bootstrap, "--topic", topic,
                           stdout=subprocess.DEVNULL)
            _wait_for_relay(variant.url, world.log_size())
        readers = {"sse": Arrivals()}
        readers["sse"].run(sse_reader(server.port, world.token, world.log_size()))
        if bootstrap:
            readers["kafka"] = Arrivals()
            readers["kafka"].run(kafka_reader(bootstrap, topic))
        for arrivals in readers.values():
            if not arrivals.ready.wait(60) or arrivals.error:
                raise RuntimeError(f"a reader did not start: {arrivals.error!r}")
        say(f"latency on {variant.name}: ~{events_per_second:.0f} events/s for {seconds:g}s")
        before = world.log_size()
        outcome = drive(server.port, world.token, units, 16, seconds, rate=events_per_second / EVENTS_PER_COMMAND,
                        accepted=lambda key, sent, answered: accepted.__setitem__(key, (sent, answered)))
        achieved = (world.log_size() - before) / outcome.seconds
        time.sleep(STRAGGLERS_SECONDS if bootstrap else 1.0)
        for name, arrivals in readers.items():
            arrivals.stop.set()
            _rows(results, variant, name, accepted, arrivals, achieved, events_per_second)
        if relay is not None:
            from benchmarks.common import peak_rss_mib

            results.add(Row("memory.relay.follow", "memory", "relay process, following at the steady load",
                            peak_rss_mib(relay.pid), "MiB", store=variant.store, limit=MEMORY_LIMIT_MIB))
    finally:
        if relay is not None:
            stop(relay)
        server.stop()
        world.close()


def _wait_for_relay(store: str, position: int, timeout: float = 120) -> None:
    from mobilize.projections.store import ViewStore
    from mobilize.relay import NAME

    views = ViewStore.for_store(store)
    deadline = time.monotonic() + timeout
    try:
        while views.position(NAME) < position:
            if time.monotonic() > deadline:
                raise RuntimeError("the relay did not catch up on the seeded world")
            time.sleep(0.2)
    finally:
        views.close()


def _rows(results: Results, variant: Variant, reader: str, accepted: dict[Expect, tuple[float, float]],
          arrivals: Arrivals, achieved: float, wanted: float) -> None:
    seen = [(arrivals.seen[key], sent, answered) for key, (sent, answered) in accepted.items()
            if key in arrivals.seen]
    delays = [max(0.0, at - answered) * 1000 for at, _, answered in seen]
    from_request = [(at - sent) * 1000 for at, sent, _ in seen]
    missing = len(accepted) - len(delays)
    limit = 25.0 if reader == "sse" else 50.0
    target = "SSE client" if reader == "sse" else "Kafka consumer"
    extra: dict[str, Any] = {"p50": percentile(delays, 50), "p99": percentile(delays, 99),
                             "max": max(delays) if delays else None, "commands": len(accepted),
                             "from_request_p50": percentile(from_request, 50),
                             "from_request_p99": percentile(from_request, 99),
                             "missing": missing, "events_per_s": round(achieved), "wanted_events_per_s": wanted}
    shortfall = f"the load reached {achieved:.0f} events/s, not 1k" if achieved < 900 else ""
    note = ("" if shortfall else f"at {achieved:.0f} events/s; ") + "counted from the request: " \
        f"{extra['from_request_p50'] or 0:.1f} / {extra['from_request_p99'] or 0:.1f} ms" \
        + (f"; {missing} events never arrived" if missing else "")
    if arrivals.error is not None:
        note += f"; reader failed: {arrivals.error!r}"
    results.add(Row(f"latency.{variant.name}.{reader}", "latency", f"command accepted → {target} ({variant.name})",
                    percentile(delays, 99), "ms", store=variant.store, limit=limit, note=note, shortfall=shortfall,
                    extra=extra))
