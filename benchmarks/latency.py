"""From an event's recording to its arrival at a subscriber: the SSE feed and a Kafka consumer, at a steady load.

Operators give the command mix at a paced rate (about 2.4 log events per command, so ~420 commands/s
for 1k events/s). The subscribers run as users run them, each in a process of its own (`python -m
benchmarks.worker listen`): a client of `/api/stream` and a consumer of the relay's topic, which runs as
`mobilize relay` does. For every event of the load, the clock starts at its recorded time (stamped while
its command is handled, just before the commit: an upper bound on the delay from acceptance) and stops
when it reaches the subscriber; both clocks are this machine's. Every event the log gained during the load
is expected: at the SSE client, all but the hidden bookkeeping ones; at the Kafka consumer, all of them.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks.commands import Server, Variant
from benchmarks.common import Results, Row, percentile, say, stop, worker
from benchmarks.workload import World, drive

EVENTS_PER_COMMAND = 26 / 11
"""Log events per command of the mix, the command records included (2 shift units and 1 dispatch unit)."""
STRAGGLERS_SECONDS = 3.0
MEMORY_LIMIT_MIB = 1024
LIMITS_MS = {"sse": 25.0, "kafka": 50.0}
TARGETS = {"sse": "SSE client", "kafka": "Kafka consumer"}


@dataclass
class Subscriber:
    """A subscriber process and what it reported."""

    name: str
    process: subprocess.Popen[str]
    arrivals: dict[int, float] = field(default_factory=dict)
    error: str | None = None

    @classmethod
    def start(cls, name: str, *args: str) -> Subscriber:
        """Start one and wait until it listens."""
        subscriber = cls(name, worker("listen", *args))
        assert subscriber.process.stdout is not None
        first = subscriber.process.stdout.readline()
        if not first.strip():
            stop(subscriber.process)
            raise RuntimeError(f"the {TARGETS[name]} did not start")
        return subscriber

    def finish(self) -> dict[str, Any]:
        """Stop it and keep its arrivals (position → delay in ms); its report."""
        if self.process.poll() is None:
            self.process.terminate()
        out, _ = self.process.communicate(timeout=60)
        report = json.loads(out.strip().splitlines()[-1])
        self.arrivals = dict(report["arrivals"])
        self.error = report["error"]
        return report


def measure(results: Results, variant: Variant, events_per_second: float, seconds: float,
            bootstrap: str | None, topic: str) -> None:
    """Latency to the SSE client (and to a Kafka consumer when a broker is given) at a steady rate."""
    world = World(variant.url)
    server = Server(variant)
    relay = None
    subscribers: list[Subscriber] = []
    try:
        units = world.units(int(events_per_second / EVENTS_PER_COMMAND * seconds / 3.5) + 64)
        if bootstrap:
            relay = worker("relay", "--store", variant.url, "--bootstrap", bootstrap, "--topic", topic,
                           stdout=subprocess.DEVNULL)
            _wait_for_relay(variant.url, world.log_size())
        before = world.log_size()
        subscribers.append(Subscriber.start("sse", "--port", str(server.port), "--token", world.token,
                                            "--after", str(before)))
        if bootstrap:
            subscribers.append(Subscriber.start("kafka", "--bootstrap", bootstrap, "--topic", topic))
        say(f"latency on {variant.name}: ~{events_per_second:.0f} events/s for {seconds:g}s")
        outcome = drive(server.port, world.token, units, 16, seconds, rate=events_per_second / EVENTS_PER_COMMAND)
        after = world.log_size()
        achieved = (after - before) / outcome.seconds
        time.sleep(STRAGGLERS_SECONDS)
        expected = expected_positions(world, before, after)
        for subscriber in subscribers:
            report = subscriber.finish()
            _row(results, variant, subscriber, expected[subscriber.name], achieved, events_per_second)
            results.add(Row(f"memory.subscriber.{subscriber.name}", "memory",
                            f"{TARGETS[subscriber.name]} process (bench's own)", report["peak_rss_mib"], "MiB",
                            store=variant.store))
        if relay is not None:
            from benchmarks.common import peak_rss_mib

            results.add(Row("memory.relay.follow", "memory", "relay process, following at the steady load",
                            peak_rss_mib(relay.pid), "MiB", store=variant.store, limit=MEMORY_LIMIT_MIB))
    finally:
        for subscriber in subscribers:
            stop(subscriber.process)
        if relay is not None:
            stop(relay)
        server.stop()
        world.close()


def expected_positions(world: World, before: int, after: int) -> dict[str, set[int]]:
    """The positions each subscriber should see of what the log gained during the load."""
    from mobilize.log.envelope import streamed

    everything: set[int] = set()
    shown: set[int] = set()
    start = before + 1
    while start <= after and (notes := world.app.recorder.select_notifications(start, 1000, stop=after)):
        for note in notes:
            everything.add(note.id)
            if streamed(note):
                shown.add(note.id)
        start = notes[-1].id + 1
    return {"sse": shown, "kafka": everything}


def _wait_for_relay(store: str, position: int, timeout: float = 120) -> None:
    from mobilize.feeds.relay import NAME
    from mobilize.projections.store import ViewStore

    views = ViewStore.for_store(store)
    deadline = time.monotonic() + timeout
    try:
        while views.position(NAME) < position:
            if time.monotonic() > deadline:
                raise RuntimeError("the relay did not catch up on the seeded world")
            time.sleep(0.2)
    finally:
        views.close()


def _row(results: Results, variant: Variant, subscriber: Subscriber, expected: set[int], achieved: float,
         wanted: float) -> None:
    delays = [max(0.0, delay) for position, delay in subscriber.arrivals.items() if position in expected]
    missing = len(expected) - len(delays)
    extra: dict[str, Any] = {"p50": percentile(delays, 50), "p99": percentile(delays, 99),
                             "max": max(delays) if delays else None, "events": len(delays), "missing": missing,
                             "events_per_s": round(achieved), "wanted_events_per_s": wanted}
    shortfall = f"the load reached {achieved:.0f} events/s, not 1k" if achieved < 900 else ""
    note = ("" if shortfall else f"at {achieved:.0f} events/s; ") + f"{len(delays)} events"
    note += f", max {extra['max']:.0f} ms" if delays else ""
    if missing:
        note += f"; {missing} events never arrived"
    if subscriber.error is not None:
        note += f"; subscriber failed: {subscriber.error}"
    results.add(Row(f"latency.{variant.name}.{subscriber.name}", "latency",
                    f"event recorded → {TARGETS[subscriber.name]} ({variant.name})", percentile(delays, 99), "ms",
                    store=variant.store, limit=LIMITS_MS[subscriber.name], note=note, shortfall=shortfall,
                    extra=extra))
