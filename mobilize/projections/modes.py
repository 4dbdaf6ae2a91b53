"""A piece several views share: the org tree and its war switches, to know the rest a grid's mode demands."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from eventsourcing.persistence import Notification

from mobilize.projections.store import Transaction, iso


class TracksModes:
    """Mixin for a projection: keeps `<prefix>_units` and `<prefix>_wars` and answers the rest in force."""

    prefix: ClassVar[str]

    @classmethod
    def mode_tables(cls) -> tuple[str, ...]:
        """DDL of the two tables, named with the projection's prefix."""
        return (
            f"CREATE TABLE IF NOT EXISTS {cls.prefix}_units (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
            "kind TEXT NOT NULL, parent_id TEXT)",
            f"CREATE TABLE IF NOT EXISTS {cls.prefix}_wars (unit_id TEXT NOT NULL, incident_id TEXT NOT NULL, "
            "max_shift_hours REAL NOT NULL, min_rest_hours REAL NOT NULL, since TEXT NOT NULL, "
            "PRIMARY KEY (unit_id, incident_id))",
        )

    def OrgUnit_Established(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute(f"INSERT INTO {self.prefix}_units VALUES (?, ?, ?, ?)",
                   (str(note.originator_id), event.name, event.kind, _id(event.parent_id)))

    def OrgUnit_SwitchedToWar(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute(f"INSERT INTO {self.prefix}_wars VALUES (?, ?, ?, ?, ?)",
                   (str(note.originator_id), str(event.incident_id), event.max_shift_hours, event.min_rest_hours,
                    iso(event.since)))

    def OrgUnit_StoodDown(self, tx: Transaction, event: Any, note: Notification) -> None:  # noqa: N802
        tx.execute(f"DELETE FROM {self.prefix}_wars WHERE unit_id = ? AND incident_id = ?",
                   (str(note.originator_id), str(event.incident_id)))

    def rest_until(self, tx: Transaction, grid_id: str, checked_out_at: datetime) -> datetime | None:
        """When someone who left a post in `grid_id` has rested enough, or None in peace."""
        hours = [0.0]
        unit: str | None = grid_id
        while unit is not None:
            hours += [float(r[0]) for r in tx.execute(
                f"SELECT min_rest_hours FROM {self.prefix}_wars WHERE unit_id = ?", (unit,))]
            parent = tx.execute(f"SELECT parent_id FROM {self.prefix}_units WHERE id = ?", (unit,))
            unit = parent[0][0] if parent else None
        return checked_out_at + timedelta(hours=max(hours)) if max(hours) > 0 else None


def _id(value: Any) -> str | None:
    return None if value is None else str(value)
