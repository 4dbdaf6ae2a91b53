"""What commands and the API's scope checks ask of the write side: a unit's mode, its ancestry, whose subtree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from mobilize.application.service import CommandService
from mobilize.domain.base import MobilizeAggregate, NotFound
from mobilize.domain.dispatch import Dispatch
from mobilize.domain.drill import DrillCallUp, Muster
from mobilize.domain.hazard import Hazard
from mobilize.domain.household import Household
from mobilize.domain.incident import Incident
from mobilize.domain.notification import Inbox
from mobilize.domain.organisation import DEFAULT_PEACE_POLICY, DutyPolicy, OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.resident_request import ResidentRequest
from mobilize.domain.shift import Shift
from mobilize.domain.small_wish import SmallWish
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite
from mobilize.domain.visit import Visit, VisitPlan


@dataclass(frozen=True)
class Mode:
    """A unit's mode: war if any switch on it or an ancestor is active, with the strictest policy."""

    unit_id: UUID
    switches: list[dict[str, Any]] = field(default_factory=list)
    peace_policies: list[DutyPolicy] = field(default_factory=list)
    """The peace-time policies set on the unit and its ancestors."""

    @property
    def state(self) -> str:
        """'war' or 'peace'."""
        return "war" if self.switches else "peace"

    @property
    def policy(self) -> DutyPolicy:
        """The duty policy in force: the strictest wartime one in war, the strictest peace-time one in peace."""
        policies = [DutyPolicy(s["max_shift_hours"], s["min_rest_hours"]) for s in self.switches]
        if not policies:
            policies = self.peace_policies or [DEFAULT_PEACE_POLICY]
        strictest = policies[0]
        for policy in policies[1:]:
            strictest = strictest.strictest(policy)
        return strictest


class Queries(CommandService):
    """Lookups over the aggregates, read through the same repository (and cache) as the commands."""

    def ancestry(self, unit_id: UUID) -> list[OrgUnit]:
        """The unit and its ancestors, nearest first."""
        chain = [self.load(OrgUnit, unit_id, "org unit")]
        while chain[-1].parent_id is not None:
            chain.append(self.load(OrgUnit, chain[-1].parent_id, "org unit"))
        return chain

    def mode_of(self, unit_id: UUID) -> Mode:
        """Whether a unit is in peace or war, and through which switches."""
        ancestry = self.ancestry(unit_id)
        switches = [{**war, "unit_id": unit.id, "unit": unit.name} for unit in ancestry for war in unit.wars.values()]
        return Mode(unit_id, switches, [unit.peace_policy for unit in ancestry if unit.peace_policy is not None])

    def unit_of(self, aggregate_id: UUID) -> UUID:
        """The org unit a record sits under: the unit itself, a home grid, a grid's record, an incident's scope.

        A record never leaves its unit (reads and the stream remember where a record sits): a resident's request
        stays its grid's record when it is escalated; who may change it then is `handling_unit`'s answer.
        """
        record = self.load(MobilizeAggregate, aggregate_id, "record")
        if isinstance(record, OrgUnit):
            return record.id
        if isinstance(record, (TestingSite, Shift, Household, VisitPlan, Visit, Hazard, SmallWish, ResidentRequest)):
            return record.grid_id
        if isinstance(record, TaskForce):
            return record.unit_id
        if isinstance(record, (Incident, DrillCallUp)):
            return record.scope_unit_id
        if isinstance(record, Muster):
            return record.grid_id or self.unit_of(record.call_up_id)
        if isinstance(record, Dispatch):
            return self.unit_of(record.site_id or record.incident_id)
        if isinstance(record, Person) and record.home_grid_id is not None:
            return record.home_grid_id
        if isinstance(record, Inbox):  # a person's pages are their home grid's, as the board is
            return self.unit_of(record.person_id)
        raise NotFound(f"record {aggregate_id} belongs to no org unit", id=aggregate_id)

    def handling_unit(self, request_id: UUID) -> UUID:
        """The unit handling a resident's request now: its grid, or once escalated the community or the street,
        whose alone commands on it are (the scope a command on the request is checked against)."""
        return self.load(ResidentRequest, request_id, "request").unit_id

    def within(self, unit_id: UUID, scope_unit_id: UUID) -> bool:
        """Whether `unit_id` lies in the subtree of `scope_unit_id`."""
        return any(unit.id == scope_unit_id for unit in self.ancestry(unit_id))
