"""Residents' requests (诉求): registered in the grid, resolved there or escalated community → street."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, aware, now, require
from mobilize.domain.household import Household
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.personal import declare
from mobilize.domain.visit import Visit
from mobilize.domain.vocabulary import RequestCategory, names, zh

CATEGORIES = names(RequestCategory)
LEVELS = ("grid", "community", "street")
"""Where a request is handled: "problems do not leave the grid" (问题不出网格) unless they must."""


class RequestNotOpen(RuleViolated):
    """Raised when a resolved request is assigned, escalated or resolved again."""

    rule = "request_not_open"


class ResidentRequest(MobilizeAggregate):
    """A resident's request: categorised, assigned, due; each step says who and why."""

    withdrawn_reason: str | None = None
    """Why the request was closed without being resolved (its household's personal data was erased), if it was."""

    @event("Registered")
    def __init__(self, grid_id: UUID, visit_id: UUID, household_id: UUID | None, category: str, summary: str,
                 due_at: datetime) -> None:
        self.grid_id = grid_id
        self.visit_id = visit_id
        self.household_id = household_id
        self.category = category
        self.summary = summary
        self.due_at = due_at
        self.level = "grid"
        self.unit_id = grid_id
        self.assignee_id: UUID | None = None
        self.resolved = False

    @classmethod
    def register(cls, visit: Visit, category: str, summary: str, due_at: datetime,
                 household: Household | None = None) -> ResidentRequest:
        """Register a request raised on a visit or by a resident walking in (the visit records which); the
        visit's household, if it names one, is given too: none is registered once its data was erased."""
        assert (household.id if household else None) == visit.household_id, "the household given is the visit's"
        require(category in CATEGORIES, InvalidCommand, f"category must be one of {', '.join(CATEGORIES)}",
                field="category")
        require(bool(summary.strip()), InvalidCommand, "a request needs a summary of what is asked", field="summary")
        due = aware(due_at, "due_at")
        require(due > now(), InvalidCommand, "the due time must lie after the request is registered", field="due_at")
        if household is not None:
            household.require_not_erased()
        return cls(visit.grid_id, visit.id, visit.household_id, category, summary.strip(), due)

    def require_open(self) -> None:
        """Refuse unless the request is still open (neither resolved nor withdrawn)."""
        require(self.withdrawn_reason is None, RequestNotOpen, f"the request was withdrawn: {self.withdrawn_reason}",
                request_id=self.id, zh=f"该诉求已撤销：{zh(self.withdrawn_reason)}")
        require(not self.resolved, RequestNotOpen, "the request is resolved already", request_id=self.id,
                zh="该诉求已办结")

    @property
    def open(self) -> bool:
        """Whether the request still waits for its resolution."""
        return not self.resolved and self.withdrawn_reason is None

    def withdraw(self, reason: str) -> None:
        """Close the request unresolved (its household's personal data is being erased: no resolution could be
        recorded any more); nothing is recorded if it is closed already."""
        if self.open:
            self._withdraw(why=reason)

    @event("Withdrawn")
    def _withdraw(self, why: str) -> None:  # `reason` is the command's own, on every event
        self.withdrawn_reason = why

    def assign(self, person: Person) -> None:
        """Put a person in charge of the request at its current level."""
        self.require_open()
        person.require_ready()
        require(person.id != self.assignee_id, RuleViolated, f"{person.name} already has this request",
                person=person.name, zh=f"{person.name}已负责此诉求")
        self._assign(assignee_id=person.id, level=self.level)

    @event("Assigned")
    def _assign(self, assignee_id: UUID, level: str) -> None:
        self.assignee_id = assignee_id

    def escalate(self, unit: OrgUnit, reason: str | None, due_at: datetime | None) -> None:
        """Hand the request up one level (grid → community → street), saying why; the new level assigns anew."""
        self.require_open()
        require(self.level != "street", RuleViolated, "the request is at the street already: nowhere higher to go",
                level=self.level, zh="诉求已在街道层级：无法再上报")
        to_level = LEVELS[LEVELS.index(self.level) + 1]
        require(unit.kind == to_level, InvalidCommand, f"a request at the {self.level} goes up to a {to_level}",
                unit=unit.name, kind=unit.kind)
        require(bool(reason and reason.strip()), InvalidCommand, "escalating a request needs a reason: why it "
                "cannot be resolved in the grid", field="reason")
        due = aware(due_at, "due_at") if due_at is not None else self.due_at
        self._escalate(from_level=self.level, to_level=to_level, unit_id=unit.id, due_at=due)

    @event("Escalated")
    def _escalate(self, from_level: str, to_level: str, unit_id: UUID, due_at: datetime) -> None:
        self.level, self.unit_id, self.due_at, self.assignee_id = to_level, unit_id, due_at, None

    def resolve(self, resolver: Person | None, resolution: str) -> None:
        """Resolve the request: someone did it (never nobody), and says how."""
        self.require_open()
        require(resolver is not None, InvalidCommand, "a request is resolved by someone: name who resolved it",
                field="resolver_id")
        assert resolver is not None
        require(bool(resolution.strip()), InvalidCommand, "say how the request was resolved", field="resolution")
        self._resolve(resolver_id=resolver.id, level=self.level, resolution=resolution.strip(),
                      overdue=now() > self.due_at)

    @event("Resolved")
    def _resolve(self, resolver_id: UUID, level: str, resolution: str, overdue: bool) -> None:
        self.resolved = True

    def overdue(self, at: datetime) -> bool:
        """Whether the request is still open past its due time."""
        return self.open and at > self.due_at


# Personal data (ADR 0015): sealed in the store under the record's own key, left out of viewers' frames and the
# Kafka topic; a household's address and care flags, and the free text about its circumstances.
declare(getattr(ResidentRequest, "Registered"), "summary")  # noqa: B009 - the class is made by @event; mypy cannot see it
declare(getattr(ResidentRequest, "Resolved"), "resolution")  # noqa: B009 - the class is made by @event; mypy cannot see it
