"""`mobilize demo`: a Junhe-scale mass testing drive played on the store, or served live to the dashboard."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from mobilize.application import open_app
from mobilize.settings import Settings, redacted


def add_commands(commands: Any) -> None:
    """Add `demo` to the CLI."""
    demo = commands.add_parser("demo", help="play a Junhe-scale mass testing drive on the store")
    demo.add_argument("--seed", type=int, default=1, help="the same seed plays the same drive (default 1)")
    demo.add_argument("--serve", action="store_true",
                      help="serve the dashboard on 127.0.0.1:8000 and play the drive paced in accelerated time")
    demo.add_argument("--speed", type=float, default=360.0, help="with --serve: simulated seconds per real second")
    demo.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Play the demo, or serve it live with `--serve`."""
    if args.serve:
        from mobilize.demo.live import (
            serve_demo,  # the API and its server load only when served
        )

        return serve_demo(settings, args.seed, args.speed, "127.0.0.1", 8000)
    from mobilize.demo import run_demo

    started = time.monotonic()
    app = open_app(settings)
    print(run_demo(app, args.seed, redacted(settings.store)))
    print(f"(played in {time.monotonic() - started:.1f}s)", file=sys.stderr)
    return 0
