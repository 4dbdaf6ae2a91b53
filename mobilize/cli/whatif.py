"""`mobilize what-if`: the gaps that would follow if a person or task force were pulled at a moment (writes nothing)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mobilize.application import open_app
from mobilize.cli.console import table
from mobilize.cli.views import moment
from mobilize.domain.base import CHINA
from mobilize.forms.ics import FormProblem
from mobilize.forms.whatif import pull
from mobilize.projections.replay import BadMoment, reading
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `what-if` to the CLI."""
    parser = commands.add_parser("what-if", help="gaps if a person or task force were pulled at a moment")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", help="the person pulled (id)")
    who.add_argument("--task-force", help="the task force pulled, every member (id)")
    parser.add_argument("--at", required=True, help="when they are pulled (ISO time with zone): the log as it "
                                                    "happened by then")
    parser.add_argument("--as-of", help="and only what had been recorded by this position or time")
    parser.add_argument("--incident", help="only this incident's sites (id)")
    parser.add_argument("--hours", type=float, default=12.0, help="how far ahead to look (default 12)")
    parser.add_argument("--all", action="store_true", help="every post, not only those the pull changes")
    parser.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print the real gaps beside the what-if ones; returns the exit status."""
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        at = moment(args.at)
        outcome = pull(app, reading(app, views, as_of=args.as_of, as_happened=at), person=args.person,
                       task_force=args.task_force, hours=args.hours, incident=args.incident)
    except (BadMoment, FormProblem) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()
    moves = [{**move, "start": f"{move['start'].astimezone(CHINA):%Y-%m-%d %H:%M}"} for move in outcome.moves]
    rows = [row for row in outcome.rows if args.all or row["more_need"]]
    print(f"What if {', '.join(outcome.pulled)} were pulled at {at.astimezone(CHINA):%Y-%m-%d %H:%M %Z} "
          "(computed in memory; nothing is written)")
    print(table(moves, ("person", "site", "lane", "post", "start", "move"), "Moves the pull makes"))
    print()
    print(table(rows, ("site", "lane", "post", "window", "required", "have", "need", "have_if", "need_if"),
                f"Gaps now and the next {args.hours:g} hours: real beside what-if"
                + ("" if args.all else " (posts the pull changes)")))
    print(f"({outcome.reading.label()})")
    return 0
