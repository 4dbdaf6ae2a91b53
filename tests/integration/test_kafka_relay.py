"""The Kafka relay against a real broker: every event once per position, in order per aggregate — after a
SIGKILL of the relay and a restart of the broker too; `mobilize tail --kafka` reads it back.

Needs MOBILIZE_TEST_KAFKA (`infra/kafka.sh start; export MOBILIZE_TEST_KAFKA=$(infra/kafka.sh bootstrap)`);
the broker-restart test also needs that broker to be the one `infra/kafka.sh` manages. Relays run on SQLite
and, when MOBILIZE_TEST_POSTGRES is set, on PostgreSQL.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka.errors import KafkaError
from kafka.future import Future
from structlog.testing import capture_logs

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.feeds.relay import NAME, KafkaRelay
from mobilize.projections.store import ViewStore
from mobilize.settings import default_key_file, store_env
from tests.conftest import World, store_for
from tests.kafka import (  # noqa: F401 - fixtures
    Received,
    consume,
    consume_with_kcat,
    kafka,
    requires_kafka,
    topic,
)
from tests.projections.scenario import SmallDrive

pytestmark = requires_kafka

ROOT = Path(__file__).parents[2]
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("MOBILIZE_TEST_POSTGRES") else [])
CHILD_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def child_env(store: str) -> dict[str, str]:
    """What a child process of the test needs: the checkout, and the master key the test's own application made
    (for PostgreSQL a file in this process's working directory, and the children run elsewhere)."""
    path = default_key_file(store_env(store))
    return {**CHILD_ENV, **({"MOBILIZE_MASTER_KEY_FILE": str(Path(path).resolve())} if path else {})}


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store another process can read too: SQLite, and PostgreSQL when there is a server."""
    return store_for(request.param, tmp_path)


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    """A world on a fresh SQLite store (its URL in `world.store`)."""
    store = store_for("sqlite", tmp_path)
    app = Mobilize(env=store_env(store))
    world = World(app)
    world.store = store  # type: ignore[attr-defined]
    yield world
    app.close()


def relay_command(store: str, kafka: str, topic: str, *options: str) -> list[str]:  # noqa: F811
    """`mobilize relay` as a command line."""
    return [sys.executable, "-m", "mobilize", "--store", store, "relay", "--bootstrap", kafka, "--topic", topic,
            *options]


def stored_events(app: Mobilize) -> Iterator[Any]:
    """Every domain event in the log, in order."""
    start = 1
    while notes := app.recorder.select_notifications(start, 1000):
        yield from (app.mapper.to_domain_event(note) for note in notes)
        start = notes[-1].id + 1


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll until `condition` holds, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.002)


def assert_every_position_once_in_order(messages: list[Received], head: int,
                                        may_repeat: range = range(0)) -> None:
    """Positions 1..head, each once (only those in `may_repeat` may come again); each aggregate's versions
    1, 2, 3, … in order once repeats are dropped; an aggregate's messages in one partition, keyed by it."""
    counts = Counter(m.position for m in messages)
    assert sorted(counts) == list(range(1, head + 1)), "every position of the log, and nothing else"
    repeated = sorted(p for p, n in counts.items() if n > 1)
    assert set(repeated) <= set(may_repeat), f"sent twice: {repeated[:10]}; only {may_repeat} may be"
    seen: set[int] = set()
    versions: dict[str, list[int]] = {}
    partitions: dict[str, set[int | None]] = {}
    highest: dict[int | None, int] = {}
    for m in messages:
        assert m.key == m.envelope["aggregate_id"]
        assert m.headers == {"position": str(m.position), "event_type": m.envelope["event_type"]}
        partitions.setdefault(m.key, set()).add(m.partition)
        if m.position not in seen:  # a consumer drops a position it has seen; what is left must be in order
            seen.add(m.position)
            versions.setdefault(m.key, []).append(m.envelope["aggregate_version"])
            if m.partition is not None:  # so that "not above the partition's highest yet" spots every repeat
                assert m.position > highest.get(m.partition, 0), f"position {m.position} came late"
                highest[m.partition] = m.position
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values()), "each aggregate's events in order"
    assert all(len(p) == 1 for p in partitions.values()), "one aggregate, one partition"


