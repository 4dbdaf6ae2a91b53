"""The `mobilize` command line."""

from __future__ import annotations

import argparse
import sys
import time

from mobilize.cli import bench as bench_cli
from mobilize.cli import kafka as relay_cli
from mobilize.cli import serve as admin
from mobilize.cli import views as readside
from mobilize.application import open_app
from mobilize.logs import configure_logging
from mobilize.settings import BadSetting, Settings, redacted


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `mobilize` command."""
    parser = argparse.ArgumentParser(prog="mobilize", description="Event-sourced emergency mobilization.")
    parser.add_argument("--store", help="where events live: memory:, sqlite:///FILE or postgresql://… "
                                        "(default: MOBILIZE_STORE, else sqlite:///mobilize.db)")
    parser.add_argument("--log-level", help="debug, info, warning or error (default: MOBILIZE_LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="play a Junhe-scale mass testing drive on the store")
    demo.add_argument("--seed", type=int, default=1, help="the same seed plays the same drive (default 1)")
    demo.add_argument("--serve", action="store_true",
                      help="serve the dashboard on 127.0.0.1:8000 and play the drive paced in accelerated time")
    demo.add_argument("--speed", type=float, default=360.0, help="with --serve: simulated seconds per real second")
    readside.add_commands(commands)
    admin.add_commands(commands)
    relay_cli.add_commands(commands)
    bench_cli.add_commands(commands)
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
        if args.store:
            settings = settings.with_store(args.store)
        settings.eventsourcing_env()
    except BadSetting as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    service = args.command in ("serve", "relay") or getattr(args, "verb", None) == "run"
    quiet = settings.log_level == "info" and not service  # a console command is for people: tables, not logs
    settings = settings.with_log_level(args.log_level or ("warning" if quiet else settings.log_level))
    configure_logging(settings)
    if args.command == "demo" and args.serve:
        from mobilize.demo.live import serve_demo

        return serve_demo(settings, args.seed, args.speed, "127.0.0.1", 8000)
    if args.command == "demo":
        return _demo(settings, args.seed)
    if args.command in ("token", "serve"):
        return admin.run(open_app(settings), settings, args)
    if args.command == "bench":
        return bench_cli.run(settings, args)
    if args.command in relay_cli.COMMANDS:  # tail reads Kafka only: no store is opened for it
        return relay_cli.run(open_app(settings) if args.command == "relay" else None, settings, args)
    return readside.run(open_app(settings), settings.store, args)


def _demo(settings: Settings, seed: int) -> int:
    from mobilize.demo import run_demo

    started = time.monotonic()
    app = open_app(settings)
    print(run_demo(app, seed, redacted(settings.store)))
    print(f"(played in {time.monotonic() - started:.1f}s)", file=sys.stderr)
    return 0
