"""The raw ceilings, measured here and now: what PostgreSQL, SQLite and the decoders allow without mobilize.

Write ceilings insert ~300-byte rows into a table shaped like eventsourcing's events table (the same
primary key, a bigserial notification id with a unique index) through psycopg, from this process.
Replay ceilings read a log mobilize wrote, 1,000 rows a query in notification order, decode every
payload and fold it in memory (events per type, last version per aggregate); the view ceiling also
upserts one row per event, 1,000 per transaction with the tracking position, as a projection would.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import orjson

from benchmarks.common import Results, Row, connect, say, sqlite_path

BATCH = 1_000
STATE = json.dumps({"person_id": {"_type_": "uuid", "_data_": uuid4().hex}, "overridden": [],
                    "override_reason": None, "actor": "Li Wei (operator, token 3f1c2a9b)",
                    "ordered_by": "Lanzhou Municipal Epidemic Command", "command_id": f"{uuid4()}:{uuid4().hex}",
                    "correlation_id": uuid4().hex, "reason": None,
                    "occurred_at": {"_type_": "datetime_iso", "_data_": "2026-04-06T06:00:00+00:00"},
                    "timestamp": {"_type_": "datetime_iso", "_data_": "2026-11-24T22:00:00.123456+00:00"}}).encode()
"""A stored event's state as eventsourcing writes it for a typical command (~300 bytes with its row)."""
TOPIC = "mobilize.domain.shift:Shift.Assigned"

EVENTS_TABLE = """CREATE TABLE raw_events (
    originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,
    notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"""
INSERT = "INSERT INTO raw_events (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
VIEW_TABLES = ("CREATE TABLE raw_view (aggregate_id text PRIMARY KEY, version bigint, event_type text, "
               "position bigint)",
               "CREATE TABLE raw_view_position (name text PRIMARY KEY, position bigint)")
UPSERT = ("INSERT INTO raw_view VALUES (%s, %s, %s, %s) ON CONFLICT (aggregate_id) DO UPDATE "
          "SET version = excluded.version, event_type = excluded.event_type, position = excluded.position")


def _fresh_table(url: str) -> None:
    with connect(url) as connection:
        connection.execute("DROP TABLE IF EXISTS raw_events")
        connection.execute(EVENTS_TABLE)
        connection.execute("CREATE UNIQUE INDEX raw_events_notification_id ON raw_events (notification_id)")


def _row() -> tuple[UUID, int, str, bytes]:
    return (uuid4(), 1, TOPIC, STATE)


def single_rows(url: str, clients: int, seconds: float, lock: bool = False) -> float:
    """Rows/s inserting one row per transaction from `clients` connections (optionally locking the table)."""
    _fresh_table(url)
    deadline = time.perf_counter() + seconds
    counts = [0] * clients
    started = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        with connect(url) as connection:
            connection.autocommit = False
            started.wait()
            while time.perf_counter() < deadline:
                with connection.transaction():
                    if lock:
                        connection.execute("LOCK TABLE raw_events IN EXCLUSIVE MODE")
                    connection.execute(INSERT, _row())
                counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    started.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - began)


def batched_rows(url: str, seconds: float, copy: bool = False) -> float:
    """Rows/s inserting 1,000 rows per transaction from one connection: executemany, or binary COPY."""
    _fresh_table(url)
    rows, spent = 0, 0.0
    with connect(url) as connection:
        connection.autocommit = False
        while spent < seconds:
            batch = [_row() for _ in range(BATCH)]  # made outside the clock: the ceiling is the database's
            began = time.perf_counter()
            with connection.transaction(), connection.cursor() as cursor:
                if copy:
                    with cursor.copy("COPY raw_events (originator_id, originator_version, topic, state) "
                                     "FROM STDIN (FORMAT BINARY)") as feed:
                        feed.set_types(["uuid", "int8", "text", "bytea"])
                        for row in batch:
                            feed.write_row(row)
                else:
                    cursor.executemany(INSERT, batch)
            spent += time.perf_counter() - began
            rows += BATCH
        return rows / spent


# --- replay ceilings -------------------------------------------------------------------------------------

class Fold:
    """The cheapest useful in-memory view: events per type and the last version per aggregate."""

    def __init__(self) -> None:
        self.types: Counter[str] = Counter()
        self.versions: dict[Any, int] = {}

    def __call__(self, originator_id: Any, version: int, topic: str, fields: Any) -> None:
        self.types[topic] += 1
        self.versions[originator_id] = version
        if not fields:
            raise ValueError("an event without state")


def _pages(url: str) -> Callable[[int], list[tuple[Any, ...]]]:
    """A reader of the log's next 1,000 rows after a position: (position, originator, version, topic, state)."""
    if url.startswith("sqlite"):
        db = sqlite3.connect(sqlite_path(url))
        return lambda after: db.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, BATCH)).fetchall()
    cursor = connect(url).cursor(binary=True)  # binary: the payloads arrive as bytes, not as hex to decode
    return lambda after: cursor.execute(
        "SELECT notification_id, originator_id::text, originator_version, topic, state FROM mobilize_events "
        "WHERE notification_id > %s ORDER BY notification_id LIMIT %s", (after, BATCH)).fetchall()


