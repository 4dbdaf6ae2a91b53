"""`mobilize pager run|round|pages`: post pages to webhooks, escalate unanswered ones, list where pages stand."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import datetime
from typing import Any

from mobilize.application import open_app
from mobilize.cli.console import stop_on_sigterm, table
from mobilize.cli.views import moment
from mobilize.domain.base import CHINA, utcnow
from mobilize.feeds import webhooks
from mobilize.feeds.pager import Pager
from mobilize.projections import paging
from mobilize.projections.store import ViewStore
from mobilize.settings import BadSetting, Settings


def add_commands(commands: Any) -> None:
    """Add `pager` to the CLI."""
    pager = commands.add_parser("pager", help="page delivery to webhooks and escalation of unanswered pages")
    verbs = pager.add_subparsers(dest="verb", required=True)
    run = verbs.add_parser("run", help="a round every few seconds until interrupted (MOBILIZE_WEBHOOKS_FILE "
                                       "names the webhooks; MOBILIZE_PAGE_ANSWER_MINUTES the time to answer)")
    run.add_argument("--every", type=float, default=2.0, help="seconds between rounds (default 2)")
    one = verbs.add_parser("round", help="one round now (or as at --now), then print what it did")
    one.add_argument("--now", type=moment, help="the round's time, ISO with a zone (default: now)")
    pages = verbs.add_parser("pages", help="pages, newest first: open ones by default")
    pages.add_argument("--state", default="open",
                       choices=["open", "all", "sent", "delivered", "acknowledged", "escalated", "withdrawn"])
    pages.add_argument("--limit", type=int, default=50)
    pager.set_defaults(func=run_pager)


def run_pager(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `pager …`; returns the exit status."""
    try:
        hooks = webhooks.load(settings.webhooks_file)
    except webhooks.BadWebhooks as error:
        raise BadSetting(str(error)) from None
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    pager = Pager(app, views, hooks, store=settings.store)
    try:
        if args.verb == "pages":
            pager.runner.catch_up()
            rows = paging.listing(pager.runner.views, None if args.state == "all" else args.state, None, None, None,
                                  max(1, min(args.limit, 1000)))
            shown = [{**row, "sent_at": _china(row["sent_at"]), "due_at": _china(row["due_at"]),
                      "id": row["id"][:8]} for row in rows]
            print(table(shown, ("id", "person_name", "kind", "title", "state", "level", "sent_at", "due_at",
                                "attempts"), f"Pages ({args.state})"))
            return 0
        if args.verb == "round":
            try:
                done = pager.round(args.now or utcnow())
            except ValueError as error:
                print(f"mobilize pager: {error}", file=sys.stderr)
                return 2
            for page, level in done.escalated:
                print(f"escalated {page} to level {level}")
            for page, hook, level, outcome in done.attempts:
                print(f"posted {page} (level {level}) to {hook}: {outcome}")
            for page in done.withdrawn:
                print(f"withdrew {page}: what it was about is over")
            print(f"{len(done.escalated)} escalated, {len(done.withdrawn)} withdrawn, {len(done.attempts)} posts, "
                  f"{done.deferred} deferred (a robot's messages per minute)")
            return 0
        return _run(pager, args.every, len(hooks))
    finally:
        pager.close()
        views.close()


def _run(pager: Pager, every: float, hooks: int) -> int:
    stop = threading.Event()
    print(f"pager: a round every {every:g} s, {hooks} webhook(s); Ctrl-C (or SIGTERM) to stop", file=sys.stderr)
    previous = stop_on_sigterm(stop)
    try:
        pager.run(stop, every)
    except KeyboardInterrupt:
        stop.set()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _china(text: str | None) -> str:
    if not text:
        return ""
    return f"{datetime.fromisoformat(text).astimezone(CHINA):%m-%d %H:%M}"
