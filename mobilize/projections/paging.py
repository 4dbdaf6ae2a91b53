"""Pages (呼叫) as the command center and the pager see them: one row per page, where it stands, how many
delivery attempts it took, and when it next falls due for an answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification

from mobilize.domain.notification import OPEN
from mobilize.log.codec import iso
from mobilize.projections.base import Projection
from mobilize.projections.store import Transaction, ViewStore

COLUMNS = ("id", "person_id", "person_name", "home_grid_id", "kind", "subject_id", "incident_id", "exercise",
           "title", "state", "level", "sent_at", "due_at", "delivered_at", "acknowledged_at", "escalated_at",
           "withdrawn_at", "attempts", "failed_attempts", "about_person_id", "acknowledged_by", "unit_id")
OPEN_SQL = ", ".join(f"'{state}'" for state in OPEN)
"""The states of a page still waiting for its answer, as an SQL list."""


class Paging(Projection):
    """Every page, for the board of unanswered pages and for the pager's rounds."""

    name = "paging"
    tables = (
        """CREATE TABLE IF NOT EXISTS paging_pages (
            id TEXT PRIMARY KEY, person_id TEXT NOT NULL, person_name TEXT NOT NULL, home_grid_id TEXT,
            kind TEXT NOT NULL, subject_id TEXT NOT NULL, incident_id TEXT, exercise INTEGER NOT NULL,
            title TEXT NOT NULL, state TEXT NOT NULL, level INTEGER NOT NULL, sent_at TEXT NOT NULL, due_at TEXT,
            delivered_at TEXT, acknowledged_at TEXT, escalated_at TEXT, withdrawn_at TEXT,
            attempts INTEGER NOT NULL, failed_attempts INTEGER NOT NULL, about_person_id TEXT,
            acknowledged_by TEXT, unit_id TEXT)""",
        "CREATE INDEX IF NOT EXISTS paging_pages_unit ON paging_pages (unit_id, state)",
        # every (ancestor, unit) pair, the unit itself included: a subtree's pages are one join at any depth
        """CREATE TABLE IF NOT EXISTS paging_tree (
            ancestor_id TEXT NOT NULL, unit_id TEXT NOT NULL, PRIMARY KEY (ancestor_id, unit_id))""",
        "CREATE INDEX IF NOT EXISTS paging_pages_open ON paging_pages (state, due_at)",
        "CREATE INDEX IF NOT EXISTS paging_pages_person ON paging_pages (person_id, sent_at)",
        "CREATE TABLE IF NOT EXISTS paging_people (id TEXT PRIMARY KEY, name TEXT NOT NULL, home_grid_id TEXT)",
        "CREATE TABLE IF NOT EXISTS paging_inboxes (id TEXT PRIMARY KEY, person_id TEXT NOT NULL)",
    )
    drops = ("paging_pages", "paging_people", "paging_inboxes", "paging_tree")

    def OrgUnit_Established(self, tx: Transaction, event: Any, note: Notification) -> None:
        unit = str(event.originator_id)
        ancestors = [row[0] for row in tx.execute("SELECT ancestor_id FROM paging_tree WHERE unit_id = ?",
                                                  (str(event.parent_id),))] if event.parent_id else []
        for ancestor in (*ancestors, unit):
            tx.execute("INSERT INTO paging_tree (ancestor_id, unit_id) VALUES (?, ?)", (ancestor, unit))

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO paging_people VALUES (?, ?, ?)",
                   (str(event.originator_id), event.name, _text(event.home_grid_id)))

    def Inbox_Opened(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO paging_inboxes VALUES (?, ?)", (str(event.originator_id), str(event.person_id)))

    def Inbox_Sent(self, tx: Transaction, event: Any, note: Notification) -> None:
        person = _one(tx, "SELECT person_id FROM paging_inboxes WHERE id = ?", str(event.originator_id))
        found = tx.execute("SELECT name, home_grid_id FROM paging_people WHERE id = ?", (person,))
        name, grid = found[0] if found else ("?", None)
        tx.execute(f"INSERT INTO paging_pages ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                   (str(event.notification_id), person, name, grid, event.kind, str(event.subject_id),
                    _text(event.incident_id), int(event.exercise), event.title, "sent", 0, iso(event.at),
                    _iso(event.due_at), None, None, None, None, 0, 0, _text(event.about_person_id), None,
                    _text(event.unit_id)))

    def Inbox_Delivered(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._delivered(tx, str(event.notification_id), event.at)

    def _delivered(self, tx: Transaction, page: str, at: datetime) -> None:
        tx.execute("UPDATE paging_pages SET delivered_at = COALESCE(delivered_at, ?), "
                   "state = CASE state WHEN 'sent' THEN 'delivered' ELSE state END WHERE id = ?", (iso(at), page))

    def Inbox_DeliveryAttempted(self, tx: Transaction, event: Any, note: Notification) -> None:
        failed = int(event.outcome != "delivered")
        tx.execute("UPDATE paging_pages SET attempts = attempts + 1, failed_attempts = failed_attempts + ? "
                   "WHERE id = ?", (failed, str(event.notification_id)))
        if not failed:
            self._delivered(tx, str(event.notification_id), event.at)

    def Inbox_Acknowledged(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE paging_pages SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, "
                   "due_at = NULL WHERE id = ?", (iso(event.at), event.actor, str(event.notification_id)))

    def Inbox_Escalated(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE paging_pages SET state = 'escalated', level = ?, escalated_at = ?, due_at = ? "
                   "WHERE id = ?", (event.level, iso(event.at), _iso(event.due_at), str(event.notification_id)))

    def Inbox_Withdrawn(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE paging_pages SET state = 'withdrawn', withdrawn_at = ?, due_at = NULL WHERE id = ?",
                   (iso(event.at), str(event.notification_id)))


def due(views: ViewStore, now: datetime) -> list[dict[str, Any]]:
    """Open pages whose answer is overdue at `now` (the pager escalates them), oldest first."""
    rows = views.query(f"SELECT person_id, id, level FROM paging_pages WHERE state IN ({OPEN_SQL}) "
                       "AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at", (iso(now),))
    return [{"person_id": person, "id": page, "level": level} for person, page, level in rows]


def undelivered(views: ViewStore, since: datetime) -> list[dict[str, Any]]:
    """Open pages sent or escalated since `since`, whose webhooks may still owe a post (the pager checks each)."""
    rows = views.query(f"SELECT person_id, id, unit_id FROM paging_pages WHERE state IN ({OPEN_SQL}) "
                       "AND kind <> 'escalation' AND (sent_at >= ? OR escalated_at >= ?) ORDER BY sent_at",
                       (iso(since), iso(since)))
    return [{"person_id": person, "id": page, "unit_id": unit} for person, page, unit in rows]


def standing(views: ViewStore) -> list[dict[str, Any]]:
    """Open pages no deadline chases any more (at the command center): the pager checks whether they are moot."""
    rows = views.query(f"SELECT person_id, id FROM paging_pages WHERE state IN ({OPEN_SQL}) "
                       "AND due_at IS NULL AND kind <> 'escalation' ORDER BY sent_at")
    return [{"person_id": person, "id": page} for person, page in rows]


def listing(views: ViewStore, state: str | None, level: int | None, incident_id: str | None,
            person_id: str | None, limit: int, scope: str | None = None) -> list[dict[str, Any]]:
    """Pages, filtered; `state` "open" means any state still waiting for an answer, and lists the most urgent
    first (the highest level, then the longest waiting), else newest first; `scope` an org unit: only pages its
    subtree answers for."""
    where: list[str] = []
    args: list[Any] = []
    if state == "open":
        where.append(f"state IN ({OPEN_SQL})")
    elif state is not None:
        where.append("state = ?")
        args.append(state)
    for column, value in (("level", level), ("incident_id", incident_id), ("person_id", person_id)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if scope is not None:
        where.append("unit_id IN (SELECT unit_id FROM paging_tree WHERE ancestor_id = ?)")
        args.append(scope)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    order = "level DESC, sent_at, id" if state == "open" else "sent_at DESC, id"
    rows = views.query(f"SELECT {', '.join(COLUMNS)} FROM paging_pages {clause} ORDER BY {order} "
                       f"LIMIT {int(limit)}", tuple(args))
    return [dict(zip(COLUMNS, row, strict=True)) | {"exercise": bool(row[COLUMNS.index("exercise")])}
            for row in rows]


def _one(tx: Transaction, sql: str, key: str) -> str:
    rows = tx.execute(sql, (key,))
    return str(rows[0][0]) if rows else "?"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else iso(value)
