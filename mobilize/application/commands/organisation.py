"""Commands on the organisation tree and its peace/war mode, and the mode query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import require
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import AlreadyInWar, OrgUnit, WartimePolicy
from mobilize.domain.person import Person


@dataclass(frozen=True)
class Mode:
    """A unit's mode: war if any switch on it or an ancestor is active, with the strictest policy."""

    unit_id: UUID
    switches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> str:
        """'war' or 'peace'."""
        return "war" if self.switches else "peace"

    @property
    def policy(self) -> WartimePolicy | None:
        """The wartime policy in force, or None in peace."""
        policies = [WartimePolicy(s["max_shift_hours"], s["min_rest_hours"]) for s in self.switches]
        if not policies:
            return None
        strictest = policies[0]
        for policy in policies[1:]:
            strictest = strictest.strictest(policy)
        return strictest


class OrganisationCommands(CommandService):
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
    def switch_to_war(self, unit_id: UUID, incident_id: UUID, working_groups: list[str],
                      max_shift_hours: float, min_rest_hours: float) -> UUID:
        """Switch a unit and everything under it to war for an incident (平战转换)."""
        policy = WartimePolicy(max_shift_hours, min_rest_hours)
        unit = self.load(OrgUnit, unit_id, "org unit")
        incident = self.load(Incident, incident_id, "incident")
        incident.require_open()
        covering = [s for s in self.mode_of(unit_id).switches if s["incident_id"] == incident_id]
        require(not covering or covering[0]["unit_id"] == unit_id, AlreadyInWar,
                f"{unit.name} is already in war for this incident through {covering[0]['unit'] if covering else ''}",
                unit=unit.name, covered_by=covering[0]["unit"] if covering else None)
        unit.switch_to_war(incident_id, incident.exercise, working_groups, policy)
        return self.commit(unit)

    @command
    def stand_down(self, unit_id: UUID, incident_id: UUID) -> UUID:
        """Return a unit and its subtree to peace for an incident."""
        unit = self.load(OrgUnit, unit_id, "org unit")
        unit.stand_down(incident_id)
        return self.commit(unit)

    def ancestry(self, unit_id: UUID) -> list[OrgUnit]:
        """The unit and its ancestors, nearest first."""
        chain = [self.load(OrgUnit, unit_id, "org unit")]
        while chain[-1].parent_id is not None:
            chain.append(self.load(OrgUnit, chain[-1].parent_id, "org unit"))
        return chain

    def mode_of(self, unit_id: UUID) -> Mode:
        """Whether a unit is in peace or war, and through which switches."""
        switches = [
            {**war, "unit_id": unit.id, "unit": unit.name}
            for unit in self.ancestry(unit_id)
            for war in unit.wars.values()
        ]
        return Mode(unit_id, switches)
