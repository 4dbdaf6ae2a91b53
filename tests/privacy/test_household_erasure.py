"""Erasing a household (PIPL Art. 47): its address and care flags, and the text of every visit, request and small
wish about it, unreadable for good; its neighbours' records untouched; a retry or a second erasure harmless."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from mobilize.domain.base import utcnow
from mobilize.domain.household import Household
from mobilize.domain.personal import ERASED, PersonalDataErased, declared
from mobilize.feeds.tail import Tail
from mobilize.privacy.seal import Opener
from mobilize.projections.audit import AuditTrail, trail, verify
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from tests.conftest import World
from tests.privacy.test_personal_data import rebuilt, stored_bytes

SECRETS = ("7-302 Shimaqiao Road", "elderly_alone", "disability", "she fell last week", "call her son",
           "ordered by Wang", "roof leaks over the bed", "a wheelchair", "delivered on Friday")
"""What is recorded about the household erased: address, flags, observations, follow-up, order, summary, wish."""


def household_with_records(world: World, address: str = "7-302 Shimaqiao Road", flags: tuple[str, ...] = (
        "elderly_alone",), words: tuple[str, ...] = SECRETS[3:]) -> dict[str, UUID]:
    """A household flagged twice, a visit about it (by a visitor from the other grid, on an order), a request
    raised on the visit and resolved, a small wish claimed and fulfilled."""
    said_fall, follow, order, roof, wish, note = words
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    zhou = world.do("register_person", "Zhou Ming", ["volunteer"], world.other_grid)
    home = world.do("register_household", world.grid, address, care_flags=list(flags))
    world.do("flag_household", home, [*flags, "disability"])
    visit = world.do("record_visit", world.grid, "when_needed", [li, zhou], "met", household_id=home,
                     observations=said_fall, follow_up=follow, outside_grid_order=order)
    request = world.do("register_request", visit, "housing", roof, utcnow() + timedelta(days=3))
    world.do("resolve_request", request, li, "patched the roof")
    wish_id = world.do("register_wish", world.grid, wish, household_id=home)
    world.do("claim_wish", wish_id, unit="Baiyun Rotary")
    world.do("fulfil_wish", wish_id, note)
    return {"home": home, "visit": visit, "request": request, "wish": wish_id, "li": li}


def opened(world: World, record: UUID) -> list[dict[str, Any]]:
    """Every declared personal field of a record's events, opened as an entitled reader would."""
    opener, shown = Opener(world.app.keyring), []
    for event in world.app.events.get(record):
        declaration = declared(type(event))
        if declaration is not None:
            shown.append({f: opener.reveal(getattr(event, f), f, record) for f in declaration.fields})
    return shown


NEIGHBOUR = ("9-101 Shimaqiao Road", ("low_income",), ("his knee is better", "bring rice", "ordered by Chen",
                                                       "the drain is blocked", "a school bag", "handed over"))


def test_erasing_a_household_erases_it_and_every_record_about_it_and_nothing_else(world: World, store: str) -> None:
    # given a household and a neighbour, each with a visit, a request and a wish, and the audit trail showing them
    start = world.log_size()
    home = household_with_records(world)
    neighbour = household_with_records(world, NEIGHBOUR[0], NEIGHBOUR[1], NEIGHBOUR[2])
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()
    tail = Tail(world.app)
    assert "she fell last week" in "".join(e.frame_for(Opener(world.app.keyring)) or "" for e in tail.after(start)[0])
    assert "Shimaqiao Road" in json.loads(_rows(views, world, home["home"])[0]["payload"])["address"]

    # when the household's personal data is erased, for a reason
    world.do("erase_household_data", home["home"], ctx=world.ctx(reason="the family moved away and asked"))
    Runner(world.app, views, AuditTrail()).catch_up()

    # then every personal field of the household and of its records opens to [erased], for any reader
    for record in ("home", "visit", "request", "wish"):
        assert opened(world, home[record]), record
        for fields in opened(world, home[record]):
            assert set(fields.values()) == {ERASED}, (record, fields)
    household = world.app.load(Household, home["home"], "household")
    assert household.erased and household.grid_id == world.grid  # the household stays, by id, in its grid
    # the neighbour's records keep theirs
    assert opened(world, neighbour["home"])[0] == {"address": "9-101 Shimaqiao Road", "care_flags": ["low_income"]}
    assert opened(world, neighbour["visit"])[0]["observations"] == "his knee is better"
    assert opened(world, neighbour["request"])[0] == {"summary": "the drain is blocked"}
    assert opened(world, neighbour["wish"]) == [{"wish": "a school bag"}, {"note": "handed over"}]
    # the audit trail's export shows them erased, names the operator and the reason, and its chain still holds
    exported = [json.loads(row["payload"]) for record in ("home", "visit", "request", "wish")
                for row in _rows(views, world, home[record]) if row["payload"]]
    shown = json.dumps(exported, ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in shown] and ERASED in shown
    erasure = [row for row in _rows(views, world, home["home"]) if row["event_type"] ==
               "Household.PersonalDataErased"]
    assert [(row["actor"], row["reason"]) for row in erasure] == [("operator:li", "the family moved away and asked")]
    assert "9-101 Shimaqiao Road" in json.dumps([json.loads(r["payload"]) for r in _rows(views, world,
                                                                                         neighbour["home"])])
    assert verify(world.app, views).ok
    views.close()
    # a live feed's frames for entitled readers too (the tail an open stream already holds)
    frames = [entry.frame_for(Opener(world.app.keyring)) or "" for entry in tail.after(start)[0]
              if entry.aggregate_id in {home[r] for r in ("home", "visit", "request", "wish")}]
    assert frames and not [s for s in SECRETS if any(s in frame for frame in frames)]
    assert any(ERASED in frame for frame in frames)
    # and a rebuild from zero yields the erased form too
    views = rebuilt(world.app, store)
    assert json.loads(_rows(views, world, home["visit"])[0]["payload"])["observations"] == ERASED
    views.close()