def test_the_whole_demo_arrives_once_per_position_in_order_per_aggregate(tmp_path, kafka, topic, capsys) -> None:  # noqa: F811
    # given the demo's drive on SQLite
    store = store_for("sqlite", tmp_path)
    assert main(["--store", store, "demo", "--seed", "1"]) == 0
    capsys.readouterr()
    app = Mobilize(env=store_env(store))
    head = app.recorder.max_notification_id()

    # when the relay catches up
    views = ViewStore.for_store(store)
    relay = KafkaRelay(app, views, kafka, topic, partitions=6)
    relayed = relay.catch_up()
    relay.close()

    # then kafka-python and kcat each read every position once, each aggregate's events in order
    assert relayed == head == views.position(NAME) > 10_000
    consumed = consume(kafka, topic)
    assert {m.partition for m in consumed} == set(range(6))
    assert_every_position_once_in_order(consumed, head)
    assert_every_position_once_in_order(consume_with_kcat(kafka, topic), head)
    # and each envelope tells the stored event with who did it, on whose order, why and when
    envelopes = {m.position: m.envelope for m in consumed}
    for position, event in enumerate(stored_events(app), start=1):
        envelope = envelopes[position]
        assert (envelope["event_type"], envelope["aggregate_id"], envelope["aggregate_version"]) == (
            type(event).__qualname__, str(event.originator_id), event.originator_version)
        assert (envelope["actor"], envelope["ordered_by"], envelope["reason"], envelope["command_id"],
                envelope["correlation_id"]) == (event.actor, event.ordered_by, event.reason, event.command_id,
                                                event.correlation_id)
        assert envelope["occurred_at"].startswith(event.occurred_at.strftime("%Y-%m-%dT%H:%M:%S"))
    views.close()
    app.close()


def test_a_relay_killed_mid_stream_resumes_with_nothing_missing(world, store, kafka, topic, tmp_path) -> None:  # noqa: F811
    # given a drive, and a relay process publishing it five events to an acknowledged batch
    drive, rng = SmallDrive(world), random.Random(3)
    drive.play(rng, 1000)
    head_at_kill = world.log_size()
    views = ViewStore.for_store(store)
    with open(tmp_path / "relay.log", "w") as output:
        child = subprocess.Popen(relay_command(store, kafka, topic, "--batch", "5"), stdout=output, stderr=output,
                                 env=child_env(store), cwd=tmp_path)
        # when it is killed with SIGKILL a third of the way through
        try:
            wait_for(lambda: views.position(NAME) >= head_at_kill // 3 or child.poll() is not None, 60,
                     "the relay to publish a third of the log")
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    killed_at = views.position(NAME)
    # and the log grows while no relay runs, then the relay runs again
    drive.play(rng, 200)
    head = world.log_size()
    rerun = subprocess.run(relay_command(store, kafka, topic, "--once"), capture_output=True, text=True,
                           env=child_env(store), cwd=tmp_path, timeout=120)

    # then nothing is missing; only the batch in flight at the kill may have been sent twice
    assert 0 < killed_at < head_at_kill < head, (tmp_path / "relay.log").read_text()[-2000:]
    assert rerun.stdout == f"relayed {head - killed_at} events to {topic}; position {head}\n", rerun.stderr
    assert_every_position_once_in_order(consume(kafka, topic), head, may_repeat=range(killed_at + 1, killed_at + 6))
    views.close()


def test_a_send_failing_for_good_sends_the_whole_batch_again_in_order(sqlite_world, kafka, topic) -> None:  # noqa: F811
    # given a relay whose first producer fails an event followed in its batch by a later event of its aggregate
    SmallDrive(sqlite_world).play(random.Random(4), 40)
    head = sqlite_world.log_size()
    batch = [(event.originator_id, position) for position, event in enumerate(sqlite_world.events()[:50], start=1)]
    doomed = next(p for a, p in batch if any(b == a and q > p for b, q in batch))
    relay = KafkaRelay(sqlite_world.app, ViewStore.for_store(sqlite_world.store), kafka, topic, batch=50)
    connect = relay._connect

    def flaky_first_producer() -> Any:
        producer = connect()
        if not hasattr(relay, "flaked"):
            relay.flaked = True  # type: ignore[attr-defined]
            send = producer.send

            def send_but_fail_the_doomed(topic: str, **message: Any) -> Any:
                if message["headers"][0] == ("position", str(doomed).encode()):
                    failed = Future()
                    return failed.failure(KafkaError("injected: the broker refused it for good"))
                return send(topic, **message)

            producer.send = send_but_fail_the_doomed
        return producer

    relay._connect = flaky_first_producer  # type: ignore[method-assign]

    # when it catches up
    with capture_logs() as logs:
        relayed = relay.catch_up()
    relay.close()

    # then it said so, sent that batch again, and consumers see every event, each aggregate's in order
    assert relayed == head
    assert [e["first"] for e in logs if e["event"] == "relay.retrying_batch"] == [1]
    assert_every_position_once_in_order(consume(kafka, topic), head, may_repeat=range(1, 51))


