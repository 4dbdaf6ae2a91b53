"""`mobilize list org|units|incidents|sites|shifts|people|task-forces`: the directory, with whole ids to feed back.

The same lists and filters as the API's (`GET /api/org-units`, …), read from the `directory` view caught up first;
the command line sees everything (it holds the store), so no scope applies, and phones are not listed either.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mobilize.application import open_app
from mobilize.cli.console import as_csv, as_json, table
from mobilize.cli.ids import BadId, check_args
from mobilize.cli.views import moment
from mobilize.domain.base import CHINA
from mobilize.domain.vocabulary import Availability, Post, Role, Skill, TaskForceTier, UnitKind, names
from mobilize.projections import directory_lists, directory_people, directory_tree
from mobilize.projections.base import Runner
from mobilize.projections.directory import Directory
from mobilize.projections.directory_lists import Listing
from mobilize.projections.replay import BadMoment
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings

STATES = {"incidents": ("open", "closed"), "sites": ("planned", "open", "paused", "closed"),
          "shifts": ("upcoming", "running", "ended"), "task-forces": ("ready", "dispatched", "disbanded")}
COLUMNS = {
    "org": ("tree", "kind", "mode", "war", "leaders", "id"),
    "units": ("name", "kind", "mode", "inherited_from", "depth", "id"),
    "incidents": ("title", "kind", "level", "state", "exercise", "scope_name", "declared_at", "id"),
    "sites": ("name", "incident_title", "exercise", "grid_name", "state", "commander_name", "samples_total", "id"),
    "shifts": ("start", "end", "site_name", "lane", "post", "slots", "filled", "state", "names", "id"),
    "people": ("name", "roles", "home_grid_name", "availability", "activity", "skills", "id"),
    "task-forces": ("name", "tier", "unit_name", "leader_name", "member_count", "state", "dispatch_id", "id"),
}
"""What each table shows; `--format json` shows every field."""
TITLES = {"org": "Org tree", "units": "Org units", "incidents": "Incidents", "sites": "Sites", "shifts": "Shifts",
          "people": "People", "task-forces": "Task forces"}


def add_commands(commands: Any) -> None:
    """Add `list` to the CLI."""
    parser = commands.add_parser("list", help="list org units, incidents, sites, shifts, people or task forces, "
                                              "with whole ids")
    parser.add_argument("what", choices=tuple(COLUMNS))
    parser.add_argument("--q", help="part of the name (or title)")
    for option in ("under", "grid", "unit", "incident", "site"):
        parser.add_argument(f"--{option}", help=f"only this {option} (whole id)" if option != "under" else
                            "only the subtree of this unit (whole id)")
    parser.add_argument("--kind", choices=names(UnitKind), help="units: of this kind")
    parser.add_argument("--mode", choices=("peace", "war"), help="units: in this mode")
    parser.add_argument("--state", help="incidents, sites, shifts, task forces: in this state")
    parser.add_argument("--exercise", choices=("true", "false"), help="incidents: drills only, or real ones only")
    parser.add_argument("--post", choices=names(Post)), parser.add_argument("--lane", type=int)
    parser.add_argument("--from", dest="start", help="shifts overlapping from (ISO time with zone)")
    parser.add_argument("--to", dest="end", help="shifts overlapping until (ISO time with zone)")
    parser.add_argument("--short", action="store_true", help="shifts with fewer people than slots")
    parser.add_argument("--role", choices=names(Role)), parser.add_argument("--skill", choices=names(Skill))
    parser.add_argument("--valid-at", help="people: holding --skill valid at (ISO time with zone; default now)")
    parser.add_argument("--availability", choices=names(Availability))
    parser.add_argument("--activity", choices=("free", "on_shift", "on_dispatch", "resting"))
    parser.add_argument("--tier", choices=names(TaskForceTier))
    parser.add_argument("--now", help="the moment states and activities are worked out at (default: now)")
    parser.add_argument("--limit", type=_count(1), default=1000, help="at most this many rows (default 1000)")
    parser.add_argument("--offset", type=_count(0), default=0, help="skip this many rows first")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(func=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print one list; returns the exit status (2 for a bad filter)."""
    app, views = open_app(settings), ViewStore.for_store(settings.store)
    try:
        check_args(app, args, "under", "grid", "unit", "incident", "site")
        states = STATES.get(args.what, ())
        if args.state is not None and args.state not in states:
            raise BadId(f"--state: {args.what} are {', '.join(states)}" if states else
                        f"--state: {args.what} have no state to filter by")
        Runner(app, views, Directory()).catch_up()
        rows, total = _read(views, args)
    except (BadId, BadMoment) as error:
        print(f"mobilize: {error}", file=sys.stderr)
        return 2
    finally:
        views.close()
    if args.format == "json":
        print(as_json(rows))
    elif args.format == "csv":
        sys.stdout.write(as_csv([_flat(args.what, row) for row in rows]))
    else:
        shown = f"rows {args.offset + 1}–{args.offset + len(rows)} of {total}" if rows else f"none of {total}"
        print(table([_flat(args.what, row) for row in rows], COLUMNS[args.what],
                    f"{TITLES[args.what]} ({shown})", whole_ids=True))
    return 0


