"""The readiness board: each unit's mode, who is available by skill, which task forces stand ready, drill times.

Drills (演练) switch units to war too, but they are kept apart from real incidents everywhere: a unit
shows real and drill incidents in separate lists, and mobilization times are measured on drills only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.log.codec import iso
from mobilize.projections import drill_musters
from mobilize.projections.base import Projection
from mobilize.projections.store import Transaction, ViewStore


class Readiness(drill_musters.DrillMusters, Projection):
    """The tree, its switches, people and their skills, task forces and drill call-ups, for the board."""

    name = "readiness"
    tables = (
        """CREATE TABLE IF NOT EXISTS readiness_units (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent_id TEXT,
            depth INTEGER NOT NULL, established_at TEXT NOT NULL)""",
        # every (ancestor, unit) pair, the unit itself included, so a subtree is one join at any depth
        """CREATE TABLE IF NOT EXISTS readiness_tree (
            ancestor_id TEXT NOT NULL, unit_id TEXT NOT NULL, PRIMARY KEY (ancestor_id, unit_id))""",
        "CREATE INDEX IF NOT EXISTS readiness_tree_unit ON readiness_tree (unit_id)",
        # keyed by log position: a unit may be switched to war again for an incident it stood down from
        """CREATE TABLE IF NOT EXISTS readiness_switches (
            position BIGINT PRIMARY KEY, unit_id TEXT NOT NULL, incident_id TEXT NOT NULL,
            exercise INTEGER NOT NULL, since TEXT NOT NULL, stood_down_at TEXT)""",
        "CREATE INDEX IF NOT EXISTS readiness_switches_unit ON readiness_switches (unit_id, incident_id)",
        """CREATE TABLE IF NOT EXISTS readiness_people (
            id TEXT PRIMARY KEY, home_grid_id TEXT, availability TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS readiness_people_grid ON readiness_people (home_grid_id)",
        """CREATE TABLE IF NOT EXISTS readiness_qualifications (
            person_id TEXT NOT NULL, skill TEXT NOT NULL, valid_until TEXT NOT NULL, PRIMARY KEY (person_id, skill))""",
        """CREATE TABLE IF NOT EXISTS readiness_task_forces (
            id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, disbanded INTEGER NOT NULL, dispatch_id TEXT)""",
        "CREATE INDEX IF NOT EXISTS readiness_task_forces_unit ON readiness_task_forces (unit_id)",
        "CREATE TABLE IF NOT EXISTS readiness_incidents (id TEXT PRIMARY KEY, exercise INTEGER NOT NULL)",
        """CREATE TABLE IF NOT EXISTS readiness_call_ups (
            dispatch_id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, task_force_id TEXT NOT NULL,
            task_force TEXT NOT NULL, called_up_at TEXT NOT NULL, mustered_at TEXT)""",
        *drill_musters.TABLES,
    )
    drops = ("readiness_units", "readiness_tree", "readiness_switches", "readiness_people",
             "readiness_qualifications", "readiness_task_forces", "readiness_incidents", "readiness_call_ups",
             *drill_musters.DROPS)

    def OrgUnit_Established(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Place the unit in the tree under its parent's ancestors."""
        unit = str(event.originator_id)
        ancestors = [row[0] for row in tx.execute("SELECT ancestor_id FROM readiness_tree WHERE unit_id = ?",
                                                  (str(event.parent_id),))] if event.parent_id else []
        for ancestor in (*ancestors, unit):
            tx.execute("INSERT INTO readiness_tree (ancestor_id, unit_id) VALUES (?, ?)", (ancestor, unit))
        tx.execute("INSERT INTO readiness_units VALUES (?, ?, ?, ?, ?, ?)",
                   (unit, event.name, event.kind, _str(event.parent_id), len(ancestors), iso(event.occurred_at)))

    def OrgUnit_SwitchedToWar(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Record an active switch on the unit."""
        tx.execute("INSERT INTO readiness_switches VALUES (?, ?, ?, ?, ?, NULL)",
                   (note.id, str(event.originator_id), str(event.incident_id), int(event.exercise), iso(event.since)))

    def OrgUnit_StoodDown(self, tx: Transaction, event: Any, note: Notification) -> None:
        """End the unit's active switch for the incident."""
        tx.execute("UPDATE readiness_switches SET stood_down_at = ? "
                   "WHERE unit_id = ? AND incident_id = ? AND stood_down_at IS NULL",
                   (iso(event.occurred_at), str(event.originator_id), str(event.incident_id)))

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A new person is available in their home grid."""
        tx.execute("INSERT INTO readiness_people VALUES (?, ?, 'available')",
                   (str(event.originator_id), _str(event.home_grid_id)))

    def Person_QualificationCertified(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Record or renew a qualification."""
        tx.execute("INSERT INTO readiness_qualifications VALUES (?, ?, ?) ON CONFLICT (person_id, skill) "
                   "DO UPDATE SET valid_until = excluded.valid_until",
                   (str(event.originator_id), event.skill, iso(event.valid_until)))

    def Person_QualificationRevoked(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Forget a withdrawn qualification."""
        tx.execute("DELETE FROM readiness_qualifications WHERE person_id = ? AND skill = ?",
                   (str(event.originator_id), event.skill))

    def Person_AvailabilityChanged(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Record whether the person is available, on leave or out of service."""
        tx.execute("UPDATE readiness_people SET availability = ? WHERE id = ?",
                   (event.availability, str(event.originator_id)))

    def TaskForce_Formed(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A new task force stands ready under its unit."""
        tx.execute("INSERT INTO readiness_task_forces VALUES (?, ?, 0, NULL)",
                   (str(event.originator_id), str(event.unit_id)))

    def TaskForce_Disbanded(self, tx: Transaction, event: Any, note: Notification) -> None:
        """The task force no longer stands."""
        tx.execute("UPDATE readiness_task_forces SET disbanded = 1 WHERE id = ?", (str(event.originator_id),))

    def Dispatchable_DispatchTaken(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A task force on a live dispatch is not ready (a person's dispatch matches no row)."""
        tx.execute("UPDATE readiness_task_forces SET dispatch_id = ? WHERE id = ?",
                   (str(event.dispatch_id), str(event.originator_id)))

    def Dispatchable_DispatchEnded(self, tx: Transaction, event: Any, note: Notification) -> None:
        """The task force is free again."""
        tx.execute("UPDATE readiness_task_forces SET dispatch_id = NULL WHERE id = ?", (str(event.originator_id),))

    def Incident_Declared(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Remember whether the incident is a drill."""
        tx.execute("INSERT INTO readiness_incidents VALUES (?, ?)", (str(event.originator_id), int(event.exercise)))

    def Dispatch_Requested(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A task force's call-up starts its mobilization clock."""
        if event.subject_kind == "task_force":
            tx.execute("INSERT INTO readiness_call_ups VALUES (?, ?, ?, ?, ?, NULL)",
                       (str(event.originator_id), str(event.incident_id), str(event.subject_id),
                        event.subject_name, iso(event.occurred_at)))

    def Dispatch_ArrivedOnScene(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Arrival on scene is the muster that stops the clock."""
        tx.execute("UPDATE readiness_call_ups SET mustered_at = ? WHERE dispatch_id = ?",
                   (iso(event.occurred_at), str(event.originator_id)))


def board(views: ViewStore, now: datetime, unit_id: UUID | None = None) -> list[dict[str, Any]]:
    """One row per org unit (or per unit of `unit_id`'s subtree), top down; skills counted as valid at `now`."""
    scope = "IN (SELECT unit_id FROM readiness_tree WHERE ancestor_id = ?)" if unit_id else "IS NOT NULL"
    params: tuple[Any, ...] = (str(unit_id),) if unit_id else ()
    switches: dict[str, list[Any]] = defaultdict(list)
    for unit, *switch in views.query(
            "SELECT t.unit_id, s.incident_id, s.exercise, s.since, s.stood_down_at FROM readiness_tree t "
            f"JOIN readiness_switches s ON s.unit_id = t.ancestor_id WHERE t.unit_id {scope}", params):
        switches[unit].append(switch)
    available: dict[str, dict[str, int]] = defaultdict(dict)
    for unit, skill, count in sorted(views.query(
            "SELECT t.ancestor_id, q.skill, COUNT(*) FROM readiness_tree t "
            "JOIN readiness_people p ON p.home_grid_id = t.unit_id "
            "JOIN readiness_qualifications q ON q.person_id = p.id "
            f"WHERE t.ancestor_id {scope} AND p.availability = 'available' AND q.valid_until >= ? "
            "GROUP BY t.ancestor_id, q.skill", (*params, iso(now)))):
        available[unit][skill] = int(count)
    forces = {unit: {"task_forces_ready": int(total) - int(busy), "task_forces_total": int(total)}
              for unit, total, busy in views.query(
                  "SELECT t.ancestor_id, COUNT(*), COUNT(f.dispatch_id) FROM readiness_tree t "
                  "JOIN readiness_task_forces f ON f.unit_id = t.unit_id "
                  f"WHERE t.ancestor_id {scope} AND f.disbanded = 0 GROUP BY t.ancestor_id", params)}
    # sorted here, not in SQL: PostgreSQL's collation may order names unlike SQLite's bytes
    rows = sorted(views.query("SELECT depth, name, id, kind, parent_id, established_at FROM readiness_units "
                              f"WHERE id {scope}", params))
    return [{"unit": UUID(unit), "name": name, "kind": kind, "parent": UUID(parent) if parent else None,
             **_mode(switches[unit], established_at), "available": available[unit],
             **forces.get(unit, {"task_forces_ready": 0, "task_forces_total": 0})}
            for _, name, unit, kind, parent, established_at in rows]


def _mode(switches: list[list[Any]], established_at: str) -> dict[str, Any]:
    active = [(incident, bool(exercise), since) for incident, exercise, since, ended in switches if ended is None]
    real = [switch for switch in active if not switch[1]]
    if not active:  # peace began at the last stand-down that covered the unit, or when it was established
        since = max([established_at, *(ended for *_, ended in switches if ended is not None)])
        return {"mode": "peace", "exercise": False, "since": _time(since), "incidents": [], "exercises": []}
    # a real war's start is never moved earlier by a drill that happens to be running too
    return {"mode": "war", "exercise": not real, "since": _time(min(since for *_, since in real or active)),
            "incidents": sorted({UUID(incident) for incident, *_ in real}, key=str),
            "exercises": sorted({UUID(incident) for incident, exercise, _ in active if exercise}, key=str)}


def mobilization_times(views: ViewStore, incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Per task force called up for a drill: call-up, muster (None until it arrives) and the minutes between."""
    only = "AND c.incident_id = ?" if incident_id else ""
    rows = views.query(
        "SELECT c.incident_id, c.called_up_at, c.task_force, c.dispatch_id, c.task_force_id, c.mustered_at, "
        "i.exercise FROM readiness_call_ups c JOIN readiness_incidents i ON i.id = c.incident_id "
        f"WHERE i.exercise = 1 {only}", (str(incident_id),) if incident_id else ())
    times = []
    for incident, called_up, name, dispatch, task_force, mustered, exercise in sorted(rows):  # in Python: see board
        called_up_at, mustered_at = _time(called_up), _time(mustered) if mustered else None
        minutes = round((mustered_at - called_up_at).total_seconds() / 60, 1) if mustered_at else None
        times.append({"incident": UUID(incident), "exercise": bool(exercise), "task_force": UUID(task_force),
                      "name": name,
                      "dispatch": UUID(dispatch), "called_up_at": called_up_at, "mustered_at": mustered_at,
                      "minutes": minutes})
    return times


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None
