"""`mobilize projections status|rebuild|run`: where each view stands, rebuilding one, following the log live."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from mobilize.application import Mobilize, open_app
from mobilize.cli.console import stop_on_sigterm, table
from mobilize.privacy.retention import Retention, keep_sweeping
from mobilize.progress import Progress
from mobilize.projections import anchors
from mobilize.projections.base import Runner, failures
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `projections` to the CLI."""
    projections = commands.add_parser("projections", help="projection positions, rebuilds, live running")
    verbs = projections.add_subparsers(dest="verb", required=True)
    verbs.add_parser("status", help="each projection's position and lag, and which are stuck (exit 1)")
    rebuild = verbs.add_parser("rebuild", help="rebuild one projection from zero")
    rebuild.add_argument("name", choices=sorted(PROJECTIONS))
    verbs.add_parser("run", help="keep every projection caught up until interrupted")
    projections.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `projections …`; returns the exit status."""
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        return _projections(app, views, settings, args.verb, getattr(args, "name", None))
    finally:
        views.close()


def _projections(app: Mobilize, views: ViewStore, settings: Settings, verb: str, name: str | None) -> int:
    if verb == "status":
        head = app.recorder.max_notification_id() or 0
        names = [*PROJECTIONS, "kafka_relay"]  # the relay keeps its position beside the views'
        stuck = failures(views)
        rows = [{"projection": n, "position": views.position(n), "lag": head - views.position(n),
                 "state": f"STUCK at {stuck[n].position}" if n in stuck else "ok"} for n in names]
        print(table(rows, ("projection", "position", "lag", "state"), f"Log head: position {head}"))
        for failure in stuck.values():
            print(f"{failure.projection} is stuck at position {failure.position} since {failure.failed_at}: "
                  f"{failure.error}: {failure.message}", file=sys.stderr)
        return 1 if stuck else 0
    elif verb == "rebuild":
        assert name is not None
        progress = Progress(f"rebuilding {name}", app.recorder.max_notification_id() or 0)
        applied = Runner(app, views, projection(name)).rebuild(on_batch=progress.advance)
        progress.finish()
        print(f"{name}: rebuilt from zero, {applied} events applied")
    else:
        return _run_live(app, settings)
    return 0


def _run_live(app: Mobilize, settings: Settings) -> int:
    """Follow every projection until interrupted; while the database is away each waits and goes on by itself.
    A projection stuck on an event stops alone (`projections status` says where and why); 1 when all did.
    The retention rules are swept every hour beside them (`mobilize.privacy.retention`); with
    `MOBILIZE_ANCHOR_INTERVAL` set, the chain is also anchored that often (ADR 0016)."""
    stop, store, retention = threading.Event(), settings.store, Retention(*settings.retention_days)
    runners = [Runner(app, ViewStore.for_store(store), projection(n), store=store)  # a connection each
               for n in PROJECTIONS]
    threads = [threading.Thread(target=r.follow, args=(stop,), name=r.projection.name) for r in runners]
    if settings.anchor_interval > 0:
        threads.append(threading.Thread(target=anchors.every, args=(app, settings, stop), name="anchors",
                                        daemon=True))
    for thread in threads:
        thread.start()
    sweeper = threading.Thread(target=keep_sweeping, args=(app, retention, stop), name="retention", daemon=True)
    sweeper.start()
    print(f"following {len(runners)} projections; Ctrl-C (or SIGTERM) to stop", file=sys.stderr)
    previous = stop_on_sigterm(stop)
    try:
        while any(t.is_alive() for t in threads) and not stop.is_set():
            threads[0].join(timeout=0.5)
    except KeyboardInterrupt:
        stop.set()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    for thread in threads:
        thread.join()
    stuck = [r.failure for r in runners if r.failure is not None]
    for failure in stuck:
        print(f"{failure.projection} stopped, stuck at position {failure.position}: {failure.error}: "
              f"{failure.message}", file=sys.stderr)
    return 1 if stuck and not stop.is_set() else 0
