"""Replay: every projection rebuilt from a big generated drive, and the Kafka relay catching up on it.

The big log is a city drive from `mobilize.demo.city` (seed 1), generated once on SQLite through the
application and kept in `benchmarks/.cache/` (gitignored) for later runs; its rows are copied as they
are, in log order, into a fresh PostgreSQL schema with binary COPY, so that both stores replay the same
events. Each projection is rebuilt from zero in a process of its own (`benchmarks.worker rebuild`),
which reports its rate and its peak memory.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from benchmarks import raw
from benchmarks.common import (
    ROOT,
    Results,
    Row,
    Scratch,
    connect,
    say,
    sqlite_path,
    worker_result,
)
from mobilize.projections.registry import PROJECTIONS

CACHE = ROOT / "benchmarks" / ".cache"
MEMORY_LIMIT_MIB = 1024
QUICK_GRIDS = 150
"""A city of 150 third-level grids plays its whole two-day drive in ~105k events: the quick log."""


def big_log(results: Results, events: int, seed: int = 1) -> Path:
    """The cached SQLite log of a city drive of `events` events; generated (and timed) when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    grids = QUICK_GRIDS if events <= 150_000 else None
    name = f"city-seed{seed}-{events}" + (f"-g{grids}" if grids else "")
    path, facts = CACHE / f"{name}.db", CACHE / f"{name}.json"
    if path.exists() and facts.exists():
        generated = json.loads(facts.read_text())
        results.note(f"big log: reused {path.name} ({generated['events']} events), generated earlier in "
                     f"{generated['seconds']:.0f}s at {generated['events'] / generated['seconds']:.0f} events/s")
    else:
        say(f"generating the big log: a city drive of {events} events on SQLite (cached for later runs)")
        scratch = path.with_suffix(".tmp.db")
        scratch.unlink(missing_ok=True)
        args = ["--store", f"sqlite:///{scratch}", "--events", str(events), "--seed", str(seed)]
        generated = worker_result("generate", *args, *(("--grids", str(grids)) if grids else ()))
        with sqlite3.connect(scratch) as db:  # fold any write-ahead log into the file before it moves
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        scratch.rename(path)
        generated["fresh"] = True
        facts.write_text(json.dumps({k: v for k, v in generated.items() if k != "summary"}))
    results.add(Row("ingest.generator.sqlite", "ingest", f"city generator through the application, SQLite "
                    f"({generated['events']} events)", generated["events"] / generated["seconds"], "events/s",
                    store="sqlite", note="" if generated.get("fresh") else "cached: measured when first generated",
                    extra={k: v for k, v in generated.items() if k != "summary"}))
    results.add(Row("memory.generator.sqlite", "memory", "generator process (ingest)", generated["peak_rss_mib"],
                    "MiB", store="sqlite", limit=MEMORY_LIMIT_MIB))
    results.facts["big_log_events"] = generated["events"]
    return path


def stores(results: Results, log: Path, scratch: Scratch) -> dict[str, str]:
    """The big log as a fresh SQLite store and a fresh PostgreSQL schema (when a server is given)."""
    sqlite_store = scratch.sqlite("replay")
    shutil.copyfile(log, sqlite_path(sqlite_store))
    found = {"sqlite": sqlite_store}
    if scratch.postgres:
        found["postgres"] = _copy_to_postgres(results, log, scratch.pg("replay"))
    return found


def _copy_to_postgres(results: Results, log: Path, store: str) -> str:
    from mobilize.application import Mobilize
    from mobilize.settings import store_env

    Mobilize(env=store_env(store)).close()  # creates the events table as the application has it
    say("copying the big log into PostgreSQL (binary COPY, log order)")
    began = time.perf_counter()
    source = sqlite3.connect(log)
    rows = source.execute("SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid")
    copied = 0
    with connect(store) as target, target.cursor() as cursor:
        with cursor.copy("COPY mobilize_events (originator_id, originator_version, topic, state) "
                         "FROM STDIN (FORMAT BINARY)") as feed:
            feed.set_types(["uuid", "int8", "text", "bytea"])
            for originator_id, version, topic, state in rows:
                feed.write_row((UUID(originator_id), version, topic, state))
                copied += 1
        target.execute("ANALYZE mobilize_events")
    source.close()
    results.facts["postgres_copy"] = {"events": copied, "seconds": round(time.perf_counter() - began, 1)}
    return store


def projections(results: Results, store: str, label: str) -> None:
    """Rebuild each projection from zero in its own process: rate against the ceiling, and peak memory."""
    ceiling, goal = ("raw.postgres.view_upsert", 0.8) if label == "postgres" else ("raw.sqlite.read_orjson", 0.7)
    for name in PROJECTIONS:
        say(f"rebuilding {name} on {label}")
        anatomy = ("--anatomy",) if label == "sqlite" else ()  # the same SQL per event on both: once is enough
        done = worker_result("rebuild", "--store", store, "--projection", name, *anatomy)
        results.add(Row(f"rebuild.{label}.{name}", "rebuild", f"rebuild {name} ({label} views)",
                        done["events"] / done["seconds"], "events/s", store=label, ceiling=ceiling, goal=goal,
                        note=_anatomy(done), extra=_rounded(done)))
        results.add(Row(f"memory.projection.{label}.{name}", "memory", f"projection {name} ({label}), rebuild",
                        done["peak_rss_mib"], "MiB", store=label, limit=MEMORY_LIMIT_MIB))


def relay(results: Results, store: str, bootstrap: str, topic: str) -> None:
    """The relay publishing the whole big log to a fresh topic: rate, and peak memory."""
    say("relaying the big log to Kafka")
    done = worker_result("relay", "--store", store, "--bootstrap", bootstrap, "--topic", topic, "--once")
    results.add(Row("rebuild.postgres.kafka_relay", "rebuild", "Kafka relay catching up (acks=all)",
                    done["events"] / done["seconds"], "events/s", store="postgres",
                    ceiling="raw.postgres.read_orjson", extra=_rounded(done)))
    results.add(Row("memory.relay.catch_up", "memory", "relay process, catching up on the big log",
                    done["peak_rss_mib"], "MiB", store="postgres", limit=MEMORY_LIMIT_MIB))


def ceilings(results: Results, found: dict[str, str]) -> None:
    """The replay ceilings on each copy of the big log."""
    for label, store in found.items():
        raw.replay_ceilings(results, store, label)


def _rounded(done: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in done.items()}


def _anatomy(done: dict[str, Any]) -> str:
    """Where the rebuild's time went, from the worker's timed second pass over a sample."""
    if "sample_events" not in done:
        return ""
    parts = ", ".join(f"{part} {done[f'share_{part}']:.0%}" for part in ("read", "decode", "sql", "other"))
    return f"{done['sql_statements_per_event']} SQL statements/event; time: {parts}"
