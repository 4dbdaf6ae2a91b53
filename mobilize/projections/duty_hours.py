"""Duty hours: per person, hours on duty per day and per incident, rest taken, and every wartime-rule override.

Duty runs from check-in to check-out (签到 to 签退); a duty still open counts up to the moment asked about.
Days are the districts' own, China Standard Time, so a night shift is split at local midnight.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.projections.base import Projection
from mobilize.projections.store import Transaction, ViewStore

CST = timezone(timedelta(hours=8), "CST")
"""China Standard Time: the day a duty roster is kept by."""

HOUR = timedelta(hours=1)


class DutyHours(Projection):
    """Duty periods per person and shift, and the overrides of wartime rest and shift-length limits."""

    name = "duty_hours"
    tables = (
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
    drops = ("duty_people", "duty_shifts", "duty_periods", "duty_overrides")

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute("INSERT INTO duty_people VALUES (?, ?)", (str(note.originator_id), event.name))

    def Shift_Scheduled(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute("INSERT INTO duty_shifts VALUES (?, ?)", (str(note.originator_id), str(event.incident_id)))

    def Shift_Assigned(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        if not event.overridden:
            return
        # Kept even if the person is later unassigned: the override was still given, and an auditor asks why.
        tx.execute("INSERT INTO duty_overrides SELECT ?, ?, shift_id, incident_id, ?, ?, ?, ?, ?, ? "
                   "FROM duty_shifts WHERE shift_id = ?",
                   (note.id, str(event.person_id), json.dumps(list(event.overridden)), event.override_reason,
                    event.actor, event.ordered_by, _iso(event.occurred_at), _iso(event.timestamp),
                    str(note.originator_id)))

    def Shift_CheckedIn(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute("INSERT INTO duty_periods SELECT shift_id, ?, incident_id, ?, NULL FROM duty_shifts "
                   "WHERE shift_id = ?",
                   (str(event.person_id), _iso(event.at), str(note.originator_id)))

    def Shift_CheckedOut(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute("UPDATE duty_periods SET checked_out_at = ? WHERE shift_id = ? AND person_id = ?",
                   (_iso(event.at), str(note.originator_id), str(event.person_id)))


def hours(views: ViewStore, now: datetime, person_id: UUID | None = None,
          incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Per person: hours and shifts per CST day and incident, totals, and the rests between duty periods."""
    sql = ("SELECT d.person_id, p.name, d.shift_id, d.incident_id, d.checked_in_at, d.checked_out_at "
           "FROM duty_periods d LEFT JOIN duty_people p ON p.person_id = d.person_id WHERE 1 = 1")
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
    rows = [_person(periods, now, None if incident_id is None else str(incident_id)) for periods in people.values()]
    return sorted(rows, key=lambda row: (row["person"] or "", row["person_id"]))


def _person(periods: list[tuple[Any, ...]], now: datetime, incident_id: str | None) -> dict[str, Any]:
    """One person's row from their duty periods."""
    # Sorted here, not in SQL: PostgreSQL's collation need not order ISO strings as times.
    spans = sorted(((_time(began), _time(ended) if ended else None, shift, incident)
                    for _, _, shift, incident, began, ended in periods), key=lambda span: (span[0], span[2]))
    days: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [timedelta(0), set()])
    for began, ended, shift, incident in spans:
        if incident_id is None or incident == incident_id:
            for day, length in _split(began, ended or max(began, now)):
                days[day, incident][0] += length
                days[day, incident][1].add(shift)
    incidents: dict[str, list[Any]] = defaultdict(lambda: [timedelta(0), set()])
    for (_, incident), (length, shifts) in days.items():
        incidents[incident][0] += length
        incidents[incident][1] |= shifts
    rests = [{"from": _iso(ended), "until": _iso(began), "hours": _hours(max(began - ended, timedelta(0)))}
             for (_, ended, _, _), (began, _, _, _) in zip(spans, spans[1:]) if ended is not None]
    return {
        "person_id": periods[0][0],
        "person": periods[0][1],
        "hours": _hours(sum((length for length, _ in incidents.values()), timedelta(0))),
        "shifts": len(set().union(*(shifts for _, shifts in incidents.values()))),
        "on_duty": any(ended is None for _, ended, _, _ in spans),
        "days": [{"day": day, "incident_id": incident, "hours": _hours(length), "shifts": len(shifts)}
                 for (day, incident), (length, shifts) in sorted(days.items())],
        "incidents": [{"incident_id": incident, "hours": _hours(length), "shifts": len(shifts)}
                      for incident, (length, shifts) in sorted(incidents.items())],
        "rests": rests,
        "shortest_rest_hours": min((rest["hours"] for rest in rests), default=None),
    }


def _split(began: datetime, ended: datetime) -> list[tuple[str, timedelta]]:
    """The CST days a period of duty covers, with its length on each; an instant check-out still marks its day."""
    pieces, cursor = [], began
    while cursor < ended:
        local = cursor.astimezone(CST)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), CST)
        piece_end = min(ended, midnight)
        pieces.append((local.date().isoformat(), piece_end - cursor))
        cursor = piece_end
    return pieces or [(began.astimezone(CST).date().isoformat(), timedelta(0))]


def overrides(views: ViewStore, person_id: UUID | None = None,
              incident_id: UUID | None = None) -> list[dict[str, Any]]:
    """Every override of the wartime rest or shift-length limit, with its written reason, who and when."""
    sql = ("SELECT o.person_id, p.name, o.shift_id, o.incident_id, o.rules, o.reason, o.actor, o.ordered_by, "
           "o.occurred_at, o.recorded_at, o.position "
           "FROM duty_overrides o LEFT JOIN duty_people p ON p.person_id = o.person_id WHERE 1 = 1")
    params: list[str] = []
    for column, value in (("o.person_id", person_id), ("o.incident_id", incident_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(str(value))
    rows = sorted(views.query(sql, params), key=lambda row: (_time(row[8]), int(row[10])))
    keys = ("person_id", "person", "shift_id", "incident_id", "rules", "reason", "actor", "ordered_by",
            "occurred_at", "recorded_at")
    return [dict(zip(keys, (*row[:4], json.loads(row[4]), *row[5:10]), strict=True)) for row in rows]


def _iso(moment: datetime) -> str:
    # Always UTC, so that stored strings of one format compare as the times they name.
    return moment.astimezone(timezone.utc).isoformat()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _hours(length: timedelta) -> float:
    return round(length / HOUR, 2)
