"""The live roster (ICS 203/204): who is on duty where, in which role, since when; who is out; who rests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification

from mobilize.log.codec import iso
from mobilize.projections.base import Projection
from mobilize.projections.drills import TracksDrills, drill
from mobilize.projections.modes import TracksModes
from mobilize.projections.store import Transaction, ViewStore

LIVE_DISPATCH = ("requested", "acknowledged", "en_route", "on_scene")


class Roster(TracksModes, TracksDrills, Projection):
    """People on shifts and dispatches, by site, grid, incident and task force."""

    name = "roster"
    prefix = "roster"
    drops = ("roster_units", "roster_wars", "roster_people", "roster_sites", "roster_shifts", "roster_duty",
             "roster_members", "roster_task_forces", "roster_dispatches", "roster_rest", "roster_incidents")

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_people VALUES (?, ?, ?)",
                   (str(note.originator_id), event.name, ",".join(event.roles)))

    def TestingSite_Planned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_sites VALUES (?, ?, ?, ?)",
                   (str(note.originator_id), event.name, str(event.incident_id), str(event.grid_id)))

    def Shift_Scheduled(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_shifts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (str(note.originator_id), str(event.site_id), str(event.incident_id), str(event.grid_id),
                    event.lane, event.post, iso(event.start), iso(event.end)))
        self.shift_scheduled(str(note.originator_id), str(event.grid_id))

    def Shift_Assigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_duty VALUES (?, ?, 'assigned', NULL, NULL)",
                   (str(note.originator_id), str(event.person_id)))

    def Shift_Unassigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("DELETE FROM roster_duty WHERE shift_id = ? AND person_id = ?",
                   (str(note.originator_id), str(event.person_id)))

    def Shift_CheckedIn(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._duty(tx, note, event, "checked_in", checked_in_at=iso(event.at))

    def Shift_NoShowRecorded(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._duty(tx, note, event, "no_show")

    def Shift_CheckedOut(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._duty(tx, note, event, "checked_out", checked_out_at=iso(event.at))
        until = self.rest_until(tx, str(note.originator_id), event.at)
        if until is not None:
            tx.execute("INSERT INTO roster_rest VALUES (?, ?) ON CONFLICT (person_id) DO UPDATE "
                       "SET resting_until = excluded.resting_until", (str(event.person_id), iso(until)))

    def _duty(self, tx: Transaction, note: Notification, event: Any, status: str, **times: str) -> None:
        assignments = ", ".join(f"{column} = ?" for column in times)
        tx.execute(f"UPDATE roster_duty SET status = ?{', ' + assignments if times else ''} "
                   "WHERE shift_id = ? AND person_id = ?",
                   (status, *times.values(), str(note.originator_id), str(event.person_id)))

    def TaskForce_Formed(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_task_forces VALUES (?, ?)", (str(note.originator_id), event.name))
        tx.execute("INSERT INTO roster_members VALUES (?, ?)", (str(note.originator_id), str(event.leader_id)))

    def TaskForce_MemberJoined(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_members VALUES (?, ?)", (str(note.originator_id), str(event.person_id)))

    def TaskForce_MemberLeft(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("DELETE FROM roster_members WHERE task_force_id = ? AND person_id = ?",
                   (str(note.originator_id), str(event.person_id)))

    def Dispatch_Requested(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO roster_dispatches VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?)",
                   (str(note.originator_id), event.subject_kind, str(event.subject_id), event.subject_name,
                    str(event.incident_id), None if event.site_id is None else str(event.site_id), event.task,
                    iso(event.occurred_at)))

    def _move(self, tx: Transaction, note: Notification, event: Any, state: str) -> None:
        tx.execute("UPDATE roster_dispatches SET state = ?, since = ? WHERE id = ?",
                   (state, iso(event.occurred_at), str(note.originator_id)))

    def Dispatch_Acknowledged(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._move(tx, note, event, "acknowledged")

    def Dispatch_Declined(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._move(tx, note, event, "declined")

    def Dispatch_WentEnRoute(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._move(tx, note, event, "en_route")

    def Dispatch_ArrivedOnScene(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._move(tx, note, event, "on_scene")

    def Dispatch_Released(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._move(tx, note, event, "released")

    def Dispatch_Recalled(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._move(tx, note, event, "recalled")


Roster.tables = (*Roster.mode_tables(), *Roster.drill_tables(),
    "CREATE TABLE IF NOT EXISTS roster_people (id TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS roster_sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, incident_id TEXT NOT NULL, "
    "grid_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS roster_shifts (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, incident_id TEXT NOT NULL, "
    "grid_id TEXT NOT NULL, lane INTEGER NOT NULL, post TEXT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS roster_duty (shift_id TEXT NOT NULL, person_id TEXT NOT NULL, status TEXT NOT NULL, "
    "checked_in_at TEXT, checked_out_at TEXT, PRIMARY KEY (shift_id, person_id))",
    "CREATE TABLE IF NOT EXISTS roster_task_forces (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS roster_members (task_force_id TEXT NOT NULL, person_id TEXT NOT NULL, "
    "PRIMARY KEY (task_force_id, person_id))",
    "CREATE TABLE IF NOT EXISTS roster_dispatches (id TEXT PRIMARY KEY, subject_kind TEXT NOT NULL, "
    "subject_id TEXT NOT NULL, subject_name TEXT NOT NULL, incident_id TEXT NOT NULL, site_id TEXT, "
    "task TEXT NOT NULL, state TEXT NOT NULL, since TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS roster_rest (person_id TEXT PRIMARY KEY, resting_until TEXT NOT NULL)",
)

ON_DUTY = """
SELECT p.name, s.post, s.lane, site.name, g.name, s.incident_id, d.status, d.checked_in_at, s.starts, s.ends,
       p.id, site.id, s.grid_id, i.exercise
