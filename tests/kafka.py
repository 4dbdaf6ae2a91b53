"""Kafka for tests: the broker MOBILIZE_TEST_KAFKA names (the tests skip without one), a fresh topic per
test, and two independent readers of a topic — kafka-python and Debian's kcat."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

SKIP_REASON = ("needs a Kafka broker: infra/kafka.sh start; export MOBILIZE_TEST_KAFKA=$(infra/kafka.sh bootstrap) "
               "(infra/test.sh does both)")

requires_kafka = pytest.mark.skipif(not os.environ.get("MOBILIZE_TEST_KAFKA"), reason=SKIP_REASON)
"""Mark a module or test that needs the broker."""


@pytest.fixture
def kafka() -> str:
    """The test broker's bootstrap address, HOST:PORT."""
    bootstrap = os.environ.get("MOBILIZE_TEST_KAFKA")
    if not bootstrap:
        pytest.skip(SKIP_REASON)
    return bootstrap


@pytest.fixture
def topic(kafka: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A topic name no other test uses; deleted afterwards if it was created."""
    name = f"test.{re.sub(r'[^a-zA-Z0-9]+', '-', request.node.name)[:80]}.{uuid4().hex[:8]}"
    yield name
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=kafka, bootstrap_timeout_ms=5000)
        try:
            admin.delete_topics([name])
        finally:
            admin.close()
    except KafkaError:
        pass  # never created, or the broker is away: a leftover test topic harms nobody


@dataclass(frozen=True)
class Received:
    """One message as a reader saw it."""

    partition: int | None  # kcat's format here leaves it out; a key lives in one partition anyway
    offset: int
    key: str
    headers: dict[str, str]
    envelope: dict[str, Any]

    @property
    def position(self) -> int:
        """The log position the envelope carries."""
        return int(self.envelope["position"])


def consume(bootstrap: str, topic: str) -> list[Received]:
    """Every message on the topic with kafka-python, partition by partition in offset order."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", allow_auto_create_topics=False,
                             check_crcs=False)  # pure-Python CRC checks would double the time of a read
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert partitions, f"topic {topic} does not exist"
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        received: dict[int, list[Received]] = {p.partition: [] for p in partitions}
        while any(consumer.position(p) < ends[p] for p in partitions):
            for records in consumer.poll(timeout_ms=1000).values():
                for r in records:
                    received[r.partition].append(Received(
                        r.partition, r.offset, r.key.decode(), {k: v.decode() for k, v in r.headers},
                        json.loads(r.value)))
        return [message for p in sorted(received) for message in received[p]]
    finally:
        consumer.close()


def consume_with_kcat(bootstrap: str, topic: str) -> list[Received]:
    """Every message on the topic with kcat, an independent client (librdkafka), in its output order."""
    kcat = shutil.which("kcat")
    if kcat is None:
        pytest.fail("kcat is missing: apt-get install kcat (infra/test.sh installs it)")
    out = subprocess.run([kcat, "-C", "-q", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e",
                          "-f", "%k %o %h %s\n"], capture_output=True, text=True, timeout=60, check=True).stdout
    received = []
    for line in out.splitlines():
        key, offset, headers, value = line.split(" ", 3)
        received.append(Received(None, int(offset), key, dict(h.split("=", 1) for h in headers.split(",")),
                                 json.loads(value)))
    return received
