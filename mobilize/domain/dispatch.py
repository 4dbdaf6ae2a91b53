"""Dispatch of a person or task force to an incident or site, and the life of that order."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import (
    InvalidCommand,
    MobilizeAggregate,
    RuleViolated,
    require,
)
from mobilize.domain.vocabulary import zh

TRANSITIONS = {
    "requested": ("acknowledged", "declined", "recalled"),
    "acknowledged": ("en_route", "recalled"),
    "en_route": ("on_scene", "recalled"),
    "on_scene": ("released", "recalled"),
}
"""Which state may follow which; declined, released and recalled are final."""


class AlreadyDispatched(RuleViolated):
    """Raised when a person or task force still on one dispatch is sent on another."""

    rule = "one_active_dispatch"


class IllegalTransition(RuleViolated):
    """Raised when a dispatch is moved to a state that cannot follow its current one."""

    rule = "dispatch_transition"


class Dispatchable(MobilizeAggregate):
    """Something that can be dispatched: it is held to at most one live dispatch at a time."""

    active_dispatch = None  # no annotation: annotations would make the aggregate a dataclass
    if TYPE_CHECKING:  # what every dispatchable has, for the type checker only (see above)
        name: str

    def require_ready(self) -> None:
        """Refuse unless this can be put on duty now."""

    def take_dispatch(self, dispatch_id: UUID) -> None:
        """Hold this to a dispatch; one at a time."""
        self.require_ready()
        require(self.active_dispatch is None, AlreadyDispatched, f"{self.name} is already on another dispatch",
                subject=self.name, active_dispatch_id=self.active_dispatch, zh=f"{self.name}已在执行另一项调派")
        self._take_dispatch(dispatch_id=dispatch_id)

    @event("DispatchTaken")
    def _take_dispatch(self, dispatch_id: UUID) -> None:
        self.active_dispatch = dispatch_id

    def end_dispatch(self, dispatch_id: UUID) -> None:
        """Free this from its dispatch once the dispatch is declined, released or recalled."""
        require(self.active_dispatch == dispatch_id, RuleViolated, f"{self.name} is not on that dispatch",
                subject=self.name, dispatch_id=dispatch_id, zh=f"{self.name}未在执行该调派")
        self._end_dispatch(dispatch_id=dispatch_id)

    @event("DispatchEnded")
    def _end_dispatch(self, dispatch_id: UUID) -> None:
        self.active_dispatch = None


class Dispatch(MobilizeAggregate):
    """An order sending a person or a task force to an incident or one of its sites (调度)."""

    @event("Requested")
    def __init__(self, subject_kind: str, subject_id: UUID, subject_name: str, incident_id: UUID,
                 site_id: UUID | None, task: str) -> None:
        self.subject_kind = subject_kind
        self.subject_id = subject_id
        self.subject_name = subject_name
        self.incident_id = incident_id
        self.site_id = site_id
        self.task = task
        self.state = "requested"

    @classmethod
    def request(cls, subject_kind: str, subject: Dispatchable, incident_id: UUID, site_id: UUID | None,
                task: str) -> Dispatch:
        """Order `subject` to an incident (and optionally one of its sites)."""
        require(bool(task.strip()), InvalidCommand, "a dispatch says what the task is", field="task")
        dispatch = cls(subject_kind, subject.id, subject.name, incident_id, site_id, task.strip())
        subject.take_dispatch(dispatch.id)
        return dispatch

    @property
    def is_final(self) -> bool:
        """Whether the dispatch is over (declined, released or recalled)."""
        return self.state not in TRANSITIONS

    def _require_next(self, state: str) -> None:
        allowed = TRANSITIONS.get(self.state, ())
        require(state in allowed, IllegalTransition,
                f"a dispatch that is {self.state.replace('_', ' ')} cannot become {state.replace('_', ' ')}",
                dispatch_id=self.id, current=self.state, requested=state, allowed=list(allowed),
                zh=f"调派当前为「{zh(self.state)}」，不能变为「{zh(state)}」")

    def acknowledge(self) -> None:
        """The subject confirms it will go."""
        self._require_next("acknowledged")
        self._acknowledge()

    @event("Acknowledged")
    def _acknowledge(self) -> None:
        self.state = "acknowledged"

    def decline(self, reason: str | None, subject: Dispatchable) -> None:
        """The subject cannot go; the reason is required."""
        self._require_next("declined")
        _require_reason(reason, "declining")
        self._decline()
        subject.end_dispatch(self.id)

    @event("Declined")
    def _decline(self) -> None:
        self.state = "declined"

    def set_out(self) -> None:
        """The subject is on its way."""
        self._require_next("en_route")
        self._set_out()

    @event("WentEnRoute")
    def _set_out(self) -> None:
        self.state = "en_route"

    def arrive(self) -> None:
        """The subject reached the scene."""
        self._require_next("on_scene")
        self._arrive()

    @event("ArrivedOnScene")
    def _arrive(self) -> None:
        self.state = "on_scene"

    def release(self, subject: Dispatchable) -> None:
        """The task is done and the subject is free."""
        self._require_next("released")
        self._release()
        subject.end_dispatch(self.id)

    @event("Released")
    def _release(self) -> None:
        self.state = "released"

    def recall(self, reason: str | None, subject: Dispatchable) -> None:
        """Command calls the subject back before the task is done; the reason is required."""
        self._require_next("recalled")
        _require_reason(reason, "recalling")
        self._recall()
        subject.end_dispatch(self.id)

    @event("Recalled")
    def _recall(self) -> None:
        self.state = "recalled"


def _require_reason(reason: str | None, doing: str) -> None:
    require(bool(reason and reason.strip()), InvalidCommand, f"{doing} a dispatch needs a reason", field="reason")
