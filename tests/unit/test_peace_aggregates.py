"""The peace-time aggregates alone: households and visits, requests, hazards, wishes, drill musters."""

from __future__ import annotations

from datetime import date

import pytest

from mobilize.domain.base import InvalidCommand
from mobilize.domain.drill import DrillCallUp, Muster, NotADrill
from mobilize.domain.hazard import Hazard, SelfVerification
from mobilize.domain.household import Household
from mobilize.domain.incident import Incident
from mobilize.domain.organisation import OrgUnit
from mobilize.domain.person import Person
from mobilize.domain.personal import ERASED, PersonalDataErased
from mobilize.domain.resident_request import ResidentRequest
from mobilize.domain.small_wish import SmallWish
from mobilize.domain.visit import OutsideVisitorsGrid, Visit, VisitPlan
from tests.unit.conftest import HOUR, MINUTE, T0, assert_stamped, at, names


def grid() -> OrgUnit:
    street = OrgUnit.establish("Junhe Street", "street", None)
    return OrgUnit.establish("Grid 1", "grid", OrgUnit.establish("Shimaqiao", "community", street))


def person(name: str, home: OrgUnit | None) -> Person:
    return Person.register(name, ["grid_worker_full_time"], home.id if home else None)


def test_a_visit_plan_is_one_per_grid_and_day_and_orders_its_visitors_across_grids() -> None:
    g = grid()
    home = Household.register(g, None, "1-101 Shimaqiao Road", ["low_income", "elderly_alone"])
    stranger = person("Zhou Ming", None)
    plan = VisitPlan.draw(g.id, date(2026, 3, 2), "visiting residents")

    with pytest.raises(OutsideVisitorsGrid):
        Visit.record(g.id, home, "when_needed", [stranger], plan, "met")
    plan.assign(home, [stranger])
    visit = Visit.record(g.id, home, "scheduled", [stranger], plan, "met", follow_up="call the clinic")

    assert plan.id == VisitPlan.create_id(g.id, "2026-03-02") and home.care_flags == ["elderly_alone", "low_income"]
    assert names(plan.collect_events()) == ["VisitPlan.Drawn", "VisitPlan.HouseholdAssigned"]
    [recorded] = visit.collect_events()
    assert (recorded.plan_id, recorded.visitor_ids, recorded.follow_up) == (plan.id, [stranger.id], "call the clinic")
    assert_stamped([recorded])


def test_a_request_escalates_one_level_at_a_time_and_is_resolved_by_someone() -> None:
    g = grid()
    li = person("Li Wei", g)
    request = ResidentRequest.register(Visit.record(g.id, None, "walk_in", [li], None, "met"), "housing",
                                       "roof leaks", T0 + 24 * HOUR)
    community = OrgUnit.establish("Shimaqiao", "community", OrgUnit.establish("Junhe", "street", None))

    with pytest.raises(InvalidCommand, match="goes up to a community"):
        request.escalate(g, "why", None)
    request.escalate(community, "needs a budget", T0 + 72 * HOUR)
    with pytest.raises(InvalidCommand, match="name who resolved it"):
        request.resolve(None, "fixed")
    at(T0 + 80 * HOUR)
    request.resolve(li, "fixed")

    events = request.collect_events()
    assert names(events) == ["ResidentRequest.Registered", "ResidentRequest.Escalated", "ResidentRequest.Resolved"]
    assert (events[2].level, events[2].overdue, events[2].resolver_id) == ("community", True, li.id)


def test_a_hazard_is_verified_by_someone_other_than_its_rectifier() -> None:
    g = grid()
    finder, owner = person("Li Wei", g), person("Wang Gang", g)
    hazard = Hazard.find(g, "gas", "kitchen", "", finder)
    hazard.order_rectification(owner, T0 + 24 * HOUR)
    at(T0 + 30 * HOUR)
    hazard.rectify(owner, "hose replaced")

    with pytest.raises(SelfVerification):
        hazard.verify(owner, True)
    hazard.verify(finder, True)
    events = hazard.collect_events()
    assert names(events)[-2:] == ["Hazard.Rectified", "Hazard.Verified"] and events[-2].late is True


def test_a_wish_is_claimed_by_exactly_one_member_or_unit_and_a_muster_counts_minutes() -> None:
    g = grid()
    wish = SmallWish.register(g, None, "a wheelchair")
    with pytest.raises(InvalidCommand, match="exactly one"):
        wish.claim(None, " ")
    wish.claim(None, "Baiyun Water Company")
    wish.fulfil("delivered")
    assert [getattr(e, "claimant", None) for e in wish.collect_events()[1:]] == ["Baiyun Water Company"] * 2

    with pytest.raises(NotADrill):
        DrillCallUp.issue(Incident.declare("Cluster", "other", g.id), g, "square")
    call_up = DrillCallUp.issue(Incident.declare("Drill", "other", g.id, exercise=True), g, "square")
    at(T0 + 12 * MINUTE)
    muster = Muster.check_in(call_up, person("Li Wei", g), in_scope=True)
    assert muster.minutes == 12.0 and muster.id == Muster.create_id(call_up.id, muster.person_id)


def test_an_erased_household_records_its_erasure_once_and_nothing_more_about_it() -> None:
    g = grid()
    home = Household.register(g, None, "1-101 Shimaqiao Road", ["low_income"])
    li = person("Li Wei", g)
    visit = Visit.record(g.id, home, "when_needed", [li], None, "met")

    home.erase_personal_data()
    home.erase_personal_data()  # a second erasure records nothing more

    assert names(home.collect_events()) == ["Household.Registered", "Household.PersonalDataErased"]
    assert (home.erased, home.address, home.care_flags) == (True, ERASED, ERASED)
    refusals = [lambda: home.flag(["disability"]),
                lambda: Visit.record(g.id, home, "when_needed", [li], None, "met"),
                lambda: VisitPlan.draw(g.id, date(2026, 3, 2), "visits").assign(home, [li]),
                lambda: ResidentRequest.register(visit, "housing", "roof leaks", T0 + 24 * HOUR, home),
                lambda: SmallWish.register(g, home, "a radio")]
    for refused in refusals:
        with pytest.raises(PersonalDataErased, match="household's personal data was erased"):
            refused()
