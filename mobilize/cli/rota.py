"""`mobilize rota` schedules a site's posts for a span; `mobilize candidates` suggests who can fill a shift."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from mobilize.application import open_app
from mobilize.application.candidates import Candidate, blocked, rank
from mobilize.application.commands.rota import RotaRefused, rota_windows
from mobilize.cli.ids import BadId, checked
from mobilize.domain.base import CHINA, CommandContext, DomainError
from mobilize.domain.shift import Shift
from mobilize.domain.testing_site import TestingSite
from mobilize.projections.base import Runner
from mobilize.projections.pool import hours_in_incident, pool
from mobilize.projections.registry import projection
from mobilize.projections.replay import BadMoment
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings


def add_commands(commands: Any) -> None:
    """Add `rota` and `candidates` to the CLI."""
    rota = commands.add_parser("rota", help="schedule a site's posts for a span in consecutive shifts, all or none")
    rota.add_argument("site_id", help="the site's whole id (`mobilize list sites` prints them)")
    rota.add_argument("--start", required=True, help="ISO time with zone, e.g. 2026-03-02T06:00+08:00")
    rota.add_argument("--end", required=True, help="ISO time with zone; the span is a whole number of shifts")
    rota.add_argument("--hours", type=float, default=8.0, help="length of each shift (default 8)")
    rota.add_argument("--lanes", type=_numbers, help="comma-separated lanes (default: every lane)")
    rota.add_argument("--posts", type=_words, help="comma-separated posts (default: every post of the site's plan)")
    rota.add_argument("--reason", help="why: recorded on every event")
    rota.add_argument("--key", help="a command id of your choosing: run again with the same key, nothing is "
                                    "scheduled twice")
    rota.set_defaults(func=run_rota)
    candidates = commands.add_parser("candidates", help="who can take a shift now, best first, and why")
    candidates.add_argument("shift_id", help="the shift's whole id (`mobilize list shifts --short`: those short)")
    candidates.add_argument("--all", action="store_true", help="also list who cannot take it, and why")
    candidates.add_argument("--now", help="count hours worked up to this moment (ISO time with zone)")
    candidates.set_defaults(func=run_candidates)


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def run_rota(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `rota`: print every shift scheduled, or every shift refused."""
    from mobilize.cli.views import moment

    app = open_app(settings)
    ctx = CommandContext(actor=f"cli:{getpass.getuser()}", reason=args.reason)
    if args.key:
        ctx = dataclasses.replace(ctx, command_id=f"cli:{args.key}")
    try:
        site_id = UUID(checked(app, "site", args.site_id))
        start, end = moment(args.start), moment(args.end)
        rota_id = app.schedule_rota(site_id, start, end, args.hours, lanes=args.lanes, posts=args.posts, ctx=ctx)
        windows = rota_windows(app.load(TestingSite, site_id, "testing site"), start, end, args.hours,
                               args.lanes, args.posts)
    except RotaRefused as refusal:
        print(f"mobilize: {refusal.message}", file=sys.stderr)
        for shift in refusal.facts["refused"]:
            print(f"  lane {shift['lane']} {shift['post']} {_local(shift['start'])}–{_local(shift['end'])}: "
                  f"{shift['error']}: {shift['message']}", file=sys.stderr)
        return 1
    except (DomainError, BadMoment, BadId) as error:
        print(f"mobilize: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    print(f"rota {rota_id}: {len(windows)} shifts scheduled")
    for window in windows:
        print(f"{window.shift_id(rota_id)}  lane {window.lane}  {window.post:<12} "
              f"{_local(window.start)}–{_local(window.end)}  {window.slots} people")
    return 0


def run_candidates(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `candidates`: the ranked list, each with its reasons (whole ids, to feed back)."""
    from mobilize.cli.views import moment

    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        now = moment(args.now) if args.now else datetime.now(UTC)
        shift = app.load(Shift, UUID(checked(app, "shift", args.shift_id)), "shift")
        for name in ("readiness", "duty_hours"):
            Runner(app, views, projection(name)).catch_up()
        street = app.ancestry(shift.grid_id)[-1]
        members = [m.person_id for m in pool(views, street.id, shift.skill, shift.end, everyone_in_street=args.all)]
        ranked = rank(app, shift.id, members, hours_in_incident(views, shift.incident_id, now),
                      include_refused=args.all, now=now)
        refusal = blocked(app, shift)
    except (DomainError, BadMoment, BadId) as error:
        print(f"mobilize: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    finally:
        views.close()
    print(f"Candidates for the {shift.post} post, lane {shift.lane}, {_local(shift.start)}–{_local(shift.end)} "
          f"({len(shift.people)} of {shift.slots} places taken)")
    if refusal is not None:
        print(f"Nobody can take it: {refusal['message']} ({refusal['error']})")
    for candidate in ranked:
        print(_line(candidate))
    print(f"({sum(c.assignable for c in ranked)} can take it)")
    return 0


def _line(candidate: Candidate) -> str:
    place = "—" if candidate.rank is None else f"{candidate.rank}."
    override = f", needs override: {', '.join(candidate.needs_override)}" if candidate.needs_override else ""
    head = (f"{place:>4} {candidate.name} ({candidate.nearness.replace('_', ' ')}, "
            f"{candidate.hours_in_incident:g} h in this incident{override})  {candidate.person_id}")
    if not candidate.assignable and candidate.refusal is not None:
        head += f"  cannot: {candidate.refusal['error']}"
    return head + "".join(f"\n       {reason}" for reason in candidate.reasons)


def _local(value: datetime | str) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(CHINA).strftime("%m-%d %H:%M")
