"""A piece several views share: which incidents are drills (演练), so that every row of an incident says so.

Drills switch grids to war, open sites and staff shifts like real incidents; a command center must never add
their figures to real ones. Each view that keeps rows of an incident keeps `<prefix>_incidents` beside them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.persistence import Notification

from mobilize.projections.store import Transaction


class TracksDrills:
    """Mixin for a projection: keeps `<prefix>_incidents` (id, exercise) from `Incident.Declared`."""

    prefix: ClassVar[str]

    @classmethod
    def drill_tables(cls) -> tuple[str, ...]:
        """DDL of the table, named with the projection's prefix."""
        return (f"CREATE TABLE IF NOT EXISTS {cls.prefix}_incidents (id TEXT PRIMARY KEY, "
                "exercise INTEGER NOT NULL)",)

    def Incident_Declared(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute(f"INSERT INTO {self.prefix}_incidents VALUES (?, ?)", (str(note.originator_id), int(event.exercise)))


def drill(value: Any) -> bool | None:
    """A row's flag as read: a drill or not, or None where the view has not seen the incident declared (a view
    built before it kept drills: `mobilize projections rebuild NAME` fills it in)."""
    return None if value is None else bool(value)
