"""Anchors: the chain's head signed outside the database; cuts, rewrites and forged checkpoints are each seen."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.projections.anchors import (
    BAD_SIGNATURE,
    REWRITTEN,
    TRUNCATED,
    Checkpoint,
    anchor,
    check,
    checkpoints,
    every,
    message,
    public_hex,
)
from mobilize.projections.audit import AuditTrail, verify
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from mobilize.settings import Settings, store_env
from tests.conftest import World
from tests.projections.scenario import SmallDrive
from tests.projections.test_audit import tamper


@pytest.fixture
def anchored(world: World, store: str, tmp_path: Path) -> tuple[World, ViewStore, Settings, Checkpoint]:
    """A drive played, anchored, and played on."""
    settings = Settings(store=store, anchor_key=str(tmp_path / "anchor.key"), anchors=str(tmp_path / "anchors.jsonl"))
    drive = SmallDrive(world)
    drive.play(random.Random(4), 30)
    views = ViewStore.for_store(store)
    checkpoint = anchor(world.app, views, settings, actor="test:auditor")
    drive.play(random.Random(5), 10)
    return world, views, settings, checkpoint


def reopened(store: str) -> Mobilize:
    """The application as a fresh process sees the store (no aggregate held in memory)."""
    return Mobilize(env=store_env(store))


def test_an_untouched_log_verifies_against_its_anchor(anchored) -> None:
    world, views, settings, checkpoint = anchored

    result = check(world.app, settings)

    assert result.ok and result.checkpoint == checkpoint
    assert checkpoints(settings.anchors) == [checkpoint]
    assert checkpoint.position < world.log_size() and len(checkpoint.head) == 64
    signed = [e for e in world.events() if type(e).__qualname__ == "ChainAnchor.Signed"]
    assert [(e.position, e.head, e.actor) for e in signed] == [(checkpoint.position, checkpoint.head, "test:auditor")]
    Runner(world.app, views, AuditTrail()).catch_up()
    assert verify(world.app, views).ok


@pytest.mark.parametrize("cut_to", ["before_the_anchor", "the_anchored_position"])
def test_cutting_off_the_last_events_is_seen(anchored, store: str, cut_to: str) -> None:
    if store == "memory:":
        pytest.skip("an in-memory store has no rows anyone could delete from outside")
    world, views, settings, checkpoint = anchored
    keep = checkpoint.position - 3 if cut_to == "before_the_anchor" else checkpoint.position
    Runner(world.app, views, AuditTrail()).catch_up()

    tamper(store)("DELETE FROM {events} WHERE {position} > ?", (keep,))
    with views.transaction() as tx:  # the trail cut along with the log: the chain alone still holds
        tx.execute("DELETE FROM audit_trail WHERE position > ?", (keep,))
    app = reopened(store)

    assert verify(app, views).ok, "the cut log and trail still form a valid chain"
    result = check(app, settings)
    assert result.kind == TRUNCATED
    assert ("the last 3 events were cut off" if keep < checkpoint.position else "anchor's own event") in str(
        result.problem)


def test_a_rewritten_chain_is_seen(anchored, store: str) -> None:
    if store == "memory:":
        pytest.skip("an in-memory store has no bytes anyone could change from outside")
    world, views, settings, checkpoint = anchored
    note = next(n for n in world.app.recorder.select_notifications(1, checkpoint.position)
                if b"commander:wang" in n.state and n.id > 10)
    tamper(store)("UPDATE {events} SET state = ? WHERE {position} = ?",
                  (note.state.replace(b"commander:wang", b"commander:fake"), note.id))
    app = reopened(store)
    Runner(app, views, AuditTrail()).rebuild()  # the trail rebuilt over the rewritten log: a consistent chain

    assert verify(app, views).ok
    result = check(app, settings)
    assert result.kind == REWRITTEN
    assert f"the chain up to position {checkpoint.position} no longer hashes to the head" in str(result.problem)


def test_a_forged_checkpoint_is_seen(anchored, tmp_path: Path) -> None:
    world, _, settings, checkpoint = anchored
    forger = Ed25519PrivateKey.generate()
    position, head = world.log_size(), "f" * 64
    forged = Checkpoint(position, head, checkpoint.signed_at, public_hex(forger),
                        forger.sign(message(position, head, checkpoint.signed_at)).hex(), checkpoint.anchor_id)
    with Path(settings.anchors).open("a") as out:
        out.write(json.dumps(forged.as_dict()) + "\n")

    result = check(world.app, settings)

    assert result.kind == BAD_SIGNATURE and "does not carry this system's signature" in str(result.problem)
    edited = {**checkpoint.as_dict(), "position": checkpoint.position - 1}  # our key, an edited line
    Path(settings.anchors).write_text(json.dumps(edited) + "\n")
    assert check(world.app, settings).kind == BAD_SIGNATURE


def test_the_command_line_anchors_and_names_each_fault(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    monkeypatch.setenv("MOBILIZE_ANCHOR_KEY", str(tmp_path / "anchor.key"))
    monkeypatch.setenv("MOBILIZE_ANCHORS", str(tmp_path / "anchors.jsonl"))
    app = Mobilize(env=store_env(store))
    SmallDrive(World(app)).play(random.Random(1), 20)
    assert main(["--store", store, "audit", "verify"]) == 0
    assert "no anchor yet" in capsys.readouterr().out

    assert main(["--store", store, "audit", "anchor"]) == 0
    anchored_at = checkpoints(str(tmp_path / "anchors.jsonl"))[-1].position
    assert f"anchored position {anchored_at}" in capsys.readouterr().out
    assert main(["--store", store, "audit", "verify"]) == 0
    assert f"last anchor holds: position {anchored_at}" in capsys.readouterr().out

    tamper(store)("DELETE FROM {events} WHERE {position} > ?", (anchored_at - 2,))
    views = ViewStore.for_store(store)
    with views.transaction() as tx:
        tx.execute("DELETE FROM audit_trail WHERE position > ?", (anchored_at - 2,))
    assert main(["--store", store, "audit", "verify"]) == 1
    assert "LOG TRUNCATED since the last anchor" in capsys.readouterr().err
    views.close()


def test_the_schedule_anchors_while_the_log_moves_and_not_on_its_own_anchors(world: World, store: str,
                                                                              tmp_path: Path) -> None:
    settings = Settings(store=store, anchor_key=str(tmp_path / "anchor.key"), anchors=str(tmp_path / "anchors.jsonl"),
                        anchor_interval=0.05)
    stop = threading.Event()
    schedule = threading.Thread(target=every, args=(world.app, settings, stop))
    schedule.start()
    try:
        _wait_for(lambda: len(checkpoints(settings.anchors)) == 1)
        time.sleep(0.3)  # ticks with nothing new but the anchor itself
        assert len(checkpoints(settings.anchors)) == 1
        world.person("Late Comer")
        _wait_for(lambda: len(checkpoints(settings.anchors)) == 2)
    finally:
        stop.set()
        schedule.join(5)
    assert check(world.app, settings).ok


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the schedule did not anchor in time"
        time.sleep(0.02)
