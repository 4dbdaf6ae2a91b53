"""Command records: a log written before the record moved modules still answers retries."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from mobilize.application import CommandIdReused, Mobilize
from mobilize.application.idempotency import accepted, fingerprint, record_id
from mobilize.domain.base import CommandContext, current_context
from mobilize.settings import store_env

OLD_TOPIC = "mobilize.application.service:CommandRecord.Accepted"


def test_a_record_stored_under_its_old_topic_still_answers_a_retry(tmp_path: Path) -> None:
    # given a command whose record was stored under the module it lived in before the move
    store = f"sqlite:///{tmp_path / 'events.db'}"
    ctx = CommandContext(actor="operator:test", command_id="retry-after-upgrade")
    first = Mobilize(env=store_env(store))
    street = first.establish_unit("Junhe", "street", ctx=ctx)
    first.close()
    with sqlite3.connect(tmp_path / "events.db") as db:
        moved = db.execute("UPDATE stored_events SET topic = ? WHERE topic LIKE '%:CommandRecord.Accepted'",
                           (OLD_TOPIC,)).rowcount
    assert moved == 1
    # when the same command comes again to a process started afresh
    again = Mobilize(env={**store_env(store), "AGGREGATE_CACHE_MAXSIZE": ""})
    # then it is answered from the old record, and nothing new is written
    head = again.recorder.max_notification_id()
    assert again.establish_unit("Junhe", "street", ctx=ctx) == street
    assert again.recorder.max_notification_id() == head
    # and the same id with another body is still refused
    with pytest.raises(CommandIdReused):
        again.establish_unit("Baiyun", "street", ctx=ctx)


def test_a_generated_record_is_recognised_as_the_command_it_stands_for() -> None:
    # given a record built in bulk for a command, under its context
    ctx = CommandContext(actor="generator", command_id="seed-1").resolved(Mobilize.clock())
    arguments = {"name": "Junhe", "kind": "street", "context": {}}
    token = current_context.set(ctx)
    try:
        record = accepted("seed-1", "establish_unit", UUID(int=7), arguments)
    finally:
        current_context.reset(token)
    # then it carries the command's fingerprint and result, and the command's context
    assert record.id == record_id("seed-1")
    assert record.fingerprint == fingerprint("establish_unit", arguments)
    assert record.result == "00000000-0000-0000-0000-000000000007"
    events = record.collect_events()
    assert [type(e).__qualname__ for e in events] == ["CommandRecord.Accepted"]
    assert events[0].actor == "generator" and events[0].command_id == "seed-1"
