"""Reads of the directory's org tree: each unit with its leaders and its mode, own or inherited from an ancestor."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from mobilize.projections.store import ViewStore

SUBTREE = "(SELECT unit_id FROM directory_tree WHERE ancestor_id = ?)"
"""The units under a unit, itself included."""


def by_name(views: ViewStore, column: str) -> str:
    """An ORDER BY term sorting text by code points on both backends (PostgreSQL's locale would not)."""
    return f'{column} COLLATE "C"' if views.dialect == "postgres" else column


def units(views: ViewStore, root: str | None = None) -> list[dict[str, Any]]:
    """Every unit (of `root`'s subtree), top down: the org-tree node's fields, with `depth` and `path` (names from
    the root to the unit)."""
    only, params = (f" WHERE u.id IN {SUBTREE}", [root]) if root else ("", [])
    rows = views.query("SELECT u.id, u.name, u.kind, u.parent_id, u.grid_level, u.depth, u.path "
                       f"FROM directory_units u{only}", params)
    switches: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for unit, *switch in views.query(
            "SELECT t.unit_id, w.unit_id, a.depth, w.incident_id, w.exercise, w.working_groups, "
            "w.max_shift_hours, w.min_rest_hours, w.since FROM directory_tree t "
            "JOIN directory_wars w ON w.unit_id = t.ancestor_id JOIN directory_units a ON a.id = w.unit_id"
            + only.replace("u.id", "t.unit_id"), params):
        switches[unit].append(tuple(switch))
    leaders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for unit, seat, person, name in sorted(views.query(
            "SELECT l.unit_id, l.seat, l.person_id, p.name FROM directory_leaders l "
            "LEFT JOIN directory_people p ON p.id = l.person_id" + only.replace("u.id", "l.unit_id"), params)):
        leaders[unit].append({"seat": seat, "person_id": person, "name": name})
    nodes = [{"id": unit, "name": name, "kind": kind, "parent_id": parent, "grid_level": level,
              **_mode(unit, switches[unit]), "leaders": leaders[unit], "depth": int(depth), "path": json.loads(path)}
             for unit, name, kind, parent, level, depth, path in rows]
    return sorted(nodes, key=lambda node: (node["path"], node["id"]))


def _mode(unit: str, switches: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Peace, or war through the unit's own switches or an ancestor's; the strictest policy of them all."""
    if not switches:
        return {"mode": "peace", "incident_id": None, "exercise": False, "inherited_from": None, "working_groups": [],
                "policy": None, "wars": []}
    wars = sorted(({"unit_id": owner, "depth": int(depth), "incident_id": incident, "exercise": bool(exercise),
                    "working_groups": json.loads(groups), "max_shift_hours": float(longest),
                    "min_rest_hours": float(rest), "since": since}
                   for owner, depth, incident, exercise, groups, longest, rest, since in switches),
                  key=lambda war: (-war["depth"], war["since"], war["incident_id"]))
    real = [war for war in wars if not war["exercise"]]
    first = min(real or wars, key=lambda war: (war["since"], war["incident_id"]))  # a drill never hides a real war
    return {"mode": "war", "incident_id": first["incident_id"], "exercise": not real,
            "inherited_from": None if any(war["unit_id"] == unit for war in wars) else wars[0]["unit_id"],
            "working_groups": list(dict.fromkeys(group for war in wars for group in war["working_groups"])),
            "policy": {"max_shift_hours": min(war["max_shift_hours"] for war in wars),
                       "min_rest_hours": max(war["min_rest_hours"] for war in wars)},
            "wars": [{key: value for key, value in war.items() if key != "depth"} for war in wars]}


def org_tree(views: ViewStore, root: str | None = None) -> list[dict[str, Any]]:
    """The tree (of `root`'s subtree) nested: each node with its `children`, in name order."""
    nodes = units(views, root)
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes:
        node["children"] = children[node["id"]]
        children[node["parent_id"]].append(node)
    return [node for node in nodes if node["id"] == root] if root else children[None]
