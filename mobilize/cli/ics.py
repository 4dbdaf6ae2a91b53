"""`mobilize ics FORM`: an ICS form regenerated from the log at a moment, as HTML, CSV or PDF, in Chinese or English."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mobilize.application import open_app
from mobilize.cli.views import moment
from mobilize.forms.ics import FORMS, Ask, FormProblem, build
from mobilize.forms.render import FORMATS, render
from mobilize.projections.replay import BadMoment, reading
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `ics` to the CLI."""
    ics = commands.add_parser("ics", help="an ICS form (201, 203, 204, 211, 214, 215) as of a moment")
    ics.add_argument("form", choices=FORMS)
    ics.add_argument("--as-of", help="as known at: the log up to a position or recorded ISO time")
    ics.add_argument("--as-happened", help="as happened by: the events that occurred by an ISO time")
    ics.add_argument("--now", help="the moment the form is read at (alone: as happened by then)")
    ics.add_argument("--lang", choices=("zh", "en"), default="zh")
    ics.add_argument("--format", choices=FORMATS, default="html")
    ics.add_argument("--output", "-o", help="write to this file (default: standard output; a PDF needs a file)")
    for option in ("--incident", "--site", "--person", "--unit"):
        ics.add_argument(option, help=f"the {option[2:]} (id); 214 needs --person or --unit")
    ics.add_argument("--hours", type=float, default=12.0, help="215: how far ahead to look (default 12)")
    ics.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the form; returns the exit status."""
    if args.format == "pdf" and not args.output:
        print("mobilize: a PDF goes to a file: add --output FORM.pdf", file=sys.stderr)
        return 2
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        now = moment(args.now) if args.now else None
        as_happened = args.as_happened or (args.now if not args.as_of else None)
        when = reading(app, views, as_of=args.as_of, as_happened=as_happened, now=now)
        form = build(app, views, args.form, when, Ask(incident=args.incident, site=args.site, person=args.person,
                                                        unit=args.unit, hours=args.hours))
    except (BadMoment, FormProblem) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()
    content = render(form, args.lang, args.format)
    if args.output:
        Path(args.output).write_bytes(content)
        print(f"ICS {form.number} written to {args.output} (log position {form.position}, chain head {form.head})",
              file=sys.stderr)
    else:
        sys.stdout.write(content.decode("utf-8-sig"))
    return 0