def _rows(views: ViewStore, world: World, record: UUID) -> list[dict[str, Any]]:
    return [row for row in trail(views, opener=Opener(world.app.keyring)) if row["aggregate_id"] == str(record)]


def test_after_erasure_the_stored_bytes_hold_nothing_of_the_household_nor_any_key_to_it(world: World,
                                                                                       store: str) -> None:
    if store == "memory:":
        pytest.skip("nothing is stored in bytes")
    # given a household with its records, their keys in the key table, and every view built
    home = household_with_records(world)
    keys = {record: world.app.keyring.row(home[record]) for record in ("home", "visit", "request", "wish")}
    assert all(row is not None and row[0] is not None for row in keys.values())
    rebuilt(world.app, store).close()
    # when it is erased and every view rebuilt
    world.do("erase_household_data", home["home"])
    rebuilt(world.app, store).close()
    raw = stored_bytes(store)
    # then no text about it lies in the store, and no copy of the keys that sealed it
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    for record, row in keys.items():
        assert row is not None and row[0] is not None
        assert row[0] not in raw, record
        assert world.app.keyring.row(home[record]) == (None, world.app.keyring.row(home[record])[1]), record


def test_nothing_more_is_recorded_about_an_erased_household(world: World) -> None:
    # given an erased household with a visit
    home = household_with_records(world)
    world.do("erase_household_data", home["home"])
    li, day = home["li"], utcnow().date()
    # then its care flags, a new visit, a plan, a request on its old visit, a small wish are refused, clearly
    refusals = [
        lambda: world.do("flag_household", home["home"], ["low_income"]),
        lambda: world.do("record_visit", world.grid, "when_needed", [li], "met", household_id=home["home"]),
        lambda: world.do("plan_visits", world.grid, day, home["home"], [li]),
        lambda: world.do("register_request", home["visit"], "housing", "more", utcnow() + timedelta(days=1)),
        lambda: world.do("register_wish", world.grid, "a radio", household_id=home["home"]),
    ]
    for attempt in refusals:
        with pytest.raises(PersonalDataErased, match="household's personal data was erased") as refused:
            attempt()
        assert refused.value.rule == "personal_data_erased" and "已被删除" in refused.value.zh
    # while the grid's other work goes on: a walk-in, a request on it
    walk_in = world.do("record_visit", world.grid, "walk_in", [li], "met", observations="asked about rubbish")
    world.do("register_request", walk_in, "environment", "bins overflow", utcnow() + timedelta(days=1))


