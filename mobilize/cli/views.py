"""The views on the command line: each as a table, live or replayed to a moment of the log."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from mobilize.application import Mobilize, open_app
from mobilize.cli.console import table
from mobilize.cli.ids import BadId, check_args
from mobilize.domain.base import CHINA
from mobilize.projections.base import Runner
from mobilize.projections.registry import projection
from mobilize.projections.replay import BadMoment, parse_moment, reading, replay_reading
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings

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
    return table(rows, ("person", "post", "lane", "site", "grid", "status", "since", "shift_start", "shift_end",
                        "exercise"),
                 f"Roster at {now:%Y-%m-%d %H:%M %Z}")


@view("dispatches", "roster")
def _dispatches(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections.roster import dispatched

    return table(dispatched(views, incident_id=args.incident),
                 ("subject", "kind", "state", "since", "task", "site_id", "exercise"), "Live dispatches")


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
        table(incident_gaps(views, now, horizon), ("incident_id", "exercise", "window", "required", "have", "need",
                                                   "not_checked_in", "resting"),
              f"Staffing gaps at {now:%Y-%m-%d %H:%M %Z} (now and the next {args.hours:g} hours)"),
        table(posts, ("site", "lane", "post", "window", "required", "have", "need", "not_checked_in", "resting",
                      "exercise"),
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
        parser = commands.add_parser(name, help=f"print the {name} view (catching it up first)")
        _view_arguments(parser)
        parser.set_defaults(func=run)
    replay_parser = commands.add_parser("replay", help="print a view as it stood at a moment of the log")
    replay_parser.add_argument("view", choices=sorted(VIEWS))
    _view_arguments(replay_parser)
    replay_parser.set_defaults(func=run)


def _view_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", help="the moment the view is read at (ISO time with zone); alone, the view as it "
                                      "happened by then")
    parser.add_argument("--as-of", help="as known at: replay the events recorded by a log position or ISO time")
    parser.add_argument("--as-happened", help="as happened by: replay the events that occurred by an ISO time, "
                                              "late-recorded ones included")
    for option in ("--site", "--grid", "--incident", "--task-force", "--unit", "--person"):
        parser.add_argument(option, help=f"only this {option[2:].replace('-', ' ')} (id)")
    parser.add_argument("--hours", type=float, default=12.0, help="gaps: how far ahead to look (default 12)")
    parser.add_argument("--all", action="store_true", help="gaps: list every post, not only those short; hazards: "
                                                           "verified ones too")
    parser.add_argument("--week", help="action-day: an ISO week (2026-W09) or a day of it (default: this week)")
    parser.add_argument("--overdue", action="store_true", help="requests: only those past their due time")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print a view, live or replayed; returns the exit status."""
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        check_args(app, args, "site", "grid", "incident", "task_force", "unit", "person")
        if args.command == "replay" and not (args.as_of or args.as_happened or args.now):
            raise BadMoment("replay needs a moment: --as-of POSITION|TIME, --as-happened TIME or --now TIME")
        return _show(app, views, args.view if args.command == "replay" else args.command, args)
    except (BadMoment, BadId) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()


def _show(app: Mobilize, views: ViewStore, name: str, args: argparse.Namespace) -> int:
    projection_name, printer = VIEWS[name]
    now = moment(args.now) if args.now else None
    as_happened = args.as_happened or (args.now if not args.as_of else None)  # --now alone: as it happened by then
    if args.as_of or as_happened:
        when = reading(app, views, as_of=args.as_of, as_happened=as_happened, now=now)
        print(printer(replay_reading(app, projection_name, when), when.now.astimezone(CHINA), args))
        print(f"({when.label()})")
        return 0
    Runner(app, views, projection(projection_name)).catch_up()
    when = reading(app, views)
    print(printer(views, when.now.astimezone(CHINA), args))
    print(f"({when.label()})")
    return 0


def moment(text: str) -> datetime:
    """An ISO time with a zone from the command line, or BadMoment."""
    return parse_moment(text, "the time")
