"""The Kafka side on the command line: `mobilize relay` publishes the log, `mobilize tail --kafka` reads it back."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import Any

from mobilize.application import open_app
from mobilize.cli.console import shown, stop_on_sigterm
from mobilize.feeds.relay import BATCH, PARTITIONS, TOPIC, KafkaRelay
from mobilize.projections.store import ViewStore
from mobilize.settings import KAFKA_BOOTSTRAP, Settings


def add_commands(commands: Any) -> None:
    """Add `relay` and `tail` to the CLI."""
    relay = commands.add_parser("relay", help="publish every stored event, in log order, to a Kafka topic")
    _kafka_arguments(relay)
    relay.add_argument("--partitions", type=int, help=f"partitions when creating the topic "
                                                      f"(default: MOBILIZE_KAFKA_PARTITIONS, else {PARTITIONS})")
    relay.add_argument("--batch", type=int, default=BATCH, help=f"events per acknowledged batch (default {BATCH})")
    relay.add_argument("--once", action="store_true", help="catch up, print how far, and exit")
    relay.set_defaults(func=run)
    tail = commands.add_parser("tail", help="print the events arriving on the Kafka topic, one line each")
    tail.add_argument("--kafka", action="store_true", required=True, help="read the Kafka topic the relay feeds")
    _kafka_arguments(tail)
    tail.add_argument("--from-beginning", action="store_true", help="start at the topic's oldest message")
    tail.add_argument("--max", type=int, help="exit after this many events")
    tail.add_argument("--timeout", type=float, help="exit after this many seconds without a new event")
    tail.set_defaults(func=run)


def _kafka_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap", help=f"HOST:PORT of a broker (default: MOBILIZE_KAFKA, else "
                                            f"{KAFKA_BOOTSTRAP})")
    parser.add_argument("--topic", help=f"the topic (default: MOBILIZE_KAFKA_TOPIC, else {TOPIC})")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out `relay` or `tail`; returns the exit status (`tail` reads Kafka only: no store is opened for it)."""
    bootstrap, topic, store = args.bootstrap or settings.kafka, args.topic or settings.kafka_topic, settings.store
    # kafka-python logs each failed reconnect (every second while a broker is away) on stdlib logging,
    # which nothing here routes; the relay says it once, as `relay.waiting_for_broker`, and when it is back
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    if args.command == "tail":
        return tail(bootstrap, topic, args.from_beginning, args.max, args.timeout)
    app, views = open_app(settings), ViewStore.for_store(store)
    relay = KafkaRelay(app, views, bootstrap, topic, args.partitions or settings.kafka_partitions, args.batch,
                       store=store, personal=settings.relay_personal)
    stop = threading.Event()
    previous = stop_on_sigterm(stop)
    try:
        if args.once:
            relayed = relay.catch_up(stop=stop)
            print(f"relayed {relayed} events to {topic}; position {relay.position}")
            return 0
        print(f"relaying to {topic} on {bootstrap} from position {relay.position}; Ctrl-C to stop", file=sys.stderr)
        relay.follow(stop)
        print(f"stopped at position {relay.position}", file=sys.stderr)
        return 0
    except KeyboardInterrupt:  # what was sent but not recorded goes again next time: at least once
        print(f"stopped at position {relay.position}; the next run goes on from there", file=sys.stderr)
        return 130 if args.once else 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        relay.close()
        views.close()


def tail(bootstrap: str, topic: str, from_beginning: bool = False, limit: int | None = None,
         timeout: float | None = None) -> int:
    """Print one line per event on the topic, each position once: how a consumer subscribes."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, client_id="mobilize-tail",
        auto_offset_reset="earliest" if from_beginning else "latest", allow_auto_create_topics=False,
        consumer_timeout_ms=timeout * 1000 if timeout else float("inf"))
    last: dict[int, int] = {}  # per partition, the highest position printed
    printed = 0
    try:
        for record in consumer:
            event = json.loads(record.value)
            if event["position"] <= last.get(record.partition, 0):
                continue  # sent again after a relay restart: a partition's first copies come in log order
            last[record.partition] = event["position"]
            print(line(event), flush=True)
            printed += 1
            if limit and printed >= limit:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    print(f"({printed} events)", file=sys.stderr)
    return 0


def line(event: dict[str, Any]) -> str:
    """One event as a readable line: position, type, aggregate and version, actor, when it occurred (CST)."""
    return (f"{event['position']:>8}  {event['event_type']:<30}  {shown(event['aggregate_id'])}  "
            f"v{event['aggregate_version']:<3}  {event['actor'] or '—':<24}  {shown(event['occurred_at'])}")
