"""The organisation tree (street/town → community/union → grid → building) and each unit's mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import (
    InvalidCommand,
    MobilizeAggregate,
    RuleViolated,
    now,
    require,
)
from mobilize.domain.vocabulary import LeaderSeat, UnitKind, names

KINDS = names(UnitKind)
"""Unit kinds from the top down: 街道/镇, 社区/联社/村, 网格, 楼栋/责任区."""

LEADER_SEATS = names(LeaderSeat)
"""The dual grid leaders (双网格长): a street cadre and the local cooperative head."""

MAX_GRID_LEVEL = 3


@dataclass(frozen=True)
class DutyPolicy:
    """Limits on duty: the longest shift and the shortest rest between shifts, in war or in peace."""

    max_shift_hours: float
    min_rest_hours: float
    mode: str = "war"

    def __post_init__(self) -> None:
        require(0 < self.max_shift_hours <= 24, InvalidCommand,
                "longest shift must be between 0 and 24 hours", max_shift_hours=self.max_shift_hours)
        require(0 <= self.min_rest_hours <= 48, InvalidCommand,
                "shortest rest must be between 0 and 48 hours", min_rest_hours=self.min_rest_hours)

    def strictest(self, other: DutyPolicy) -> DutyPolicy:
        """The policy that holds when two switches (or two units' peace policies) cover the same unit."""
        return DutyPolicy(min(self.max_shift_hours, other.max_shift_hours),
                          max(self.min_rest_hours, other.min_rest_hours), self.mode)


WartimePolicy = DutyPolicy
"""The policy a switch to war sets (the name the war half has always used)."""

DEFAULT_PEACE_POLICY = DutyPolicy(12, 11, "peace")
"""The peace-time limits where no unit above has set its own: a 12-hour day at most and 11 hours of rest (a
night's sleep and the way to and from it); a street or grid sets stricter or looser ones for its subtree."""


class AlreadyInWar(RuleViolated):
    """Raised when a unit is switched to war for an incident it is already in war for."""

    rule = "already_in_war"


class OutsideIncidentScope(RuleViolated):
    """Raised when a unit is switched to war for an incident whose scope does not cover it."""

    rule = "outside_incident_scope"


class InWarThroughAncestor(RuleViolated):
    """Raised when a unit in war only through an ancestor's switch is stood down on its own."""

    rule = "in_war_through_ancestor"


class OrgUnit(MobilizeAggregate):
    """One node of the tree; a committee can switch it, and so its subtree, to war (平战转换)."""

    @event("Established")
    def __init__(self, name: str, kind: str, parent_id: UUID | None, grid_level: int | None) -> None:
        self.name = name
        self.kind = kind
        self.parent_id = parent_id
        self.grid_level = grid_level
        self.leaders: dict[str, UUID] = {}
        self.wars: dict[str, dict[str, Any]] = {}
        self.peace_policy: DutyPolicy | None = None

    @classmethod
    def establish(cls, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
        """Establish a unit under `parent`; the depth of the tree is data, not code."""
        require(bool(name.strip()), InvalidCommand, "a unit needs a name", field="name")
        require(kind in KINDS, InvalidCommand, f"unit kind must be one of {', '.join(KINDS)}", kind=kind)
        if parent is None:
            require(kind == "street", InvalidCommand, "only a street or town stands at the root", kind=kind)
            return cls(name.strip(), kind, None, None)
        require(KINDS.index(kind) >= KINDS.index(parent.kind) and parent.kind != "building",
                InvalidCommand, f"a {kind} cannot sit under a {parent.kind}",
                kind=kind, parent_kind=parent.kind, parent=parent.name)
        require(kind != "street", InvalidCommand, "a street or town stands only at the root", kind=kind)
        require(kind == "grid" or kind != parent.kind, InvalidCommand,
                f"a {kind} cannot sit under another {kind}", kind=kind)
        level = None
        if kind == "grid":
            level = (parent.grid_level or 0) + 1
            require(level <= MAX_GRID_LEVEL, InvalidCommand, "grids nest at most three levels deep",
                    parent=parent.name, level=level)
        return cls(name.strip(), kind, parent.id, level)

    def appoint_leader(self, seat: str, person_id: UUID) -> None:
        """Seat one of the grid's dual leaders."""
        require(self.kind == "grid", RuleViolated, "only a grid has dual leaders", unit=self.name, kind=self.kind,
                zh="只有网格设双网格长")
        require(seat in LEADER_SEATS, InvalidCommand, f"leader seat must be one of {', '.join(LEADER_SEATS)}",
                seat=seat)
        require(self.leaders.get(seat) != person_id, RuleViolated, "this person already holds that seat",
                unit=self.name, seat=seat, zh="此人已担任该职务")
        self._appoint_leader(seat=seat, person_id=person_id)

    @event("LeaderAppointed")
    def _appoint_leader(self, seat: str, person_id: UUID) -> None:
        self.leaders[seat] = person_id

    def set_peace_policy(self, policy: DutyPolicy) -> None:
        """Set the limits on duty in peace for this unit's subtree (the strictest along the tree holds)."""
        require(policy != self.peace_policy, RuleViolated, f"{self.name} already has that peace-time policy",
                unit=self.name, zh=f"{self.name}已是该平时规则")
        self._set_peace_policy(max_shift_hours=policy.max_shift_hours, min_rest_hours=policy.min_rest_hours)

    @event("PeacePolicySet")
    def _set_peace_policy(self, max_shift_hours: float, min_rest_hours: float) -> None:
        self.peace_policy = DutyPolicy(max_shift_hours, min_rest_hours, "peace")

    def switch_to_war(self, incident_id: UUID, exercise: bool, working_groups: list[str],
                      policy: WartimePolicy) -> None:
        """Switch this unit and its subtree to war for an incident, activating working groups."""
        require(str(incident_id) not in self.wars, AlreadyInWar,
                "this unit is already in war for that incident", unit=self.name, incident_id=incident_id,
                zh="该单位已因此事件转入战时")
        groups = [g.strip() for g in working_groups if g.strip()]
        require(len(groups) == len(set(groups)), InvalidCommand, "working groups are named twice",
                working_groups=working_groups)
        self._switch_to_war(incident_id=incident_id, exercise=exercise, working_groups=groups,
                            max_shift_hours=policy.max_shift_hours, min_rest_hours=policy.min_rest_hours, since=now())

    @event("SwitchedToWar")
    def _switch_to_war(self, incident_id: UUID, exercise: bool, working_groups: list[str],
                       max_shift_hours: float, min_rest_hours: float, since: datetime) -> None:
        self.wars[str(incident_id)] = {
            "incident_id": incident_id, "exercise": exercise, "working_groups": working_groups,
            "max_shift_hours": max_shift_hours, "min_rest_hours": min_rest_hours, "since": since,
        }

    def stand_down(self, incident_id: UUID) -> None:
        """Return this unit to peace for an incident it was switched to war for."""
        require(str(incident_id) in self.wars, RuleViolated,
                "this unit is not in war for that incident", unit=self.name, incident_id=incident_id,
                zh="该单位并未因此事件处于战时")
        self._stand_down(incident_id=incident_id)

    @event("StoodDown")
    def _stand_down(self, incident_id: UUID) -> None:
        del self.wars[str(incident_id)]
