"""What one person in the field is part of: their task forces, what they command, and every record whose change
their field page should hear of (their stream watches exactly these, and nothing of anyone else's)."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.domain.base import NotFound
from mobilize.domain.field_log import FieldLog
from mobilize.domain.notification import Inbox
from mobilize.domain.person import Person
from mobilize.domain.roll_call import RollCall
from mobilize.domain.shift import Shift
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite
from mobilize.projections.store import ViewStore

Commanded = TestingSite | TaskForce
A = TypeVar("A", TestingSite, TaskForce, Shift)


def task_forces_of(app: Mobilize, views: ViewStore, person_id: UUID) -> list[TaskForce]:
    """The task forces the person is a member of now (as the roster view has them, checked on the aggregates)."""
    rows = views.query("SELECT task_force_id FROM roster_members WHERE person_id = ?", (str(person_id),))
    return [force for (force_id,) in rows if (force := _load(app, TaskForce, UUID(force_id))) is not None
            and person_id in force.members and not force.disbanded]


def commanded(app: Mobilize, views: ViewStore, person_id: UUID) -> list[Commanded]:
    """The sites the person commands (not closed) and the task forces they lead (not disbanded): whose roll they
    may call from the field page. The views find them; the aggregates, as they stand now, confirm them."""
    sites = views.query("SELECT id FROM directory_sites WHERE commander_id = ? AND state != 'closed'",
                        (str(person_id),))
    forces = views.query("SELECT id FROM directory_task_forces WHERE leader_id = ? AND disbanded = 0",
                         (str(person_id),))
    found: list[Commanded] = [site for (site_id,) in sites if (site := _load(app, TestingSite, UUID(site_id)))
                              is not None and site.commander_id == person_id]
    found += [force for (force_id,) in forces if (force := _load(app, TaskForce, UUID(force_id))) is not None
              and force.leader_id == person_id]
    return sorted(found, key=lambda subject: subject.name)


def commands_of(app: Mobilize, views: ViewStore, person_id: UUID) -> list[dict[str, Any]]:
    """What the person commands, each with its latest roll call (who answered after how long, who not yet)."""
    now = app.clock()
    shown = []
    for subject in commanded(app, views, person_id):
        calls = app.roll_call(subject.id)
        shown.append({"subject_id": subject.id, "subject_kind": "site" if isinstance(subject, TestingSite)
                      else "task_force", "name": subject.name, "roll_call": calls.status(now) if calls else None})
    return shown


def watched(app: Mobilize, views: ViewStore, person_id: UUID) -> tuple[dict[UUID, str], set[UUID]]:
    """The records whose change concerns the person, each with the coarse kind their page is told (shift,
    dispatch, roll_call, …); and those of them whose change may change the set itself (the person, their task
    forces, the sites they command)."""
    person = app.load(Person, person_id, "person")
    seen: dict[UUID, str] = {person_id: "person", FieldLog.create_id(person_id): "field_log",
                             Inbox.create_id(person_id): "notification"}
    for shift_id in person.bookings:
        shift = _load(app, Shift, UUID(shift_id))
        seen[UUID(shift_id)] = "shift"
        if shift is not None:
            seen.setdefault(RollCall.create_id(shift.site_id), "roll_call")
    forces = task_forces_of(app, views, person_id)
    led = commanded(app, views, person_id)
    for subject in [*forces, *led]:
        seen[subject.id] = "site" if isinstance(subject, TestingSite) else "task_force"
        seen[RollCall.create_id(subject.id)] = "roll_call"
    for dispatched in [person, *forces]:
        if dispatched.active_dispatch is not None:
            seen[dispatched.active_dispatch] = "dispatch"
    return seen, {person_id, *(subject.id for subject in [*forces, *led])}


def _load(app: Mobilize, kind: type[A], record_id: UUID) -> A | None:
    try:
        return app.load(kind, record_id, kind.__name__)
    except NotFound:
        return None
