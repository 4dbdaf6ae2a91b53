"""Whom to weigh for a shift, read from existing views: the readiness board's people and tree, duty hours.

No projection of its own: the readiness projection already keeps each person's home grid, availability and
qualifications, and every (ancestor, unit) pair of the tree; the duty-hours projection keeps the periods
on duty. The rules themselves are asked of the aggregates (`mobilize.application.candidates`): this only
keeps the weighing cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mobilize.projections import duty_hours
from mobilize.projections.store import ViewStore


@dataclass(frozen=True)
class Member:
    """A person worth weighing, and their home grid (None for someone without one)."""

    person_id: UUID
    home_grid_id: UUID | None


def pool(views: ViewStore, street_id: UUID, skill: str, until: datetime, everyone_in_street: bool) -> list[Member]:
    """Everyone anywhere who is available and holds `skill` valid through `until` (who else could the rules
    take?), and with `everyone_in_street` also every person whose home grid lies in the street's subtree."""
    rows = views.query("SELECT p.id, p.home_grid_id, q.valid_until FROM readiness_people p "
                       "JOIN readiness_qualifications q ON q.person_id = p.id "
                       "WHERE q.skill = ? AND p.availability = 'available'", (skill,))
    # compared as times here, not as text in SQL: a stored ISO string's collation order need not be time order
    members = {person: home for person, home, valid_until in rows if datetime.fromisoformat(valid_until) >= until}
    if everyone_in_street:
        members.update(views.query("SELECT p.id, p.home_grid_id FROM readiness_people p "
                                   "JOIN readiness_tree t ON t.unit_id = p.home_grid_id WHERE t.ancestor_id = ?",
                                   (str(street_id),)))
    return [Member(UUID(person), UUID(home) if home else None) for person, home in sorted(members.items())]


def hours_in_incident(views: ViewStore, incident_id: UUID, now: datetime) -> dict[str, float]:
    """Hours each person has been on duty in the incident (check-in to check-out; an open duty up to `now`)."""
    worked: dict[str, float] = {}
    for row in duty_hours.hours(views, now, incident_id=incident_id):
        if row["incident_id"] == str(incident_id):
            worked[row["person_id"]] = worked.get(row["person_id"], 0.0) + row["hours"]
    return worked
