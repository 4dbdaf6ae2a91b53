"""Reads of the directory view (`mobilize.projections.directory`): plain queries, filtered, scoped and paged.

`scope` is the org unit whose subtree the caller sees (None: everything); rows are cut to it in SQL, and
pages are cut in SQL too. Names sort by their code points on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mobilize.log.codec import iso
from mobilize.projections.directory_tree import SUBTREE, by_name
from mobilize.projections.store import ViewStore

MOST_ROWS = 2**62
"""An offset past any list (what SQLite and PostgreSQL take as an integer, with room to spare)."""

ABOVE = "(SELECT ancestor_id FROM directory_tree WHERE unit_id = ?)"
"""The units a unit lies under, itself included."""

ACTIVE = "(SELECT COUNT(*) FROM directory_duty d WHERE d.shift_id = sh.id AND d.status <> 'no_show')"
"""People holding a shift's slots: everyone on it but a no-show."""


@dataclass
class Listing:
    """One page of rows and how many rows match in all."""

    items: list[dict[str, Any]]
    total: int


@dataclass
class Filters:
    """The conditions of a query, and their parameters in order."""

    conditions: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, condition: str, *params: Any, when: bool = True) -> None:
        """Add a condition (when `when`)."""
        if when:
            self.conditions.append(condition)
            self.params.extend(params)

    def where(self) -> str:
        """The WHERE clause."""
        return f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


def page(views: ViewStore, source: str, columns: str, filters: Filters, order: str, limit: int, offset: int,
         source_params: Sequence[Any] = ()) -> tuple[list[tuple[Any, ...]], int]:
    """One page of the rows `filters` keep, in `order`, and how many they keep in all."""
    params = [*source_params, *filters.params]
    offset = min(offset, MOST_ROWS)  # past every row anyway; a database takes no integer beyond 64 bits
    total = views.query(f"SELECT COUNT(*) FROM {source}{filters.where()}", params)[0][0]
    rows = views.query(f"SELECT {columns} FROM {source}{filters.where()} ORDER BY {order} "
                       "LIMIT ? OFFSET ?", [*params, limit, offset])
    return rows, int(total)


