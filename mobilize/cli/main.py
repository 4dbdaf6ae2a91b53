"""The `mobilize` command: its options, and one module per command group below it."""

from __future__ import annotations

import argparse
import os
import sys

from mobilize.cli import (
    audit,
    bench,
    demo,
    generate,
    history,
    ics,
    kafka,
    lists,
    pager,
    peace,  # registers the peace views with `views` before its commands are added
    privacy,
    projections,
    rota,
    serve,
    tokens,
    views,
    whatif,
)
from mobilize.logs import configure_logging
from mobilize.privacy.keys import WrongMasterKey
from mobilize.settings import BadSetting, Settings

GROUPS = (demo, peace, views, lists, projections, audit, ics, history, whatif, tokens, serve, kafka, generate, bench,
          rota, privacy, pager)
"""Each adds its sub-commands, and sets `func(settings, args) -> exit status` on them."""
SERVICES = ("serve", "relay")
"""Long-running commands: they log at the configured level (console commands print tables, not logs)."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `mobilize` command."""
    parser = argparse.ArgumentParser(prog="mobilize", description="Event-sourced emergency mobilization.")
    parser.add_argument("--store", help="where events live: memory:, sqlite:///FILE or postgresql://… "
                                        "(default: MOBILIZE_STORE, else sqlite:///mobilize.db)")
    parser.add_argument("--log-level", help="debug, info, warning or error (default: MOBILIZE_LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_commands(commands)
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
        if args.store:
            settings = settings.with_store(args.store)
        settings.check()
    except BadSetting as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    service = args.command in SERVICES or getattr(args, "verb", None) == "run"
    quiet = settings.log_level == "info" and not service
    settings = settings.with_log_level(args.log_level or ("warning" if quiet else settings.log_level))
    configure_logging(settings)
    try:
        status: int = args.func(settings, args)
    except (WrongMasterKey, BadSetting) as error:  # the key table refused the master key: nothing was read
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left (`mobilize audit trail | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the interpreter's last flush goes nowhere
        return 141  # 128 + SIGPIPE, what a shell reports for a tool cut short by its pipe
    return status
