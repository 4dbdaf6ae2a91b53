"""A person's history at a moment: where they were, when, on whose order; duty hours and rest; overrides with
reasons. A printable form like the ICS ones (`mobilize.forms.render`), stamped the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.forms.model import Form, FormProblem, Table
from mobilize.forms.model import shown_time as _t
from mobilize.forms.situation import Situation, situation
from mobilize.projections import audit, duty_hours
from mobilize.projections.audit import AuditTrail
from mobilize.projections.base import Runner
from mobilize.projections.replay import Reading, replay_reading
from mobilize.projections.store import ViewStore

MOVES = ("Shift.Assigned", "Shift.Unassigned", "Shift.CheckedIn", "Shift.CheckedOut", "Shift.NoShowRecorded",
         "Dispatch.Requested", "Dispatch.Acknowledged", "Dispatch.Declined", "Dispatch.WentEnRoute",
         "Dispatch.ArrivedOnScene", "Dispatch.Released", "Dispatch.Recalled", "TaskForce.MemberJoined",
         "TaskForce.MemberLeft", "Person.AvailabilityChanged")
"""The events that say where a person was and what they were doing."""


def history(app: Mobilize, views: ViewStore, person_id: str, reading: Reading) -> Form:
    """The history of a person as `reading` shows the log (`views`, live, are read for the audit trail)."""
    now = situation(app, reading)
    person = now.get("Person", person_id)
    if person is None:
        raise FormProblem(f"person {person_id}: no such person at this moment")
    Runner(app, views, AuditTrail()).catch_up()
    happened = reading.happened_by
    moves = [_move(now, row) for row in audit.trail(views, person_id=person_id)
             if row["event_type"] in MOVES and row["position"] <= reading.position
             and (happened is None or not row["occurred_at"] or datetime.fromisoformat(row["occurred_at"]) <= happened)]
    moves.sort(key=lambda move: (move["occurred_at"], move["position"]))  # in the order things happened
    duty = replay_reading(app, "duty_hours", reading)
    days = [{**row, "rest_hours": ", ".join(f"{rest:g}" for rest in row["rest_hours"])}
            for row in duty_hours.hours(duty, reading.now, person_id=UUID(person_id))]
    overrides = [{**row, "rules": ", ".join(row["rules"]),
                  "occurred_at": _t(datetime.fromisoformat(row["occurred_at"]))}
                 for row in duty_hours.overrides(duty, person_id=UUID(person_id))]
    shortest = min((row["shortest_rest_hours"] for row in days if row["shortest_rest_hours"] is not None), default=None)
    fields = [("person", person.name), ("roles", ", ".join(person.roles)),
              ("grid", now.name("OrgUnit", person.home_grid_id)),
              ("total_hours", round(sum(row["hours"] for row in days), 2)), ("shortest_rest_hours", shortest)]
    tables = [
        Table("moves", ("occurred_at", "activity", "where", "when", "actor", "ordered_by", "reason", "position"),
              moves),
        Table("duty_days", ("day", "hours", "shifts", "on_duty", "rest_hours", "shortest_rest_hours"), days),
        Table("overrides", ("occurred_at", "rules", "reason", "actor", "ordered_by"), overrides),
    ]
    return Form("person", fields, tables, reading.position, now.head, reading.label(), reading.meaning)


def _move(now: Situation, row: dict[str, Any]) -> dict[str, Any]:
    """One trail row as a line of the history: where it was (site, lane, post, or the dispatch's task) and when."""
    where, when = "", ""
    shift, dispatch = now.get("Shift", row["aggregate_id"]), now.get("Dispatch", row["aggregate_id"])
    if shift is not None:
        where = f"{now.name('TestingSite', shift.site_id)} · {shift.lane} · {shift.post}"
        when = f"{_t(shift.start)} – {_t(shift.end)}"
    elif dispatch is not None:
        where = " · ".join(part for part in (dispatch.task, now.name("TestingSite", dispatch.site_id)) if part)
    elif (force := now.get("TaskForce", row["aggregate_id"])) is not None:
        where = force.name
    occurred = row["occurred_at"]
    return {"occurred_at": _t(datetime.fromisoformat(occurred)) if occurred else "", "activity": row["event_type"],
            "where": where, "when": when, "actor": row["actor"], "ordered_by": row["ordered_by"],
            "reason": row["reason"], "position": row["position"], "person_id": row["person_id"]}
