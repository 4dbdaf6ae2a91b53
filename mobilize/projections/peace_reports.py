"""Reads of the peace view: the action day report, open and overdue requests, escalations, the hazard
register, and the share of requests each grid resolved itself (问题不出网格)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

from mobilize.log.codec import iso
from mobilize.projections.store import ViewStore

COUNTS = {
    "households_planned": "SELECT p.grid_id, COUNT(*) FROM peace_planned pl JOIN peace_plans p ON p.id = pl.plan_id "
                          "WHERE p.week = ? GROUP BY p.grid_id",
    "households_visited": "SELECT p.grid_id, COUNT(DISTINCT pl.household_id) FROM peace_planned pl "
                          "JOIN peace_plans p ON p.id = pl.plan_id JOIN peace_visits v ON v.plan_id = p.id "
                          "AND v.household_id = pl.household_id AND v.outcome = 'met' WHERE p.week = ? "
                          "GROUP BY p.grid_id",
    "visits": "SELECT grid_id, COUNT(*) FROM peace_visits WHERE week = ? GROUP BY grid_id",
    "walk_ins": "SELECT grid_id, COUNT(*) FROM peace_visits WHERE week = ? AND kind = 'walk_in' GROUP BY grid_id",
    "requests_opened": "SELECT grid_id, COUNT(*) FROM peace_requests WHERE week = ? GROUP BY grid_id",
    "requests_resolved": "SELECT grid_id, COUNT(*) FROM peace_requests WHERE resolved_week = ? GROUP BY grid_id",
    "requests_escalated": "SELECT grid_id, COUNT(DISTINCT request_id) FROM peace_escalations WHERE week = ? "
                          "AND from_level = 'grid' GROUP BY grid_id",
    "hazards_found": "SELECT grid_id, COUNT(*) FROM peace_hazards WHERE week = ? GROUP BY grid_id",
    "hazards_rectified": "SELECT grid_id, COUNT(*) FROM peace_hazards WHERE rectified_week = ? GROUP BY grid_id",
    "wishes_registered": "SELECT grid_id, COUNT(*) FROM peace_wishes WHERE week = ? GROUP BY grid_id",
    "wishes_fulfilled": "SELECT grid_id, COUNT(*) FROM peace_wishes WHERE fulfilled_week = ? GROUP BY grid_id",
}
"""Each figure of the action day report: grid → count for the week."""


def action_day(views: ViewStore, week: str) -> list[dict[str, Any]]:
    """One row per grid for an ISO week: households visited against plan, requests, hazards, wishes."""
    figures = {name: {grid: int(n) for grid, n in views.query(sql, (week,))} for name, sql in COUNTS.items()}
    still_open = dict(views.query("SELECT grid_id, COUNT(*) FROM peace_hazards WHERE state != 'verified' "
                                  "GROUP BY grid_id"))
    rows = []
    for grid, name, community in _grids(views):
        row: dict[str, Any] = {"grid_id": UUID(grid), "grid": name, "community": community, "week": week}
        row.update({figure: counts.get(grid, 0) for figure, counts in figures.items()})
        row["hazards_open"] = int(still_open.get(grid, 0))
        rows.append(row)
    return rows


def requests(views: ViewStore, now: datetime, overdue_only: bool = False) -> list[dict[str, Any]]:
    """Requests still open, most overdue first: where each stands (level, unit), who has it, when it is due."""
    names = _names(views)
    at = iso(now)
    rows = []
    for due, request, grid, category, level, unit, assignee, registered in sorted(views.query(
            "SELECT due_at, id, grid_id, category, level, unit_id, assignee_id, registered_at FROM peace_requests "
            "WHERE resolved_at IS NULL")):
        if overdue_only and due >= at:
            continue
        rows.append({"request_id": UUID(request), "grid_id": UUID(grid), "grid": names.get(grid), "category": category,
                     "level": level, "unit": names.get(unit), "assignee_id": _uuid(assignee),
                     "assignee": names.get(assignee or ""),
                     "registered_at": datetime.fromisoformat(registered), "due_at": datetime.fromisoformat(due),
                     "overdue": due < at})
    return rows


def escalations(views: ViewStore, week: str | None = None) -> list[dict[str, Any]]:
    """Every step a request took up from the grid: from where, to which unit, when, by whom, and why."""
    names = _names(views)
    only, params = ("WHERE week = ?", (week,)) if week else ("", ())
    return [{"request_id": UUID(request), "grid_id": UUID(grid), "grid": names.get(grid), "from_level": source,
             "to_level": target, "unit": names.get(unit), "at": datetime.fromisoformat(at), "actor": actor,
             "ordered_by": ordered_by, "reason": reason}
            for _, request, grid, source, target, unit, at, actor, ordered_by, reason in sorted(views.query(
                "SELECT position, request_id, grid_id, from_level, to_level, unit_id, at, actor, ordered_by, reason "
                f"FROM peace_escalations {only}", params))]


def hazards(views: ViewStore, now: datetime, open_only: bool = False) -> list[dict[str, Any]]:
    """The hazard register: each hazard's state, who must rectify it by when, who did, who verified."""
    names = _names(views)
    at = iso(now)
    rows = []
    for found, hazard, grid, kind, location, state, responsible, deadline, rectified, rectifier, verified, \
            verifier in sorted(views.query(
                "SELECT found_at, id, grid_id, kind, location, state, responsible_id, deadline, rectified_at, "
                "rectifier_id, verified_at, verifier_id FROM peace_hazards")):
        if open_only and state == "verified":
            continue
        rows.append({"hazard_id": UUID(hazard), "grid_id": UUID(grid), "grid": names.get(grid), "kind": kind,
                     "location": location, "state": state, "found_at": datetime.fromisoformat(found),
                     "responsible_id": _uuid(responsible), "responsible": names.get(responsible or ""),
                     "deadline": _time(deadline), "rectified_at": _time(rectified), "rectifier_id": _uuid(rectifier),
                     "rectifier": names.get(rectifier or ""), "verified_at": _time(verified),
                     "verifier_id": _uuid(verifier), "verifier": names.get(verifier or ""),
                     "overdue": state in ("found", "ordered") and deadline is not None and deadline < at})
    return rows


