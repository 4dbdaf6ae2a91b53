"""Commands on dispatches: the order and each step of its life, subject and order saved together."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from mobilize.application.commands.paging import PagingCommands, dispatch_text
from mobilize.application.service import command
from mobilize.domain.base import InvalidCommand, RuleViolated, current_context, require
from mobilize.domain.dispatch import Dispatch, Dispatchable
from mobilize.domain.incident import Incident
from mobilize.domain.notification import Inbox
from mobilize.domain.person import Person
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import SiteStateRefused, TestingSite
from mobilize.domain.vocabulary import zh

SUBJECTS: dict[str, type[Dispatchable]] = {"person": Person, "task_force": TaskForce}
FIELD_STEPS = {"acknowledge": "acknowledge", "set-out": "set_out", "arrive": "arrive", "decline": "decline"}
"""What a person may do with their dispatch from the field (release and recall are the command center's)."""


class DispatchCommands(PagingCommands):
    """Send people and task forces out, and follow each order to its end."""

    @command
    def dispatch(self, subject_kind: str, subject_id: UUID, incident_id: UUID, task: str,
                 site_id: UUID | None = None) -> UUID:
        """Order a person or task force to an incident or one of its sites."""
        require(subject_kind in SUBJECTS, InvalidCommand, "subject_kind must be 'person' or 'task_force'",
                subject_kind=subject_kind)
        subject = self.load(SUBJECTS[subject_kind], subject_id, subject_kind.replace("_", " "))
        incident = self.load(Incident, incident_id, "incident")
        incident.require_open()
        site = None
        if site_id is not None:
            site = self.load(TestingSite, site_id, "testing site")
            require(site.incident_id == incident_id, InvalidCommand, f"site {site.name} belongs to another incident",
                    site=site.name, zh=f"检测点{site.name}属于另一事件")
            require(site.state != "closed", SiteStateRefused, f"site {site.name} is closed", site=site.name,
                    zh=f"检测点{site.name}已关闭")
        order = Dispatch.request(subject_kind, subject, incident_id, site_id, task)
        title, body = dispatch_text(order.task, incident.title, site.name if site else None,
                                    subject.name if isinstance(subject, TaskForce) else None)
        where = site.grid_id if site is not None else incident.scope_unit_id
        pages = [self.page(person, "dispatch", order.id, incident_id, incident.exercise, title, body,
                           self.answering_unit(person, where)) for person in self._paged(subject)]
        return self.commit(order, subject, *pages)

    def _paged(self, subject: Dispatchable) -> list[Person]:
        """Who a dispatch of `subject` pages: the person, or every member of the task force."""
        if isinstance(subject, Person):
            return [subject]
        assert isinstance(subject, TaskForce)
        return [self.load(Person, member, "member") for member in subject.members]

    def _withdrawn(self, order: Dispatch, subject: Dispatchable, reason: str) -> list[Inbox]:
        return self.withdraw_pages([person.id for person in self._paged(subject)], [order.id], reason)

    @command
    def answer_dispatch(self, dispatch_id: UUID, person_id: UUID, step: str) -> UUID:
        """A person's own step on their dispatch (or their task force's), from the field, with their page about
        it answered in the same command. A member of a task force whose dispatch someone already acknowledged
        acknowledges their own page only."""
        require(step in FIELD_STEPS, InvalidCommand, f"step must be one of {', '.join(FIELD_STEPS)}", field="step")
        order, subject = self._order(dispatch_id)
        if step == "acknowledge" and order.subject_kind == "task_force" and order.state != "requested":
            pages = self.answer_pages(person_id, dispatch_id)
            require(bool(pages), RuleViolated, f"this dispatch is already {order.state.replace('_', ' ')} and you "
                    "have no unanswered page about it", dispatch_id=dispatch_id, state=order.state,
                    zh=f"该调派{zh(order.state)}，您也没有关于它的未确认呼叫")
            return self.commit(*pages, result=dispatch_id)
        held: dict[UUID, Inbox] = {}  # every inbox this command changes, loaded once (a leader may hold copies)
        self.answer_pages(person_id, dispatch_id, held)
        if step == "decline":
            order.decline(current_context.get().reason, subject)
            others = [person.id for person in self._paged(subject) if person.id != person_id]
            self.withdraw_pages(others, [order.id], "the dispatch was declined", held)
            changed: list[Any] = [order, subject]
        else:
            getattr(order, FIELD_STEPS[step])()
            changed = [order]
        return self.commit(*changed, *(i for i in held.values() if i.pending_events), result=dispatch_id)

    def _order(self, dispatch_id: UUID) -> tuple[Dispatch, Dispatchable]:
        order = self.load(Dispatch, dispatch_id, "dispatch")
        return order, self.load(SUBJECTS[order.subject_kind], order.subject_id, order.subject_kind)

    @command
    def acknowledge_dispatch(self, dispatch_id: UUID) -> UUID:
        """The subject confirms the order (an operator records it; the pages it sent are answered apart)."""
        order = self.load(Dispatch, dispatch_id, "dispatch")
        order.acknowledge()
        return self.commit(order)  # the people's pages stay theirs to answer (or an operator's, with a reason)

    @command
    def decline_dispatch(self, dispatch_id: UUID) -> UUID:
        """The subject cannot go; the command's reason says why."""
        order, subject = self._order(dispatch_id)
        order.decline(current_context.get().reason, subject)
        return self.commit(order, subject, *self._withdrawn(order, subject, "the dispatch was declined"))

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
        return self.commit(order, subject, *self._withdrawn(order, subject, "the dispatch was released"))

    @command
    def recall_dispatch(self, dispatch_id: UUID) -> UUID:
        """Command calls the subject back; the command's reason says why."""
        order, subject = self._order(dispatch_id)
        order.recall(current_context.get().reason, subject)
        return self.commit(order, subject, *self._withdrawn(order, subject, "the dispatch was recalled"))
