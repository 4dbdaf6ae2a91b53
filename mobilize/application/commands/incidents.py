"""Commands on incidents."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit


class IncidentCommands(CommandService):
    """Declare, escalate and close incidents (and drills)."""

    @command
    def declare_incident(self, title: str, kind: str, scope_unit_id: UUID, exercise: bool = False,
                         level: int = 1) -> UUID:
        """Declare an incident over an org unit; `exercise=True` makes it a drill."""
        self.load(OrgUnit, scope_unit_id, "org unit")
        return self.commit(Incident.declare(title, kind, scope_unit_id, exercise, level))

    @command
    def escalate_incident(self, incident_id: UUID, level: int) -> UUID:
        """Raise an incident's response level."""
        incident = self.load(Incident, incident_id, "incident")
        incident.escalate(level)
        return self.commit(incident)

    @command
    def close_incident(self, incident_id: UUID) -> UUID:
        """Close an incident and stand down, in the same command, every unit still in war for it (ADR 0014)."""
        incident = self.load(Incident, incident_id, "incident")
        incident.require_open()
        units = [self.load(OrgUnit, unit_id, "org unit") for unit_id in list(incident.switched)]
        for unit in units:
            unit.stand_down(incident.id)
            incident.record_stand_down(unit.id)
        incident.close()
        return self.commit(incident, *units)
