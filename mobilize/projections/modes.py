"""A piece several views share: the org tree and its war switches, to know the rest a grid's mode demands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from eventsourcing.persistence import Notification

from mobilize.log.codec import iso
from mobilize.projections.recall import Recall
from mobilize.projections.store import Transaction


class TracksModes:
    """Mixin for a projection: keeps `<prefix>_units` and `<prefix>_wars` and answers the rest in force.

    It answers without a query per check-out (on PostgreSQL a query makes the pipeline wait): the parent
    and the rests demanded of each unit, and the grid of each shift of the projection's `<prefix>_shifts`
    (it is told of each new one, `shift_scheduled`), are kept in memory.
    """

    prefix: ClassVar[str]
    _parents: Recall
    _rests: Recall
    _grids: Recall

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

    def forget(self, empty: bool = False) -> None:
        """Drop the tree and the grids kept in memory."""
        self._parents = Recall(_one(f"SELECT parent_id FROM {self.prefix}_units WHERE id = ?"), empty)
        self._rests = Recall(_rests(f"SELECT min_rest_hours FROM {self.prefix}_wars WHERE unit_id = ?"), empty, ())
        # never complete: the shifts table is the projection's own, and a grid it did not tell of is read
        self._grids = Recall(_one(f"SELECT grid_id FROM {self.prefix}_shifts WHERE id = ?"), complete=False)

    def OrgUnit_Established(self, tx: Transaction, event: Any, note: Notification) -> None:
        unit, parent = str(note.originator_id), _id(event.parent_id)
        tx.execute(f"INSERT INTO {self.prefix}_units VALUES (?, ?, ?, ?)", (unit, event.name, event.kind, parent))
        self._parents.keep(unit, parent)
        self._rests.keep(unit, ())  # a new unit: no switch yet

    def OrgUnit_SwitchedToWar(self, tx: Transaction, event: Any, note: Notification) -> None:
        unit = str(note.originator_id)
        tx.execute(f"INSERT INTO {self.prefix}_wars VALUES (?, ?, ?, ?, ?)",
                   (unit, str(event.incident_id), event.max_shift_hours, event.min_rest_hours, iso(event.since)))
        # read back as stored (PostgreSQL's REAL rounds what it keeps): a round trip, but switches are rare
        self._rests.keep(unit, self._rests.read(tx, unit))

    def OrgUnit_StoodDown(self, tx: Transaction, event: Any, note: Notification) -> None:
        unit = str(note.originator_id)
        tx.execute(f"DELETE FROM {self.prefix}_wars WHERE unit_id = ? AND incident_id = ?",
                   (unit, str(event.incident_id)))
        self._rests.keep(unit, self._rests.read(tx, unit))

    def shift_scheduled(self, shift_id: str, grid_id: str) -> None:
        """Note the grid of a shift just added to `<prefix>_shifts`."""
        self._grids.keep(shift_id, grid_id)

    def rest_until(self, tx: Transaction, shift_id: str, checked_out_at: datetime) -> datetime | None:
        """When someone who left shift `shift_id` has rested enough, or None in peace: the longest rest that
        any unit from the shift's grid up to the root demands."""
        hours = [0.0]
        unit: str | None = self._grids.get(tx, shift_id)
        while unit is not None:
            hours += self._rests.get(tx, unit)
            unit = self._parents.get(tx, unit)
        return checked_out_at + timedelta(hours=max(hours)) if max(hours) > 0 else None


def _one(sql: str) -> Callable[[Transaction, str], Any]:
    """A reader of the first column of the row a key selects (None without one)."""

    def read(tx: Transaction, key: str) -> Any:
        rows = tx.execute(sql, (key,))
        return rows[0][0] if rows else None

    return read


def _rests(sql: str) -> Callable[[Transaction, str], tuple[float, ...]]:
    """A reader of the rests a unit's switches demand."""
    return lambda tx, unit: tuple(float(row[0]) for row in tx.execute(sql, (unit,)))


def _id(value: Any) -> str | None:
    return None if value is None else str(value)
