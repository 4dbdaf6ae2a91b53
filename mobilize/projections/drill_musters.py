"""Drill musters, part of the readiness view: each person's call-up → check-in time, and the league table.

The readiness projection already times task forces in drills (a drill dispatch's call-up → arrival on scene);
these handlers add people called up to a muster point, so that the league table ranks each grid and
community on both, across drills. Real incidents never enter: call-ups exist only for drills, and task
force times are taken from drills only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from statistics import mean, median
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.log.codec import iso
from mobilize.projections.store import Transaction, ViewStore

TABLES = (
    """CREATE TABLE IF NOT EXISTS readiness_drill_call_ups (
        id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, scope_unit_id TEXT NOT NULL, muster_point TEXT NOT NULL,
        called_up_at TEXT NOT NULL, ended_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS readiness_musters (
        call_up_id TEXT NOT NULL, person_id TEXT NOT NULL, incident_id TEXT NOT NULL, name TEXT NOT NULL,
        grid_id TEXT NOT NULL, mustered_at TEXT NOT NULL, minutes REAL NOT NULL,
        PRIMARY KEY (call_up_id, person_id))""",
)
DROPS = ("readiness_drill_call_ups", "readiness_musters")
LEVELS = ("grid", "community")


class DrillMusters:
    """The readiness view's handlers of drill call-ups and musters."""

    def DrillCallUp_Issued(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO readiness_drill_call_ups VALUES (?, ?, ?, ?, ?, NULL)", (
            str(note.originator_id), str(event.incident_id), str(event.scope_unit_id), event.muster_point,
            iso(event.called_up_at)))

    def DrillCallUp_Ended(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE readiness_drill_call_ups SET ended_at = ? WHERE id = ?",
                   (iso(event.occurred_at), str(note.originator_id)))

    def Muster_CheckedIn(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO readiness_musters VALUES (?, ?, ?, ?, ?, ?, ?)", (
            str(event.call_up_id), str(event.person_id), str(event.incident_id), event.name, str(event.grid_id),
            iso(event.occurred_at), float(event.minutes)))


def musters(views: ViewStore, incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Each person's muster in drills: call-up, check-in and the minutes between, fastest first."""
    only, params = ("WHERE m.incident_id = ?", (str(incident_id),)) if incident_id else ("", ())
    rows = views.query(
        "SELECT m.minutes, m.name, m.incident_id, m.person_id, m.grid_id, u.name, c.called_up_at, m.mustered_at, "
        "c.muster_point FROM readiness_musters m JOIN readiness_drill_call_ups c ON c.id = m.call_up_id "
        f"LEFT JOIN readiness_units u ON u.id = m.grid_id {only}", params)
    return [{"incident_id": UUID(incident), "person_id": UUID(person), "person": name, "grid_id": UUID(grid),
             "grid": grid_name, "muster_point": point, "called_up_at": datetime.fromisoformat(called),
             "mustered_at": datetime.fromisoformat(mustered), "minutes": minutes}
            for minutes, name, incident, person, grid, grid_name, called, mustered, point in sorted(rows)]


def league(views: ViewStore, level: str = "grid", incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Grids (or communities) ranked by how fast their people mustered across drills (median minutes), with
    their task forces' drill muster times beside."""
    only = "AND m.incident_id = ?" if incident_id else ""
    params: tuple[Any, ...] = (level, *((str(incident_id),) if incident_id else ()))
    people: dict[str, list[float]] = defaultdict(list)
    drills: dict[str, set[str]] = defaultdict(set)
    for unit, minutes, incident in views.query(
            "SELECT u.id, m.minutes, m.incident_id FROM readiness_units u "
            "JOIN readiness_tree t ON t.ancestor_id = u.id JOIN readiness_musters m ON m.grid_id = t.unit_id "
            f"WHERE u.kind = ? {only}", params):
        people[unit].append(float(minutes))
        drills[unit].add(incident)
    forces: dict[str, list[float]] = defaultdict(list)
    for unit, called, mustered in views.query(
            "SELECT u.id, c.called_up_at, c.mustered_at FROM readiness_units u "
            "JOIN readiness_tree t ON t.ancestor_id = u.id JOIN readiness_task_forces f ON f.unit_id = t.unit_id "
            "JOIN readiness_call_ups c ON c.task_force_id = f.id JOIN readiness_incidents i ON i.id = c.incident_id "
            f"WHERE u.kind = ? AND i.exercise = 1 AND c.mustered_at IS NOT NULL {only.replace('m.', 'c.')}", params):
        forces[unit].append((datetime.fromisoformat(mustered) - datetime.fromisoformat(called)).total_seconds() / 60)
    names = dict(views.query("SELECT id, name FROM readiness_units WHERE kind = ?", (level,)))
    rows = [{"unit_id": UUID(unit), "unit": names[unit], "drills": len(drills[unit]), "mustered": len(times),
             "median_minutes": round(median(times), 1), "mean_minutes": round(mean(times), 1),
             "fastest_minutes": min(times), "task_forces_mustered": len(forces[unit]),
             "task_force_median_minutes": round(median(forces[unit]), 1) if forces[unit] else None}
            for unit, times in people.items()]
    rows.sort(key=lambda r: (r["median_minutes"], r["mean_minutes"], r["unit"]))
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]
