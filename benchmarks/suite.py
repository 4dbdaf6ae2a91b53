"""The whole run: servers found (or started with the infra scripts), each part measured, one Results."""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from benchmarks import breakdown, commands, field_streams, latency, privacy, raw, rebuild, streams
from benchmarks.commands import Variant
from benchmarks.common import ROOT, Results, Row, Scratch, connect, say, scratch
from mobilize.settings import Settings

PARTS = ("raw", "commands", "rebuild", "latency", "streams", "field", "privacy")
LEVELS = (1, 16, 64)


@dataclass(frozen=True)
class Config:
    """What to measure and for how long."""

    quick: bool
    postgres: str | None
    kafka: str | None
    topic: str
    parts: tuple[str, ...] = PARTS
    events: int | None = None

    @property
    def big_log(self) -> int:
        """Events in the log the projections are rebuilt from."""
        return self.events or (100_000 if self.quick else 1_000_000)

    @property
    def command_seconds(self) -> float:
        """Measured seconds per number of clients."""
        return 3.0 if self.quick else 10.0

    @property
    def raw_seconds(self) -> float:
        """Seconds per raw write ceiling."""
        return 1.5 if self.quick else 5.0

    @property
    def open_streams(self) -> tuple[int, ...]:
        """Numbers of open feeds the API holds while commands run (the last is the process's bound)."""
        return (0, streams.STREAMS_PER_PROCESS) if self.quick else (0, 250, 500, streams.STREAMS_PER_PROCESS)

    @property
    def field_touches(self) -> int:
        """Commands touching one person each, timed to the frame on that person's field stream."""
        return 40 if self.quick else 200

    @property
    def latency_seconds(self) -> float:
        """Seconds of steady load for the latency part."""
        return 6.0 if self.quick else 30.0


def has_group_commit() -> bool:
    """Whether this version of mobilize can group concurrent commits (MOBILIZE_GROUP_COMMIT)."""
    return "group_commit" in {f.name for f in fields(Settings)}


def run(config: Config) -> Results:
    """Measure every part asked for; parts needing a missing server are skipped with a note."""
    results = Results()
    started = time.monotonic()
    _facts(results, config)
    with scratch(config.postgres) as stores:
        if "raw" in config.parts and config.postgres:
            _guarded(results, "raw ceilings", lambda: raw.write_ceilings(results, stores.pg("raw"), config.raw_seconds))
        if "commands" in config.parts:
            for variant in _variants(config, stores):
                _guarded(results, f"commands on {variant.name}",
                         partial(commands.measure, results, variant, LEVELS, config.command_seconds))
            for label in ("postgres", "sqlite") if config.postgres else ("sqlite",):
                store = stores.pg("profile") if label == "postgres" else stores.sqlite("profile")
                _guarded(results, f"profile on {label}", partial(breakdown.measure, results, store, label))
                _guarded(results, f"read-set check on {label}",
                         partial(breakdown.read_check_cost, results, store, label))
        if "privacy" in config.parts:
            for label in ("postgres", "sqlite") if config.postgres else ("sqlite",):
                store = stores.pg("privacy") if label == "postgres" else stores.sqlite("privacy")
                _guarded(results, f"personal-data sealing on {label}", partial(privacy.measure, results, store, label))
        if "rebuild" in config.parts:
            _guarded(results, "replay", lambda: _replay(results, config, stores))
        if "latency" in config.parts:
            _guarded(results, "latency", lambda: _latency(results, config, stores))
        if "streams" in config.parts:
            url = stores.pg("streams") if config.postgres else stores.sqlite("streams")
            variant = Variant("postgres" if config.postgres else "sqlite", url)
            _guarded(results, "open streams", partial(streams.measure, results, variant, config.open_streams,
                                                      config.latency_seconds))
        if "field" in config.parts:
            url = stores.pg("field") if config.postgres else stores.sqlite("field")
            variant = Variant("postgres" if config.postgres else "sqlite", url)
            _guarded(results, "field streams", partial(field_streams.measure, results, variant,
                                                       streams.STREAMS_PER_PROCESS, config.latency_seconds,
                                                       config.field_touches))
    if not config.postgres:
        results.note("no PostgreSQL server: its ceilings and figures are missing (infra/postgres.sh start)")
    results.facts["seconds"] = round(time.monotonic() - started, 1)
    return results


