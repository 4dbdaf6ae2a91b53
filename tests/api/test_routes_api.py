"""Every route over HTTP: each command on its success path and the state it leaves, then each refusal
(401, 403 by role and by scope, 404, 409, 422) as the JSON a person reads, with nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from httpx import Response

from mobilize.domain.dispatch import Dispatch
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.shift import Shift
from mobilize.domain.task_force import TaskForce
from mobilize.domain.testing_site import TestingSite
from tests.api.conftest import Desk
from tests.conftest import HOUR, T0, World

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


# --- organisation ---------------------------------------------------------------------------------------------

def test_an_operator_establishes_a_grid_seats_its_leader_and_switches_it_to_war_and_back(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    leader = world.person("Wang Gang", ("marshal",), ("grid_leader",))
    incident = world.incident()

    grid = created(op.post("/org-units", {"name": "Shimaqiao Grid 3", "kind": "grid", "parent_id": world.community}))
    ok(op.post(f"/org-units/{grid}/leaders", {"seat": "first_secretary", "person_id": leader}))
    ok(op.post(f"/org-units/{grid}/war", {"incident_id": incident, "working_groups": ["sampling"],
                                          "max_shift_hours": 6, "min_rest_hours": 10, "reason": "cluster"}))
    at_war = ok(desk.viewer.get(f"/org-units/{grid}/mode"))
    ok(op.post(f"/org-units/{grid}/stand-down", {"incident_id": incident}))
    by_default = ok(desk.viewer.get(f"/org-units/{grid}/mode"))
    ok(op.post(f"/org-units/{grid}/peace-policy", {"max_shift_hours": 9, "min_rest_hours": 12}))
    at_peace = ok(desk.viewer.get(f"/org-units/{grid}/mode"))

    row = one(desk.viewer.get("/readiness", unit=grid, now=T0))
    assert (row["name"], row["kind"], row["parent"], row["mode"]) == ("Shimaqiao Grid 3", "grid",
                                                                      str(world.community), "peace")
    assert world.app.load(OrgUnit, grid, "grid").leaders == {"first_secretary": leader}
    assert (at_war["mode"], at_war["max_shift_hours"], at_war["min_rest_hours"]) == ("war", 6, 10)
    assert [s["working_groups"] for s in at_war["switches"]] == [["sampling"]]
    assert (by_default["mode"], by_default["switches"], by_default["max_shift_hours"]) == ("peace", [], 12)
    assert (at_peace["mode"], at_peace["max_shift_hours"], at_peace["min_rest_hours"]) == ("peace", 9, 12)


# --- people ---------------------------------------------------------------------------------------------------

def test_an_operator_registers_a_person_and_keeps_their_qualifications_and_availability_true(desk: Desk) -> None:
    op, world = desk.operator, desk.world

    person = created(op.post("/people", {"name": "Chen Jing", "roles": ["volunteer", "medical_staff"],
                                         "home_grid_id": world.grid, "phone": "13800000000",
                                         "qualifications": {"sampler": T0 + 90 * DAY}}))
    ok(op.post(f"/people/{person}/qualifications", {"skill": "first_aid", "valid_until": T0 + 30 * DAY}))
    ok(op.post(f"/people/{person}/qualifications/revoke", {"skill": "sampler", "reason": "certificate lapsed"}))
    ready = available_in(desk, world.grid)
    ok(op.post(f"/people/{person}/availability", {"availability": "on_leave"}))

    seen = ok(op.get(f"/people/{person}"))
    assert (seen["name"], seen["roles"], seen["phone"]) == ("Chen Jing", ["medical_staff", "volunteer"],
                                                            "13800000000")
    assert {skill: moment(until) for skill, until in seen["qualifications"].items()} == {"first_aid": T0 + 30 * DAY}
    assert seen["availability"] == "on_leave"
    assert (ready, available_in(desk, world.grid)) == ({"first_aid": 1}, {})


# --- task forces ----------------------------------------------------------------------------------------------

def test_a_task_force_is_formed_manned_given_a_temporary_branch_and_disbanded(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    leader, member, leaver = world.person("Zhao Lei"), world.person("Qian Yu"), world.person("Sun Li")

    force = created(op.post("/task-forces", {"name": "Junhe Task Force", "tier": "street", "unit_id": world.street,
                                             "leader_id": leader, "flag": "Flag No. 1"}))
    for person in (member, leaver):
        ok(op.post(f"/task-forces/{force}/members", {"person_id": person}))
    ok(op.post(f"/task-forces/{force}/members/leave", {"person_id": leaver}))
    ok(op.post(f"/task-forces/{force}/branch", {"branch_name": "Temporary Branch 1", "secretary_id": member}))
    branch = world.app.load(TaskForce, force, "task force").branch
    ok(op.post(f"/task-forces/{force}/branch/dissolve"))
    standing = task_forces_under(desk, world.street)
    ok(op.post(f"/task-forces/{force}/disband"))

    stored = world.app.load(TaskForce, force, "task force")
    assert branch == {"name": "Temporary Branch 1", "secretary_id": member}
    assert (stored.members, stored.branch, stored.disbanded) == ([leader, member], None, True)
    assert (standing, task_forces_under(desk, world.street)) == ((1, 1), (0, 0))


# --- incidents ------------------------------------------------------------------------------------------------

def test_an_incident_is_declared_escalated_and_closed_and_then_takes_no_new_site(desk: Desk) -> None:
    op, world = desk.operator, desk.world

    incident = created(op.post("/incidents", {"title": "Round 2", "kind": "mass_testing_drive",
                                              "scope_unit_id": world.street}))
    ok(op.post(f"/incidents/{incident}/escalate", {"level": 3, "reason": "cases in two grids"}))
    ok(op.post(f"/incidents/{incident}/close"))
    size = world.log_size()
    late = op.post("/sites", site_body(incident, world.grid))

    stored = world.app.load(Incident, incident, "incident")
    assert (stored.title, stored.level, stored.closed) == ("Round 2", 3, True)
    assert refused(late, 409, "incident_closed")["facts"]["incident"] == "Round 2"
    assert world.log_size() == size


# --- testing sites --------------------------------------------------------------------------------------------

def test_a_site_is_planned_commanded_opened_paused_reopened_tallied_and_closed(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    incident = world.incident()
    commander = world.person("Wang Gang", ("marshal",), ("grid_leader",))

    site = created(op.post("/sites", site_body(incident, world.grid, lanes=2)))
    ok(op.post(f"/sites/{site}/commander", {"person_id": commander}))
    for transition in ("open", "pause", "reopen"):
        ok(op.post(f"/sites/{site}/{transition}"))
    ok(op.post(f"/sites/{site}/tallies", {"hour": T0, "samples": 120}))
    ok(op.post(f"/sites/{site}/tallies", {"hour": T0, "samples": 130, "reason": "recount"}))
    ok(op.post(f"/sites/{site}/close"))

    stored = world.app.load(TestingSite, site, "testing site")
    assert (stored.state, stored.commander_id, stored.lanes, stored.samples) == ("closed", commander, 2, 130)
    assert events_of(world, site) == ["Planned", "CommanderAppointed", "Opened", "Paused", "Reopened",
                                      "TallyReported", "TallyReported", "Closed"]


# --- shifts ---------------------------------------------------------------------------------------------------

def test_a_sampler_works_a_wartime_shift_and_the_views_show_duty_then_rest(desk: Desk) -> None:
    op, viewer, world = desk.operator, desk.viewer, desk.world
    incident = world.incident()
    world.war(incident, min_rest_hours=8)
    site = world.open_site(incident)
    sampler = world.person("Chen Jing")

    shift = created(op.post("/shifts", shift_body(site, T0, T0 + 8 * HOUR)))
    ok(op.post(f"/shifts/{shift}/assignments", {"person_id": sampler}))
    ok(op.post(f"/shifts/{shift}/check-in", {"person_id": sampler, "occurred_at": T0 - 5 * MINUTE}))
    on_duty = items(viewer.get("/roster", now=T0 + HOUR, site=site))
    ok(op.post(f"/shifts/{shift}/check-out", {"person_id": sampler, "occurred_at": T0 + 8 * HOUR}))

    assert [(r["person"], r["post"], r["status"], moment(r["since"])) for r in on_duty] == [
        ("Chen Jing", "sampler", "on duty", T0 - 5 * MINUTE)]
    assert items(viewer.get("/roster", now=T0 + 9 * HOUR, site=site)) == []
    hours = one(viewer.get("/duty-hours", person=sampler, now=T0 + 12 * HOUR))
    assert (hours["day"], hours["hours"], hours["shifts"], hours["on_duty"]) == ("2026-03-02", 8.08, 1, False)
    resting = one(viewer.get("/resting", now=T0 + 9 * HOUR))
    assert (resting["person"], moment(resting["resting_until"])) == ("Chen Jing", T0 + 16 * HOUR)
    assert items(viewer.get("/resting", now=T0 + 17 * HOUR)) == []


def test_a_shift_that_was_worked_hands_its_post_over_to_the_next(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    sampler = world.person("Chen Jing")
    day, night = world.shift(site, T0), world.shift(site, T0 + 8 * HOUR)
    world.do("assign_to_shift", day, sampler)
    world.do("check_in", day, sampler, at=T0)

    ok(desk.operator.post(f"/shifts/{day}/handover", {"next_shift_id": night, "notes": "swabs restocked",
                                                      "occurred_at": T0 + 8 * HOUR}))

    assert world.app.load(Shift, day, "shift").handed_over_to == night
    handed = next(e for e in world.events() if type(e).__name__ == "HandedOver")
    assert (handed.notes, handed.occurred_at) == ("swabs restocked", T0 + 8 * HOUR)


def test_the_gaps_count_one_unassigned_and_one_no_show_as_people_still_needed(desk: Desk) -> None:
    op, viewer, world = desk.operator, desk.viewer, desk.world
    incident = world.incident()
    site = world.open_site(incident)
    stays, leaves = world.person("Chen Jing"), world.person("Liu Yang")
    shift = world.shift(site, T0, slots=2)
    for person in (stays, leaves):
        world.do("assign_to_shift", shift, person)
    staffed = one(viewer.get("/gaps/incidents", now=T0 - HOUR))

    ok(op.post(f"/shifts/{shift}/unassign", {"person_id": leaves}))
    ok(op.post(f"/shifts/{shift}/no-show", {"person_id": stays, "occurred_at": T0 + 15 * MINUTE}))

    assert world.app.load(Shift, shift, "shift").people == {str(stays): {"status": "no_show"}}
    assert [(r["person"], r["status"]) for r in items(viewer.get("/roster", now=T0 + HOUR))] == [
        ("Chen Jing", "no-show")]
    post = one(viewer.get("/gaps", now=T0 + HOUR, incident=incident))
    assert (post["window"], post["required"], post["have"], post["need"]) == ("now", 2, 0, 2)
    short = one(viewer.get("/gaps/incidents", now=T0 + HOUR))
    assert (staffed["window"], staffed["need"]) == ("next", 0)
    assert (short["incident_id"], short["window"], short["need"]) == (str(incident), "now", 2)


def test_a_wartime_limit_is_overridden_only_in_writing_and_the_override_is_listed(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    incident = world.incident()
    world.war(incident, max_shift_hours=8)
    long_shift = world.shift(world.open_site(incident), T0, hours=10)
    sampler = world.person("Chen Jing")

    unwritten = op.post(f"/shifts/{long_shift}/assignments", {"person_id": sampler})
    ok(op.post(f"/shifts/{long_shift}/assignments", {"person_id": sampler, "ordered_by": "commander:wang",
                                                     "override_reason": "second sampler fell ill"}))

    assert refused(unwritten, 409, "wartime_longest_shift")["facts"]["shift_hours"] == 10
    override = one(desk.auditor.get("/overrides", incident=incident))
    assert (override["person"], override["rules"], override["reason"]) == (
        "Chen Jing", ["wartime_longest_shift"], "second sampler fell ill")
    assert override["actor"].startswith("Li Wei (operator") and override["ordered_by"] == "commander:wang"


# --- dispatches -----------------------------------------------------------------------------------------------

def test_a_person_is_dispatched_to_a_site_and_followed_until_released(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    incident = world.incident()
    site = world.open_site(incident)
    marshal = world.person("Zhou Qiang", ("marshal",))

    order = created(op.post("/dispatches", {"subject_kind": "person", "subject_id": marshal, "incident_id": incident,
                                            "site_id": site, "task": "keep order at the queue"}))
    requested = one(desk.viewer.get("/dispatches", incident=incident))
    for step in ("acknowledge", "set-out", "arrive"):
        ok(op.post(f"/dispatches/{order}/{step}"))
    on_scene = one(desk.viewer.get("/dispatches", incident=incident))
    ok(op.post(f"/dispatches/{order}/release"))

    assert (requested["subject"], requested["state"], requested["site_id"]) == ("Zhou Qiang", "requested", str(site))
    assert on_scene["state"] == "on_scene"
    assert items(desk.viewer.get("/dispatches", incident=incident)) == []
    assert world.app.load(Dispatch, order, "dispatch").state == "released"
    assert world.app.load(Person, marshal, "person").active_dispatch is None


def test_a_dispatch_is_declined_or_recalled_only_with_a_reason_and_the_trail_keeps_it(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    incident = world.incident()
    driver = world.person("Ma Chao", ("driver",))
    body = {"subject_kind": "person", "subject_id": driver, "incident_id": incident, "task": "carry samples"}

    declined = created(op.post("/dispatches", body))
    unexplained = op.post(f"/dispatches/{declined}/decline")
    ok(op.post(f"/dispatches/{declined}/decline", {"reason": "van in repair"}))
    recalled = created(op.post("/dispatches", body))
    ok(op.post(f"/dispatches/{recalled}/acknowledge"))
    ok(op.post(f"/dispatches/{recalled}/recall", {"reason": "samples collected by another van"}))

    assert refused(unexplained, 422, "invalid_command")["facts"] == {"field": "reason"}
    assert [world.app.load(Dispatch, d, "dispatch").state for d in (declined, recalled)] == ["declined", "recalled"]
    trail = items(desk.auditor.get("/audit", person=driver))
    assert [(r["event_type"], r["reason"]) for r in trail if r["event_type"] in ("Dispatch.Declined",
                                                                                 "Dispatch.Recalled")] == [
        ("Dispatch.Declined", "van in repair"), ("Dispatch.Recalled", "samples collected by another van")]


def test_a_drill_call_up_is_timed_from_dispatch_to_arrival_on_scene(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    drill = world.incident(exercise=True)
    force = world.do("form_task_force", "Grid 1 Task Force", "cooperative_grid", world.grid, world.person(), "Flag 2")

    order = created(op.post("/dispatches", {"subject_kind": "task_force", "subject_id": force, "incident_id": drill,
                                            "task": "muster at the square", "occurred_at": T0}))
    for step, minutes in (("acknowledge", 5), ("set-out", 10), ("arrive", 25)):
        ok(op.post(f"/dispatches/{order}/{step}", {"occurred_at": T0 + minutes * MINUTE}))

    timed = one(desk.viewer.get("/drill-times", incident=drill))
    assert (timed["name"], timed["task_force"], timed["minutes"]) == ("Grid 1 Task Force", str(force), 25.0)
    assert (moment(timed["called_up_at"]), moment(timed["mustered_at"])) == (T0, T0 + 25 * MINUTE)


# --- audit and health -----------------------------------------------------------------------------------------

def test_an_auditor_reads_who_ordered_what_and_why_and_the_chain_holds(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    incident = created(op.post("/incidents", {"title": "Round 3", "kind": "other", "scope_unit_id": world.street,
                                              "ordered_by": "commander:wang", "reason": "district order 12"}))

    trail = items(desk.auditor.get("/audit", incident=incident))
    verdict = ok(desk.auditor.get("/audit/verify"))

    row = one_of(trail)
    assert (row["event_type"], row["ordered_by"], row["reason"]) == ("Incident.Declared", "commander:wang",
                                                                     "district order 12")
    assert row["actor"].startswith("Li Wei (operator, token ")
    assert (verdict["ok"], verdict["checked"], verdict["broken_at"]) == (True, world.log_size(), None)


def test_health_and_readiness_answer_without_a_token(desk: Desk) -> None:
    assert ok(desk.client.get("/healthz")) == {"status": "ok"}
    assert ok(desk.client.get("/readyz")) == {"status": "ready", "log_position": desk.world.log_size()}


# --- refusals -------------------------------------------------------------------------------------------------

def test_without_a_valid_token_commands_and_views_are_refused_401(desk: Desk) -> None:
    size = desk.world.log_size()

    command = desk.anonymous.post("/incidents", {"title": "Round 9", "kind": "other",
                                                 "scope_unit_id": desk.world.street})
    view = desk.anonymous.get("/gaps")

    refused(command, 401, "unauthenticated")
    refused(view, 401, "unauthenticated")
    assert command.headers["WWW-Authenticate"] == "Bearer"
    assert desk.world.log_size() == size


def test_viewer_and_auditor_tokens_give_no_commands_and_a_viewer_reads_no_audit_403(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    size = world.log_size()

    by_viewer = desk.viewer.post(f"/sites/{site}/pause")
    by_auditor = desk.auditor.post(f"/sites/{site}/pause")
    audit = desk.viewer.get("/audit/verify")

    assert "may read but not give commands" in refused(by_viewer, 403, "forbidden")["message"]
    refused(by_auditor, 403, "forbidden")
    refused(audit, 403, "forbidden")
    assert world.app.load(TestingSite, site, "testing site").state == "open" and world.log_size() == size


def test_an_operator_scoped_to_one_grid_acts_there_but_is_refused_next_door_403(desk: Desk) -> None:
    world, scoped = desk.world, desk.grid_operator
    incident = world.incident()
    mine = world.person("Chen Jing")
    next_door = world.do("register_person", "Liu Yang", ["volunteer"], world.other_grid)
    their_site = world.do("plan_testing_site", incident, world.other_grid, "Site 2", 1, {"sampler": 1})

    ok(scoped.post(f"/people/{mine}/availability", {"availability": "on_leave"}))
    size = world.log_size()
    person = scoped.post(f"/people/{next_door}/availability", {"availability": "on_leave"})
    shift = scoped.post("/shifts", shift_body(their_site, T0, T0 + 4 * HOUR))

    assert "covers Shimaqiao Grid 1" in refused(person, 403, "forbidden")["message"]
    refused(shift, 403, "forbidden")
    assert world.log_size() == size
    assert [world.app.load(Person, p, "person").availability for p in (mine, next_door)] == ["on_leave", "available"]


def test_ids_that_name_nothing_are_refused_404(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    size = world.log_size()

    step = op.post(f"/dispatches/{uuid4()}/acknowledge")
    site = op.post("/sites", site_body(uuid4(), world.grid))

    assert refused(step, 404, "not_found")["facts"]["kind"] == "dispatch"
    assert refused(site, 404, "not_found")["facts"]["kind"] == "incident"
    refused(desk.viewer.get(f"/people/{uuid4()}"), 404, "not_found")
    refused(desk.viewer.get(f"/org-units/{uuid4()}/mode"), 404, "not_found")
    assert world.log_size() == size


def test_a_site_without_a_commander_is_refused_opening_409(desk: Desk) -> None:
    world = desk.world
    site = world.do("plan_testing_site", world.incident(), world.grid, "Site 1", 1, {"sampler": 1})

    opening = desk.operator.post(f"/sites/{site}/open")

    body = refused(opening, 409, "site_needs_commander")
    assert (body["facts"]["site"], body["retryable"]) == ("Site 1", False)
    assert world.app.load(TestingSite, site, "testing site").state == "planned"


def test_malformed_input_is_refused_422_naming_the_field_and_contradictory_input_naming_the_rule(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    site = world.open_site(world.incident())
    size = world.log_size()

    no_lane = op.post("/shifts", {**shift_body(site, T0, T0 + HOUR), "lane": 0})
    backwards = op.post("/shifts", shift_body(site, T0, T0 - HOUR))
    half_hour = op.post(f"/sites/{site}/tallies", {"hour": T0 + 30 * MINUTE, "samples": 10})
    naive_now = desk.viewer.get("/roster", now="2026-03-02T10:00:00")

    assert [p["field"] for p in refused(no_lane, 422, "invalid_request")["facts"]["problems"]] == ["lane"]
    assert refused(backwards, 422, "invalid_command")["message"] == "a shift must end after it starts"
    assert "whole hour" in refused(half_hour, 422, "invalid_command")["message"]
    assert naive_now.status_code == 422 and "time zone" in naive_now.json()["message"]
    assert world.log_size() == size


# --- helpers --------------------------------------------------------------------------------------------------

def ok(response: Response, status: int = 200) -> Any:
    """The JSON of a response that succeeded with `status`."""
    assert response.status_code == status, response.text
    return response.json()


def created(response: Response) -> UUID:
    """The id of the record a command created (201)."""
    return UUID(ok(response, 201)["id"])


def refused(response: Response, status: int, error: str) -> dict[str, Any]:
    """The refusal's JSON, checked to be `status` with the `error` rule, a message and no stack trace."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "facts", "retryable"} and body["error"] == error, body
    assert body["message"] and "Traceback" not in response.text
    return body


