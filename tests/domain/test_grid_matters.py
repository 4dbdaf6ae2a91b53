"""Scenarios: residents' requests resolved in the grid or escalated, hazards rectified and verified, small wishes."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from mobilize.domain.base import InvalidCommand, NotFound, RuleViolated
from mobilize.domain.hazard import HazardStateRefused, SelfVerification
from mobilize.domain.personal import declared
from mobilize.domain.resident_request import RequestNotOpen, ResidentRequest
from mobilize.domain.small_wish import WishStateRefused
from mobilize.log.envelope import for_relay, for_viewer
from mobilize.privacy.seal import Opener, Sealed
from tests.conftest import HOUR, T0, World

DAY = 24 * HOUR


def events_of(world: World, record: UUID) -> list[Any]:
    return [e for e in world.events() if e.originator_id == record]


def walk_in(world: World) -> tuple[UUID, UUID]:
    """A grid worker receives a resident walking in; returns (visit, worker)."""
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    return world.do("record_visit", world.grid, "walk_in", [li], "met"), li


def test_a_request_is_resolved_in_the_grid_by_someone_never_by_nobody(world: World) -> None:
    visit, li = walk_in(world)
    request = world.do("register_request", visit, "social_assistance", "medicine for four months", T0 + 3 * DAY)
    world.do("assign_request", request, li)
    size = world.log_size()

    with pytest.raises(InvalidCommand, match="name who resolved it"):
        world.do("resolve_request", request, None, "a company donated it")
    with pytest.raises(InvalidCommand, match="how the request was resolved"):
        world.do("resolve_request", request, li, "  ")
    assert world.log_size() == size

    world.do("resolve_request", request, li, "a company donated four months of her medicine", at=T0)

    resolved = events_of(world, request)[-1]
    assert (type(resolved).__qualname__, resolved.resolver_id, resolved.level, resolved.overdue) == (
        "ResidentRequest.Resolved", li, "grid", False)
    with pytest.raises(RequestNotOpen):
        world.do("resolve_request", request, li, "again")


def test_a_request_escalates_grid_to_community_to_street_each_step_with_who_and_why(world: World) -> None:
    visit, li = walk_in(world)
    request = world.do("register_request", visit, "housing", "the roof leaks into three flats", T0 + 2 * DAY)
    size = world.log_size()

    with pytest.raises(InvalidCommand, match="needs a reason"):
        world.do("escalate_request", request)
    assert world.log_size() == size
    world.do("escalate_request", request, ctx=world.ctx(reason="needs the housing office's budget"))
    world.do("escalate_request", request, T0 + 10 * DAY, ctx=world.ctx(reason="the community has no budget left"))

    up = [e for e in events_of(world, request) if type(e).__qualname__ == "ResidentRequest.Escalated"]
    assert [(e.from_level, e.to_level, e.unit_id, e.reason, e.actor) for e in up] == [
        ("grid", "community", world.community, "needs the housing office's budget", "operator:li"),
        ("community", "street", world.street, "the community has no budget left", "operator:li")]
    assert world.app.load(ResidentRequest, request, "request").due_at == T0 + 10 * DAY
    with pytest.raises(RuleViolated, match="nowhere higher"):
        world.do("escalate_request", request, ctx=world.ctx(reason="again"))
    assert world.app.handling_unit(request) == world.street  # the street's to handle now
    assert world.app.unit_of(request) == world.grid  # and still the grid's record, to read and to stream


def test_a_request_needs_a_category_a_summary_and_a_due_time_after_now(world: World) -> None:
    visit, _ = walk_in(world)
    with pytest.raises(InvalidCommand, match="category must be one of"):
        world.do("register_request", visit, "weather", "too hot", T0 + DAY)
    with pytest.raises(InvalidCommand, match="due time must lie after"):
        world.do("register_request", visit, "health", "a check-up", T0 - 20 * DAY)
    request = world.do("register_request", visit, "health", "a check-up", T0 + DAY)
    assert world.app.load(ResidentRequest, request, "request").overdue(T0 + 2 * DAY)


def test_a_hazard_is_rectified_by_its_deadline_and_verified_by_someone_else(world: World) -> None:
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    owner = world.do("register_person", "Wang Gang", ["building_leader"], world.grid)
    hazard = world.do("report_hazard", world.grid, "self_built_house", "No. 12 back lane", li,
                      description="cracked load-bearing wall")
    with pytest.raises(HazardStateRefused, match="cannot be rectified before"):
        world.do("rectify_hazard", hazard, owner)
    world.do("order_rectification", hazard, owner, T0 + 7 * DAY)
    world.do("rectify_hazard", hazard, owner, note="wall shored up", at=T0)
    size = world.log_size()

    with pytest.raises(SelfVerification, match="Wang Gang rectified this hazard: someone else must verify it"):
        world.do("verify_hazard", hazard, owner)
    assert world.log_size() == size
    world.do("verify_hazard", hazard, li, passed=False, ctx=world.ctx(reason="shoring is temporary"))
    world.do("rectify_hazard", hazard, owner, note="wall rebuilt", at=T0 + HOUR)
    world.do("verify_hazard", hazard, li, at=T0 + 2 * HOUR)

    assert [type(e).__qualname__.split(".")[1] for e in events_of(world, hazard)] == [
        "Found", "RectificationOrdered", "Rectified", "VerificationFailed", "Rectified", "Verified"]
    with pytest.raises(HazardStateRefused):
        world.do("verify_hazard", hazard, li)


def test_a_small_wish_is_claimed_by_a_member_or_a_unit_then_fulfilled(world: World) -> None:
    member = world.do("register_person", "Zhou Ming", ["dual_registered_party_member"], world.grid,
                      home_unit="District Tax Bureau")
    wish = world.do("register_wish", world.grid, "a school bag for her grandson")
    other = world.do("register_wish", world.grid, "a wheelchair")

    with pytest.raises(WishStateRefused, match="only a claimed wish"):
        world.do("fulfil_wish", wish)
    with pytest.raises(InvalidCommand, match="exactly one"):
        world.do("claim_wish", wish, member, "Baiyun Water Company")
    world.do("claim_wish", wish, member)
    world.do("claim_wish", other, unit="Baiyun Water Company")
    with pytest.raises(WishStateRefused, match="claimed already"):
        world.do("claim_wish", other, member)
    world.do("fulfil_wish", wish, "delivered on Monday")

    assert [(type(e).__qualname__, getattr(e, "claimant", None)) for e in events_of(world, wish)][1:] == [
        ("SmallWish.Claimed", "Zhou Ming"), ("SmallWish.Fulfilled", "Zhou Ming")]


def test_a_wish_names_an_existing_household_of_its_grid_and_wishes_and_hazards_sit_in_a_grid(world: World) -> None:
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    mine = world.do("register_household", world.grid, "7-302 Shimaqiao Road")
    theirs = world.do("register_household", world.other_grid, "9-901 Qinghu Road")
    size = world.log_size()

    with pytest.raises(NotFound, match="household"):
        world.do("register_wish", world.grid, "a school bag", uuid4())
    with pytest.raises(InvalidCommand, match="the household is not in Shimaqiao Grid 1"):
        world.do("register_wish", world.grid, "a school bag", theirs)
    with pytest.raises(InvalidCommand, match="small wishes are a grid's"):
        world.do("register_wish", world.street, "a school bag")
    with pytest.raises(InvalidCommand, match="hazards are found in a grid"):
        world.do("report_hazard", world.community, "gas", "Community office kitchen", li)
    assert world.log_size() == size

    wish = world.do("register_wish", world.grid, "a school bag", mine)
    assert [e.household_id for e in events_of(world, wish)] == [mine]


def test_the_free_text_of_a_hazard_and_a_wish_is_sealed_and_kept_from_viewers_and_the_topic(world: World) -> None:
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    owner = world.do("register_person", "Wang Gang", ["building_leader"], world.grid)
    hazard = world.do("report_hazard", world.grid, "gas", "7-302 kitchen", li, description="she cooks on a leaky hose")
    world.do("order_rectification", hazard, owner, T0 + 7 * DAY)
    world.do("rectify_hazard", hazard, owner, note="hose replaced; her son pays")
    wish = world.do("register_wish", world.grid, "a wheelchair")
    world.do("claim_wish", wish, unit="Baiyun Water Company")
    world.do("fulfil_wish", wish, "delivered to her bedside")

    opener = Opener(world.app.keyring)
    texts = {}
    for name, field in (("Hazard.Found", "description"), ("Hazard.Rectified", "note"), ("SmallWish.Fulfilled", "note")):
        [stored] = [e for e in world.events() if type(e).__qualname__ == name]
        declaration = declared(type(stored))
        assert declaration is not None and field in declaration.fields
        assert isinstance(getattr(stored, field), Sealed)
        texts[name] = opener.reveal(getattr(stored, field), field, stored.originator_id)
        body = {"event_type": name, "payload": {field: getattr(stored, field), "late": False}, "reason": None}
        assert field not in for_viewer(body)["payload"] and field not in for_relay(body)["payload"]
    assert texts == {"Hazard.Found": "she cooks on a leaky hose", "Hazard.Rectified": "hose replaced; her son pays",
                     "SmallWish.Fulfilled": "delivered to her bedside"}