def _read(views: ViewStore, args: argparse.Namespace) -> tuple[list[dict[str, Any]], int]:
    now = moment(args.now) if args.now else datetime.now(UTC)
    page = {"limit": args.limit, "offset": args.offset}
    if args.what in ("org", "units"):
        units = [u for u in directory_tree.units(views, args.under)
                 if (args.kind is None or u["kind"] == args.kind) and (args.mode is None or u["mode"] == args.mode)
                 and (not args.q or args.q.lower() in u["name"].lower())]
        return units[args.offset:args.offset + args.limit], len(units)
    readers: dict[str, Callable[[], Listing]] = {
        "incidents": lambda: directory_lists.incidents(
            views, state=args.state, exercise=None if args.exercise is None else args.exercise == "true", q=args.q,
            **page),
        "sites": lambda: directory_lists.sites(views, incident_id=args.incident, grid_id=args.grid, state=args.state,
                                               q=args.q, **page),
        "shifts": lambda: directory_lists.shifts(
            views, now, site_id=args.site, incident_id=args.incident, post=args.post, lane=args.lane,
            start=moment(args.start) if args.start else None, end=moment(args.end) if args.end else None,
            state=args.state, short=True if args.short else None, **page),
        "people": lambda: directory_people.people(
            views, now, q=args.q, grid_id=args.grid, under=args.under, role=args.role, skill=args.skill,
            valid_at=moment(args.valid_at) if args.valid_at else None, availability=args.availability,
            activity=args.activity, **page),
        "task-forces": lambda: directory_people.task_forces(views, unit_id=args.unit, q=args.q, state=args.state,
                                                            tier=args.tier, **page),
    }
    listing = readers[args.what]()
    return listing.items, listing.total


def _flat(what: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row with its nested parts as short text, for a table or CSV."""
    extra: dict[str, Any] = {}
    if what == "org":
        extra = {"tree": "  " * row["depth"] + row["name"],
                 "war": "inherited" if row["inherited_from"] else ("own" if row["mode"] == "war" else None),
                 "leaders": [leader["name"] for leader in row["leaders"]]}
    elif what == "shifts":
        extra = {"names": [f"{p['name']} ({p['status'].replace('_', ' ')})" for p in row["people"]]}
    elif what == "people":
        extra = {"skills": [f"{q['skill']} to {_day(q['valid_until'])}" for q in row["qualifications"]]}
    return {**{k: v for k, v in row.items() if not isinstance(v, (dict, list)) or k == "roles"}, **extra}


def _count(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `least`."""

    def parse(text: str) -> int:
        if not text.isdigit() or int(text) < least:
            raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of at least {least}")
        return int(text)

    return parse


def _day(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(CHINA).strftime("%Y-%m-%d")

