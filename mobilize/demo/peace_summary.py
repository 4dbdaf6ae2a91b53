"""The peace half of the demo's report, read from the read models as a street secretary would read them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from statistics import median

from mobilize.application import Mobilize
from mobilize.demo.drill import Drill
from mobilize.demo.peace import PeaceWeek
from mobilize.domain.base import CHINA
from mobilize.projections import drill_musters, peace_reports
from mobilize.projections.base import Runner
from mobilize.projections.peace import PeaceWork, week_of
from mobilize.projections.readiness import Readiness, mobilization_times
from mobilize.projections.store import ViewStore


def peace_lines(app: Mobilize, week: PeaceWeek, drill: Drill) -> list[str]:
    """The action day's figures, what left the grid and why, the hazards, the wishes, and the drill's league."""
    views = ViewStore.for_store("memory:")
    try:
        for projection in (PeaceWork(), Readiness()):
            Runner(app, views, projection).catch_up()
        return [*_week(views, week), "", *_drill(views, drill)]
    finally:
        views.close()


def _week(views: ViewStore, week: PeaceWeek) -> list[str]:
    iso_week = week_of(week.monday)
    rows = peace_reports.action_day(views, iso_week)
    total = {key: sum(r[key] for r in rows) for key in rows[0] if isinstance(rows[0][key], int)} if rows else {}
    left = peace_reports.escalations(views, iso_week)
    register = [h for h in peace_reports.hazards(views, _end_of(week)) if h["kind"] == "self_built_house"]
    rates = [r for r in peace_reports.resolved_in_grid(views) if r["resolved"]]
    in_grid = sum(r["resolved_in_grid"] for r in rates)
    overdue = peace_reports.requests(views, _end_of(week), overdue_only=True)
    lines = [
        f"Peace week: grid action day, Monday {week.monday:%Y-%m-%d} ({iso_week})",
        f"  households planned      {total.get('households_planned', 0)} in {len(week.homes)} grids",
        f"  visited against plan    {total.get('households_visited', 0)} of {total.get('households_planned', 0)} met",
        f"  visits and walk-ins     {total.get('visits', 0)} ({total.get('walk_ins', 0)} walk-ins)",
        f"  requests opened         {total.get('requests_opened', 0)}",
        f"  resolved in the grid    {in_grid} of {sum(r['resolved'] for r in rates)} resolved",
        f"  left the grid           {len(left)}",
    ]
    lines += [f"    {e['grid']} → {e['unit']}: {e['reason']}" for e in left]
    lines += [
        f"  overdue at week's end   {len(overdue)}",
        f"  hazards (self-built)    {len(register)} found, "
        f"{sum(h['rectified_at'] is not None for h in register)} rectified, "
        f"{sum(h['state'] == 'verified' for h in register)} verified by someone else",
        f"  small wishes            {total.get('wishes_registered', 0)} registered, "
        f"{total.get('wishes_fulfilled', 0)} fulfilled",
    ]
    return lines


def _drill(views: ViewStore, drill: Drill) -> list[str]:
    people = drill_musters.musters(views, drill.incident) if drill.incident else []
    grids = drill_musters.league(views, "grid", incident_id=drill.incident) if drill.incident else []
    forces = [t for t in mobilization_times(views, drill.incident) if t["minutes"] is not None] \
        if drill.incident else []
    lines = [f"Drill: pull-and-train call-up of {drill.community}",
             f"  people mustered         {len(people)}",
             f"  median muster           {median(p['minutes'] for p in people):.1f} minutes" if people else
             "  median muster           —"]
    lines += [f"  #{r['rank']} {r['unit']:<20}{r['median_minutes']:>6.1f} min median, {r['mustered']} mustered"
              for r in grids]
    lines += [f"  task force {t['name']}: {t['minutes']:.0f} minutes to muster" for t in forces]
    lines.append("  (drill results are kept apart from the real incident below)")
    return lines


def _end_of(week: PeaceWeek) -> datetime:
    """Sunday night of the action day's week (China Standard Time)."""
    return datetime.combine(week.monday + timedelta(days=6), time(23, 59), tzinfo=CHINA)
