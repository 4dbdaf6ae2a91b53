"""Small wishes (微心愿): a resident's small wish, claimed by a member or a co-building unit, fulfilled."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, require
from mobilize.domain.household import Household
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.personal import declare
from mobilize.domain.vocabulary import zh


class WishStateRefused(RuleViolated):
    """Raised when a wish is claimed twice, or fulfilled before it is claimed or after it was."""

    rule = "wish_transition"


class SmallWish(MobilizeAggregate):
    """A small wish of a household of a grid (Lanzhou fulfilled 6,480)."""

    @event("Registered")
    def __init__(self, grid_id: UUID, household_id: UUID | None, wish: str) -> None:
        self.grid_id = grid_id
        self.household_id = household_id
        self.wish = wish
        self.state = "open"
        self.claimant: str | None = None

    @classmethod
    def register(cls, grid: OrgUnit, household: Household | None, wish: str) -> SmallWish:
        """Register a wish (a wheelchair, a school bag, a ride to the clinic) of a grid, of one of its households."""
        require(grid.kind == "grid", InvalidCommand, f"{grid.name} is a {grid.kind}; small wishes are a grid's",
                field="grid_id")
        require(household is None or household.grid_id == grid.id, InvalidCommand,
                f"the household is not in {grid.name}", field="household_id")
        require(bool(wish.strip()), InvalidCommand, "say what the wish is", field="wish")
        if household is not None:
            household.require_not_erased()
        return cls(grid.id, household.id if household else None, wish.strip())

    def claim(self, member: Person | None, unit: str | None) -> None:
        """A party member or a co-building unit (共建单位) takes the wish on: exactly one of the two."""
        require(self.state == "open", WishStateRefused, f"the wish is {self.state} already", state=self.state,
                zh=f"该微心愿{zh(self.state)}")
        unit = (unit or "").strip() or None
        require((member is None) != (unit is None), InvalidCommand,
                "a wish is claimed by a member or by a unit: name exactly one", field="member_id")
        self._claim(member_id=member.id if member else None, unit=unit,
                    claimant=member.name if member else str(unit))

    @event("Claimed")
    def _claim(self, member_id: UUID | None, unit: str | None, claimant: str) -> None:
        self.state, self.claimant = "claimed", claimant

    def fulfil(self, note: str) -> None:
        """The claimant fulfilled the wish."""
        require(self.state == "claimed", WishStateRefused,
                "only a claimed wish is fulfilled" if self.state == "open" else f"the wish is {self.state} already",
                state=self.state,
                zh=("只有已认领的微心愿才能标记为已实现" if self.state == "open" else f"该微心愿{zh(self.state)}"))
        self._fulfil(claimant=self.claimant, note=note.strip())

    @event("Fulfilled")
    def _fulfil(self, claimant: str | None, note: str) -> None:
        self.state = "fulfilled"

    def withdraw(self, reason: str) -> None:
        """Close an open or claimed wish unfulfilled (its household's personal data is being erased: no note could
        be recorded any more); nothing is recorded once it is fulfilled or withdrawn."""
        if self.state in ("open", "claimed"):
            self._withdraw(why=reason)

    @event("Withdrawn")
    def _withdraw(self, why: str) -> None:  # `reason` is the command's own, on every event
        self.state = "withdrawn"


# Personal data (ADR 0015): sealed in the store under the record's own key, left out of viewers' frames and the
# Kafka topic; a household's address and care flags, and the free text about its circumstances.
declare(getattr(SmallWish, "Registered"), "wish")  # noqa: B009 - the class is made by @event; mypy cannot see it
declare(getattr(SmallWish, "Fulfilled"), "note")  # noqa: B009 - the class is made by @event; mypy cannot see it
