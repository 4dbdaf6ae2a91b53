"""The Kafka topic, read back with kcat: no phone or ID number on it, unless it is a trusted internal topic,
where an erased person's fields go as `[erased]`."""

from __future__ import annotations

import json
import random

from mobilize.domain.personal import ERASED
from mobilize.feeds.relay import KafkaRelay
from mobilize.projections.store import ViewStore
from tests.conftest import World
from tests.kafka import consume_with_kcat, kafka, requires_kafka, topic  # noqa: F401 - fixtures
from tests.projections.scenario import SmallDrive

pytestmark = requires_kafka

PHONES = ("13815826780", "13900001111")
IDS = ("440101199001011234", "440106198512125678")


def test_the_topic_carries_no_personal_field_and_a_trusted_one_shows_erasures(
        world: World, store: str, kafka: str, topic: str) -> None:  # noqa: F811 - fixtures
    # given a small drive with two people whose phones and ID numbers are known, one of them erased
    SmallDrive(world).play(random.Random(3), 20)
    people = [world.do("register_person", f"R{n}", ["volunteer"], world.grid, phone=PHONES[n], id_number=IDS[n])
              for n in range(2)]
    world.do("erase_personal_data", people[0], ctx=world.ctx(reason="resident asked"))
    # when the relay publishes the log to the default topic and to a trusted internal one
    KafkaRelay(world.app, ViewStore.for_store(store), kafka, topic, partitions=2).catch_up()
    # then kcat finds none of them on the default topic
    carried = "\n".join(json.dumps(m.envelope, ensure_ascii=False) for m in consume_with_kcat(kafka, topic))
    assert "Person.Registered" in carried
    assert [secret for secret in (*PHONES, *IDS) if secret in carried] == []
    trusted = f"{topic}.trusted"
    KafkaRelay(world.app, ViewStore.for_store("memory:"), kafka, trusted, partitions=2, personal=True).catch_up()
    registered = {m.envelope["aggregate_id"]: m.envelope["payload"] for m in consume_with_kcat(kafka, trusted)
                  if m.envelope["event_type"] == "Person.Registered"}
    assert registered[str(people[1])]["phone"] == PHONES[1]
    assert registered[str(people[0])]["phone"] == ERASED and PHONES[0] not in json.dumps(registered)
