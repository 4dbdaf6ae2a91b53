"""The peace half's read model: action days, residents' requests, hazards and small wishes, per grid and week.

Weeks are ISO weeks of the districts' own calendar (China Standard Time): "2026-W10" runs Monday 2 March
to Sunday 8 March 2026, and its Monday is the grid action day (网格行动日). No personal data is kept here:
no address, no care flag, no request summary; households appear by id, people by id and name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import Notification

from mobilize.domain.base import CHINA
from mobilize.log.codec import iso
from mobilize.projections.base import Projection
from mobilize.projections.store import Transaction


def week_of(day: date | datetime) -> str:
    """The ISO week a day (or a moment, on the China calendar) falls in, e.g. "2026-W10"."""
    if isinstance(day, datetime):
        day = day.astimezone(CHINA).date()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class PeaceWork(Projection):
    """Plans, visits, requests with their escalations, hazards and wishes, keyed by grid and week."""

    name = "peace"
    tables = (
        "CREATE TABLE IF NOT EXISTS peace_units (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, "
        "parent_id TEXT)",
        "CREATE TABLE IF NOT EXISTS peace_people (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS peace_plans (id TEXT PRIMARY KEY, grid_id TEXT NOT NULL, day TEXT NOT NULL, "
        "week TEXT NOT NULL, theme TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS peace_planned (plan_id TEXT NOT NULL, household_id TEXT NOT NULL, "
        "PRIMARY KEY (plan_id, household_id))",
        "CREATE TABLE IF NOT EXISTS peace_visits (id TEXT PRIMARY KEY, grid_id TEXT NOT NULL, household_id TEXT, "
        "kind TEXT NOT NULL, outcome TEXT NOT NULL, plan_id TEXT, week TEXT NOT NULL, follow_up INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS peace_visits_week ON peace_visits (week, grid_id)",
        """CREATE TABLE IF NOT EXISTS peace_requests (
            id TEXT PRIMARY KEY, grid_id TEXT NOT NULL, category TEXT NOT NULL, registered_at TEXT NOT NULL,
            week TEXT NOT NULL, due_at TEXT NOT NULL, level TEXT NOT NULL, unit_id TEXT NOT NULL, assignee_id TEXT,
            resolved_at TEXT, resolved_week TEXT, resolved_level TEXT, resolver_id TEXT)""",
        "CREATE INDEX IF NOT EXISTS peace_requests_grid ON peace_requests (grid_id)",
        """CREATE TABLE IF NOT EXISTS peace_escalations (
            position BIGINT PRIMARY KEY, request_id TEXT NOT NULL, grid_id TEXT NOT NULL, from_level TEXT NOT NULL,
            to_level TEXT NOT NULL, unit_id TEXT NOT NULL, at TEXT NOT NULL, week TEXT NOT NULL, actor TEXT NOT NULL,
            ordered_by TEXT, reason TEXT)""",
        """CREATE TABLE IF NOT EXISTS peace_hazards (
            id TEXT PRIMARY KEY, grid_id TEXT NOT NULL, kind TEXT NOT NULL, location TEXT NOT NULL,
            state TEXT NOT NULL, found_at TEXT NOT NULL, week TEXT NOT NULL, responsible_id TEXT, deadline TEXT,
            rectified_at TEXT, rectified_week TEXT, rectifier_id TEXT, verified_at TEXT, verifier_id TEXT)""",
        """CREATE TABLE IF NOT EXISTS peace_wishes (
            id TEXT PRIMARY KEY, grid_id TEXT NOT NULL, state TEXT NOT NULL, week TEXT NOT NULL, claimant TEXT,
            fulfilled_week TEXT)""",
    )
    drops = ("peace_units", "peace_people", "peace_plans", "peace_planned", "peace_visits", "peace_requests",
             "peace_escalations", "peace_hazards", "peace_wishes")

    def OrgUnit_Established(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_units VALUES (?, ?, ?, ?)",
                   (str(note.originator_id), event.name, event.kind, _str(event.parent_id)))

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_people VALUES (?, ?)", (str(note.originator_id), event.name))

    def VisitPlan_Drawn(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_plans VALUES (?, ?, ?, ?, ?)", (
            str(note.originator_id), str(event.grid_id), event.day, week_of(date.fromisoformat(event.day)),
            event.theme))

    def VisitPlan_HouseholdAssigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_planned VALUES (?, ?) ON CONFLICT (plan_id, household_id) DO NOTHING",
                   (str(note.originator_id), str(event.household_id)))

    def Visit_Recorded(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_visits VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
            str(note.originator_id), str(event.grid_id), _str(event.household_id), event.kind, event.outcome,
            _str(event.plan_id), week_of(event.occurred_at), int(event.follow_up is not None)))

    def ResidentRequest_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_requests VALUES (?, ?, ?, ?, ?, ?, 'grid', ?, NULL, NULL, NULL, NULL, NULL)", (
            str(note.originator_id), str(event.grid_id), event.category, iso(event.occurred_at),
            week_of(event.occurred_at), iso(event.due_at), str(event.grid_id)))

    def ResidentRequest_Assigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_requests SET assignee_id = ? WHERE id = ?",
                   (str(event.assignee_id), str(note.originator_id)))

    def ResidentRequest_Escalated(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_requests SET level = ?, unit_id = ?, due_at = ?, assignee_id = NULL WHERE id = ?",
                   (event.to_level, str(event.unit_id), iso(event.due_at), str(note.originator_id)))
        tx.execute("INSERT INTO peace_escalations SELECT ?, id, grid_id, ?, ?, ?, ?, ?, ?, ?, ? "
                   "FROM peace_requests WHERE id = ?", (
                       note.id, event.from_level, event.to_level, str(event.unit_id), iso(event.occurred_at),
                       week_of(event.occurred_at), event.actor, event.ordered_by, event.reason,
                       str(note.originator_id)))

    def ResidentRequest_Resolved(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_requests SET resolved_at = ?, resolved_week = ?, resolved_level = ?, "
                   "resolver_id = ? WHERE id = ?", (iso(event.occurred_at), week_of(event.occurred_at), event.level,
                                                    str(event.resolver_id), str(note.originator_id)))

    def ResidentRequest_Withdrawn(self, tx: Transaction, event: Any, note: Notification) -> None:
        # closed, not resolved: it leaves the open list and counts in no week's resolutions
        tx.execute("UPDATE peace_requests SET resolved_at = ?, resolved_level = 'withdrawn' WHERE id = ?",
                   (iso(event.occurred_at), str(note.originator_id)))

    def Hazard_Found(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_hazards VALUES (?, ?, ?, ?, 'found', ?, ?, NULL, NULL, NULL, NULL, NULL, "
                   "NULL, NULL)", (str(note.originator_id), str(event.grid_id), event.kind, event.location,
                                   iso(event.occurred_at), week_of(event.occurred_at)))

    def Hazard_RectificationOrdered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_hazards SET state = 'ordered', responsible_id = ?, deadline = ? WHERE id = ?",
                   (str(event.responsible_id), iso(event.deadline), str(note.originator_id)))

    def Hazard_Rectified(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_hazards SET state = 'rectified', rectified_at = ?, rectified_week = ?, "
                   "rectifier_id = ? WHERE id = ?", (iso(event.occurred_at), week_of(event.occurred_at),
                                                    str(event.rectifier_id), str(note.originator_id)))

    def Hazard_VerificationFailed(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_hazards SET state = 'ordered', rectified_at = NULL, rectified_week = NULL, "
                   "rectifier_id = NULL WHERE id = ?", (str(note.originator_id),))

    def Hazard_Verified(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_hazards SET state = 'verified', verified_at = ?, verifier_id = ? WHERE id = ?",
                   (iso(event.occurred_at), str(event.verifier_id), str(note.originator_id)))

    def SmallWish_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO peace_wishes VALUES (?, ?, 'open', ?, NULL, NULL)",
                   (str(note.originator_id), str(event.grid_id), week_of(event.occurred_at)))

    def SmallWish_Claimed(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_wishes SET state = 'claimed', claimant = ? WHERE id = ?",
                   (event.claimant, str(note.originator_id)))

    def SmallWish_Fulfilled(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_wishes SET state = 'fulfilled', fulfilled_week = ? WHERE id = ?",
                   (week_of(event.occurred_at), str(note.originator_id)))

    def SmallWish_Withdrawn(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE peace_wishes SET state = 'withdrawn' WHERE id = ?", (str(note.originator_id),))


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None
