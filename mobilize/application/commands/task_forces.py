"""Commands on task forces and their temporary party branches."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.task_force import TaskForce


class TaskForceCommands(CommandService):
    """Form task forces, enlist and discharge members, build and dissolve temporary branches."""

    @command
    def form_task_force(self, name: str, tier: str, unit_id: UUID, leader_id: UUID, flag: str) -> UUID:
        """Form a task force under an org unit, with its leader and flag."""
        self.load(OrgUnit, unit_id, "org unit")
        self.load(Person, leader_id, "person").require_ready()
        return self.commit(TaskForce.form(name, tier, unit_id, leader_id, flag))

    @command
    def enlist(self, task_force_id: UUID, person_id: UUID) -> UUID:
        """A person joins a task force."""
        task_force = self.load(TaskForce, task_force_id, "task force")
        self.load(Person, person_id, "person")
        task_force.enlist(person_id)
        return self.commit(task_force)

    @command
    def discharge(self, task_force_id: UUID, person_id: UUID) -> UUID:
        """A person leaves a task force."""
        task_force = self.load(TaskForce, task_force_id, "task force")
        task_force.discharge(person_id)
        return self.commit(task_force)

    @command
    def set_up_temporary_branch(self, task_force_id: UUID, branch_name: str, secretary_id: UUID) -> UUID:
        """Build a temporary party branch (临时党支部) on a task force."""
        task_force = self.load(TaskForce, task_force_id, "task force")
        task_force.set_up_branch(branch_name, secretary_id)
        return self.commit(task_force)

    @command
    def dissolve_temporary_branch(self, task_force_id: UUID) -> UUID:
        """Dissolve a task force's temporary branch."""
        task_force = self.load(TaskForce, task_force_id, "task force")
        task_force.dissolve_branch()
        return self.commit(task_force)

    @command
    def disband_task_force(self, task_force_id: UUID) -> UUID:
        """Stand a task force down for good."""
        task_force = self.load(TaskForce, task_force_id, "task force")
        task_force.disband()
        return self.commit(task_force)
