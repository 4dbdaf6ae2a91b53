"""`mobilize generate`: a deterministic street- or city-scale drive played on the store."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from mobilize.application import open_app
from mobilize.settings import Settings, redacted


def add_commands(commands: Any) -> None:
    """Add `generate` to the CLI."""
    generate = commands.add_parser("generate", help="play a deterministic street- or city-scale drive on the store")
    generate.add_argument("--scale", choices=("street", "city"), default="city",
                          help="street: the Junhe demo; city: Lanzhou, 1,770 grids, ~1.25M events (default)")
    generate.add_argument("--seed", type=int, default=1, help="the same seed plays the same drive (default 1)")
    generate.add_argument("--events", type=int, help="stop once the log has grown by this many events")
    generate.add_argument("--grids", type=int, help="city: third-level grids (default 1,770; fewer scales it down)")
    generate.add_argument("--days", type=int, help="city: days of the drive (default 2)")
    generate.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `generate`; returns the exit status."""
    from mobilize.demo.city import (
        generate,  # the city generator loads only for this command
    )

    app = open_app(settings)
    started = time.monotonic()
    played = generate(app, args.scale, args.seed, target=args.events, grids=args.grids, days=args.days,
                      store=redacted(settings.store))
    seconds = time.monotonic() - started
    print(played.summary)
    print(f"({played.events} events in {seconds:.1f}s: {played.events / seconds:,.0f} events/s)", file=sys.stderr)
    return 0
