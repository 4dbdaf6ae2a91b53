"""The Kafka relay: every stored event, in log order, on one topic — at least once, nothing lost.

Each event becomes one message:

- key: the aggregate id (UTF-8 text), so that one aggregate's events share a partition, in order;
- headers: `position` (the log position, decimal) and `event_type` (e.g. `Shift.CheckedIn`);
- value: the event's envelope as UTF-8 JSON (`mobilize.log.envelope`: position, event type, aggregate
  id and version, occurred and recorded times, actor, order, reason, command and correlation ids,
  payload), without personal fields (phone, ID number, home unit: as each event class declares them), unless
  the relay is told the topic is a trusted internal one (MOBILIZE_RELAY_PERSONAL=on: the fields go opened,
  `[erased]` once erased). Every stored event is published, in log
  order, so a consumer sees each position the store gave out; the events of hidden aggregates
  (command records, access tokens) come too, with their payload withheld. Positions rise but may
  skip numbers: PostgreSQL's sequence does not give back a position a refused write drew.

Delivery is at least once. The relay's position (`kafka_relay` among the projection positions)
advances only after the broker acknowledged every message of a batch (idempotent producer,
`acks=all`), so a crash sends the last batch again. Order holds per partition, so the first copy
of each position comes in log order there: a consumer drops a message whose position is not above
the last it took from that partition (or that it has already applied). Across partitions, the
position tells the log's order. While the broker is away the relay waits
(the producer retries without end and without duplicates) and logs `relay.waiting_for_broker`;
should a send fail for good, it starts a new producer and sends the whole batch again. While the
database is away, `follow` backs off and tries again (reconnecting its view store when given the store
URL) and goes on from the recorded position (ADR 0010).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import structlog
from eventsourcing.persistence import Notification
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.errors import (
    IllegalStateError,
    KafkaError,
    KafkaTimeoutError,
    TopicAlreadyExistsError,
)

from mobilize.application import Mobilize
from mobilize.log.envelope import encoded, envelope, for_relay
from mobilize.privacy.seal import Opener
from mobilize.projections.base import follow_log, reopen
from mobilize.projections.store import ViewStore
from mobilize.settings import KAFKA_PARTITIONS, KAFKA_TOPIC

log = structlog.get_logger("mobilize.feeds.relay")

NAME = "kafka_relay"
TOPIC, PARTITIONS = KAFKA_TOPIC, KAFKA_PARTITIONS
BATCH = 500

PRODUCER = {
    "enable_idempotence": True,  # the broker drops a retried duplicate and refuses a gap in sequence
    "acks": "all",
    "max_in_flight_requests_per_connection": 1,  # a retried request can never overtake a later one
    "delivery_timeout_ms": 2**31 - 1,  # never give up on a message: a give-up would reorder its partition
    "reconnect_backoff_max_ms": 1000,  # back within a second of a broker restart
    "linger_ms": 5,
    "max_block_ms": 10_000,  # a send stuck waiting for metadata gives up; the batch is tried again
    "bootstrap_timeout_ms": 10_000,  # an unreachable broker is reported (and tried again) after 10 s
    "client_id": "mobilize-relay",
}
"""Producer settings; the relay waits for acknowledgements itself, logging while the broker is away."""


class Message(NamedTuple):
    """One event as a Kafka message."""

    position: int
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def message(app: Mobilize, note: Notification, personal: bool = False) -> Message:
    """A stored event as the message the relay publishes (`personal`: to a trusted topic, fields opened)."""
    body = for_relay(envelope(app.mapper.to_domain_event(note), note), Opener(app.keyring) if personal else None)
    return Message(note.id, body["aggregate_id"].encode(), encoded(body).encode(),
                   [("position", str(note.id).encode()), ("event_type", body["event_type"].encode())])


class KafkaRelay:
    """Publishes the log to a topic from the recorded position on, one acknowledged batch at a time."""

    def __init__(self, app: Mobilize, views: ViewStore, bootstrap: str, topic: str = TOPIC,
                 partitions: int = PARTITIONS, batch: int = BATCH, replication: int = 1,
                 max_backoff: float = 10.0, store: str | None = None, personal: bool = False,
                 **producer: Any) -> None:
        self.app, self.views, self.bootstrap, self.topic, self.store = app, views, bootstrap, topic, store
        self.personal = personal
        """Whether the topic is a trusted internal one, carrying personal fields opened (settings: off)."""
        self.partitions, self.batch, self.replication, self.max_backoff = partitions, batch, replication, max_backoff
        self.producer_config = {**PRODUCER, **producer}
        self._producer: KafkaProducer | None = None

    @property
    def position(self) -> int:
        """The last log position the broker acknowledged."""
        return self.views.position(NAME)

    def lag(self) -> int:
        """How many events of the log are not on the topic yet."""
        return max(0, (self.app.recorder.max_notification_id() or 0) - self.position)

    def catch_up(self, until: int | None = None, stop: threading.Event | None = None,
                 on_batch: Callable[[int], None] | None = None) -> int:
        """Publish every event after the recorded position (up to `until`); returns how many."""
        stop = stop or threading.Event()
        relayed, position = 0, self.position
        while not stop.is_set() and (until is None or position < until):
            notes = self.app.recorder.select_notifications(position + 1, self.batch, stop=until)
            if not notes or not self._deliver([message(self.app, note, self.personal) for note in notes], stop):
                break
            position = notes[-1].id
            with self.views.transaction() as tx:
                if ViewStore.read_position(tx, NAME) < position:  # a second relay may be ahead: never go back
                    ViewStore.record_position(tx, NAME, position)
            relayed += len(notes)
            if on_batch is not None:
                on_batch(len(notes))
        return relayed

    def follow(self, stop: threading.Event, poll_seconds: float = 0.05) -> None:
        """Catch up, then keep publishing new events until `stop` is set (woken by NOTIFY on PostgreSQL);
        while the store is away, try again with a backoff."""
        def step() -> bool:
            self.catch_up(stop=stop)  # on a fault, what was sent but not recorded goes again: at least once
            return True

        store = self.store
        follow_log(self.app, stop, NAME, step, None if store is None else lambda: reopen(self.views, store),
                   poll_seconds)

    def ensure_topic(self) -> None:
        """Create the topic with its partitions unless it exists."""
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="mobilize-relay",
                                 bootstrap_timeout_ms=self.producer_config["bootstrap_timeout_ms"])
        try:
            spec = {"num_partitions": self.partitions, "replication_factor": self.replication}
            admin.create_topics({self.topic: spec}, wait_for_metadata=True)
            log.info("relay.topic_created", topic=self.topic, partitions=self.partitions)
        except TopicAlreadyExistsError:
            found = len(admin.describe_topics([self.topic])[0]["partitions"])
            if found != self.partitions:
                log.warning("relay.topic_partitions_differ", topic=self.topic, wanted=self.partitions, found=found)
        finally:
            admin.close()

    def close(self) -> None:
        """Let go of the producer (what it still holds is sent again by the next run)."""
        self._discard(timeout=1.0)

    def _deliver(self, messages: list[Message], stop: threading.Event) -> bool:
        """Send the batch until the broker acknowledged all of it (True) or `stop` is set (False)."""
        attempt = 0
        while not stop.is_set():
            try:
                return self._send(messages, stop)
            except KafkaError as error:
                attempt += 1
                delay = min(self.max_backoff, 0.25 * 2**attempt)
                log.warning("relay.retrying_batch", error=repr(error), first=messages[0].position,
                            last=messages[-1].position, attempt=attempt, retry_in=delay)
                self._discard(timeout=0)
                stop.wait(delay)
        return False

    def _send(self, messages: list[Message], stop: threading.Event) -> bool:
        producer = self._connect()
        failures: list[BaseException] = []
        futures: list[Any] = []

        def failed(error: BaseException) -> None:
            if not failures:  # stop the rest at once, lest a later message of the partition overtake this one
                _abort(producer)
            failures.append(error)

        for m in messages:
            if failures:
                break
            futures.append(producer.send(self.topic, key=m.key, value=m.value, headers=m.headers))
            futures[-1].add_errback(failed)
        waiting_since = report_at = None
        while not failures and not all(future.is_done for future in futures):
            try:
                producer.flush(timeout=1.0)
            except KafkaTimeoutError:
                now = time.monotonic()
                waiting_since = waiting_since or now
                if report_at is None or now >= report_at:  # once, then every half minute
                    report_at = now + 30
                    log.warning("relay.waiting_for_broker", first=messages[0].position, last=messages[-1].position,
                                unacknowledged=sum(not f.is_done for f in futures),
                                waited_seconds=round(now - waiting_since))
                if stop.is_set():
                    return False
        if failures:
            cause = next((e for e in failures if not isinstance(e, IllegalStateError)), failures[0])
            raise cause if isinstance(cause, KafkaError) else KafkaError(repr(cause))
        if waiting_since is not None:
            log.warning("relay.broker_back", waited_seconds=round(time.monotonic() - waiting_since, 1))
        return True

    def _connect(self) -> KafkaProducer:
        if self._producer is None:
            self.ensure_topic()
            self._producer = KafkaProducer(bootstrap_servers=self.bootstrap, **self.producer_config)
        return self._producer

    def _discard(self, timeout: float) -> None:
        producer, self._producer = self._producer, None
        if producer is None:
            return
        try:
            producer.close(timeout=timeout)
        except KafkaTimeoutError:  # kafka-python 3.0 raises before its own force-close: its sender would go on
            _abort(producer)
            producer._sender.join(timeout + 1.0)


def _abort(producer: KafkaProducer) -> None:
    """Fail every message the producer has not sent yet and stop its sender (no public call does that)."""
    producer._sender.force_close()
