"""The processes a benchmark measures apart: `python -m benchmarks.worker serve|rebuild|relay|generate|listen …`.

Each runs one part of mobilize as production runs it, in a process of its own, so that its peak
memory is its own; one-shot workers print one JSON line with what they did and their peak RSS.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.common import peak_rss_mib
from mobilize.logs import configure_logging
from mobilize.settings import Settings


def settings_for(store: str, group_commit: bool | None = None) -> Settings:
    """Settings on a store; group commit switched when this version of mobilize has the switch."""
    settings = Settings(store=store, log_format="json", log_level="warning")
    if group_commit is not None and "group_commit" in {f.name for f in fields(Settings)}:
        settings = replace(settings, group_commit=group_commit)
    return settings


def serve(args: argparse.Namespace) -> None:
    """The HTTP API under uvicorn, as `mobilize serve [--workers N]` runs it."""
    import uvicorn

    from mobilize.api.app import create_app

    settings = settings_for(args.store, args.group_commit == "on" if args.group_commit else None)
    if args.workers > 1:
        from mobilize.api.server import serve as serve_workers
        from mobilize.application import open_app

        serve_workers(open_app(settings), settings, "127.0.0.1", args.port, args.workers)
        return
    uvicorn.run(create_app(settings), host="127.0.0.1", port=args.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=2)


def rebuild(args: argparse.Namespace) -> dict[str, Any]:
    """Rebuild one projection from zero, as `mobilize projections rebuild NAME` does."""
    from mobilize.application import open_app
    from mobilize.projections.base import Runner
    from mobilize.projections.registry import projection
    from mobilize.projections.store import ViewStore

    settings = settings_for(args.store)
    app = open_app(settings)
    views = ViewStore.for_store(settings.store)
    runner = Runner(app, views, projection(args.projection))
    began = time.perf_counter()
    events = runner.rebuild()
    seconds = time.perf_counter() - began
    peak = peak_rss_mib()
    anatomy = _anatomy(app, views, args.projection, events) if args.anatomy else {}
    views.close()
    return {"events": events, "seconds": seconds, "peak_rss_mib": peak, **anatomy}


def _anatomy(app: Any, views: Any, name: str, sample: int) -> dict[str, Any]:
    """Rebuild again (the first `sample` events) with each part timed: reading the log, decoding the events
    (eventsourcing's mapper), the view's SQL statements (and how many per event), the rest. A second pass,
    so that the timers cost the measured rebuild nothing."""
    from mobilize.projections.base import Runner
    from mobilize.projections.registry import projection

    spent = {"read": 0.0, "decode": 0.0, "sql": 0.0}
    statements = 0

    def timed(part: str, call: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - began
        return wrapper

    class Counted:
        def __init__(self, tx: Any) -> None:
            self.tx = tx

        def execute(self, sql: str, params: Any = ()) -> Any:
            nonlocal statements
            statements += 1
            return timed("sql", self.tx.execute)(sql, params)

    transaction = views.transaction

    @contextmanager
    def counted() -> Iterator[Any]:
        with transaction() as tx:
            yield Counted(tx)

    views.transaction = counted
    runner = Runner(app, views, projection(name))
    runner.events.rows = timed("read", runner.events.rows)  # type: ignore[method-assign]
    runner.decode = timed("decode", runner.decode)
    began = time.perf_counter()
    applied = _rebuild_until(runner, sample) if sample else 0
    total = time.perf_counter() - began
    if not applied:
        return {}
    shares = {f"share_{part}": round(seconds / total, 3) for part, seconds in spent.items()}
    return {"sample_events": applied, "sql_statements_per_event": round(statements / applied, 2),
            **shares, "share_other": round(1 - sum(shares.values()), 3)}


def _rebuild_until(runner: Any, until: int) -> int:
    from mobilize.projections.store import ViewStore

    with runner.views.transaction() as tx:
        runner.projection.drop(tx)
        runner.projection.create(tx)
        ViewStore.record_position(tx, runner.projection.name, 0)
    return int(runner.catch_up(until=until))


def relay(args: argparse.Namespace) -> dict[str, Any]:
    """The Kafka relay: catch up once and report, or follow until SIGTERM, as `mobilize relay` runs it."""
    import logging

    from mobilize.application import open_app
    from mobilize.feeds.relay import KafkaRelay
    from mobilize.projections.store import ViewStore

    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    settings = settings_for(args.store)
    app = open_app(settings)
    views = ViewStore.for_store(settings.store)
    relay = KafkaRelay(app, views, args.bootstrap, args.topic, args.partitions)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    began = time.perf_counter()
    try:
        if args.once:
            events = relay.catch_up(stop=stop)
        else:
            relay.follow(stop)
            events = relay.position
    finally:
        relay.close()
        views.close()
    return {"events": events, "seconds": time.perf_counter() - began, "peak_rss_mib": peak_rss_mib()}


def listen(args: argparse.Namespace) -> dict[str, Any]:
    """A subscriber as users run one, in a process of its own: a client of the SSE feed (`--port`) or a Kafka
    consumer of the relay's topic (`--bootstrap`). It prints `{"ready": true}` once it is listening, then
    notes, for every event that arrives, its log position and how long after its recorded time it arrived
    (milliseconds, this machine's clock); on SIGTERM it reports them."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    arrivals: list[tuple[int, float]] = []
    failure: list[str] = []

    def arrived(body: bytes | str) -> None:
        now = time.time()
        event = json.loads(body)
        recorded = datetime.fromisoformat(event["recorded_at"]).timestamp()
        arrivals.append((event["position"], round((now - recorded) * 1000, 3)))

    def ready() -> None:
        print(json.dumps({"ready": True}), flush=True)

    def guarded(read: Any) -> None:
        try:
            read(arrived, ready, stop)
        except BaseException as error:  # noqa: BLE001 - reported with the arrivals
            failure.append(repr(error))
            ready()
            stop.set()

    read = _sse(args.port, args.token, args.after) if args.port else _kafka(args.bootstrap, args.topic)
    threading.Thread(target=guarded, args=(read,), daemon=True).start()
    stop.wait()
    return {"arrivals": list(arrivals), "error": failure[0] if failure else None, "peak_rss_mib": peak_rss_mib()}


def _sse(port: int, token: str, after: int) -> Any:
    def read(arrived: Any, ready: Any, stop: threading.Event) -> None:
        import httpx

        url = f"http://127.0.0.1:{port}/api/stream?after={after}"
        with httpx.stream("GET", url, headers={"Authorization": f"Bearer {token}"}, timeout=None) as response:
            ready()
            for line in response.iter_lines():
                if line.startswith("data:"):
                    arrived(line[5:])
    return read


def _kafka(bootstrap: str, topic: str) -> Any:
    def read(arrived: Any, ready: Any, stop: threading.Event) -> None:
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                 client_id="mobilize-bench", fetch_max_wait_ms=10)
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_end(*partitions)
        for partition in partitions:
            consumer.position(partition)
        ready()
        try:
            while not stop.is_set():
                for records in consumer.poll(timeout_ms=50).values():
                    for record in records:
                        arrived(record.value)
        finally:
            consumer.close()
    return read


def hold(args: argparse.Namespace) -> dict[str, Any]:
    """Many SSE feeds at once, as a street's open pages hold them: `--count` feeds over the tokens in the file
    `--tokens` (one a line, at most 10 feeds each). Prints `{"ready": true}` once every feed has its first frame
    (or `{"ready": false, ...}` if one could not open); on SIGTERM reports, for each event position, the delay
    from its recorded time to its arrival at the last feed that got it, how many feeds are still open, and the
    fewest events one feed received. Frames are scanned for `id:` lines in C (bytes.find), so that holding a
    thousand feeds costs this process little. With `--path /api/field/stream` and `--per-token 1` it holds field
    pages' streams, one person's token each: their `changed` frames carry no recorded time, so the report gives,
    per feed that got any, each one's position and arrival time (`changed`)."""
    import asyncio

    tokens = Path(args.tokens).read_text().split()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    recorded: dict[int, float] = {}
    last: dict[int, float] = {}
    received = [0] * args.count
    alive = [False] * args.count
    changed: dict[int, list[tuple[int, float]]] = {}

    def scan(buffer: bytes, feed: int) -> bytes:
        """Note every complete frame's id and, for a position seen first, its recorded time; keep the rest."""
        while (end := buffer.find(b"\n\n")) >= 0:
            frame, buffer = buffer[:end], buffer[end + 2:]
            at = frame.find(b"id: ")
            data = frame.find(b"data: ")
            if at < 0 or data < 0:
                continue  # the opening retry/id frame, or a heartbeat
            position = int(frame[at + 4:frame.find(b"\n", at)])
            now = time.time()
            if b"event: changed" in frame:  # a field page's frame: theirs alone, no recorded time
                changed.setdefault(feed, []).append((position, now))
                received[feed] += 1
                continue
            if position not in recorded:
                recorded[position] = datetime.fromisoformat(json.loads(frame[data + 6:])["recorded_at"]).timestamp()
            last[position] = max(last.get(position, 0.0), now)
            received[feed] += 1
        return buffer

    async def feed(number: int, opened: asyncio.Event, problems: list[str]) -> None:
        token = tokens[number // args.per_token]
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
            writer.write(f"GET {args.path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                         "Accept: text/event-stream\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
        except (OSError, RuntimeError, asyncio.IncompleteReadError) as error:
            problems.append(f"feed {number}: {error}")
            opened.set()
            return
        alive[number] = True
        opened.set()
        buffer = b""
        while chunk := await reader.read(65536):  # HTTP/1.0: the body is the frames, unchunked
            buffer = scan(buffer + chunk, number)
        alive[number] = False

    async def main() -> None:
        problems: list[str] = []
        opened = [asyncio.Event() for _ in range(args.count)]
        tasks = [asyncio.create_task(feed(n, opened[n], problems)) for n in range(args.count)]
        for event in opened:
            await event.wait()
        print(json.dumps({"ready": not problems, "problems": problems[:3]}), flush=True)
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()

    asyncio.run(main())
    fanout = [round((last[p] - recorded[p]) * 1000, 3) for p in sorted(last)]
    return {"fanout_ms": fanout, "open": sum(alive), "least_events": min(received, default=0),
            "peak_rss_mib": peak_rss_mib(), "changed": changed}


def generate(args: argparse.Namespace) -> dict[str, Any]:
    """The city generator on a store, up to a number of events."""
    from mobilize.application import open_app
    from mobilize.demo.city import generate as play

    app = open_app(settings_for(args.store))
    began = time.perf_counter()
    played = play(app, args.scale, args.seed, target=args.events, grids=args.grids, days=args.days)
    seconds = time.perf_counter() - began
    app.close()
    return {"events": played.events, "seconds": seconds, "complete": played.complete,
            "peak_rss_mib": peak_rss_mib(), "summary": played.summary}


def main(argv: list[str] | None = None) -> int:
    """Run one worker; one-shot workers print their JSON line last."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for name in ("serve", "rebuild", "relay", "generate"):
        verb = verbs.add_parser(name)
        verb.add_argument("--store", required=True)
    listener = verbs.add_parser("listen")
    listener.add_argument("--port", type=int, help="the API's port: a client of its SSE feed")
    listener.add_argument("--token")
    listener.add_argument("--after", type=int, default=0)
    listener.add_argument("--bootstrap", help="Kafka: a consumer of the relay's topic from its end")
    listener.add_argument("--topic")
    verbs.choices["serve"].add_argument("--port", type=int, required=True)
    verbs.choices["serve"].add_argument("--group-commit", choices=("on", "off"))
    verbs.choices["serve"].add_argument("--workers", type=int, default=1)
    verbs.choices["rebuild"].add_argument("--projection", required=True)
    verbs.choices["rebuild"].add_argument("--anatomy", action="store_true", help="then a second, timed pass")
    for option, default in (("--bootstrap", None), ("--topic", None), ("--partitions", "6")):
        verbs.choices["relay"].add_argument(option, default=default, required=default is None)
    verbs.choices["relay"].add_argument("--once", action="store_true")
    holder = verbs.add_parser("hold")
    holder.add_argument("--port", type=int, required=True)
    holder.add_argument("--tokens", required=True, help="a file of bearer tokens, one a line")
    holder.add_argument("--count", type=int, required=True)
    holder.add_argument("--path", default="/api/stream", help="the stream to hold (/api/field/stream: field pages)")
    holder.add_argument("--per-token", type=int, default=10, help="feeds opened with each token")
    generator = verbs.choices["generate"]
    generator.add_argument("--scale", default="city")
    generator.add_argument("--seed", type=int, default=1)
    for option in ("--events", "--grids", "--days"):
        generator.add_argument(option, type=int)
    args = parser.parse_args(argv)
    configure_logging(Settings(log_format="json", log_level="warning"))
    if args.verb == "relay":
        args.partitions = int(args.partitions)
    if args.verb == "serve":
        serve(args)
        return 0
    result = {"rebuild": rebuild, "relay": relay, "generate": generate, "listen": listen, "hold": hold}[args.verb](args)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
