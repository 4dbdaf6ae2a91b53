"""Incidents: declared, escalated, closed; a drill is an incident flagged as an exercise."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import (
    InvalidCommand,
    MobilizeAggregate,
    RuleViolated,
    require,
)
from mobilize.domain.vocabulary import IncidentKind, names

KINDS = names(IncidentKind)
"""全员核酸检测, 隔离酒店值守, 转运隔离, 楼宇安全排查, 其他."""

MAX_LEVEL = 4


class IncidentClosed(RuleViolated):
    """Raised when a closed incident is asked to take new work."""

    rule = "incident_closed"


class Incident(MobilizeAggregate):
    """An emergency (or a drill of one) that mobilization answers."""

    @event("Declared")
    def __init__(self, title: str, kind: str, scope_unit_id: UUID, exercise: bool, level: int) -> None:
        self.title = title
        self.kind = kind
        self.scope_unit_id = scope_unit_id
        self.exercise = exercise
        self.level = level
        self.closed = False
        self.switched: list[UUID] = []
        """The units switched to war for this incident and not yet stood down (the roots of the switches)."""

    @classmethod
    def declare(cls, title: str, kind: str, scope_unit_id: UUID, exercise: bool = False, level: int = 1) -> Incident:
        """Declare an incident over an org unit; `exercise` marks a drill (演练)."""
        require(bool(title.strip()), InvalidCommand, "an incident needs a title", field="title")
        require(kind in KINDS, InvalidCommand, f"incident kind must be one of {', '.join(KINDS)}", kind=kind)
        require(1 <= level <= MAX_LEVEL, InvalidCommand, f"level must be between 1 and {MAX_LEVEL}", level=level)
        return cls(title.strip(), kind, scope_unit_id, exercise, level)

    def require_open(self) -> None:
        """Refuse unless the incident is still open."""
        require(not self.closed, IncidentClosed, f"incident '{self.title}' is closed", incident=self.title,
                incident_id=self.id, zh=f"事件「{self.title}」已结束")

    def escalate(self, level: int) -> None:
        """Raise the response level."""
        self.require_open()
        require(self.level < level <= MAX_LEVEL, InvalidCommand,
                f"escalation must raise the level above {self.level}, to at most {MAX_LEVEL}",
                current_level=self.level, requested_level=level)
        self._escalate(level=level)

    @event("Escalated")
    def _escalate(self, level: int) -> None:
        self.level = level

    def record_switch(self, unit_id: UUID) -> None:
        """Note that a unit was switched to war for this incident, so that closing it can stand the unit down."""
        self.require_open()
        self._record_switch(unit_id=unit_id)

    @event("UnitSwitched")
    def _record_switch(self, unit_id: UUID) -> None:
        self.switched.append(unit_id)

    def record_stand_down(self, unit_id: UUID) -> bool:
        """Note that a unit switched for this incident is back in peace; False if it was not on the list."""
        if unit_id not in self.switched:  # switches from before the incident kept this list are not on it
            return False
        self._record_stand_down(unit_id=unit_id)
        return True

    @event("UnitStoodDown")
    def _record_stand_down(self, unit_id: UUID) -> None:
        self.switched.remove(unit_id)

    def close(self) -> None:
        """Close the incident; it takes no new dispatch or site afterwards (its units are stood down with it)."""
        self.require_open()
        self._close()

    @event("Closed")
    def _close(self) -> None:
        self.closed = True
