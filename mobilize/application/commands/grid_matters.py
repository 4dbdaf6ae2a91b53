"""Commands on what the grid resolves: residents' requests (诉求), hazards (隐患), small wishes (微心愿)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from mobilize.application.queries import Queries
from mobilize.application.service import command
from mobilize.domain.base import current_context
from mobilize.domain.hazard import Hazard
from mobilize.domain.household import Household
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.resident_request import LEVELS, ResidentRequest
from mobilize.domain.small_wish import SmallWish
from mobilize.domain.visit import Visit


class GridMatterCommands(Queries):
    """Register, assign, escalate and resolve requests; find and rectify hazards; fulfil small wishes."""

    @command
    def register_request(self, visit_id: UUID, category: str, summary: str, due_at: datetime) -> UUID:
        """Register a resident's request raised on a visit or a walk-in."""
        visit = self.load(Visit, visit_id, "visit")
        household = self.load(Household, visit.household_id, "household") if visit.household_id else None
        return self.commit(ResidentRequest.register(visit, category, summary, due_at, household))

    @command
    def assign_request(self, request_id: UUID, person_id: UUID) -> UUID:
        """Put a person in charge of a request."""
        request = self.load(ResidentRequest, request_id, "request")
        request.assign(self.load(Person, person_id, "person"))
        return self.commit(request)

    @command
    def escalate_request(self, request_id: UUID, due_at: datetime | None = None) -> UUID:
        """Hand a request up to the community, or from there to the street; the command's reason says why."""
        request = self.load(ResidentRequest, request_id, "request")
        request.require_open()
        to_level = LEVELS[min(LEVELS.index(request.level) + 1, len(LEVELS) - 1)]
        above = [u for u in self.ancestry(request.unit_id)[1:] if u.kind == to_level]
        target = above[0] if above else self.load(OrgUnit, request.unit_id, "org unit")
        request.escalate(target, current_context.get().reason, due_at)
        return self.commit(request)

    @command
    def resolve_request(self, request_id: UUID, resolver_id: UUID | None, resolution: str) -> UUID:
        """Resolve a request: who resolved it, and how."""
        request = self.load(ResidentRequest, request_id, "request")
        resolver = self.load(Person, resolver_id, "person") if resolver_id else None
        request.resolve(resolver, resolution)
        return self.commit(request)

    @command
    def report_hazard(self, grid_id: UUID, kind: str, location: str, finder_id: UUID, description: str = "") -> UUID:
        """Record a hazard found in a sweep."""
        grid = self.load(OrgUnit, grid_id, "grid")
        return self.commit(Hazard.find(grid, kind, location, description, self.load(Person, finder_id, "person")))

    @command
    def order_rectification(self, hazard_id: UUID, responsible_id: UUID, deadline: datetime) -> UUID:
        """Order a hazard rectified: who is responsible, by when."""
        hazard = self.load(Hazard, hazard_id, "hazard")
        hazard.order_rectification(self.load(Person, responsible_id, "person"), deadline)
        return self.commit(hazard)

    @command
    def rectify_hazard(self, hazard_id: UUID, rectifier_id: UUID, note: str = "") -> UUID:
        """Record a hazard put right, and by whom."""
        hazard = self.load(Hazard, hazard_id, "hazard")
        hazard.rectify(self.load(Person, rectifier_id, "person"), note)
        return self.commit(hazard)

    @command
    def verify_hazard(self, hazard_id: UUID, verifier_id: UUID, passed: bool = True) -> UUID:
        """Check a rectification (someone other than the rectifier); a failed check orders it again."""
        hazard = self.load(Hazard, hazard_id, "hazard")
        hazard.verify(self.load(Person, verifier_id, "person"), passed)
        return self.commit(hazard)

    @command
    def register_wish(self, grid_id: UUID, wish: str, household_id: UUID | None = None) -> UUID:
        """Register a resident's small wish."""
        grid = self.load(OrgUnit, grid_id, "grid")
        household = self.load(Household, household_id, "household") if household_id else None
        return self.commit(SmallWish.register(grid, household, wish))

    @command
    def claim_wish(self, wish_id: UUID, member_id: UUID | None = None, unit: str | None = None) -> UUID:
        """A member or a co-building unit claims a small wish."""
        wish = self.load(SmallWish, wish_id, "small wish")
        wish.claim(self.load(Person, member_id, "person") if member_id else None, unit)
        return self.commit(wish)

    @command
    def fulfil_wish(self, wish_id: UUID, note: str = "") -> UUID:
        """Record a small wish fulfilled by its claimant."""
        wish = self.load(SmallWish, wish_id, "small wish")
        wish.fulfil(note)
        return self.commit(wish)
