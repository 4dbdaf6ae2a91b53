"""`mobilize history PERSON`: where a person was, when, on whose order; duty hours and rest; overrides — printable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mobilize.application import open_app
from mobilize.cli.console import table
from mobilize.cli.views import moment
from mobilize.forms.history import history
from mobilize.forms.ics import FormProblem
from mobilize.forms.render import printed, render
from mobilize.projections.replay import BadMoment, reading
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `history` to the CLI."""
    parser = commands.add_parser("history", help="a person's posts, orders, duty hours, rest and overrides")
    parser.add_argument("person", help="the person's id")
    parser.add_argument("--as-of", help="as known at: the log up to a position or recorded ISO time")
    parser.add_argument("--as-happened", help="as happened by: the events that occurred by an ISO time")
    parser.add_argument("--now", help="the moment it is read at (alone: as happened by then)")
    parser.add_argument("--lang", choices=("zh", "en"), default="en")
    parser.add_argument("--format", choices=("table", "html", "csv", "pdf"), default="table")
    parser.add_argument("--output", "-o", help="write to this file (a PDF needs one)")
    parser.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print or write the history; returns the exit status."""
    if args.format == "pdf" and not args.output:
        print("mobilize: a PDF goes to a file: add --output FILE.pdf", file=sys.stderr)
        return 2
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        now = moment(args.now) if args.now else None
        as_happened = args.as_happened or (args.now if not args.as_of else None)
        form = history(app, views, args.person, reading(app, views, as_of=args.as_of, as_happened=as_happened,
                                                           now=now))
    except (BadMoment, FormProblem) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()
    if args.format == "table":
        words = printed(form, args.lang)
        parts = [words.title, *(f"{label}: {text}" for label, text in words.fields)]
        for title, columns, rows in words.tables:
            parts.append(table([dict(zip(columns, row, strict=True)) for row in rows], columns, title))
        print("\n\n".join([*parts, f"({words.stamp}; {words.reading})"]))
        return 0
    content = render(form, args.lang, args.format)
    if args.output:
        Path(args.output).write_bytes(content)
    else:
        sys.stdout.write(content.decode("utf-8-sig"))
    return 0