def test_erasing_twice_or_again_after_a_crash_destroys_the_keys_and_records_one_erasure(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a household with records, and a crash between recording the erasure and destroying the keys
    home = household_with_records(world)
    keyring = world.app.keyring

    def crash(*subjects: UUID) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(keyring, "destroy", crash)
    ctx = world.ctx(reason="asked")
    with pytest.raises(RuntimeError, match="power cut"):
        world.do("erase_household_data", home["home"], ctx=ctx)
    monkeypatch.undo()
    assert world.app.load(Household, home["home"], "household").erased  # recorded...
    assert opened(world, home["visit"])[0]["observations"] == "she fell last week"  # ...and not yet destroyed
    # when the same command is retried, and later a second erasure is asked for
    assert world.do("erase_household_data", home["home"], ctx=ctx) == home["home"]
    assert world.do("erase_household_data", home["home"]) == home["home"]
    # then the keys are destroyed, and the log holds one erasure
    assert opened(world, home["visit"])[0]["observations"] == ERASED
    assert opened(world, home["wish"]) == [{"wish": ERASED}, {"note": ERASED}]
    kinds = [type(e).__qualname__ for e in world.app.events.get(home["home"])]
    assert kinds.count("Household.PersonalDataErased") == 1


def test_a_household_never_visited_is_erased_too(world: World) -> None:
    home = world.do("register_household", world.grid, "3-1 Junhe Road", care_flags=["low_income"])
    world.do("erase_household_data", home)
    assert opened(world, home) == [{"address": ERASED, "care_flags": ERASED}]
    assert world.app.records_naming(home) == []



def test_its_open_requests_and_wishes_are_closed_with_it_and_leave_the_open_lists(world: World, store: str) -> None:
    # given an erased household's visit with a request still open, a resolved one, and a wish claimed, not fulfilled
    from mobilize.projections.peace import PeaceWork
    from mobilize.projections.peace_reports import requests, resolved_in_grid

    home = household_with_records(world)  # its request is resolved, its wish fulfilled
    li = home["li"]
    still_open = world.do("register_request", home["visit"], "health", "needs a doctor's visit",
                          utcnow() + timedelta(days=2))
    world.do("assign_request", still_open, li)
    claimed = world.do("register_wish", world.grid, "a radio", household_id=home["home"])
    world.do("claim_wish", claimed, unit="Baiyun Rotary")
    views = ViewStore.for_store(store)
    Runner(world.app, views, PeaceWork()).catch_up()
    assert [r["request_id"] for r in requests(views, utcnow())] == [still_open]

    # when the household is erased
    world.do("erase_household_data", home["home"], ctx=world.ctx(reason="moved away"))
    Runner(world.app, views, PeaceWork()).catch_up()

    # then the open request and the claimed wish are closed unresolved, by the operator, saying why; nothing else is
    for record, kind in ((still_open, "ResidentRequest.Withdrawn"), (claimed, "SmallWish.Withdrawn")):
        [closed] = [e for e in world.app.events.get(record) if type(e).__qualname__ == kind]
        assert closed.why == "the household's personal data was erased" and closed.reason == "moved away"
    assert not [e for r in (home["request"], home["wish"]) for e in world.app.events.get(r)
                if type(e).__qualname__.endswith("Withdrawn")]
    # and they leave the open list, count as no resolution, and take no further step (in Chinese too)
    assert requests(views, utcnow()) == []
    assert {row["resolved"] for row in resolved_in_grid(views) if row["grid_id"] == world.grid} == {1}
    assert views.query("SELECT state FROM peace_wishes WHERE id = ?", (str(claimed),)) == [("withdrawn",)]
    with pytest.raises(Exception, match="withdrawn") as refused:
        world.do("resolve_request", still_open, li, "too late")
    assert getattr(refused.value, "zh", "") == "该诉求已撤销：住户的个人信息已被删除"
    with pytest.raises(Exception, match="withdrawn"):
        world.do("fulfil_wish", claimed, "too late")
    views.close()


def test_a_request_or_wish_racing_the_erasure_is_refused_or_closed_never_left_open(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from mobilize.application import Mobilize
    from mobilize.domain.resident_request import ResidentRequest

    home = world.do("register_household", world.grid, "7-302 Shimaqiao Road", care_flags=["elderly_alone"])
    li = world.do("register_person", "Li Wei", ["grid_worker_full_time"], world.grid)
    visit = world.do("record_visit", world.grid, "when_needed", [li], "met", household_id=home, observations="ok")
    outcomes: dict[str, Any] = {}

    def register(kind: str) -> None:
        try:
            outcomes[kind] = (world.do("register_request", visit, "housing", "roof", utcnow() + timedelta(days=3))
                              if kind == "request" else world.do("register_wish", world.grid, "a radio",
                                                                 household_id=home))
        except PersonalDataErased as refused:
            outcomes[kind] = refused

    # 1. a request that read the household before the erasure and commits after it: refused when it runs again
    register_first = ResidentRequest.register
    paused = {"done": False}

    def erase_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if not paused["done"]:
            paused["done"] = True
            eraser = threading.Thread(target=world.do, args=("erase_household_data", home))
            eraser.start()
            eraser.join()
        return register_first(*args, **kwargs)

    monkeypatch.setattr(ResidentRequest, "register", staticmethod(erase_meanwhile))
    register("request")
    monkeypatch.undo()
    assert isinstance(outcomes["request"], PersonalDataErased), outcomes

    # 2. a request and a wish sent while the erasure's later steps read the log: refused too
    home = world.do("register_household", world.grid, "9-101 Shimaqiao Road")
    visit = world.do("record_visit", world.grid, "when_needed", [li], "met", household_id=home, observations="ok")
    scan, calls = Mobilize.records_naming, {"n": 0}

    def racing_scan(self: Mobilize, household: UUID, *args: Any) -> list[UUID]:
        calls["n"] += 1
        if calls["n"] == 1:
            for kind in ("request", "wish"):
                other = threading.Thread(target=register, args=(kind,))
                other.start()
                other.join()
        return scan(self, household, *args)

    monkeypatch.setattr(Mobilize, "records_naming", racing_scan)
    world.do("erase_household_data", home)
    monkeypatch.undo()
    assert all(isinstance(outcomes[kind], PersonalDataErased) for kind in ("request", "wish")), outcomes
    assert world.app.records_naming(home) == [visit]