FROM roster_duty d JOIN roster_shifts s ON s.id = d.shift_id JOIN roster_people p ON p.id = d.person_id
JOIN roster_sites site ON site.id = s.site_id JOIN roster_units g ON g.id = s.grid_id
LEFT JOIN roster_incidents i ON i.id = s.incident_id
WHERE (d.status = 'checked_in' OR (d.status IN ('assigned', 'no_show') AND s.starts <= ? AND ? < s.ends))
"""


def on_duty(views: ViewStore, now: datetime, site_id: str | None = None, grid_id: str | None = None,
            incident_id: str | None = None, task_force_id: str | None = None) -> list[dict[str, Any]]:
    """Who is at a post now (or should be): checked in, expected, or a no-show, with role and since when."""
    moment = iso(now)
    sql, params = ON_DUTY, [moment, moment]
    for column, value in (("site.id", site_id), ("s.grid_id", grid_id), ("s.incident_id", incident_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(str(value))
    if task_force_id is not None:
        sql += " AND p.id IN (SELECT person_id FROM roster_members WHERE task_force_id = ?)"
        params.append(str(task_force_id))
    rows = views.query(sql + " ORDER BY site.name, s.lane, s.post, p.name", params)
    return [{"person": r[0], "post": r[1], "lane": r[2], "site": r[3], "grid": r[4], "incident_id": r[5],
             "status": "on duty" if r[6] == "checked_in" else ("no-show" if r[6] == "no_show" else "expected"),
             "since": r[7], "shift_start": r[8], "shift_end": r[9], "person_id": r[10], "site_id": r[11],
             "grid_id": r[12], "exercise": drill(r[13])}
            for r in rows]


def dispatched(views: ViewStore, incident_id: str | None = None) -> list[dict[str, Any]]:
    """Every live dispatch and its state, and whether its incident is a drill."""
    sql = ("SELECT d.subject_name, d.subject_kind, d.state, d.since, d.task, d.incident_id, d.site_id, d.id, "
           "i.exercise FROM roster_dispatches d LEFT JOIN roster_incidents i ON i.id = d.incident_id "
           f"WHERE d.state IN ({', '.join('?' for _ in LIVE_DISPATCH)})")
    params: list[Any] = list(LIVE_DISPATCH)
    if incident_id is not None:
        sql += " AND d.incident_id = ?"
        params.append(str(incident_id))
    rows = views.query(sql + " ORDER BY d.since, d.subject_name", params)
    keys = ("subject", "kind", "state", "since", "task", "incident_id", "site_id", "dispatch_id")
    return [{**dict(zip(keys, row[:-1], strict=True)), "exercise": drill(row[-1])} for row in rows]


def resting(views: ViewStore, now: datetime) -> list[dict[str, Any]]:
    """Who is resting after a wartime shift, and until when."""
    rows = views.query("SELECT p.name, r.resting_until, p.id FROM roster_rest r JOIN roster_people p "
                       "ON p.id = r.person_id WHERE r.resting_until > ? ORDER BY r.resting_until, p.name",
                       (iso(now),))
    return [{"person": r[0], "resting_until": r[1], "person_id": r[2]} for r in rows]