def read_decode_fold(url: str, decode: Callable[[bytes], Any]) -> tuple[int, float]:
    """Events and seconds to read the whole log, decode each payload with `decode` and fold it."""
    page, fold = _pages(url), Fold()
    events, after = 0, 0
    began = time.perf_counter()
    while rows := page(after):
        for _, originator_id, version, topic, state in rows:
            fold(originator_id, version, topic, decode(state))
        events += len(rows)
        after = rows[-1][0]
    return events, time.perf_counter() - began


def library_read_fold(url: str) -> tuple[int, float]:
    """Events and seconds to read the log with eventsourcing's recorder and mapper (`to_domain_event`)."""
    from mobilize.application import Mobilize
    from mobilize.settings import store_env

    app = Mobilize(env=store_env(url))
    fold = Fold()
    events, start = 0, 1
    began = time.perf_counter()
    while notes := app.recorder.select_notifications(start, BATCH):
        for note in notes:
            event = app.mapper.to_domain_event(note)
            fold(note.originator_id, note.originator_version, note.topic, vars(event))
        events += len(notes)
        start = notes[-1].id + 1
    seconds = time.perf_counter() - began
    app.close()
    return events, seconds


def view_upserts(url: str) -> tuple[int, float]:
    """Events and seconds to read, decode (orjson) and upsert one view row per event, 1,000 per transaction
    with the tracking position, into PostgreSQL: the ceiling of a PostgreSQL view."""
    page = _pages(url)
    with connect(url) as connection:
        for table in ("raw_view", "raw_view_position"):
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        for ddl in VIEW_TABLES:
            connection.execute(ddl)
        connection.autocommit = False
        events, after = 0, 0
        began = time.perf_counter()
        while rows := page(after):
            values = []
            for position, originator_id, version, topic, state in rows:
                orjson.loads(state)
                values.append((str(originator_id), version, topic.rpartition(":")[2], position))
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(UPSERT, values)
                cursor.execute("INSERT INTO raw_view_position VALUES ('raw', %s) ON CONFLICT (name) "
                               "DO UPDATE SET position = excluded.position", (rows[-1][0],))
            events += len(rows)
            after = rows[-1][0]
        return events, time.perf_counter() - began


# --- into the results --------------------------------------------------------------------------------------

def write_ceilings(results: Results, postgres_store: str, seconds: float) -> None:
    """Measure PostgreSQL's write ceilings on a scratch schema."""
    cases = [
        ("raw.pg.row_tx.c1", "1 row/tx, 1 client", lambda: single_rows(postgres_store, 1, seconds)),
        ("raw.pg.row_tx.c16", "1 row/tx, 16 clients",
         lambda: single_rows(postgres_store, 16, seconds)),
        ("raw.pg.row_tx_lock.c16", "1 row/tx + LOCK TABLE, 16 clients",
         lambda: single_rows(postgres_store, 16, seconds, lock=True)),
        ("raw.pg.batch_executemany", "1,000 rows/tx, executemany",
         lambda: batched_rows(postgres_store, seconds)),
        ("raw.pg.batch_copy", "1,000 rows/tx, binary COPY",
         lambda: batched_rows(postgres_store, seconds, copy=True)),
    ]
    for key, label, measure in cases:
        say(f"raw PostgreSQL: {label}")
        results.add(Row(key, "raw", f"PostgreSQL insert, {label}", measure(), "rows/s", store="postgres"))
    with connect(postgres_store) as connection:
        connection.execute("DROP TABLE IF EXISTS raw_events")
    results.facts["raw_row_bytes"] = len(STATE) + len(TOPIC) + 24
    results.facts["cpus"] = os.cpu_count()


def replay_ceilings(results: Results, store: str, label: str) -> None:
    """Measure the replay ceilings on a big log (`label`: postgres or sqlite)."""
    cases: list[tuple[str, str, Callable[[], tuple[int, float]]]] = [
        (f"raw.{label}.read_orjson", "read + orjson + fold in memory",
         lambda: read_decode_fold(store, orjson.loads)),
        (f"raw.{label}.read_json", "read + json.loads + fold in memory", lambda: read_decode_fold(store, json.loads)),
        (f"raw.{label}.read_library", "eventsourcing read + to_domain_event + fold",
         lambda: library_read_fold(store)),
    ]
    if label == "postgres":
        cases.append((f"raw.{label}.view_upsert", "read + orjson + view upsert, 1,000/tx + position",
                      lambda: view_upserts(store)))
    for key, text, measure in cases:
        say(f"raw replay on {label}: {text}")
        events, seconds = measure()
        results.add(Row(key, "raw", f"{label} log: {text}", events / seconds, "events/s", store=label,
                        extra={"events": events, "seconds": round(seconds, 3)}))