def resolved_in_grid(views: ViewStore) -> list[dict[str, Any]]:
    """Per grid: requests resolved, how many without leaving the grid, and that share (None before any)."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for grid, level, escalated in views.query(
            "SELECT r.grid_id, r.resolved_level, (SELECT COUNT(*) FROM peace_escalations e WHERE e.request_id = r.id) "
            "FROM peace_requests r WHERE r.resolved_at IS NOT NULL AND r.resolved_level != 'withdrawn'"):
        tally[grid][0] += 1
        tally[grid][1] += int(level == "grid" and not escalated)
    for grid, n in views.query("SELECT grid_id, COUNT(DISTINCT request_id) FROM peace_escalations GROUP BY grid_id"):
        tally[grid][2] = int(n)
    return [{"grid_id": UUID(grid), "grid": name, "community": community, "resolved": tally[grid][0],
             "resolved_in_grid": tally[grid][1], "escalated": tally[grid][2],
             "rate": round(tally[grid][1] / tally[grid][0], 3) if tally[grid][0] else None}
            for grid, name, community in _grids(views)]


def _grids(views: ViewStore) -> list[tuple[str, str, str | None]]:
    """(id, name, community name) of every grid, by community then name (sorted here: collations differ)."""
    names = _names(views)
    grids = [(names.get(parent), name, grid) for grid, name, parent in views.query(
        "SELECT id, name, parent_id FROM peace_units WHERE kind = 'grid'")]
    return [(grid, name, community) for community, name, grid in sorted(grids, key=lambda g: (g[0] or "", g[1]))]


def _names(views: ViewStore) -> dict[str, str]:
    """Units' and people's names by id."""
    return dict(views.query("SELECT id, name FROM peace_units UNION ALL SELECT id, name FROM peace_people"))


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