def items(response: Response) -> list[dict[str, Any]]:
    """The rows of one page of a view."""
    return ok(response)["items"]


def one(response: Response) -> dict[str, Any]:
    """The only row of a view's page."""
    return one_of(items(response))


def one_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The only row, failing with all of them if there is not exactly one."""
    assert len(rows) == 1, rows
    return rows[0]


def moment(text: str) -> datetime:
    """A time a view returned as text."""
    return datetime.fromisoformat(text)


def site_body(incident: UUID, grid: UUID, lanes: int = 1) -> dict[str, Any]:
    """The body of POST /sites: a site with sampler and registrar posts per lane."""
    return {"incident_id": incident, "grid_id": grid, "name": "Site 2", "lanes": lanes,
            "posts": {"sampler": 1, "registrar": 1}}


def shift_body(site: UUID, start: datetime, end: datetime) -> dict[str, Any]:
    """The body of POST /shifts: a sampler shift on lane 1."""
    return {"site_id": site, "lane": 1, "post": "sampler", "start": start, "end": end}


def available_in(desk: Desk, unit: UUID) -> dict[str, int]:
    """People available in `unit` by skill, at T0, as the readiness board counts them."""
    return next(row["available"] for row in items(desk.viewer.get("/readiness", unit=unit, now=T0))
                if row["unit"] == str(unit))


def task_forces_under(desk: Desk, unit: UUID) -> tuple[int, int]:
    """(ready, standing) task forces under `unit`, as the readiness board counts them."""
    row = next(row for row in items(desk.viewer.get("/readiness", unit=unit)) if row["unit"] == str(unit))
    return row["task_forces_ready"], row["task_forces_total"]


def events_of(world: World, aggregate: UUID) -> list[str]:
    """The names of an aggregate's events, in order."""
    return [type(e).__name__ for e in world.events() if e.originator_id == aggregate]
