"""The one shape of an event outside the store, and what each audience is shown of it."""

from __future__ import annotations

import json

from mobilize.feeds.relay import message
from mobilize.feeds.tail import Tail
from mobilize.log.envelope import WITHHELD, envelope, for_viewer, hidden, without_personal
from mobilize.privacy.seal import Opener
from mobilize.projections.audit import AuditTrail, trail
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from tests.conftest import World

PERSONAL = ("phone", "id_number", "home_unit")
KEYS = {"position", "event_type", "aggregate_id", "aggregate_version", "occurred_at", "recorded_at", "actor",
        "ordered_by", "reason", "command_id", "correlation_id", "payload"}


def stored(world: World, after: int = 0) -> list[tuple[object, object]]:
    notes = world.app.recorder.select_notifications(after + 1, 10_000)
    return [(world.app.mapper.to_domain_event(note), note) for note in notes]


def test_the_stream_and_the_relay_carry_the_same_envelope(world: World) -> None:
    # given a person registered with personal fields, for a reason
    start = world.log_size()
    world.do("register_person", "Chen Jing", ["medical_staff"], world.grid, phone="13800138000",
             id_number="110101199003071234", ctx=world.ctx(reason="back from sick leave"))
    note = world.app.recorder.select_notifications(start + 1, 1)[0]
    # when the relay and the live feed each render it
    relayed = json.loads(message(world.app, note).value)
    entry = Tail(world.app).after(start)[0][0]
    assert entry.frame is not None and entry.viewer_frame is not None
    opened = entry.frame_for(Opener(world.app.keyring))
    assert opened is not None
    streamed = json.loads(opened.split("data: ", 1)[1])
    # then both are the one envelope, with who did it, on whose order, why and when
    assert set(relayed) == set(streamed) == KEYS
    assert (streamed["actor"], streamed["ordered_by"], streamed["aggregate_version"], streamed["reason"]) == (
        "operator:li", "commander:wang", 1, "back from sick leave")
    assert streamed["payload"]["phone"] == "13800138000"
    # and the topic carries it without the personal fields, which only the API's entitled readers see
    assert relayed == without_personal(streamed)
    assert not set(PERSONAL) & set(relayed["payload"]) and relayed["reason"] == "back from sick leave"
    # and a viewer's frame has neither personal fields nor the free-text reason
    viewed = json.loads(entry.viewer_frame.split("data: ", 1)[1])
    assert viewed == for_viewer(streamed)
    assert not set(PERSONAL) & set(viewed["payload"]) and viewed["payload"]["name"] == "Chen Jing"
    assert viewed["reason"] is None and viewed["actor"] == "operator:li"


def test_hidden_events_keep_their_place_but_not_their_payload(world: World) -> None:
    # given a token issued (its secret's hash is recorded) and the command records every command leaves
    world.do("issue_token", "Wall screen", "viewer", None, "ab" * 32)
    events = stored(world)
    hidden_ones = [(e, n) for e, n in events if hidden(type(e).__qualname__)]
    assert {type(e).__qualname__ for e, _ in hidden_ones} == {"AccessToken.Issued", "CommandRecord.Accepted"}
    for event, note in hidden_ones:
        # then the relay carries the envelope, the payload withheld
        relayed = json.loads(message(world.app, note).value)  # type: ignore[arg-type]
        assert relayed["payload"] is WITHHELD and relayed["event_type"] == type(event).__qualname__
        assert envelope(event, note)["actor"] == "operator:li"  # type: ignore[arg-type]
        assert "ab" * 32 not in json.dumps(relayed)
    # and the live feed does not show them at all
    entries, _ = Tail(world.app).after(0)
    shown = [e for e in entries if e.frame]
    assert len(shown) == len(events) - len(hidden_ones)
    assert all("CommandRecord" not in (e.frame or "") and "AccessToken" not in (e.frame or "") for e in shown)


def test_the_audit_trail_export_withholds_what_the_feeds_withhold(world: World, store: str) -> None:
    # given the trail caught up over a token's issue
    world.do("issue_token", "Auditor Zhou", "auditor", None, "cd" * 32)
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()
    rows = trail(views)
    views.close()
    # then every event has its row, with the context, and the hidden ones show no payload
    assert len(rows) == world.log_size()
    issued = [r for r in rows if r["event_type"] == "AccessToken.Issued"]
    assert len(issued) == 1 and issued[0]["payload"] is WITHHELD and issued[0]["actor"] == "operator:li"
    assert all("cd" * 32 not in (r["payload"] or "") for r in rows)
    assert json.loads(next(r for r in rows if r["event_type"] == "OrgUnit.Established")["payload"])["name"]
