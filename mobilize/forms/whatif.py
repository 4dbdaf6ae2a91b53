"""What if a person or a task force were pulled from the drive at a moment: the gaps that would follow.

The records as they happened by that moment (`situation`) take the hypothetical commands through the domain's
own rules — whoever is on duty checks out then, whoever is only booked comes off the shift — and the events they
raise are applied, in memory, to a replay of the gaps view beside the real one. Nothing is written to the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext, DomainError, current_context
from mobilize.forms.ics import FormProblem
from mobilize.forms.situation import Situation, situation
from mobilize.projections.gaps import StaffingGaps, post_gaps
from mobilize.projections.replay import Reading, replay_reading

WHAT_IF = "what-if (never recorded)"
"""The actor of the hypothetical events: they exist only in memory."""


@dataclass(frozen=True)
class Outcome:
    """Who would be pulled, from which shifts, and the gaps per post with and without them."""

    reading: Reading
    pulled: list[str]
    moves: list[dict[str, Any]]
    rows: list[dict[str, Any]]


def pull(app: Mobilize, reading: Reading, person: str | None = None, task_force: str | None = None,
         hours: float = 12.0, incident: str | None = None) -> Outcome:
    """The gaps from `reading.now` over `hours`, real and with the person or every member of the task force pulled."""
    now = situation(app, reading)
    people = _who(now, person, task_force)
    real = replay_reading(app, "staffing_gaps", reading)
    hypothetical = replay_reading(app, "staffing_gaps", reading)
    events, moves = _hypothetical(now, people, reading.now)
    projection = StaffingGaps()
    with hypothetical.transaction() as tx:
        for serial, event in enumerate(events, 1):
            stored = app.mapper.to_stored_event(event)
            note = Notification(id=reading.position + serial, originator_id=stored.originator_id,
                                originator_version=stored.originator_version, topic=stored.topic, state=stored.state)
            projection.apply(tx, event, note)
    horizon = timedelta(hours=hours)
    before = {_key(row): row for row in post_gaps(real, reading.now, horizon, incident_id=incident)}
    after = {_key(row): row for row in post_gaps(hypothetical, reading.now, horizon, incident_id=incident)}
    rows = [{**row, "have_if": after[key]["have"], "need_if": after[key]["need"],
             "more_need": after[key]["need"] - row["need"]} for key, row in before.items()]
    return Outcome(reading, [now.name("Person", p) for p in people], moves, rows)


def _who(now: Situation, person: str | None, task_force: str | None) -> list[UUID]:
    if (person is None) == (task_force is None):
        raise FormProblem("pull a person or a task force: give exactly one")
    if person is not None:
        if now.get("Person", person) is None:
            raise FormProblem(f"person {person}: no such person at this moment")
        return [UUID(person)]
    force = now.get("TaskForce", task_force)
    if force is None:
        raise FormProblem(f"task force {task_force}: no such task force at this moment")
    return list(force.members)


def _hypothetical(now: Situation, people: list[UUID], at: datetime) -> tuple[list[Any], list[dict[str, Any]]]:
    """The events the domain would raise, pulling `people` at `at`: check out whoever is on duty, take the booked
    off shifts not yet over. A move the rules refuse is listed with the rule, and raises nothing."""
    context = CommandContext(actor=WHAT_IF, reason="what-if: pulled from the drive", command_id="what-if",
                             occurred_at=at).resolved(at)
    token = current_context.set(context)
    events, moves = [], []
    try:
        for shift in now.of("Shift"):
            for person in people:
                entry = shift.people.get(str(person))
                if entry is None or shift.end <= at or entry["status"] == "checked_out":
                    continue
                move = "check out" if entry["status"] == "checked_in" else "unassign"
                try:
                    shift.check_out(person) if move == "check out" else shift.unassign(person)
                except DomainError as error:
                    move = f"refused: {error.rule}"
                moves.append({"person": now.name("Person", person), "site": now.name("TestingSite", shift.site_id),
                              "lane": shift.lane, "post": shift.post, "start": shift.start, "move": move,
                              "site_id": str(shift.site_id), "person_id": str(person)})
            events += shift.collect_events()
    finally:
        current_context.reset(token)
    return events, moves


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["site_id"], row["lane"], row["post"], row["window"]
