"""The read side on the command line: views as tables, live or as of a moment; projection upkeep; audit."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from mobilize.application import Mobilize
from mobilize.cli.console import LOCAL as _LOCAL
from mobilize.cli.console import as_csv, as_json, table
from mobilize.cli.progress import Progress
from mobilize.projections.audit import AuditTrail, trail, verify
from mobilize.projections.base import Runner
from mobilize.projections.registry import PROJECTIONS, projection
from mobilize.projections.replay import BadMoment, replay, resolve
from mobilize.projections.store import ViewStore, iso

VIEWS: dict[str, tuple[str, Callable[[ViewStore, datetime, argparse.Namespace], str]]] = {}
"""Command name → (projection it reads, printer)."""


def view(command: str, projection_name: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register a printer for `mobilize COMMAND`."""
    def register(printer: Callable[..., str]) -> Callable[..., str]:
        VIEWS[command] = (projection_name, printer)
        return printer
    return register


@view("roster", "roster")
def _roster(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections.roster import on_duty

    rows = on_duty(views, now, site_id=args.site, grid_id=args.grid, incident_id=args.incident,
                   task_force_id=args.task_force)
    return table(rows, ("person", "post", "lane", "site", "grid", "status", "since", "shift_start", "shift_end"),
                 f"Roster at {now:%Y-%m-%d %H:%M %Z}")


@view("dispatches", "roster")
def _dispatches(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections.roster import dispatched

    return table(dispatched(views, incident_id=args.incident),
                 ("subject", "kind", "state", "since", "task", "site_id"), "Live dispatches")


@view("resting", "roster")
def _resting(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections.roster import resting

    return table(resting(views, now), ("person", "resting_until"), f"Resting at {now:%Y-%m-%d %H:%M %Z}")


@view("gaps", "staffing_gaps")
def _gaps(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections.gaps import incident_gaps, post_gaps

    horizon = timedelta(hours=args.hours)
    posts = [r for r in post_gaps(views, now, horizon, incident_id=args.incident) if r["need"] or args.all]
    return "\n\n".join([
        table(incident_gaps(views, now, horizon), ("incident_id", "window", "required", "have", "need",
                                                   "not_checked_in", "resting"),
              f"Staffing gaps at {now:%Y-%m-%d %H:%M %Z} (now and the next {args.hours:g} hours)"),
        table(posts, ("site", "lane", "post", "window", "required", "have", "need", "not_checked_in", "resting"),
              "Posts" + ("" if args.all else " short of people")),
    ])


@view("readiness", "readiness")
def _readiness(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections import readiness

    rows = readiness.board(views, now, unit_id=args.unit)
    times = readiness.mobilization_times(views)
    return "\n\n".join([table(rows, _columns(rows, "unit"), f"Readiness at {now:%Y-%m-%d %H:%M %Z}"),
                        table(times, _columns(times, "task_force"), "Drill mobilization times")])


@view("duty-hours", "duty_hours")
def _duty_hours(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections import duty_hours

    rows = duty_hours.hours(views, now, person_id=args.person, incident_id=args.incident)
    overrides = duty_hours.overrides(views, person_id=args.person, incident_id=args.incident)
    return "\n\n".join([table(rows, _columns(rows, "person"), "Duty hours"),
                        table(overrides, _columns(overrides, "person"), "Rest-policy overrides")])


def _columns(rows: list[dict[str, Any]], first: str) -> list[str]:
    """The columns of rows a view returns, ids left out; `first` alone when there are no rows."""
    return [key for key in (rows[0] if rows else {first: None}) if not key.endswith("_id")]


def add_commands(commands: Any) -> None:
    """Add the read-side sub-commands to the CLI."""
    for name in VIEWS:
        _view_arguments(commands.add_parser(name, help=f"print the {name} view (catching it up first)"))
    replay_parser = commands.add_parser("replay", help="print a view as it stood at a moment of the log")
    replay_parser.add_argument("--as-of", required=True, help="a log position, or an ISO time with a zone")
    replay_parser.add_argument("view", choices=sorted(VIEWS))
    _view_arguments(replay_parser, as_of=False)
    projections = commands.add_parser("projections", help="projection positions, rebuilds, live running")
    verbs = projections.add_subparsers(dest="verb", required=True)
    verbs.add_parser("status", help="each projection's position and lag")
    rebuild = verbs.add_parser("rebuild", help="rebuild one projection from zero")
    rebuild.add_argument("name", choices=sorted(PROJECTIONS))
    verbs.add_parser("run", help="keep every projection caught up until interrupted")
    audit = commands.add_parser("audit", help="the audit trail and its hash chain")
    audit_verbs = audit.add_subparsers(dest="verb", required=True)
    audit_verbs.add_parser("verify", help="check the hash chain against the stored events")
    export = audit_verbs.add_parser("trail", help="print or export the audit trail")
    export.add_argument("--incident"), export.add_argument("--person")
    export.add_argument("--since", help="recorded at or after (ISO time with zone)")
    export.add_argument("--until", help="recorded at or before (ISO time with zone)")
    export.add_argument("--format", choices=("table", "csv", "json"), default="table")
    export.add_argument("--limit", type=int)


def _view_arguments(parser: argparse.ArgumentParser, as_of: bool = True) -> None:
    parser.add_argument("--now", help="the moment the view is read at (ISO time with zone; default: now, or "
                                      "the as-of moment)")
    if as_of:
        parser.add_argument("--as-of", help="replay the log up to a position or recorded time first")
    for option in ("--site", "--grid", "--incident", "--task-force", "--unit", "--person"):
        parser.add_argument(option, help=f"only this {option[2:].replace('-', ' ')} (id)")
    parser.add_argument("--hours", type=float, default=12.0, help="gaps: how far ahead to look (default 12)")
    parser.add_argument("--all", action="store_true", help="gaps: list every post, not only those short")


def run(app: Mobilize, store: str, args: argparse.Namespace) -> int:
    """Carry out a read-side command; returns the exit status."""
    views = ViewStore.for_store(store)
    try:
        if args.command == "projections":
            return _projections(app, views, store, args.verb, getattr(args, "name", None))
        if args.command == "audit":
            return _audit(app, views, args)
        name = args.view if args.command == "replay" else args.command
        return _show(app, views, name, args)
    except BadMoment as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()


def _show(app: Mobilize, views: ViewStore, name: str, args: argparse.Namespace) -> int:
    projection_name, printer = VIEWS[name]
    now = _moment(args.now) if args.now else datetime.now(timezone.utc)
    if args.as_of:
        until = resolve(app, views, args.as_of)
        Runner(app, views, AuditTrail()).catch_up(until=until)
        if not args.now:
            now = _occurred_at(views, until, args.as_of)
        print(printer(replay(app, projection_name, until), now.astimezone(_LOCAL), args))
        print(f"(replayed to log position {until})")
        return 0
    Runner(app, views, projection(projection_name)).catch_up()
    print(printer(views, now.astimezone(_LOCAL), args))
    return 0


def _occurred_at(views: ViewStore, position: int, as_of: str) -> datetime:
    """For a position, the field time of the event there; for a time, that time."""
    if not as_of.isdigit():
        return _moment(as_of)
    rows = views.query("SELECT occurred_at FROM audit_trail WHERE position = ?", (position,))
    return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else datetime.now(timezone.utc)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadMoment(f"{text!r} is not an ISO time, e.g. 2026-03-02T10:00+08:00") from None
    if moment.tzinfo is None:
        raise BadMoment(f"{text!r} has no time zone; add one, e.g. +08:00")
    return moment


def _projections(app: Mobilize, views: ViewStore, store: str, verb: str, name: str | None) -> int:
    if verb == "status":
        head = app.recorder.max_notification_id() or 0
        names = [*PROJECTIONS, "kafka_relay"]  # the relay keeps its position beside the views'
        rows = [{"projection": n, "position": views.position(n), "lag": head - views.position(n)} for n in names]
        print(table(rows, ("projection", "position", "lag"), f"Log head: position {head}"))
    elif verb == "rebuild":
        assert name is not None
        progress = Progress(f"rebuilding {name}", app.recorder.max_notification_id() or 0)
        applied = Runner(app, views, projection(name)).rebuild(on_batch=progress.advance)
        progress.finish()
        print(f"{name}: rebuilt from zero, {applied} events applied")
    else:
        _run_live(app, store)
    return 0


def _run_live(app: Mobilize, store: str) -> None:
    stop = threading.Event()
    runners = [Runner(app, ViewStore.for_store(store), projection(n)) for n in PROJECTIONS]  # a connection each
    threads = [threading.Thread(target=r.follow, args=(stop,), name=r.projection.name) for r in runners]
    for thread in threads:
        thread.start()
    print(f"following {len(runners)} projections; Ctrl-C to stop", file=sys.stderr)
    try:
        while any(t.is_alive() for t in threads):
            threads[0].join(timeout=0.5)
    except KeyboardInterrupt:
        stop.set()
    for thread in threads:
        thread.join()


def _audit(app: Mobilize, views: ViewStore, args: argparse.Namespace) -> int:
    Runner(app, views, AuditTrail()).catch_up()
    if args.verb == "verify":
        verdict = verify(app, views)
        if verdict.ok:
            print(f"audit chain holds: {verdict.checked} events checked; head {verdict.head}")
            return 0
        print(f"AUDIT CHAIN BROKEN at position {verdict.broken_at}: {verdict.problem} "
              f"({verdict.checked} events checked before it)", file=sys.stderr)
        return 1
    since, until = (iso(_moment(t)) if t else None for t in (args.since, args.until))
    rows = trail(views, incident_id=args.incident, person_id=args.person, since=since, until=until, limit=args.limit)
    if args.format == "csv":
        sys.stdout.write(as_csv(rows))
    elif args.format == "json":
        print(as_json(rows))
    else:
        print(table(rows, ("position", "event_type", "actor", "ordered_by", "reason", "occurred_at", "recorded_at",
                           "command_id"), "Audit trail"))
    return 0