def _guarded(results: Results, part: str, measure: Callable[[], None]) -> None:
    """Measure one part; a failure is noted with the results instead of losing the whole run."""
    try:
        measure()
    except Exception as error:  # noqa: BLE001 - a benchmark part may fail in many ways; the rest still counts
        results.note(f"{part} failed: {error!r}")
        say(f"{part} failed: {error!r}")


def _variants(config: Config, stores: Scratch) -> list[Variant]:
    variants = [Variant("sqlite", stores.sqlite("api"))]
    if config.postgres:
        variants.append(Variant("postgres", stores.pg("api")))
    if has_group_commit():
        if config.postgres:
            variants.append(Variant("postgres", stores.pg("api_gc"), group_commit="on"))
            variants.append(Variant("postgres", stores.pg("api_gc_w2"), group_commit="on", workers=2))
        if not config.quick:
            variants.append(Variant("sqlite", stores.sqlite("api_gc"), group_commit="on"))
    return variants


def _replay(results: Results, config: Config, stores: Scratch) -> None:
    log = rebuild.big_log(results, config.big_log)
    found = rebuild.stores(results, log, stores)
    rebuild.ceilings(results, found)
    for label, store in found.items():
        rebuild.projections(results, store, label)
    if config.kafka and "postgres" in found:
        with _topic(config, "replay") as topic:
            rebuild.relay(results, found["postgres"], config.kafka, topic)
    elif not config.kafka:
        results.note("no Kafka broker: the relay's rate and memory are missing (infra/kafka.sh start)")


def _latency(results: Results, config: Config, stores: Scratch) -> None:
    """At 1k events/s, or at 80% of what the API sustained with 16 clients when that is less."""
    store = "postgres" if config.postgres else "sqlite"

    def candidates() -> list[Row]:
        return [row for row in results.rows.values()
                if row.section == "commands" and row.store == store and row.key.endswith(".c16.rate")]

    if not candidates():  # what the API sustains decides the load: measure it first
        url = stores.pg("probe") if store == "postgres" else stores.sqlite("probe")
        commands.measure(results, Variant(store, url), (16,), config.command_seconds)
    best = max(candidates(), key=lambda row: row.value or 0, default=None)
    events = 1000.0
    group_commit = None
    if best is not None:
        capacity = best.extra.get("events_per_s") or 0
        events = min(events, 0.8 * capacity) if capacity else events
        group_commit = "on" if "group_commit_on" in best.key else None
        if events < 1000:
            results.note(f"latency: the API sustained {capacity} events/s with 16 clients on {store} "
                         f"({best.label.strip()}), so the steady load ran at 80% of that, not at 1k events/s")
    url = stores.pg("latency") if store == "postgres" else stores.sqlite("latency")
    with _topic(config, "latency") as topic:
        latency.measure(results, Variant(store, url, group_commit), events, config.latency_seconds,
                        config.kafka, topic)
    if not config.kafka:
        results.note("no Kafka broker: command → Kafka consumer latency was not measured")


@contextmanager
def _topic(config: Config, purpose: str) -> Iterator[str]:
    """A topic name of its own for this run; deleted afterwards."""
    topic = f"{config.topic}.bench-{datetime.now(UTC):%H%M%S}-{purpose}"
    try:
        yield topic
    finally:
        if config.kafka:
            _delete_topic(config.kafka, topic)


def _delete_topic(bootstrap: str, topic: str) -> None:
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="mobilize-bench")
        try:
            admin.delete_topics([topic])
        finally:
            admin.close()
    except KafkaError:
        pass


def _facts(results: Results, config: Config) -> None:
    import eventsourcing
    import psycopg

    results.facts.update({
        "started": datetime.now(UTC).isoformat(timespec="seconds"), "quick": config.quick,
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "python": platform.python_version(),
        "eventsourcing": getattr(eventsourcing, "__version__", "?"), "psycopg": psycopg.__version__,
        "group_commit_available": has_group_commit(), "kafka": config.kafka, "big_log_events": config.big_log,
        "commit": _commit(),
    })
    if config.postgres:
        with connect(config.postgres) as connection:
            results.facts["postgres"] = connection.execute("SHOW server_version").fetchone()[0]
            results.facts["synchronous_commit"] = connection.execute("SHOW synchronous_commit").fetchone()[0]
            results.facts["fsync"] = connection.execute("SHOW fsync").fetchone()[0]
    results.facts["load_average"] = _load_average()


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def note_load(results: Results) -> None:
    """Say how busy the machine was: other processes on 2 cores move every figure."""
    results.facts["load_average_after"] = _load_average()
    say(f"load average before/after: {results.facts.get('load_average')} / {results.facts['load_average_after']}")