def like(text: str) -> str:
    """A LIKE pattern finding `text` anywhere, case aside, its wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def named(filters: Filters, column: str, q: str | None) -> None:
    """Keep rows whose `column` holds `q` (when given)."""
    filters.add(f"LOWER({column}) LIKE ? ESCAPE '\\'", like(q or ""), when=bool(q))


def within(ids: Sequence[str]) -> str:
    """The placeholders of an IN list of `ids`."""
    return f"({', '.join('?' for _ in ids)})" if ids else "(NULL)"


FINDERS = {
    "unit": ("directory_units", "id", ""), "grid": ("directory_units", "id", " AND kind = 'grid'"),
    "site": ("directory_sites", "grid_id", ""), "shift": ("directory_shifts", "grid_id", ""),
    "person": ("directory_people", "home_grid_id", ""), "task force": ("directory_task_forces", "unit_id", ""),
}


def find(views: ViewStore, what: str, record_id: str, scope: str | None) -> bool:
    """Whether a `what` (unit, grid, incident, site, shift, person, task force) of that id exists within `scope`."""
    if what == "incident":
        sql, params = "SELECT 1 FROM directory_incidents i WHERE i.id = ?", [record_id]
        if scope is not None:
            sql += f" AND (i.scope_unit_id IN {SUBTREE} OR i.scope_unit_id IN {ABOVE})"
            params += [scope, scope]
        return bool(views.query(sql, params))
    table, unit, more = FINDERS[what]
    sql, params = f"SELECT 1 FROM {table} WHERE id = ?{more}", [record_id]
    if scope is not None:
        sql += f" AND {unit} IN {SUBTREE}"
        params.append(scope)
    return bool(views.query(sql, params))


def incidents(views: ViewStore, scope: str | None = None, state: str | None = None, exercise: bool | None = None,
              q: str | None = None, incident_id: str | None = None, limit: int = 100, offset: int = 0) -> Listing:
    """Incidents and drills, the latest declared first; a scoped caller sees those over, or above, its subtree
    (a grid works the street's drive)."""
    filters = Filters()
    filters.add("i.id = ?", incident_id, when=incident_id is not None)
    filters.add(f"(i.scope_unit_id IN {SUBTREE} OR i.scope_unit_id IN {ABOVE})", scope, scope, when=scope is not None)
    filters.add("i.state = ?", state, when=state is not None)
    filters.add("i.exercise = ?", int(bool(exercise)), when=exercise is not None)
    named(filters, "i.title", q)
    rows, total = page(views, "directory_incidents i JOIN directory_units u ON u.id = i.scope_unit_id",
                        "i.id, i.title, i.kind, i.level, i.state, i.exercise, i.scope_unit_id, u.name, i.declared_at, "
                        "i.closed_at", filters, "i.declared_at DESC, i.id", limit, offset)
    keys = ("id", "title", "kind", "level", "state", "exercise", "scope_unit_id", "scope_name", "declared_at",
            "closed_at")
    return Listing([{**dict(zip(keys, row, strict=True)), "exercise": bool(row[5])} for row in rows], total)


def sites(views: ViewStore, scope: str | None = None, incident_id: str | None = None, grid_id: str | None = None,
          state: str | None = None, q: str | None = None, site_id: str | None = None, limit: int = 100,
          offset: int = 0) -> Listing:
    """Testing sites with their incident, grid, posts, commander (and the one proposed) and tallies, by name."""
    filters = Filters()
    for column, value in (("s.id", site_id), ("s.incident_id", incident_id), ("s.grid_id", grid_id),
                          ("s.state", state)):
        filters.add(f"{column} = ?", value, when=value is not None)
    filters.add(f"s.grid_id IN {SUBTREE}", scope, when=scope is not None)
    named(filters, "s.name", q)
    last = "(SELECT {} FROM directory_tallies t WHERE t.site_id = s.id ORDER BY t.hour DESC LIMIT 1)"
    rows, total = page(
        views, "directory_sites s JOIN directory_incidents i ON i.id = s.incident_id "
               "JOIN directory_units g ON g.id = s.grid_id LEFT JOIN directory_people c ON c.id = s.commander_id "
               "LEFT JOIN directory_people pc ON pc.id = s.proposed_commander_id",
        "s.id, s.name, s.incident_id, i.title, i.exercise, s.grid_id, g.name, s.lanes, s.posts, s.state, "
        "s.commander_id, c.name, s.proposed_commander_id, pc.name, "
        "(SELECT COALESCE(SUM(t.samples), 0) FROM directory_tallies t WHERE t.site_id = s.id), "
        f"{last.format('t.hour')}, {last.format('t.samples')}",
        filters, f"{by_name(views, 's.name')}, s.id", limit, offset)
    keys = ("id", "name", "incident_id", "incident_title", "exercise", "grid_id", "grid_name", "lanes", "posts",
            "state", "commander_id", "commander_name", "proposed_commander_id", "proposed_commander_name",
            "samples_total")
    return Listing([{**dict(zip(keys, row[:15], strict=True)), "exercise": bool(row[4]), "posts": json.loads(row[8]),
                     "samples_total": int(row[14]),
                     "last_tally": None if row[15] is None else {"hour": row[15], "samples": int(row[16])}}
                    for row in rows], total)


def shifts(views: ViewStore, now: datetime, scope: str | None = None, site_id: str | None = None,
           incident_id: str | None = None, post: str | None = None, lane: int | None = None,
           start: datetime | None = None, end: datetime | None = None, state: str | None = None,
           short: bool | None = None, shift_id: str | None = None, limit: int = 100, offset: int = 0) -> Listing:
    """Shifts in start order, with their people; `start`/`end` keep those overlapping the window, `short` those
    with fewer people on them (no-shows left out) than slots, `state` is as of `now`."""
    filters, at = Filters(), iso(now)
    for column, value in (("sh.id", shift_id), ("sh.site_id", site_id), ("sh.incident_id", incident_id),
                          ("sh.post", post), ("sh.lane", lane)):
        filters.add(f"{column} = ?", value, when=value is not None)
    filters.add(f"sh.grid_id IN {SUBTREE}", scope, when=scope is not None)
    filters.add("sh.ends > ?", iso(start) if start else None, when=start is not None)
    filters.add("sh.starts < ?", iso(end) if end else None, when=end is not None)
    filters.add({"upcoming": "sh.starts > ?", "running": "sh.starts <= ? AND sh.ends > ?", "ended": "sh.ends <= ?",
                 None: ""}[state], *([at, at] if state == "running" else [at]), when=state is not None)
    filters.add(f"{ACTIVE} {'<' if short else '>='} sh.slots", when=short is not None)
    rows, total = page(
        views, "directory_shifts sh JOIN directory_sites st ON st.id = sh.site_id "
               "JOIN directory_incidents i ON i.id = sh.incident_id",
        f"sh.id, sh.site_id, st.name, sh.incident_id, i.exercise, sh.grid_id, sh.lane, sh.post, sh.skill, sh.starts, "
        f"sh.ends, sh.slots, {ACTIVE}", filters, f"sh.starts, {by_name(views, 'st.name')}, sh.lane, sh.post, sh.id",
        limit, offset)
    ids = [row[0] for row in rows]
    people: dict[str, list[dict[str, Any]]] = {shift: [] for shift in ids}
    for shift, person, name, status in sorted(views.query(
            "SELECT d.shift_id, d.person_id, p.name, d.status FROM directory_duty d "
            f"JOIN directory_people p ON p.id = d.person_id WHERE d.shift_id IN {within(ids)}", ids),
            key=lambda r: (r[2], r[1])):
        people[shift].append({"person_id": person, "name": name, "status": status})
    keys = ("id", "site_id", "site_name", "incident_id", "exercise", "grid_id", "lane", "post", "skill", "start",
            "end", "slots", "filled")
    return Listing([{**dict(zip(keys, row, strict=True)), "exercise": bool(row[4]), "filled": int(row[12]),
                     "short": int(row[12]) < int(row[11]), "people": people[row[0]],
                     "state": "upcoming" if row[9] > at else ("running" if row[10] > at else "ended")}
                    for row in rows], total)

