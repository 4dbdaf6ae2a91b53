"""Households (住户) of a grid, kept to what the grid's visits need: where, and the care they call for."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, MobilizeAggregate, RuleViolated, require
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.personal import ERASED, PersonalDataErased, declare
from mobilize.domain.vocabulary import CareFlag, names

CARE_FLAGS = names(CareFlag)
"""独居老人, 低收入, 残疾, 特殊关爱: personal data (the envelope's PERSONAL fields), masked in feeds."""


class Household(MobilizeAggregate):
    """A household the grid visits; `address` and `care_flags` are personal data and no more is kept."""

    erased = False
    """Whether the household's personal data was erased (its key, and its visits', requests' and wishes' keys,
    destroyed); the household stays, by id, in its grid's record of work."""

    @event("Registered")
    def __init__(self, grid_id: UUID, building_id: UUID | None, address: str, care_flags: list[str]) -> None:
        self.grid_id = grid_id
        self.building_id = building_id
        self.address = address
        self.care_flags = care_flags

    @classmethod
    def register(cls, grid: OrgUnit, building: OrgUnit | None, address: str, care_flags: list[str]) -> Household:
        """Register a household in a grid, in one of its buildings if given."""
        require(grid.kind == "grid", InvalidCommand, f"{grid.name} is a {grid.kind}; households sit in a grid",
                field="grid_id")
        require(building is None or (building.kind == "building" and building.parent_id == grid.id), InvalidCommand,
                f"{building.name if building else ''} is not a building of {grid.name}", field="building_id")
        require(bool(address.strip()), InvalidCommand, "a household needs an address", field="address")
        return cls(grid.id, building.id if building else None, address.strip(), _flags(care_flags))

    def flag(self, care_flags: list[str]) -> None:
        """Replace the household's care flags (a resident now lives alone, a low-income status ends)."""
        self.require_not_erased()
        flags = _flags(care_flags)
        require(flags != self.care_flags, RuleViolated, "the household already has those care flags",
                zh="该住户已有这些关怀标记")
        self._flag(care_flags=flags)

    @event("CareFlagsChanged")
    def _flag(self, care_flags: list[str]) -> None:
        self.care_flags = care_flags

    def erase_personal_data(self) -> None:
        """Erase the household's address and care flags (the application destroys the keys of the household and
        of every record naming it); nothing is recorded when they were erased already."""
        if not self.erased:
            self._erase()

    @event("PersonalDataErased")
    def _erase(self) -> None:
        self.erased = True
        for name in ("address", "care_flags"):
            setattr(self, name, ERASED)

    def require_not_erased(self) -> None:
        """Refuse to record anything more about the household once its personal data was erased."""
        require(not self.erased, PersonalDataErased, "the household's personal data was erased: nothing more is "
                "recorded about it (no care flags, visits, requests or small wishes)", household_id=self.id,
                zh="该住户的个人信息已被删除：不能再为其记录关怀标记、走访、诉求或微心愿")


def _flags(care_flags: list[str]) -> list[str]:
    unknown = [f for f in care_flags if f not in CARE_FLAGS]
    require(not unknown, InvalidCommand, f"care flags must be among {', '.join(CARE_FLAGS)}", care_flags=unknown)
    return sorted(set(care_flags))


# Personal data (ADR 0015): sealed in the store under the record's own key, left out of viewers' frames and the
# Kafka topic; a household's address and care flags, and the free text about its circumstances.
declare(getattr(Household, "Registered"), "address", "care_flags")  # noqa: B009 - the class is made by @event; mypy cannot see it
declare(getattr(Household, "CareFlagsChanged"), "care_flags")  # noqa: B009 - the class is made by @event; mypy cannot see it
