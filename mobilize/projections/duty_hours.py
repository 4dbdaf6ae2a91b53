"""Duty hours: per person, hours on duty per day and per incident, rest taken, and every wartime-rule override.

Duty runs from check-in to check-out (签到 to 签退); a duty still open counts up to the moment asked about.
Days are the districts' own, China Standard Time, so a night shift is split at local midnight.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.domain.base import CHINA
from mobilize.log.codec import iso
from mobilize.projections.base import Projection
from mobilize.projections.drills import TracksDrills, drill
from mobilize.projections.store import Transaction, ViewStore

HOUR = timedelta(hours=1)


class DutyHours(TracksDrills, Projection):
    """Duty periods per person and shift, and the overrides of wartime rest and shift-length limits."""

    name = "duty_hours"
    prefix = "duty"
    tables: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS duty_people (person_id TEXT PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS duty_shifts (shift_id TEXT PRIMARY KEY, incident_id TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS duty_periods (
            shift_id TEXT NOT NULL, person_id TEXT NOT NULL, incident_id TEXT NOT NULL,
            checked_in_at TEXT NOT NULL, checked_out_at TEXT, PRIMARY KEY (shift_id, person_id))""",
        "CREATE INDEX IF NOT EXISTS duty_periods_person ON duty_periods (person_id)",
        "CREATE INDEX IF NOT EXISTS duty_periods_incident ON duty_periods (incident_id)",
        """CREATE TABLE IF NOT EXISTS duty_overrides (
            position BIGINT PRIMARY KEY, person_id TEXT NOT NULL, shift_id TEXT NOT NULL, incident_id TEXT NOT NULL,
            rules TEXT NOT NULL, reason TEXT, actor TEXT NOT NULL, ordered_by TEXT, occurred_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL)""",
    )
    drops = ("duty_people", "duty_shifts", "duty_periods", "duty_overrides", "duty_incidents")

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO duty_people VALUES (?, ?)", (str(note.originator_id), event.name))

    def Shift_Scheduled(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO duty_shifts VALUES (?, ?)", (str(note.originator_id), str(event.incident_id)))

    def Shift_Assigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        if not event.overridden:
            return
        # Kept even if the person is later unassigned: the override was still given, and an auditor asks why.
        tx.execute("INSERT INTO duty_overrides SELECT ?, ?, shift_id, incident_id, ?, ?, ?, ?, ?, ? "
                   "FROM duty_shifts WHERE shift_id = ?",
                   (note.id, str(event.person_id), json.dumps(list(event.overridden)), event.override_reason,
                    event.actor, event.ordered_by, iso(event.occurred_at), iso(event.timestamp),
                    str(note.originator_id)))

    def Shift_CheckedIn(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO duty_periods SELECT shift_id, ?, incident_id, ?, NULL FROM duty_shifts "
                   "WHERE shift_id = ?",
                   (str(event.person_id), iso(event.at), str(note.originator_id)))

    def Shift_CheckedOut(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE duty_periods SET checked_out_at = ? WHERE shift_id = ? AND person_id = ?",
                   (iso(event.at), str(note.originator_id), str(event.person_id)))


DutyHours.tables = (*DutyHours.tables, *DutyHours.drill_tables())


def hours(views: ViewStore, now: datetime, person_id: UUID | None = None,
          incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Per person, CST day and incident: hours on duty, shifts, and the rests taken before that day's duties."""
    sql = ("SELECT d.person_id, p.name, d.shift_id, d.incident_id, d.checked_in_at, d.checked_out_at, i.exercise "
           "FROM duty_periods d LEFT JOIN duty_people p ON p.person_id = d.person_id "
           "LEFT JOIN duty_incidents i ON i.id = d.incident_id WHERE 1 = 1")
    params: list[str] = []
    if person_id is not None:
        sql += " AND d.person_id = ?"
        params.append(str(person_id))
    if incident_id is not None:
        # Rest is the person's, whatever incident it fell between, so their other duty is read as well.
        sql += " AND d.person_id IN (SELECT person_id FROM duty_periods WHERE incident_id = ?)"
        params.append(str(incident_id))
    people: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in views.query(sql, params):
        people[row[0]].append(row)
    only = None if incident_id is None else str(incident_id)
    rows = [row for periods in people.values() for row in _person(periods, now, only)]
    return sorted(rows, key=lambda row: (row["person"] or "", row["person_id"], row["day"], row["incident_id"]))


def _person(periods: list[tuple[Any, ...]], now: datetime, incident_id: str | None) -> list[dict[str, Any]]:
    """One person's rows from their duty periods; a rest is told on the row of the check-in that ended it."""
    # Sorted here, not in SQL: PostgreSQL's collation need not order ISO strings as times.
    spans = sorted(((_time(began), _time(ended) if ended else None, shift, incident)
                    for _, _, shift, incident, began, ended, _ in periods), key=lambda span: (span[0], span[2]))
    drills = {incident: drill(exercise) for *_, incident, _, _, exercise in periods}
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    previous_end: datetime | None = None
    for began, ended, shift, incident in spans:
        # Overlapping duties (checked in on the next before checking out of the last) took no rest, not less.
        rest = None if previous_end is None else max(began - previous_end, timedelta(0))
        previous_end = ended
        if incident_id is not None and incident != incident_id:
            continue
        for piece, (day, length) in enumerate(_split(began, ended or max(began, now))):
            cell = cells.setdefault((day, incident), {"length": timedelta(0), "shifts": set(), "open": False,
                                                      "rests": []})
            cell["length"] += length
            cell["shifts"].add(shift)
            cell["open"] |= ended is None
            if piece == 0 and rest is not None:
                cell["rests"].append(_hours(rest))
    shortest = min((rest for cell in cells.values() for rest in cell["rests"]), default=None)
    return [{"person_id": periods[0][0], "person": periods[0][1], "day": day, "incident_id": incident,
             "exercise": drills[incident], "hours": _hours(cell["length"]), "shifts": len(cell["shifts"]),
             "on_duty": cell["open"], "rest_hours": cell["rests"], "shortest_rest_hours": shortest}
            for (day, incident), cell in sorted(cells.items())]


def _split(began: datetime, ended: datetime) -> list[tuple[str, timedelta]]:
    """The CST days a period of duty covers, with its length on each; an instant check-out still marks its day."""
    pieces, cursor = [], began
    while cursor < ended:
        local = cursor.astimezone(CHINA)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), CHINA)
        piece_end = min(ended, midnight)
        pieces.append((local.date().isoformat(), piece_end - cursor))
        cursor = piece_end
    return pieces or [(began.astimezone(CHINA).date().isoformat(), timedelta(0))]


def overrides(views: ViewStore, person_id: UUID | None = None,
              incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Every override of the wartime rest or shift-length limit, with its written reason, who and when."""
    sql = ("SELECT o.person_id, p.name, o.shift_id, o.incident_id, o.rules, o.reason, o.actor, o.ordered_by, "
           "o.occurred_at, o.recorded_at, o.position, i.exercise "
           "FROM duty_overrides o LEFT JOIN duty_people p ON p.person_id = o.person_id "
           "LEFT JOIN duty_incidents i ON i.id = o.incident_id WHERE 1 = 1")
    params: list[str] = []
    for column, value in (("o.person_id", person_id), ("o.incident_id", incident_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(str(value))
    rows = sorted(views.query(sql, params), key=lambda row: (_time(row[8]), int(row[10])))
    keys = ("person_id", "person", "shift_id", "incident_id", "rules", "reason", "actor", "ordered_by",
            "occurred_at", "recorded_at")
    return [{**dict(zip(keys, (*row[:4], json.loads(row[4]), *row[5:10]), strict=True)), "exercise": drill(row[11])}
            for row in rows]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _hours(length: timedelta) -> float:
    return round(length / HOUR, 2)
