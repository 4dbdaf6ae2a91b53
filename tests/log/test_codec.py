"""The fast decoder gives handlers exactly what eventsourcing's mapper gives, event for event."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Notification

from mobilize.application import Mobilize
from mobilize.demo.city import generate
from mobilize.domain.base import MobilizeAggregate
from mobilize.log.codec import Decoder
from mobilize.settings import store_env


def typed(value: Any) -> Any:
    """A value with the type of every part of it spelled out, so that 1 == 1.0 or a list == tuple does not pass."""
    if isinstance(value, (list, tuple)):
        return type(value), [typed(item) for item in value]
    if isinstance(value, dict):
        return type(value), {key: typed(item) for key, item in value.items()}
    return type(value), value, getattr(value, "tzinfo", None)


def same_event(mapper_event: Any, fast_event: Any) -> bool:
    return type(fast_event) is type(mapper_event) and typed(vars(fast_event)) == typed(vars(mapper_event))


def stored(app: Mobilize) -> list[Notification]:
    found: list[Notification] = []
    start = 1
    while batch := app.recorder.select_notifications(start, 1000):
        found += batch
        start = batch[-1].id + 1
    return found


@pytest.fixture(scope="module")
def drives(tmp_path_factory: pytest.TempPathFactory) -> Mobilize:
    """The street demo's drive and a small city's day, one after the other in one SQLite log."""
    app = Mobilize(env=store_env(f"sqlite:///{tmp_path_factory.mktemp('codec') / 'events.db'}"))
    generate(app, "street", seed=3)
    generate(app, "city", seed=3, grids=12, days=1)
    return app


def test_every_event_of_a_real_drive_decodes_as_the_mapper_decodes_it(drives: Mobilize) -> None:
    decode = Decoder(drives.mapper)
    notes = stored(drives)

    different = [note.id for note in notes if not same_event(drives.mapper.to_domain_event(note), decode(note))]

    assert len({note.topic for note in notes}) >= 40, "the drives wrote every kind of event"
    assert different == []


class Ledger(MobilizeAggregate):
    """An aggregate whose event carries what a transcoder revives inside lists and dicts, and a few edge cases."""

    class Noted(MobilizeAggregate.Event):
        amounts: list[Any]
        by_person: dict[str, Any]
        nothing: Any
        text: str


def note_of(app: Mobilize, **fields: Any) -> Notification:
    context = {"actor": "operator:li", "ordered_by": "commander:wang", "command_id": "c1", "correlation_id": "c1",
               "reason": None, "occurred_at": datetime(2026, 3, 2, 6, tzinfo=UTC)}
    event = Ledger.Noted(originator_id=uuid4(), originator_version=1, timestamp=datetime.now(UTC),
                         **context, **fields)
    record = app.mapper.to_stored_event(event)
    return Notification(id=1, originator_id=record.originator_id, originator_version=record.originator_version,
                        topic=record.topic, state=record.state)


def test_typed_values_are_revived_at_any_depth() -> None:
    app = Mobilize(env=store_env("memory:"))
    note = note_of(app, amounts=[Decimal("1.10"), [uuid4(), {"at": datetime(2026, 3, 2, 8, 30, 15, 7)}], (1, 2.5)],
                   by_person={"a": {"_type_": "a dict that only looks typed", "x": 1}, "b": []},
                   nothing=None, text="网格员 \u2028 \"quoted\"")

    assert same_event(app.mapper.to_domain_event(note), Decoder(app.mapper)(note))


def test_what_orjson_refuses_is_decoded_by_the_mapper() -> None:
    app = Mobilize(env=store_env("memory:"))
    note = note_of(app, amounts=[float("nan")], by_person={}, nothing=None, text="")
    assert b"NaN" in note.state

    mapper_event, fast_event = app.mapper.to_domain_event(note), Decoder(app.mapper)(note)

    assert json.dumps(vars(fast_event), default=str) == json.dumps(vars(mapper_event), default=str)


def test_an_application_with_a_cipher_or_compressor_is_decoded_by_its_mapper() -> None:
    env = {**store_env("memory:"), "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"}
    app = Mobilize(env=env)
    note = note_of(app, amounts=[], by_person={}, nothing=None, text="compressed")
    decode = Decoder(app.mapper)

    assert not decode.fast
    assert same_event(app.mapper.to_domain_event(note), decode(note))


def test_a_string_originator_id_becomes_the_uuid_the_mapper_makes() -> None:
    app = Mobilize(env=store_env("memory:"))
    note = note_of(app, amounts=[], by_person={}, nothing=None, text="")
    as_text = replace(note, originator_id=UUID(str(note.originator_id)).hex)

    event = Decoder(app.mapper)(as_text)

    assert event.originator_id == note.originator_id and isinstance(event.originator_id, UUID)
    assert same_event(app.mapper.to_domain_event(as_text), event)


@pytest.mark.parametrize("number", [2**70, -(2**63) - 1, 2**64 - 1, -(2**63), 1e300, -2.5e19])
def test_integers_too_big_for_orjson_stay_exact_integers(number: Any) -> None:
    app = Mobilize(env=store_env("memory:"))
    note = note_of(app, amounts=[{"n": number}], by_person={}, nothing=number, text="")

    assert same_event(app.mapper.to_domain_event(note), Decoder(app.mapper)(note))
