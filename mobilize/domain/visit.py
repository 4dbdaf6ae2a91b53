"""The grid action day (网格行动日): who visits which households, and the visits themselves."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, require
from mobilize.domain.household import Household
from mobilize.domain.person import Person
from mobilize.domain.personal import declare
from mobilize.domain.vocabulary import VisitKind, VisitOutcome, names

KINDS = names(VisitKind)
OUTCOMES = names(VisitOutcome)
PLAN_NAMESPACE = uuid5(NAMESPACE_URL, "mobilize:visit-plan")


class OutsideVisitorsGrid(RuleViolated):
    """Raised when a visit reaches a household outside a visitor's grid with neither the plan nor an order."""

    rule = "visit_outside_grid"


class VisitPlan(MobilizeAggregate):
    """One grid's plan for one action day: who visits which households (定时走访)."""

    @staticmethod
    def create_id(grid_id: UUID, day: str) -> UUID:
        """A grid has one plan a day: its id follows from the grid and the day (ISO date)."""
        return uuid5(PLAN_NAMESPACE, f"{grid_id}/{day}")

    @event("Drawn")
    def __init__(self, grid_id: UUID, day: str, theme: str) -> None:
        self.grid_id = grid_id
        self.day = day
        self.theme = theme
        self.assignments: dict[str, list[UUID]] = {}

    @classmethod
    def draw(cls, grid_id: UUID, day: date, theme: str) -> VisitPlan:
        """Draw the action day's plan; themes rotate (epidemic prevention, environment, work safety, visits)."""
        return cls(grid_id, day.isoformat(), theme.strip())

    def assign(self, household: Household, visitors: list[Person]) -> None:
        """Plan who visits a household of the grid that day."""
        require(household.grid_id == self.grid_id, InvalidCommand, "the household is not in this plan's grid",
                household_id=household.id, grid_id=self.grid_id)
        require(bool(visitors), InvalidCommand, "a planned visit needs at least one visitor", field="visitor_ids")
        household.require_not_erased()
        for person in visitors:
            person.require_ready()
        self._assign(household_id=household.id, visitor_ids=[p.id for p in visitors])

    @event("HouseholdAssigned")
    def _assign(self, household_id: UUID, visitor_ids: list[UUID]) -> None:
        self.assignments[str(household_id)] = visitor_ids

    def orders(self, household_id: UUID, visitor_id: UUID) -> bool:
        """Whether the plan sends this visitor to this household."""
        return visitor_id in self.assignments.get(str(household_id), [])


class Visit(MobilizeAggregate):
    """A visit to a household, or a resident received (随时接访): who went, what came of it, what follows."""

    @event("Recorded")
    def __init__(self, grid_id: UUID, household_id: UUID | None, kind: str, visitor_ids: list[UUID],
                 plan_id: UUID | None, outcome: str, observations: str, follow_up: str | None,
                 outside_grid_order: str | None) -> None:
        self.grid_id = grid_id
        self.household_id = household_id
        self.kind = kind
        self.visitor_ids = visitor_ids
        self.plan_id = plan_id
        self.outcome = outcome
        self.follow_up = follow_up

    @classmethod
    def record(cls, grid_id: UUID, household: Household | None, kind: str, visitors: list[Person],
               plan: VisitPlan | None, outcome: str, observations: str = "", follow_up: str | None = None,
               outside_grid_order: str | None = None) -> Visit:
        """Record a visit; a visitor from another grid goes on the plan's order or on one named here."""
        require(kind in KINDS, InvalidCommand, f"visit kind must be one of {', '.join(KINDS)}", field="kind")
        require(outcome in OUTCOMES, InvalidCommand, f"outcome must be one of {', '.join(OUTCOMES)}", field="outcome")
        require(bool(visitors), InvalidCommand, "a visit needs at least one visitor: who went", field="visitor_ids")
        require(household is not None or kind == "walk_in", InvalidCommand,
                "only a walk-in may be recorded without a household", field="household_id")
        require(household is None or household.grid_id == grid_id, InvalidCommand,
                "the household is not in this grid", field="household_id")
        if household is not None:
            household.require_not_erased()
        require(kind != "scheduled" or (plan is not None and household is not None
                                        and str(household.id) in plan.assignments),
                RuleViolated, "a scheduled visit is one on the action day's plan; this household is not on it",
                household_id=household.id if household else None, zh="计划走访须在行动日计划内；该住户不在计划中")
        order = (outside_grid_order or "").strip() or None
        for person in visitors:
            planned = plan is not None and household is not None and plan.orders(household.id, person.id)
            require(person.home_grid_id == grid_id or planned or order is not None, OutsideVisitorsGrid,
                    f"{person.name} belongs to another grid: a visit here needs the plan or an order "
                    "(outside_grid_order: who ordered it and why)", person=person.name, grid_id=grid_id,
                    zh=f"{person.name}属于其他网格：在此走访需有计划或指令（outside_grid_order：谁下令、为何）")
        return cls(grid_id, household.id if household else None, kind, [p.id for p in visitors],
                   plan.id if plan else None, outcome, observations.strip(), (follow_up or "").strip() or None,
                   order)


# Personal data (ADR 0015): sealed in the store under the record's own key, left out of viewers' frames and the
# Kafka topic; a household's address and care flags, and the free text about its circumstances.
declare(getattr(Visit, "Recorded"), "observations", "follow_up", "outside_grid_order")  # noqa: B009 - the class is made by @event; mypy cannot see it
