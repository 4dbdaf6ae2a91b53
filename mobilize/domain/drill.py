"""Drills and competitions (应急演练, 拉练竞赛): a call-up over a scope, and each muster at the muster point.

Drills are exercise incidents; their call-ups and musters are never counted with real incidents. A task
force's call-up in a drill is its dispatch to the exercise incident (arrival on scene is its muster), so
only people are called up and checked in here.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, now, require
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person

MUSTER_NAMESPACE = uuid5(NAMESPACE_URL, "mobilize:drill-muster")


class NotADrill(RuleViolated):
    """Raised when a drill call-up is asked of a real incident (a real incident dispatches)."""

    rule = "not_a_drill"


class OutsideDrillScope(RuleViolated):
    """Raised when someone outside the call-up's scope checks in, or a call-up reaches outside the drill."""

    rule = "outside_drill_scope"


class AlreadyMustered(RuleViolated):
    """Raised when a person checks in twice for one call-up."""

    rule = "already_mustered"


class CallUpEnded(RuleViolated):
    """Raised when someone checks in after the call-up ended."""

    rule = "call_up_ended"


class DrillCallUp(MobilizeAggregate):
    """A drill's call-up of everyone in a scope to a muster point; its clock starts when it is issued."""

    @event("Issued")
    def __init__(self, incident_id: UUID, scope_unit_id: UUID, muster_point: str, called_up_at: datetime) -> None:
        self.incident_id = incident_id
        self.scope_unit_id = scope_unit_id
        self.muster_point = muster_point
        self.called_up_at = called_up_at
        self.ended = False

    @classmethod
    def issue(cls, incident: Incident, scope: OrgUnit, muster_point: str) -> DrillCallUp:
        """Call up a scope for a drill (the command checks the scope lies in the drill's)."""
        require(incident.exercise, NotADrill, f"'{incident.title}' is a real incident: a drill call-up is for a drill "
                "(declare one with exercise=true)", incident=incident.title,
                zh=f"「{incident.title}」是实战事件：演练集结只用于演练")
        incident.require_open()
        require(bool(muster_point.strip()), InvalidCommand, "name the muster point", field="muster_point")
        return cls(incident.id, scope.id, muster_point.strip(), now())

    def end(self) -> None:
        """Stop the clock: who has not checked in by now did not muster."""
        require(not self.ended, CallUpEnded, "the call-up has ended already", zh="集结已结束")
        self._end()

    @event("Ended")
    def _end(self) -> None:
        self.ended = True


class Muster(MobilizeAggregate):
    """One person's check-in at a drill's muster point (签到): one per person and call-up."""

    @staticmethod
    def create_id(call_up_id: UUID, person_id: UUID) -> UUID:
        """A person musters once per call-up: the id follows from both (a second check-in collides)."""
        return uuid5(MUSTER_NAMESPACE, f"{call_up_id}/{person_id}")

    @event("CheckedIn")
    def __init__(self, call_up_id: UUID, person_id: UUID, incident_id: UUID, name: str, grid_id: UUID | None,
                 called_up_at: datetime, minutes: float) -> None:
        self.call_up_id = call_up_id
        self.person_id = person_id
        self.grid_id = grid_id
        self.minutes = minutes

    @classmethod
    def check_in(cls, call_up: DrillCallUp, person: Person, in_scope: bool) -> Muster:
        """The person checks in at the muster point; the minutes since the call-up are their muster time."""
        require(not call_up.ended, CallUpEnded, "the call-up has ended: this check-in is too late to count",
                person=person.name, zh="集结已结束：此次报到太晚，不计入")
        require(in_scope, OutsideDrillScope, f"{person.name} is not in the scope called up", person=person.name,
                zh=f"{person.name}不在集结范围内")
        at = now()
        require(at >= call_up.called_up_at, InvalidCommand, "a check-in cannot come before the call-up",
                field="occurred_at")
        minutes = round((at - call_up.called_up_at).total_seconds() / 60, 1)
        return cls(call_up.id, person.id, call_up.incident_id, person.name, person.home_grid_id,
                   call_up.called_up_at, minutes)
