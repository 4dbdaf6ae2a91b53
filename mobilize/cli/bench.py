"""`mobilize bench`: the benchmark suite, next to the raw ceilings of the same machine.

The suite is the `benchmarks` package beside `mobilize` in a source checkout, installed with it
(`pip install -e .`). It needs a PostgreSQL server (the store when it is one, else
`infra/postgres.sh`, started if it is not running) and uses Kafka when a broker answers (else
`infra/kafka.sh`); servers it started are stopped again at the end.
"""

from __future__ import annotations

import argparse
import importlib.util
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from mobilize.settings import Settings

CHECKOUT = Path(__file__).resolve().parents[2]
"""The source checkout an editable install runs from: its infra/ scripts start the servers the suite needs."""
PARTS = ("raw", "commands", "rebuild", "latency", "streams", "field", "privacy")


def add_commands(commands: Any) -> None:
    """Add `bench` to the CLI."""
    bench = commands.add_parser("bench", help="benchmarks next to the raw ceilings of this machine (one table)")
    bench.add_argument("--quick", action="store_true", help="a 100k-event log and shorter runs (about 5 minutes)")
    bench.add_argument("--store", dest="bench_store",
                       help="the PostgreSQL server to measure on (scratch schemas are made and dropped there)")
    bench.add_argument("--kafka", help="Kafka bootstrap servers (default: MOBILIZE_KAFKA, else infra/kafka.sh)")
    bench.add_argument("--no-kafka", action="store_true", help="skip the relay and the Kafka consumer")
    bench.add_argument("--only", choices=PARTS, action="append", help="measure only this part (repeatable)")
    bench.add_argument("--events", type=int, help="events in the log the projections are rebuilt from")
    bench.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `bench`; returns the exit status."""
    ours = importlib.util.find_spec("benchmarks") is not None and importlib.util.find_spec("benchmarks.suite")
    if not ours or not (CHECKOUT / "infra" / "postgres.sh").exists():
        print("mobilize: the benchmark suite runs from a source checkout, installed with "
              "pip install -e '.[test]'", file=sys.stderr)
        return 2
    return _bench(settings, args)


def _bench(settings: Settings, args: argparse.Namespace) -> int:
    from benchmarks import report, suite

    started: list[str] = []
    try:
        postgres = _postgres(settings, args.bench_store, started)
        kafka = None if args.no_kafka else _kafka(args.kafka or settings.kafka, started)
        config = suite.Config(quick=args.quick, postgres=postgres, kafka=kafka, topic=settings.kafka_topic,
                              parts=tuple(args.only or PARTS), events=args.events)
        results = suite.run(config)
        suite.note_load(results)
        for server in started:
            results.note(f"{server} was started for this run and stopped after it")
    finally:
        for server in reversed(started):
            _infra(server, "stop")
    print(report.render(results))
    print(f"(written to {report.write(results)})", file=sys.stderr)
    return 0


def _postgres(settings: Settings, given: str | None, started: list[str]) -> str | None:
    for store in (given, settings.store):
        if store and store.startswith(("postgresql:", "postgres:")):
            return store
    if given:
        print(f"mobilize: --store {given!r} is not PostgreSQL; using infra/postgres.sh", file=sys.stderr)
    if _infra("postgres", "status") != 0:
        if _infra("postgres", "start") != 0:
            return None
        started.append("postgres")
    url = subprocess.run(["bash", "infra/postgres.sh", "url"], cwd=CHECKOUT, capture_output=True, text=True,
                         check=False)
    return url.stdout.strip() or None


def _kafka(bootstrap: str, started: list[str]) -> str | None:
    if _answers(bootstrap):
        return bootstrap
    if _infra("kafka", "start") != 0:
        return None
    started.append("kafka")
    found = subprocess.run(["bash", "infra/kafka.sh", "bootstrap"], cwd=CHECKOUT, capture_output=True, text=True,
                           check=False)
    return found.stdout.strip() or None


def _answers(bootstrap: str) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=2):
            return True
    except (OSError, ValueError):
        return False


def _infra(server: str, verb: str) -> int:
    script = CHECKOUT / "infra" / f"{server}.sh"
    if not script.exists():
        return 1
    if verb != "status":
        print(f"mobilize bench: infra/{server}.sh {verb}", file=sys.stderr)
    return subprocess.run(["bash", str(script), verb], cwd=CHECKOUT, stdout=subprocess.DEVNULL,
                          check=False).returncode
