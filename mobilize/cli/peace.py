"""The peace half's views on the command line: the action day report, requests, the hazard register.

They register with the read-side commands (`mobilize action-day`, `mobilize requests`, `mobilize hazards`,
`mobilize drill-league`, and `mobilize replay --as-of … action-day`); this module adds no command of its own.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime
from typing import Any

from mobilize.cli.console import table
from mobilize.cli.views import view
from mobilize.projections.replay import BadMoment
from mobilize.projections.store import ViewStore

WEEK = re.compile(r"^\d{4}-W\d{2}$")


def week_asked(args: argparse.Namespace, now: datetime) -> str:
    """The ISO week `--week` names (a week like 2026-W09, or any day of it), else the week of `now`."""
    from mobilize.projections.peace import week_of

    if not args.week:
        return week_of(now)
    if WEEK.match(args.week):
        return str(args.week)
    try:
        return week_of(date.fromisoformat(args.week))
    except ValueError:
        raise BadMoment(f"--week {args.week!r}: give an ISO week (2026-W09) or a day of it (2026-02-23)") from None


@view("action-day", "peace")
def _action_day(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections import peace_reports

    week = week_asked(args, now)
    rows = [_short(r) for r in peace_reports.action_day(views, week)]
    left = peace_reports.escalations(views, week)
    return "\n\n".join([
        table(rows, ("grid", "community", "planned", "visited", "visits", "walk_ins", "req_opened", "req_resolved",
                     "req_escalated", "hz_found", "hz_rectified", "hz_open", "wishes", "fulfilled"),
              f"Grid action day, week {week}: households visited against plan, requests, hazards, wishes"),
        table(left, ("grid", "from_level", "to_level", "unit", "at", "actor", "reason"),
              f"Requests that left the grid in {week}, and why"),
    ])


def _short(row: dict[str, Any]) -> dict[str, Any]:
    return {"grid": row["grid"], "community": row["community"], "planned": row["households_planned"],
            "visited": row["households_visited"], "visits": row["visits"], "walk_ins": row["walk_ins"],
            "req_opened": row["requests_opened"], "req_resolved": row["requests_resolved"],
            "req_escalated": row["requests_escalated"], "hz_found": row["hazards_found"],
            "hz_rectified": row["hazards_rectified"], "hz_open": row["hazards_open"],
            "wishes": row["wishes_registered"], "fulfilled": row["wishes_fulfilled"]}


@view("requests", "peace")
def _requests(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections import peace_reports

    rows = peace_reports.requests(views, now, overdue_only=args.overdue)
    rates = [r for r in peace_reports.resolved_in_grid(views) if r["resolved"] or r["escalated"] or args.all]
    return "\n\n".join([
        table(rows, ("grid", "category", "level", "unit", "assignee", "registered_at", "due_at", "overdue"),
              ("Overdue" if args.overdue else "Open") + f" residents' requests at {now:%Y-%m-%d %H:%M %Z}"),
        table(rates, ("grid", "community", "resolved", "resolved_in_grid", "escalated", "rate"),
              "Resolved within the grid (问题不出网格)" + ("" if args.all else ": grids with requests")),
    ])


@view("hazards", "peace")
def _hazards(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections import peace_reports

    rows = peace_reports.hazards(views, now, open_only=not args.all)
    title = ("Hazard register" if args.all else "Open hazards") + f" at {now:%Y-%m-%d %H:%M %Z}"
    return table(rows, ("grid", "kind", "location", "state", "found_at", "responsible", "deadline", "rectifier",
                        "verifier", "overdue"), title)


@view("drill-league", "readiness")
def _drill_league(views: ViewStore, now: datetime, args: argparse.Namespace) -> str:
    from mobilize.projections import drill_musters

    columns = ("rank", "unit", "drills", "mustered", "median_minutes", "mean_minutes", "fastest_minutes",
               "task_forces_mustered", "task_force_median_minutes")
    return "\n\n".join(table(drill_musters.league(views, level, incident_id=args.incident), columns,
                              f"Drill league by {level}: median minutes from call-up to check-in (drills only)")
                        for level in ("grid", "community"))


def add_commands(commands: Any) -> None:
    """Nothing of its own: the views above are commands of `mobilize.cli.views`."""
