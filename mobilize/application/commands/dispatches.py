"""Commands on dispatches: the order and each step of its life, subject and order saved together."""

from __future__ import annotations

from uuid import UUID

from mobilize.application.service import CommandService, command
from mobilize.domain.base import InvalidCommand, current_context, require
from mobilize.domain.dispatch import Dispatch, Dispatchable
from mobilize.domain.incident import Incident
from mobilize.domain.person import Person
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import SiteStateRefused, TestingSite

SUBJECTS: dict[str, type[Dispatchable]] = {"person": Person, "task_force": TaskForce}


class DispatchCommands(CommandService):
    """Send people and task forces out, and follow each order to its end."""

    @command
    def dispatch(self, subject_kind: str, subject_id: UUID, incident_id: UUID, task: str,
                 site_id: UUID | None = None) -> UUID:
        """Order a person or task force to an incident or one of its sites."""
        require(subject_kind in SUBJECTS, InvalidCommand, "subject_kind must be 'person' or 'task_force'",
                subject_kind=subject_kind)
        subject = self.load(SUBJECTS[subject_kind], subject_id, subject_kind.replace("_", " "))
        self.load(Incident, incident_id, "incident").require_open()
        if site_id is not None:
            site = self.load(TestingSite, site_id, "testing site")
            require(site.incident_id == incident_id, InvalidCommand, f"site {site.name} belongs to another incident",
                    site=site.name)
            require(site.state != "closed", SiteStateRefused, f"site {site.name} is closed", site=site.name)
        order = Dispatch.request(subject_kind, subject, incident_id, site_id, task)
        return self.commit(order, subject)

    def _order(self, dispatch_id: UUID) -> tuple[Dispatch, Dispatchable]:
        order = self.load(Dispatch, dispatch_id, "dispatch")
        return order, self.load(SUBJECTS[order.subject_kind], order.subject_id, order.subject_kind)

    @command
    def acknowledge_dispatch(self, dispatch_id: UUID) -> UUID:
        """The subject confirms the order."""
        order = self.load(Dispatch, dispatch_id, "dispatch")
        order.acknowledge()
        return self.commit(order)

    @command
    def decline_dispatch(self, dispatch_id: UUID) -> UUID:
        """The subject cannot go; the command's reason says why."""
        order, subject = self._order(dispatch_id)
        order.decline(current_context.get().reason, subject)
        return self.commit(order, subject)

    @command
    def set_out(self, dispatch_id: UUID) -> UUID:
        """The subject is en route."""
        order = self.load(Dispatch, dispatch_id, "dispatch")
        order.set_out()
        return self.commit(order)

    @command
    def arrive_on_scene(self, dispatch_id: UUID) -> UUID:
        """The subject reached the scene."""
        order = self.load(Dispatch, dispatch_id, "dispatch")
        order.arrive()
        return self.commit(order)

    @command
    def release_dispatch(self, dispatch_id: UUID) -> UUID:
        """The task is done; the subject is free again."""
        order, subject = self._order(dispatch_id)
        order.release(subject)
        return self.commit(order, subject)

    @command
    def recall_dispatch(self, dispatch_id: UUID) -> UUID:
        """Command calls the subject back; the command's reason says why."""
        order, subject = self._order(dispatch_id)
        order.recall(current_context.get().reason, subject)
        return self.commit(order, subject)
