"""Reads of the directory's people and task forces: who can be called on, and what each is doing at a moment."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from mobilize.log.codec import iso
from mobilize.projections.directory_lists import Filters, Listing, named, page, within
from mobilize.projections.directory_tree import SUBTREE, by_name
from mobilize.projections.store import ViewStore

ACTIVITY = """CASE
    WHEN p.dispatch_id IS NOT NULL OR EXISTS (SELECT 1 FROM directory_members m JOIN directory_task_forces f
        ON f.id = m.task_force_id WHERE m.person_id = p.id AND f.dispatch_id IS NOT NULL) THEN 'on_dispatch'
    WHEN EXISTS (SELECT 1 FROM directory_duty d JOIN directory_shifts s ON s.id = d.shift_id WHERE d.person_id = p.id
        AND ((d.status = 'checked_in' AND d.checked_in_at <= ?)
          OR (d.status = 'checked_out' AND d.checked_in_at <= ? AND ? < d.checked_out_at)
          OR (d.status = 'assigned' AND s.starts <= ? AND ? < s.ends))) THEN 'on_shift'
    WHEN EXISTS (SELECT 1 FROM directory_duty d WHERE d.person_id = p.id AND d.rest_until IS NOT NULL
        AND d.checked_out_at <= ? AND ? < d.rest_until) THEN 'resting'
    ELSE 'free' END"""
"""What a person is doing at a moment (7 parameters, the moment each time): on a live dispatch (their own or
their task force's), on a shift (checked in, or expected at a post), resting after a wartime shift, or free."""

PEOPLE = (f"(SELECT p.id, p.name, p.roles, p.home_grid_id, g.name AS home_grid_name, p.availability, "
          f"{ACTIVITY} AS activity FROM directory_people p LEFT JOIN directory_units g ON g.id = p.home_grid_id) x")


def people(views: ViewStore, at: datetime, scope: str | None = None, q: str | None = None, grid_id: str | None = None,
           under: str | None = None, role: str | None = None, skill: str | None = None,
           valid_at: datetime | None = None, availability: str | None = None, activity: str | None = None,
           person_id: str | None = None, limit: int = 100, offset: int = 0) -> Listing:
    """People by name, with their qualifications and what they are doing `at` (no phone, no ID number).

    `skill` keeps those holding it valid at `valid_at` (default `at`); `valid_at` alone, any qualification valid then.
    """
    filters = Filters()
    filters.add("x.id = ?", person_id, when=person_id is not None)
    filters.add(f"x.home_grid_id IN {SUBTREE}", scope, when=scope is not None)
    filters.add("x.home_grid_id = ?", grid_id, when=grid_id is not None)
    filters.add(f"x.home_grid_id IN {SUBTREE}", under, when=under is not None)
    filters.add("(',' || x.roles || ',') LIKE ?", f"%,{role},%", when=role is not None)
    if skill is not None or valid_at is not None:
        filters.add("EXISTS (SELECT 1 FROM directory_qualifications q WHERE q.person_id = x.id AND q.valid_until >= ?"
                    + (" AND q.skill = ?)" if skill else ")"), iso(valid_at or at), *([skill] if skill else []))
    filters.add("x.availability = ?", availability, when=availability is not None)
    filters.add("x.activity = ?", activity, when=activity is not None)
    named(filters, "x.name", q)
    moment = iso(at)
    rows, total = page(views, PEOPLE, "x.id, x.name, x.roles, x.home_grid_id, x.home_grid_name, "
                       "x.availability, x.activity", filters, f"{by_name(views, 'x.name')}, x.id", limit, offset,
                       source_params=[moment] * 7)
    ids = [row[0] for row in rows]
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person, skill_held, until in sorted(views.query(
            f"SELECT person_id, skill, valid_until FROM directory_qualifications WHERE person_id IN {within(ids)}",
            ids)):
        held[person].append({"skill": skill_held, "valid_until": until})
    keys = ("id", "name", "roles", "home_grid_id", "home_grid_name", "availability", "activity")
    return Listing([{**dict(zip(keys, row, strict=True)), "roles": row[2].split(","), "qualifications": held[row[0]]}
                    for row in rows], total)


STATE = {"disbanded": "f.disbanded = 1", "dispatched": "f.disbanded = 0 AND f.dispatch_id IS NOT NULL",
         "ready": "f.disbanded = 0 AND f.dispatch_id IS NULL"}


def task_forces(views: ViewStore, scope: str | None = None, unit_id: str | None = None, tier: str | None = None,
                q: str | None = None, state: str | None = None, task_force_id: str | None = None, limit: int = 100,
                offset: int = 0) -> Listing:
    """Task forces by name, with their unit, leader, members, temporary branch and live dispatch."""
    filters = Filters()
    for column, value in (("f.id", task_force_id), ("f.unit_id", unit_id), ("f.tier", tier)):
        filters.add(f"{column} = ?", value, when=value is not None)
    filters.add(f"f.unit_id IN {SUBTREE}", scope, when=scope is not None)
    filters.add(STATE.get(state or "", ""), when=state is not None)
    named(filters, "f.name", q)
    rows, total = page(
        views, "directory_task_forces f JOIN directory_units u ON u.id = f.unit_id "
               "LEFT JOIN directory_people l ON l.id = f.leader_id",
        "f.id, f.name, f.tier, f.unit_id, u.name, f.flag, f.leader_id, l.name, f.disbanded, f.dispatch_id, "
        "f.branch_name, f.branch_secretary_id", filters, f"{by_name(views, 'f.name')}, f.id", limit, offset)
    ids = [row[0] for row in rows]
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for force, person, name in sorted(views.query(
            "SELECT m.task_force_id, m.person_id, p.name FROM directory_members m "
            f"LEFT JOIN directory_people p ON p.id = m.person_id WHERE m.task_force_id IN {within(ids)}", ids),
            key=lambda r: (r[0], r[2] or "", r[1])):
        members[force].append({"person_id": person, "name": name})
    items = []
    for force, name, tier_, unit, unit_name, flag, leader, leader_name, disbanded, dispatch, branch, secretary in rows:
        items.append({"id": force, "name": name, "tier": tier_, "unit_id": unit, "unit_name": unit_name, "flag": flag,
                      "leader_id": leader, "leader_name": leader_name, "members": members[force],
                      "member_count": len(members[force]),
                      "branch": None if branch is None else {"name": branch, "secretary_id": secretary},
                      "state": "disbanded" if disbanded else ("dispatched" if dispatch else "ready"),
                      "dispatch_id": dispatch})
    return Listing(items, total)
