"""Commands on the organisation tree and its peace/war mode."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.queries import Queries
from mobilize.application.service import command
from mobilize.domain.base import require
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import (
    AlreadyInWar,
    DutyPolicy,
    InWarThroughAncestor,
    OrgUnit,
    OutsideIncidentScope,
    WartimePolicy,
)
from mobilize.domain.person import Person


class OrganisationCommands(Queries):
    """Build the tree, seat grid leaders, switch subtrees between peace and war."""

    @command
    def establish_unit(self, name: str, kind: str, parent_id: UUID | None = None) -> UUID:
        """Establish a street, community, grid or building under a parent unit."""
        parent = self.load(OrgUnit, parent_id, "org unit") if parent_id else None
        return self.commit(OrgUnit.establish(name, kind, parent))

    @command
    def appoint_grid_leader(self, grid_id: UUID, seat: str, person_id: UUID) -> UUID:
        """Seat one of a grid's dual leaders (双网格长)."""
        grid = self.load(OrgUnit, grid_id, "grid")
        self.load(Person, person_id, "person").require_ready()
        grid.appoint_leader(seat, person_id)
        return self.commit(grid)

    @command
    def set_peace_policy(self, unit_id: UUID, max_shift_hours: float, min_rest_hours: float) -> UUID:
        """Set the longest shift and shortest rest in peace for a unit's subtree."""
        unit = self.load(OrgUnit, unit_id, "org unit")
        unit.set_peace_policy(DutyPolicy(max_shift_hours, min_rest_hours, "peace"))
        return self.commit(unit)

    @command
    def switch_to_war(self, unit_id: UUID, incident_id: UUID, working_groups: list[str],
                      max_shift_hours: float, min_rest_hours: float) -> UUID:
        """Switch a unit and everything under it to war for an incident (平战转换)."""
        policy = WartimePolicy(max_shift_hours, min_rest_hours)
        unit = self.load(OrgUnit, unit_id, "org unit")
        incident = self.load(Incident, incident_id, "incident")
        incident.require_open()
        scope = self.load(OrgUnit, incident.scope_unit_id, "org unit")
        require(self.within(unit_id, scope.id), OutsideIncidentScope,
                f"{unit.name} lies outside the scope of incident '{incident.title}' ({scope.name})",
                unit=unit.name, incident=incident.title, scope=scope.name,
                zh=f"{unit.name}不在事件「{incident.title}」的范围（{scope.name}）内")
        covering = [s for s in self.mode_of(unit_id).switches if s["incident_id"] == incident_id]
        require(not covering or covering[0]["unit_id"] == unit_id, AlreadyInWar,
                f"{unit.name} is already in war for this incident through {covering[0]['unit'] if covering else ''}",
                unit=unit.name, covered_by=covering[0]["unit"] if covering else None,
                zh=f"{unit.name}已因此事件随上级{covering[0]['unit'] if covering else ''}处于战时")
        unit.switch_to_war(incident_id, incident.exercise, working_groups, policy)
        incident.record_switch(unit.id)
        return self.commit(unit, incident, result=unit.id)

    @command
    def stand_down(self, unit_id: UUID, incident_id: UUID) -> UUID:
        """Return a unit and its subtree to peace for an incident."""
        unit = self.load(OrgUnit, unit_id, "org unit")
        incident = self.load(Incident, incident_id, "incident")
        if str(incident_id) not in unit.wars:
            covering = [s for s in self.mode_of(unit_id).switches if s["incident_id"] == incident_id]
            require(not covering, InWarThroughAncestor,
                    f"{unit.name} is in war for this incident through {covering[0]['unit'] if covering else ''}: "
                    f"stand down {covering[0]['unit'] if covering else ''} to return its whole subtree to peace",
                    unit=unit.name, stand_down=covering[0]["unit"] if covering else None,
                    stand_down_id=covering[0]["unit_id"] if covering else None,
                    zh=f"{unit.name}随上级{covering[0]['unit'] if covering else ''}处于战时：须由"
                       f"{covering[0]['unit'] if covering else ''}恢复平时，其整个辖区才回到平时")
        unit.stand_down(incident_id)
        noted = incident.record_stand_down(unit.id)
        return self.commit(unit, *([incident] if noted else []), result=unit.id)
