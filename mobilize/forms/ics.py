"""The ICS forms, each built from the records as they stood at a moment (`situation`) and stamped with the log
position and chain head it was made from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from mobilize.application import Mobilize
from mobilize.forms.model import Ask, Form, FormProblem, Parts, Table
from mobilize.forms.model import shown_time as _t
from mobilize.forms.situation import Situation, situation
from mobilize.projections import audit
from mobilize.projections.audit import AuditTrail
from mobilize.projections.base import Runner
from mobilize.projections.gaps import post_gaps
from mobilize.projections.replay import Reading, replay_reading
from mobilize.projections.store import ViewStore

FORMS = ("201", "203", "204", "211", "214", "215")

Scope = UUID | None
"""The org unit whose subtree the caller reads (None: everything, for auditors and unscoped tokens)."""


def build(app: Mobilize, views: ViewStore | None, number: str, reading: Reading, ask: Ask | None = None,
          scope: Scope = None) -> Form:
    """Form `number` as `reading` shows the log (`views`, live, are read for the audit trail of 214 only), for a
    caller who reads the subtree of `scope`."""
    ask = ask or Ask()
    if number not in FORMS:
        raise FormProblem(f"form {number!r}: one of {', '.join(FORMS)}")
    if number == "214" and not (ask.person or ask.unit):
        raise FormProblem("form 214 is the activity log of a person or a unit: give person or unit")
    now = situation(app, reading)
    incident = _incident(app, now, ask, scope)
    fields, tables = BUILDERS[number](app, views, now, incident, ask, scope)
    return Form(number, fields, tables, reading.position, now.head, reading.label(), reading.meaning)


def _incident(app: Mobilize, now: Situation, ask: Ask, scope: Scope) -> Any:
    """The incident asked for; else the site's; else, of those the caller works under, the last declared open real
    one (no drill); else the last. (The API has checked that what was asked for is the caller's to see.)"""
    site = now.get("TestingSite", ask.site)
    wanted = ask.incident or (str(site.incident_id) if site is not None else None)
    if wanted is not None:
        found = now.get("Incident", wanted)
        if found is None:
            raise FormProblem(f"incident {wanted}: no such incident at this moment")
        return found
    incidents = [i for i in now.of("Incident") if _works_under(app, scope, i)]
    real = [i for i in incidents if not i.exercise and not i.closed]
    return (real or incidents or [None])[-1]


def _reaches(app: Mobilize, scope: Scope, unit_id: UUID) -> bool:
    """Whether a unit lies in the caller's subtree."""
    return scope is None or app.within(unit_id, scope)


def _works_under(app: Mobilize, scope: Scope, incident: Any) -> bool:
    """Whether the caller works under the incident: one declared in its subtree, or above it (a grid works under
    its street's incident); never a neighbour's or another street's, whose very title is not the caller's to read."""
    return scope is None or _reaches(app, scope, incident.scope_unit_id) or app.within(scope, incident.scope_unit_id)


def _incident_fields(now: Situation, incident: Any) -> list[tuple[str, Any]]:
    if incident is None:
        return [("incident", "")]
    return [("incident", incident.title), ("kind", incident.kind), ("level", incident.level),
            ("exercise", incident.exercise), ("declared_at", _t(now.born.get(incident.id))),
            ("state", "closed" if incident.closed else "open"), ("scope", now.name("OrgUnit", incident.scope_unit_id))]


def _wars(now: Situation, incident: Any) -> Table:
    rows = [{"unit": unit.name, "kind": unit.kind, "since": _t(war["since"]),
             "working_groups": ", ".join(war["working_groups"]), "max_shift_hours": war["max_shift_hours"],
             "min_rest_hours": war["min_rest_hours"], "grid_id": str(unit.id)}
            for unit in now.of("OrgUnit") for key, war in unit.wars.items()
            if incident is not None and key == str(incident.id)]
    return Table("units_in_war", ("unit", "kind", "since", "working_groups", "max_shift_hours", "min_rest_hours"),
                 rows)


def _sites(now: Situation, incident: Any) -> list[Any]:
    return [s for s in now.of("TestingSite") if incident is not None and s.incident_id == incident.id]


def form_201(app: Mobilize, views: ViewStore | None, now: Situation, incident: Any, ask: Ask, scope: Scope) -> Parts:
    sites = Table("sites", ("site", "grid", "lanes", "state", "commander", "samples"), [
        {"site": s.name, "grid": now.name("OrgUnit", s.grid_id), "lanes": s.lanes, "state": s.state,
         "commander": now.name("Person", s.commander_id), "samples": s.samples, "site_id": str(s.id)}
        for s in _sites(now, incident)])
    dispatches = Table("dispatches", ("subject", "kind", "state", "task", "site"), [
        {"subject": d.subject_name, "kind": d.subject_kind, "state": d.state, "task": d.task,
         "site": now.name("TestingSite", d.site_id), "site_id": str(d.site_id) if d.site_id else None,
         "person_id": str(d.subject_id)}
        for d in now.of("Dispatch") if incident is not None and d.incident_id == incident.id])
    return _incident_fields(now, incident), [_wars(now, incident), sites, dispatches]


def form_203(app: Mobilize, views: ViewStore | None, now: Situation, incident: Any, ask: Ask, scope: Scope) -> Parts:
    commanders = Table("site_commanders", ("site", "grid", "commander"), [
        {"site": s.name, "grid": now.name("OrgUnit", s.grid_id), "commander": now.name("Person", s.commander_id),
         "site_id": str(s.id)} for s in _sites(now, incident)])
    forces = Table("task_forces", ("task_force", "tier", "unit", "leader", "members", "branch"), [
        {"task_force": f.name, "tier": f.tier, "unit": now.name("OrgUnit", f.unit_id),
         "leader": now.name("Person", f.leader_id), "members": len(f.members),
         "branch": (f.branch or {}).get("name", ""), "grid_id": str(f.unit_id)}
        for f in now.of("TaskForce") if not f.disbanded])
    return _incident_fields(now, incident), [_wars(now, incident), commanders, forces]


def _shifts(now: Situation, sites: list[Any]) -> list[Any]:
    ids = {s.id for s in sites}
    return sorted((s for s in now.of("Shift") if s.site_id in ids),
                  key=lambda s: (now.name("TestingSite", s.site_id), s.lane, s.post, s.start))


def form_204(app: Mobilize, views: ViewStore | None, now: Situation, incident: Any, ask: Ask, scope: Scope) -> Parts:
    sites = [s for s in _sites(now, incident) if ask.site is None or str(s.id) == ask.site]
    if ask.site is not None and not sites:
        raise FormProblem(f"site {ask.site}: no such site of this incident at this moment")
    rows = []
    for shift in _shifts(now, sites):
        people = shift.people or {"": {"status": ""}}
        for person_id, entry in people.items():
            rows.append({"site": now.name("TestingSite", shift.site_id), "lane": shift.lane, "post": shift.post,
                         "start": _t(shift.start), "end": _t(shift.end), "slots": shift.slots,
                         "person": now.name("Person", person_id or None), "status": entry.get("status", ""),
                         "site_id": str(shift.site_id), "person_id": person_id or None})
    fields = _incident_fields(now, incident)[:1]
    if len(sites) == 1 and _reaches(app, scope, sites[0].grid_id):  # the API cuts a neighbour's rows, not the header
        site = sites[0]
        fields += [("site", site.name), ("grid", now.name("OrgUnit", site.grid_id)), ("state", site.state),
                   ("commander", now.name("Person", site.commander_id)), ("lanes", site.lanes)]
    return fields, [Table("assignments", ("site", "lane", "post", "start", "end", "slots", "person", "status"), rows)]


def form_211(app: Mobilize, views: ViewStore | None, now: Situation, incident: Any, ask: Ask, scope: Scope) -> Parts:
    rows = [{"person": now.name("Person", person_id), "site": now.name("TestingSite", shift.site_id),
             "lane": shift.lane, "post": shift.post, "checked_in_at": _t(entry.get("checked_in_at")),
             "checked_out_at": _t(entry.get("checked_out_at")), "status": entry["status"],
             "site_id": str(shift.site_id), "person_id": person_id}
            for shift in _shifts(now, _sites(now, incident)) for person_id, entry in shift.people.items()
            if entry["status"] in ("checked_in", "checked_out", "no_show")]
    rows.sort(key=lambda row: (row["checked_in_at"] or "~", row["site"], row["person"]))
    columns = ("person", "site", "lane", "post", "checked_in_at", "checked_out_at", "status")
    return _incident_fields(now, incident)[:1], [Table("check_ins", columns, rows)]


def form_214(app: Mobilize, views: ViewStore | None, now: Situation, incident: Any, ask: Ask, scope: Scope) -> Parts:
    assert views is not None, "form 214 reads the audit trail"
    Runner(app, views, AuditTrail()).catch_up()
    if ask.person is not None:
        subject, rows = now.name("Person", ask.person), audit.trail(views, person_id=ask.person)
    else:
        members = _unit_records(now, str(ask.unit))
        subject = next((now.name(kind, ask.unit) for kind in ("TestingSite", "TaskForce", "OrgUnit")
                        if now.get(kind, ask.unit) is not None), "")
        rows = [row for row in audit.trail(views) if row["aggregate_id"] in members]
    if not subject:
        raise FormProblem(f"{'person' if ask.person else 'unit'} {ask.person or ask.unit}: none at this moment")
    happened = now.reading.happened_by
    shown = [{"occurred_at": _t(datetime.fromisoformat(r["occurred_at"])) if r["occurred_at"] else "",
              "recorded_at": _t(datetime.fromisoformat(r["recorded_at"])), "activity": r["event_type"],
              "actor": r["actor"], "ordered_by": r["ordered_by"], "reason": r["reason"], "position": r["position"],
              "person_id": r["person_id"], "aggregate_id": r["aggregate_id"]}
             for r in rows if r["position"] <= now.reading.position
             and (happened is None or not r["occurred_at"] or datetime.fromisoformat(r["occurred_at"]) <= happened)]
    shown.sort(key=lambda row: (row["occurred_at"], row["position"]))  # in the order things happened
    columns = ("occurred_at", "recorded_at", "activity", "actor", "ordered_by", "reason", "position")
    return [("for", subject)], [Table("activities", columns, shown)]


def _unit_records(now: Situation, unit: str) -> set[str]:
    """A unit's own record and those of its work: a site's shifts, a task force's dispatches, a unit's sites."""
    records = {unit}
    records |= {str(s.id) for s in now.of("Shift") if str(s.site_id) == unit}
    records |= {str(d.id) for d in now.of("Dispatch") if str(d.subject_id) == unit}
    records |= {str(s.id) for s in now.of("TestingSite") if str(s.grid_id) == unit}
    return records


def form_215(app: Mobilize, views: ViewStore | None, now: Situation, incident: Any, ask: Ask, scope: Scope) -> Parts:
    replayed = replay_reading(app, "staffing_gaps", now.reading)
    rows = [row for row in post_gaps(replayed, now.reading.now, timedelta(hours=ask.hours),
                                     incident_id=str(incident.id) if incident is not None else None)
            if ask.site is None or row["site_id"] == ask.site] if incident is not None else []
    columns = ("site", "lane", "post", "window", "required", "have", "need", "not_checked_in", "resting")
    return [*_incident_fields(now, incident)[:1], ("reading", _t(now.reading.now))], [Table("posts", columns, rows)]


BUILDERS: dict[str, Callable[[Mobilize, ViewStore | None, Situation, Any, Ask, Scope], Parts]] = {
    "201": form_201, "203": form_203, "204": form_204, "211": form_211, "214": form_214, "215": form_215}


