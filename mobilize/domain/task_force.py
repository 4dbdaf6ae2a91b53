"""Party–mass emergency task forces (党群应急突击队) and their temporary party branches."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import InvalidCommand, RuleViolated, require
from mobilize.domain.dispatch import Dispatchable
from mobilize.domain.vocabulary import TaskForceTier, names

TIERS = names(TaskForceTier)
"""The 1+1+5+N model: one street team, one per union, five per cooperative grid, N in new organisations."""


class TaskForce(Dispatchable):
    """A task force formed under an org unit, with a leader, a flag and members."""

    @event("Formed")
    def __init__(self, name: str, tier: str, unit_id: UUID, leader_id: UUID, flag: str) -> None:
        self.name = name
        self.tier = tier
        self.unit_id = unit_id
        self.leader_id = leader_id
        self.flag = flag
        self.members: list[UUID] = [leader_id]
        self.branch: dict[str, object] | None = None
        self.disbanded = False

    @classmethod
    def form(cls, name: str, tier: str, unit_id: UUID, leader_id: UUID, flag: str) -> TaskForce:
        """Form a task force; the leader is its first member and it receives a flag (授旗)."""
        require(bool(name.strip()), InvalidCommand, "a task force needs a name", field="name")
        require(tier in TIERS, InvalidCommand, f"tier must be one of {', '.join(TIERS)}", tier=tier)
        require(bool(flag.strip()), InvalidCommand, "a task force receives a flag when formed", field="flag")
        return cls(name.strip(), tier, unit_id, leader_id, flag.strip())

    def require_ready(self) -> None:
        """Refuse unless the task force still stands."""
        require(not self.disbanded, RuleViolated, f"task force {self.name} is disbanded", task_force=self.name,
                zh=f"突击队{self.name}已解散")

    def enlist(self, person_id: UUID) -> None:
        """A person joins the task force."""
        self.require_ready()
        require(person_id not in self.members, RuleViolated, f"already a member of {self.name}",
                task_force=self.name, person_id=person_id, zh=f"已是{self.name}的队员")
        self._enlist(person_id=person_id)

    @event("MemberJoined")
    def _enlist(self, person_id: UUID) -> None:
        self.members.append(person_id)

    def discharge(self, person_id: UUID) -> None:
        """A person leaves the task force; the leader cannot leave their own team."""
        require(person_id in self.members, RuleViolated, f"not a member of {self.name}",
                task_force=self.name, person_id=person_id, zh=f"不是{self.name}的队员")
        require(person_id != self.leader_id, RuleViolated, "the leader cannot leave the task force they lead",
                task_force=self.name, zh="队长不能退出自己带领的突击队")
        self._discharge(person_id=person_id)

    @event("MemberLeft")
    def _discharge(self, person_id: UUID) -> None:
        self.members.remove(person_id)

    def set_up_branch(self, branch_name: str, secretary_id: UUID) -> None:
        """Build a temporary party branch (临时党支部) on the task force for a special mission."""
        self.require_ready()
        require(self.branch is None, RuleViolated, f"{self.name} already has a temporary branch",
                task_force=self.name, zh=f"{self.name}已设有临时党支部")
        require(bool(branch_name.strip()), InvalidCommand, "the branch needs a name", field="branch_name")
        require(secretary_id in self.members, RuleViolated, "the branch secretary must be a member of the task force",
                task_force=self.name, secretary_id=secretary_id, zh="临时党支部书记必须是本突击队队员")
        self._set_up_branch(branch_name=branch_name.strip(), secretary_id=secretary_id)

    @event("TemporaryBranchSetUp")
    def _set_up_branch(self, branch_name: str, secretary_id: UUID) -> None:
        self.branch = {"name": branch_name, "secretary_id": secretary_id}

    def dissolve_branch(self) -> None:
        """Dissolve the temporary branch once its mission is over."""
        require(self.branch is not None, RuleViolated, f"{self.name} has no temporary branch", task_force=self.name,
                zh=f"{self.name}没有临时党支部")
        self._dissolve_branch()

    @event("TemporaryBranchDissolved")
    def _dissolve_branch(self) -> None:
        self.branch = None

    def disband(self) -> None:
        """Stand the task force down for good; not while it is on a dispatch."""
        self.require_ready()
        require(self.active_dispatch is None, RuleViolated, f"{self.name} is still on a dispatch",
                task_force=self.name, active_dispatch_id=self.active_dispatch, zh=f"{self.name}仍在执行调派任务")
        self._disband()

    @event("Disbanded")
    def _disband(self) -> None:
        self.disbanded = True
