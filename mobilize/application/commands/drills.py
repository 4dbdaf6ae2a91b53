"""Commands of drills (应急演练): call a scope up to a muster point, check people in, end the call-up."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.queries import Queries
from mobilize.application.service import command
from mobilize.domain.base import NotFound, require
from mobilize.domain.drill import AlreadyMustered, DrillCallUp, Muster, OutsideDrillScope
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person


class DrillCommands(Queries):
    """Drill call-ups and musters; task forces are called up by dispatch to the drill, as in war."""

    @command
    def call_up_drill(self, incident_id: UUID, unit_id: UUID, muster_point: str) -> UUID:
        """Call everyone in a unit's subtree up to a muster point for a drill; the muster clock starts."""
        incident = self.load(Incident, incident_id, "incident")
        scope = self.load(OrgUnit, unit_id, "org unit")
        require(self.within(scope.id, incident.scope_unit_id), OutsideDrillScope,
                f"{scope.name} lies outside the drill's scope", unit=scope.name, zh=f"{scope.name}不在演练范围内")
        return self.commit(DrillCallUp.issue(incident, scope, muster_point))

    @command
    def muster(self, call_up_id: UUID, person_id: UUID) -> UUID:
        """A person checks in at the drill's muster point."""
        call_up = self.load(DrillCallUp, call_up_id, "drill call-up")
        person = self.load(Person, person_id, "person")
        person.require_ready()
        home = person.home_grid_id
        in_scope = home is not None and self.within(home, call_up.scope_unit_id)
        try:
            self.load(Muster, Muster.create_id(call_up.id, person.id), "muster")
        except NotFound:  # the normal case; two first check-ins collide on the id, and the second is refused
            return self.commit(Muster.check_in(call_up, person, in_scope))
        raise AlreadyMustered(f"{person.name} has checked in for this call-up already", person=person.name,
                              zh=f"{person.name}已为本次集结报到")

    @command
    def end_call_up(self, call_up_id: UUID) -> UUID:
        """End a drill call-up: later check-ins do not count."""
        call_up = self.load(DrillCallUp, call_up_id, "drill call-up")
        call_up.end()
        return self.commit(call_up)
