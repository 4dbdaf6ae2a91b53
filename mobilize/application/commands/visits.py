"""Commands of the grid action day (网格行动日): households, the day's visit plan, visits."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from mobilize.application.queries import Queries
from mobilize.application.service import command
from mobilize.domain.base import InvalidCommand, NotFound, require
from mobilize.domain.household import Household
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.visit import Visit, VisitPlan


class VisitCommands(Queries):
    """Register households, plan who visits whom on the action day, record the visits."""

    @command
    def register_household(self, grid_id: UUID, address: str, building_id: UUID | None = None,
                           care_flags: list[str] | None = None) -> UUID:
        """Register a household of a grid, with the care flags its visits must know."""
        grid = self.load(OrgUnit, grid_id, "grid")
        building = self.load(OrgUnit, building_id, "building") if building_id else None
        return self.commit(Household.register(grid, building, address, care_flags or []))

    @command
    def flag_household(self, household_id: UUID, care_flags: list[str]) -> UUID:
        """Replace a household's care flags."""
        household = self.load(Household, household_id, "household")
        household.flag(care_flags)
        return self.commit(household)

    @command
    def plan_visits(self, grid_id: UUID, day: date, household_id: UUID, visitor_ids: list[UUID],
                    theme: str = "") -> UUID:
        """Plan who visits a household on a grid's action day (the day's plan is drawn with its first visit)."""
        grid = self.load(OrgUnit, grid_id, "grid")
        require(grid.kind == "grid", InvalidCommand, f"{grid.name} is a {grid.kind}; action days are a grid's",
                field="grid_id")
        plan = self._plan(grid.id, day, theme)
        plan.assign(self.load(Household, household_id, "household"), self._people(visitor_ids))
        return self.commit(plan)

    def _plan(self, grid_id: UUID, day: date, theme: str) -> VisitPlan:
        """The grid's plan for the day, drawn if this is its first entry (two first entries collide; one reruns)."""
        try:
            return self.load(VisitPlan, VisitPlan.create_id(grid_id, day.isoformat()), "visit plan")
        except NotFound:
            return VisitPlan.draw(grid_id, day, theme)

    def _people(self, person_ids: list[UUID]) -> list[Person]:
        require(len(set(person_ids)) == len(person_ids), InvalidCommand, "a person is named twice",
                field="visitor_ids")
        return [self.load(Person, person_id, "person") for person_id in person_ids]

    @command
    def record_visit(self, grid_id: UUID, kind: str, visitor_ids: list[UUID], outcome: str,
                     household_id: UUID | None = None, day: date | None = None, observations: str = "",
                     follow_up: str | None = None, outside_grid_order: str | None = None) -> UUID:
        """Record a visit (定时走访 on the day's plan, 适时下访) or a resident received (随时接访)."""
        grid = self.load(OrgUnit, grid_id, "grid")
        household = self.load(Household, household_id, "household") if household_id else None
        plan = None
        if day is not None:
            plan = self.load(VisitPlan, VisitPlan.create_id(grid.id, day.isoformat()), "visit plan")
        visit = Visit.record(grid.id, household, kind, self._people(visitor_ids), plan, outcome, observations,
                             follow_up, outside_grid_order)
        return self.commit(visit)