def kafka_sh(verb: str) -> subprocess.CompletedProcess[str]:
    """Run infra/kafka.sh from the repository's root (where its default state lives)."""
    return subprocess.run([str(ROOT / "infra" / "kafka.sh"), verb], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_a_broker_restart_while_relaying_loses_nothing(sqlite_world, kafka, topic) -> None:  # noqa: F811
    if kafka_sh("status").returncode != 0 or kafka_sh("bootstrap").stdout.strip() != kafka:
        pytest.skip(f"the broker at {kafka} is not one infra/kafka.sh runs, so this test cannot restart it")
    # given a relay following a drive, caught up
    store, drive, rng = sqlite_world.store, SmallDrive(sqlite_world), random.Random(5)
    drive.play(rng, 200)
    relay = KafkaRelay(Mobilize(env=store_env(store)), ViewStore.for_store(store), kafka, topic, batch=20)
    watch = ViewStore.for_store(store)
    stop = threading.Event()
    follower = threading.Thread(target=relay.follow, args=(stop,), name="relay")
    follower.start()
    try:
        wait_for(lambda: watch.position(NAME) == sqlite_world.log_size(), 30, "the relay to catch up")
        acknowledged = watch.position(NAME)
        with capture_logs() as logs:
            # when the broker stops while the log grows
            stopped = kafka_sh("stop")
            try:
                drive.play(rng, 200)
                time.sleep(1.5)
                held = watch.position(NAME)
            finally:
                started = kafka_sh("start")
            # and starts again, and the log grows on
            drive.play(rng, 50)
            head = sqlite_world.log_size()
            wait_for(lambda: watch.position(NAME) == head, 60, "the relay to publish what came while it was away")
    finally:
        stop.set()
        follower.join(30)
        relay.close()

    # then the position waited for the broker, which got every event once
    assert stopped.returncode == started.returncode == 0, stopped.stderr + started.stderr
    assert held == acknowledged < head
    assert "relay.waiting_for_broker" in [entry["event"] for entry in logs]
    assert_every_position_once_in_order(consume(kafka, topic), head, may_repeat=range(acknowledged + 1, head + 1))
    watch.close()


def test_tail_prints_each_event_once_as_a_readable_line(sqlite_world, kafka, topic, capsys) -> None:  # noqa: F811
    # given a drive relayed twice over, as when a relay dies after publishing but before recording
    store = sqlite_world.store
    SmallDrive(sqlite_world).play(random.Random(9), 60)
    head = sqlite_world.log_size()
    capsys.readouterr()
    relay = ["--store", store, "relay", "--bootstrap", kafka, "--topic", topic, "--once"]
    assert main(relay) == 0
    assert capsys.readouterr().out == f"relayed {head} events to {topic}; position {head}\n"
    views = ViewStore.for_store(store)
    with views.transaction() as tx:
        ViewStore.record_position(tx, NAME, 0)
    assert main(relay) == 0
    capsys.readouterr()

    # when a person tails the topic from its beginning
    tail = ["--store", store, "tail", "--kafka", "--bootstrap", kafka, "--topic", topic, "--from-beginning"]
    assert main([*tail, "--max", "10", "--timeout", "10"]) == 0
    first_ten = capsys.readouterr().out.splitlines()
    assert main([*tail, "--max", str(head), "--timeout", "10"]) == 0  # repeats printed would crowd some out
    every = capsys.readouterr().out.splitlines()

    # then each line shows position, event, aggregate and version, actor and when; each position once
    events = sqlite_world.events()
    assert len(first_ten) == 10
    assert len(every) == head
    for line in every:
        position, event_type, aggregate, version, actor, day, clock = line.split()
        event = events[int(position) - 1]
        assert (event_type, aggregate, version, actor) == (
            type(event).__qualname__, str(event.originator_id)[:8], f"v{event.originator_version}", event.actor)
    assert sorted(int(line.split()[0]) for line in every) == list(range(1, head + 1))
    views.close()
