"""Staffing gaps (ICS 215, Required / Have / Need): per site post and per incident, now and the next hours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.persistence import Notification

from mobilize.domain.shift import NO_SHOW_AFTER
from mobilize.log.codec import iso
from mobilize.projections.base import Projection
from mobilize.projections.drills import TracksDrills, drill
from mobilize.projections.modes import TracksModes
from mobilize.projections.store import Transaction, ViewStore

HORIZON = timedelta(hours=12)


class StaffingGaps(TracksModes, TracksDrills, Projection):
    """Slots of every shift and who fills them, with the rest each person still owes."""

    name = "staffing_gaps"
    prefix = "gaps"
    drops = ("gaps_units", "gaps_wars", "gaps_sites", "gaps_shifts", "gaps_people", "gaps_rest", "gaps_incidents")

    def TestingSite_Planned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO gaps_sites VALUES (?, ?, ?, 'planned')",
                   (str(note.originator_id), event.name, str(event.incident_id)))

    def TestingSite_Closed(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE gaps_sites SET state = 'closed' WHERE id = ?", (str(note.originator_id),))

    def Shift_Scheduled(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO gaps_shifts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (str(note.originator_id), str(event.site_id), str(event.incident_id), str(event.grid_id),
                    event.lane, event.post, iso(event.start), iso(event.end), event.slots))
        self.shift_scheduled(str(note.originator_id), str(event.grid_id))

    def Shift_Assigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO gaps_people VALUES (?, ?, 'assigned')", (str(note.originator_id), str(event.person_id)))

    def Shift_Unassigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("DELETE FROM gaps_people WHERE shift_id = ? AND person_id = ?",
                   (str(note.originator_id), str(event.person_id)))

    def Shift_CheckedIn(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._status(tx, note, event, "checked_in")

    def Shift_NoShowRecorded(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._status(tx, note, event, "no_show")

    def Shift_CheckedOut(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._status(tx, note, event, "checked_out")
        until = self.rest_until(tx, str(note.originator_id), event.at)
        if until is not None:
            tx.execute("INSERT INTO gaps_rest VALUES (?, ?) ON CONFLICT (person_id) DO UPDATE "
                       "SET resting_until = excluded.resting_until", (str(event.person_id), iso(until)))

    def _status(self, tx: Transaction, note: Notification, event: Any, status: str) -> None:
        tx.execute("UPDATE gaps_people SET status = ? WHERE shift_id = ? AND person_id = ?",
                   (status, str(note.originator_id), str(event.person_id)))


StaffingGaps.tables = (*StaffingGaps.mode_tables(), *StaffingGaps.drill_tables(),
    "CREATE TABLE IF NOT EXISTS gaps_sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, incident_id TEXT NOT NULL, "
    "state TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS gaps_shifts (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, incident_id TEXT NOT NULL, "
    "grid_id TEXT NOT NULL, lane INTEGER NOT NULL, post TEXT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL, "
    "slots INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS gaps_shifts_window ON gaps_shifts (ends, starts)",
    "CREATE TABLE IF NOT EXISTS gaps_people (shift_id TEXT NOT NULL, person_id TEXT NOT NULL, status TEXT NOT NULL, "
    "PRIMARY KEY (shift_id, person_id))",
    "CREATE TABLE IF NOT EXISTS gaps_rest (person_id TEXT PRIMARY KEY, resting_until TEXT NOT NULL)",
)

WINDOW = """
SELECT s.id, site.name, s.incident_id, s.lane, s.post, s.starts, s.ends, s.slots, p.person_id, p.status,
       r.resting_until, s.site_id, i.exercise
FROM gaps_shifts s JOIN gaps_sites site ON site.id = s.site_id LEFT JOIN gaps_incidents i ON i.id = s.incident_id
LEFT JOIN gaps_people p ON p.shift_id = s.id LEFT JOIN gaps_rest r ON r.person_id = p.person_id
WHERE site.state != 'closed' AND s.ends > ? AND s.starts < ?
"""


def post_gaps(views: ViewStore, now: datetime, horizon: timedelta = HORIZON,
              incident_id: str | None = None) -> list[dict[str, Any]]:
    """Required / have / need per site post, for shifts running now and those starting within `horizon`; each
    row says whether its incident is a drill (`exercise`)."""
    sql, params = WINDOW, [iso(now), iso(now + horizon)]
    if incident_id is not None:
        sql += " AND s.incident_id = ?"
        params.append(str(incident_id))
    shifts: dict[str, dict[str, Any]] = {}
    for row in views.query(sql, params):
        shift = shifts.setdefault(row[0], {"site": row[1], "incident_id": row[2], "lane": row[3], "post": row[4],
                                           "starts": datetime.fromisoformat(row[5]), "slots": row[7],
                                           "have": 0, "late": 0, "resting": 0, "site_id": row[11],
                                           "exercise": drill(row[12])})
        if row[8] is not None:
            _count(shift, row[9], row[10], now)
    posts: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(lambda: {"required": 0, "have": 0, "late": 0,
                                                                          "resting": 0})
    for shift in shifts.values():
        window = "now" if shift["starts"] <= now else "next"
        post = posts[(shift["site"], shift["lane"], shift["post"], window, shift["incident_id"], shift["site_id"],
                      shift["exercise"])]
        post["required"] += shift["slots"]
        for key in ("have", "late", "resting"):
            post[key] += shift[key]
    return [{"site": site, "lane": lane, "post": post, "window": window, "required": c["required"],
             "have": c["have"], "need": max(0, c["required"] - c["have"]), "not_checked_in": c["late"],
             "resting": c["resting"], "incident_id": incident, "site_id": site_id, "exercise": exercise}
            for (site, lane, post, window, incident, site_id, exercise), c in sorted(posts.items(), key=_order)]


def _order(item: tuple[tuple[Any, ...], Any]) -> tuple[Any, ...]:
    return item[0][:6]  # the drill flag follows from the incident (and may be None: not comparable)


def _count(shift: dict[str, Any], status: str, resting_until: str | None, now: datetime) -> None:
    """Who counts as 'have': checked in; or assigned, not yet overdue and not still owed rest."""
    started = shift["starts"] <= now
    if status == "checked_in":
        shift["have"] += 1
    elif status == "assigned" and started and now >= shift["starts"] + NO_SHOW_AFTER:
        shift["late"] += 1
    elif status == "assigned" and resting_until is not None and datetime.fromisoformat(resting_until) > shift["starts"]:
        shift["resting"] += 1
    elif status == "assigned":
        shift["have"] += 1


def incident_gaps(views: ViewStore, now: datetime, horizon: timedelta = HORIZON,
                  keep: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """The same totals per incident and window (over the post rows `keep` keeps: a caller's reach); a drill's
    totals are its own rows, flagged `exercise`, never added to a real incident's."""
    totals: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("required", "have", "need", "not_checked_in", "resting"), 0))
    drills: dict[str, bool | None] = {}
    rows = post_gaps(views, now, horizon)
    for row in keep(rows) if keep else rows:
        total = totals[(row["incident_id"], row["window"])]
        drills[row["incident_id"]] = row["exercise"]
        for key in total:
            total[key] += row[key]
    return [{"incident_id": incident, "exercise": drills[incident], "window": window, **counts}
            for (incident, window), counts in sorted(totals.items())]
