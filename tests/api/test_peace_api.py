"""The peace half over HTTP: the action day, a request escalated with its reason, a hazard verified by
someone else, a small wish; refusals as JSON a person reads, and a grid operator kept to its grid."""

from __future__ import annotations

from mobilize.domain.base import utcnow
from tests.api.conftest import Api, Desk, issue
from tests.api.test_routes_api import DAY, created, items, ok, one_of, refused
from tests.projections.peace_week import WEEK, PeaceWeek


def test_an_operator_runs_the_action_day_and_follows_a_request_and_a_hazard_through(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    now = utcnow()  # commands over HTTP happen when they are sent
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    wang = world.do("register_person", "Wang Gang", ["building_leader"], world.grid)

    home = created(op.post("/households", {"grid_id": world.grid, "address": "7-302 Shimaqiao Road",
                                           "care_flags": ["elderly_alone"]}))
    ok(op.post("/visit-plans", {"grid_id": world.grid, "day": "2026-03-02", "household_id": home,
                                "visitor_ids": [li], "theme": "visiting residents"}))
    visit = created(op.post("/visits", {"grid_id": world.grid, "kind": "scheduled", "visitor_ids": [li],
                                        "outcome": "met", "household_id": home, "day": "2026-03-02"}))
    request = created(op.post("/resident-requests", {"visit_id": visit, "category": "housing",
                                                     "summary": "the roof leaks", "due_at": now + 3 * DAY}))
    refused(op.post(f"/resident-requests/{request}/escalate", {}), 422, "invalid_command")
    ok(op.post(f"/resident-requests/{request}/escalate", {"reason": "needs the housing office's budget"}))
    no_one = refused(op.post(f"/resident-requests/{request}/resolve", {"resolution": "fixed"}), 422,
                     "invalid_command")
    ok(op.post(f"/resident-requests/{request}/resolve", {"resolver_id": wang, "resolution": "roof repaired"}))

    hazard = created(op.post("/hazards", {"grid_id": world.grid, "kind": "gas", "location": "Building 7 kitchen",
                                          "finder_id": li}))
    ok(op.post(f"/hazards/{hazard}/rectification-order", {"responsible_id": wang, "deadline": now + 7 * DAY}))
    ok(op.post(f"/hazards/{hazard}/rectified", {"rectifier_id": wang, "note": "hose replaced"}))
    self_check = refused(op.post(f"/hazards/{hazard}/verification", {"verifier_id": wang}), 409,
                         "hazard_verified_by_rectifier")
    ok(op.post(f"/hazards/{hazard}/verification", {"verifier_id": li}))

    wish = created(op.post("/wishes", {"grid_id": world.grid, "wish": "a school bag", "household_id": home}))
    ok(op.post(f"/wishes/{wish}/claim", {"unit": "District Tax Bureau"}))
    ok(op.post(f"/wishes/{wish}/fulfil", {"note": "delivered"}))

    assert no_one["facts"]["field"] == "resolver_id"
    assert "someone else must verify it" in self_check["message"]
    kinds = [type(e).__qualname__ for e in world.events() if type(e).__qualname__.split(".")[0] in
             {"ResidentRequest", "Hazard", "SmallWish"}]
    assert kinds.count("ResidentRequest.Escalated") == 1 and kinds[-1] == "SmallWish.Fulfilled"


def test_a_grid_operator_touches_only_its_grids_households_and_bad_input_names_the_field(desk: Desk) -> None:
    world = desk.world
    elsewhere = world.do("register_household", world.other_grid, "9-901 Qinghu Road")

    outside = desk.grid_operator.post("/households", {"grid_id": world.other_grid, "address": "1 Qinghu Road"})
    assert outside.status_code == 403, outside.text
    assert desk.grid_operator.post(f"/households/{elsewhere}/care-flags", {"care_flags": []}).status_code == 403
    bad = desk.operator.post("/households", {"grid_id": world.grid, "address": "x", "care_flags": ["rich"]})
    assert bad.status_code == 422 and "care_flags" in bad.text and "Traceback" not in bad.text
    ok(desk.grid_operator.post("/households", {"grid_id": world.grid, "address": "1 Shimaqiao Road"}), 201)


def test_the_peace_views_over_http_scoped_replayable_and_without_the_why_for_a_viewer(desk: Desk) -> None:
    week = PeaceWeek(desk.world)
    week.monday()
    elsewhere = desk.world.do("report_hazard", desk.world.other_grid, "fire", "Qinghu stairwell", week.workers[2],
                              at=week.at(2))

    rows = items(desk.viewer.get("/action-day", week="2026-02-23"))
    mine = items(desk.grid_operator.get("/action-day", week=WEEK))
    by_operator = one_of(items(desk.operator.get("/escalations", week=WEEK)))
    by_viewer = one_of(items(desk.viewer.get("/escalations")))
    overdue = items(desk.operator.get("/resident-requests", overdue="true", now=week.at(24 * 5)))
    register = items(desk.grid_operator.get("/hazards"))
    rates = items(desk.operator.get("/resolved-in-grid"))
    then = ok(desk.operator.get("/action-day", week=WEEK, as_of=20))

    assert [(r["grid"], r["households_planned"], r["households_visited"]) for r in rows] == [
        ("Shimaqiao Grid 1", 4, 2), ("Shimaqiao Grid 2", 0, 0)]
    assert [r["grid"] for r in mine] == ["Shimaqiao Grid 1"]
    assert by_operator["reason"] == "needs the housing office's budget" and by_viewer["reason"] is None
    assert [(r["level"], r["overdue"]) for r in overdue] == [("community", True)]
    assert register == []  # the grid's own hazard is verified; the other grid's is out of reach
    assert [r["hazard_id"] for r in items(desk.operator.get("/hazards"))] == [str(elsewhere)]
    assert [(r["grid"], r["rate"]) for r in rates] == [("Shimaqiao Grid 1", 1.0), ("Shimaqiao Grid 2", None)]
    assert then["as_of_position"] == 20 and then["items"][0]["households_planned"] < 4
    assert "neither an ISO week" in desk.viewer.get("/action-day", week="last monday").text


def test_a_drill_call_up_musters_and_the_league_table_over_http(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    zhou = world.do("register_person", "Zhou Ming", ["volunteer"], world.other_grid)
    real, drill = world.incident(), world.incident(exercise=True)

    refused(op.post(f"/incidents/{real}/drill-call-ups", {"unit_id": world.street, "muster_point": "square"}), 409,
            "not_a_drill")
    call_up = created(op.post(f"/incidents/{drill}/drill-call-ups", {"unit_id": world.community,
                                                                     "muster_point": "Shimaqiao square"}))
    created(op.post(f"/drill-call-ups/{call_up}/musters", {"person_id": li}))
    assert desk.grid_operator.post(f"/drill-call-ups/{call_up}/musters", {"person_id": zhou}).status_code == 403
    created(op.post(f"/drill-call-ups/{call_up}/musters", {"person_id": zhou}))
    refused(op.post(f"/drill-call-ups/{call_up}/musters", {"person_id": zhou}), 409, "already_mustered")
    ok(op.post(f"/drill-call-ups/{call_up}/end", {}))

    grids = items(desk.viewer.get("/drill-league"))
    mine = items(desk.grid_operator.get("/drill-musters"))
    communities = items(desk.viewer.get("/drill-league", level="community"))
    assert sorted(r["unit"] for r in grids) == ["Shimaqiao Grid 1", "Shimaqiao Grid 2"]
    assert [r["rank"] for r in grids] == [1, 2] and all(r["drills"] == 1 for r in grids)
    assert [(r["unit"], r["mustered"]) for r in communities] == [("Shimaqiao Community", 2)]
    assert [r["person"] for r in mine] == ["Li Wei"]
    assert desk.viewer.get("/drill-league", level="street").status_code == 422


def test_a_request_that_left_the_grid_is_the_communitys_to_change_and_still_the_grids_to_read(desk: Desk) -> None:
    world = desk.world
    community_operator = Api(desk.client, issue(world.app, "operator", "Shimaqiao office", world.community))
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    visit = world.do("record_visit", world.grid, "walk_in", [li], "met")
    request = world.do("register_request", visit, "housing", "roof leaks", utcnow() + 3 * DAY)
    ok(desk.grid_operator.post(f"/resident-requests/{request}/assign", {"person_id": li}))
    ok(desk.grid_operator.post(f"/resident-requests/{request}/escalate", {"reason": "needs a budget"}))

    taken_back = desk.grid_operator.post(f"/resident-requests/{request}/resolve",
                                         {"resolver_id": li, "resolution": "patched it"})
    assert taken_back.status_code == 403, taken_back.text
    assert [r["level"] for r in items(desk.grid_operator.get("/resident-requests"))] == ["community"]
    ok(community_operator.post(f"/resident-requests/{request}/resolve", {"resolver_id": li, "resolution": "fixed"}))
    trail = desk.grid_operator.get("/audit", limit=1000).json()["items"]
    assert [r["event_type"] for r in trail if r["aggregate_id"] == str(request)] == [
        "ResidentRequest.Registered", "ResidentRequest.Assigned", "ResidentRequest.Escalated",
        "ResidentRequest.Resolved"]  # the grid's record still, though the community handled it


def test_a_grid_operator_commits_or_credits_only_its_own_grids_people(desk: Desk) -> None:
    world, mine = desk.world, desk.grid_operator
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    wang = world.do("register_person", "Wang Gang", ["building_leader"], world.grid)
    zhou = world.do("register_person", "Zhou Ming", ["volunteer"], world.other_grid)
    home = world.do("register_household", world.grid, "7-302 Shimaqiao Road")
    request = world.do("register_request", world.do("record_visit", world.grid, "walk_in", [li], "met"), "housing",
                       "roof leaks", utcnow() + 3 * DAY)
    hazard = world.do("report_hazard", world.grid, "gas", "Building 7 kitchen", li)
    wish = world.do("register_wish", world.grid, "a school bag")

    refusals = [mine.post(f"/resident-requests/{request}/assign", {"person_id": zhou}),
                mine.post(f"/resident-requests/{request}/resolve", {"resolver_id": zhou, "resolution": "fixed"}),
                mine.post("/hazards", {"grid_id": world.grid, "kind": "gas", "location": "shed", "finder_id": zhou}),
                mine.post(f"/hazards/{hazard}/rectification-order", {"responsible_id": zhou,
                                                                      "deadline": utcnow() + DAY}),
                mine.post(f"/wishes/{wish}/claim", {"member_id": zhou}),
                mine.post("/visit-plans", {"grid_id": world.grid, "day": "2026-03-02", "household_id": home,
                                           "visitor_ids": [li, zhou]})]
    ok(mine.post(f"/hazards/{hazard}/rectification-order", {"responsible_id": wang, "deadline": utcnow() + DAY}))
    refusals.append(mine.post(f"/hazards/{hazard}/rectified", {"rectifier_id": zhou}))
    ok(mine.post(f"/hazards/{hazard}/rectified", {"rectifier_id": wang}))
    refusals.append(mine.post(f"/hazards/{hazard}/verification", {"verifier_id": zhou}))

    assert [r.status_code for r in refusals] == [403] * 8, [r.text for r in refusals]
    assert [type(e).__qualname__ for e in world.events() if e.originator_id in {request, hazard, wish}] == [
        "ResidentRequest.Registered", "Hazard.Found", "SmallWish.Registered", "Hazard.RectificationOrdered",
        "Hazard.Rectified"]
    # a visitor from another grid is the domain's to allow: on an order, or on a plan the community drew
    refused(mine.post("/visits", {"grid_id": world.grid, "kind": "when_needed", "visitor_ids": [zhou],
                                  "outcome": "met", "household_id": home}), 409, "visit_outside_grid")
    created(mine.post("/visits", {"grid_id": world.grid, "kind": "when_needed", "visitor_ids": [zhou],
                                  "outcome": "met", "household_id": home,
                                  "outside_grid_order": "the community secretary sent him: Li Wei is ill"}))
    ok(desk.operator.post("/visit-plans", {"grid_id": world.grid, "day": "2026-03-02", "household_id": home,
                                           "visitor_ids": [zhou]}))
    created(mine.post("/visits", {"grid_id": world.grid, "kind": "scheduled", "visitor_ids": [zhou],
                                  "outcome": "met", "household_id": home, "day": "2026-03-02"}))


def test_a_hazard_or_a_wish_sits_in_a_grid_and_a_wish_names_a_household_of_it(desk: Desk) -> None:
    op, world = desk.operator, desk.world
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    theirs = world.do("register_household", world.other_grid, "9-901 Qinghu Road")

    street = refused(op.post("/hazards", {"grid_id": world.street, "kind": "gas", "location": "the office",
                                          "finder_id": li}), 422, "invalid_command")
    not_a_grid = refused(op.post("/wishes", {"grid_id": world.street, "wish": "a lamp"}), 422, "invalid_command")
    elsewhere = refused(op.post("/wishes", {"grid_id": world.grid, "wish": "a lamp", "household_id": theirs}), 422,
                        "invalid_command")
    missing = op.post("/wishes", {"grid_id": world.grid, "wish": "a lamp", "household_id": world.street})
    out_of_scope = desk.grid_operator.post("/wishes", {"grid_id": world.grid, "wish": "a lamp",
                                                       "household_id": theirs})

    assert [r["facts"]["field"] for r in (street, not_a_grid, elsewhere)] == ["grid_id", "grid_id", "household_id"]
    assert (missing.status_code, out_of_scope.status_code) == (404, 403), (missing.text, out_of_scope.text)
