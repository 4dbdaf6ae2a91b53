"""The PostgreSQL event recorder: eventsourcing's, with an insert that costs one round trip.

eventsourcing's recorder writes events in an explicit transaction sent as a pipeline — BEGIN, SET
LOCAL lock_timeout, LOCK TABLE … IN EXCLUSIVE MODE, NOTIFY, the INSERT, a sync for its ids, COMMIT —
which costs two to three round trips and a good deal of client work per save. Here the same steps
run inside one database function, called as one statement: PostgreSQL wraps it in a transaction of
its own, so the table lock is still held until the commit (positions stay in commit order: a
follower never passes over a gap that is filled later), NOTIFY still fires at the commit, and a
version that is already taken still fails the whole call with a unique violation (IntegrityError).
The function is created with the tables (`CREATE OR REPLACE`), in the store's schema.

(eventsourcing's own database function, POSTGRES_ENABLE_DB_FUNCTIONS, does not lock the table, so
positions could become visible out of order; it is not used.)

Failing fast when the database is away (ADR 0010). eventsourcing retries every recorder call ten times
and its pool waits `POSTGRES_CONNECT_TIMEOUT` (30 s unless set) for a connection on each try, and backs
off reconnecting for up to five minutes: during an outage a command hung for half a minute, and after
one the pool came back seconds late. This recorder instead

- retries a call only while `RETRY_SECONDS` have not passed, and only for a connection that broke
  (a stale one after a restart: the pool hands a fresh one next), never after the pool timed out
  waiting for one (the database is away: say so now). The first broken connection makes the pool
  check its idle ones, so that a restart costs one retry, not one per pooled connection;
- has its pool give up reconnecting after `RECONNECT_SECONDS` (a later request grows the pool again at
  once), so the first request after the database is back connects without waiting out a backoff;
- connects with a libpq `connect_timeout`, so that an unreachable host cannot hold a pool worker.

The pool's wait itself is `POSTGRES_CONNECT_TIMEOUT`, which `mobilize.settings` defaults to 2 s.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

import psycopg
import structlog
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier, Literal
from psycopg_pool import PoolTimeout

from mobilize.application.store.reads import STALE_SQLSTATE, Reads, StaleRead

log = structlog.get_logger("mobilize.store")

TOPIC = "mobilize.application.store.postgres:Recorder"
"""What `APPLICATION_RECORDER_TOPIC` names to have eventsourcing build this recorder."""

RETRY_SECONDS = 1.0
"""How long a recorder call goes on retrying broken connections before it gives up (raises)."""
RECONNECT_SECONDS = 3.0
"""How long the pool's background reconnection backs off before giving up (psycopg_pool's default: 300 s)."""
CONNECT_TIMEOUT = 3
"""libpq's connect_timeout for the pool's connections, in seconds."""

UNAVAILABLE: tuple[type[Exception], ...] = (InterfaceError, OperationalError, psycopg.OperationalError,
                                           psycopg.InterfaceError)
"""What a database that is away (or restarting, or overloaded) raises; eventsourcing wraps psycopg's errors
in its own. A `DataError` or `IntegrityError` is not among them: trying again cannot help those."""

F = TypeVar("F", bound=Callable[..., Any])


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the store cannot be reached now (worth a 503 and a retry later), not that the
    request or the data is wrong."""
    return isinstance(error, UNAVAILABLE)


def _waited_in_vain(error: BaseException) -> bool:
    """The pool timed out: no connection could be had (eventsourcing keeps psycopg's error as the cause)."""
    return isinstance(error, PoolTimeout) or isinstance(error.__cause__, PoolTimeout)


def fail_fast(method: F, pool: Any = None) -> F:
    """Retry a recorder call on a broken connection for at most `RETRY_SECONDS`; not after a pool timeout.

    A method of a recorder finds the pool on its datastore; a plain function is given it.
    """

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        deadline, checked = time.monotonic() + RETRY_SECONDS, False
        while True:
            try:
                return method(*args, **kwargs)
            except (InterfaceError, OperationalError) as error:
                if _waited_in_vain(error) or time.monotonic() >= deadline:
                    raise
                if not checked:  # after a restart every idle connection is stale: find them all at once
                    checked = True
                    log.warning("store.connection_lost", error=str(error).strip())
                    _check_pool(pool if pool is not None else args[0].datastore.pool)
                time.sleep(0.05)

    return call  # type: ignore[return-value]


def _check_pool(pool: Any) -> None:
    try:
        pool.check()
    except Exception as error:  # noqa: BLE001 - best effort: the retry finds out anyway
        log.warning("store.pool_check_failed", error=str(error))


def tune_pool(datastore: PostgresDatastore) -> None:
    """Bound the pool's reconnection backoff and its connection attempts (see the module's docstring)."""
    pool = datastore.pool
    pool.reconnect_timeout = RECONNECT_SECONDS
    if isinstance(pool.kwargs, dict):
        pool.kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT)


def ready(recorder: PostgresApplicationRecorder, timeout: float) -> int:
    """The log's head, asked with a deadline of `timeout` seconds and no retry beyond it (for /readyz)."""
    pool = recorder.datastore.pool
    pool.open(wait=False)
    deadline = time.monotonic() + timeout
    sql = SQL("SELECT max(notification_id) FROM {}.{}").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    while True:
        try:
            with pool.connection(timeout=max(0.05, deadline - time.monotonic())) as connection:
                row = connection.execute(sql).fetchone()
                return int((row or {}).get("max") or 0)  # the pool's rows are dicts
        except psycopg.OperationalError as error:
            if isinstance(error, PoolTimeout) or time.monotonic() >= deadline:
                raise OperationalError(str(error)) from error


class Recorder(PostgresApplicationRecorder):
    """An application recorder whose inserts are one call of `mobilize_insert_events`."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        tune_pool(datastore)
        self.insert_function = f"mobilize_insert_{self.events_table_name}"
        function = Identifier(self.insert_function)
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event}[], read_ids uuid[], "
            "read_versions bigint[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
            "DECLARE stale text; "
            "BEGIN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            # the read set (mobilize.application.store.reads), checked with the table to ourselves
            "SELECT string_agg(r.id::text || '=' || r.version, ',') INTO stale "
            "FROM unnest(read_ids, read_versions) AS r(id, version) WHERE EXISTS (SELECT 1 FROM {schema}.{table} t "
            "WHERE t.originator_id = r.id AND t.originator_version > r.version); "
            "IF stale IS NOT NULL THEN RAISE EXCEPTION 'stale read: %', stale USING ERRCODE = {stale_code}; END IF; "
            "NOTIFY {channel}; "
            "RETURN QUERY INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
            "RETURNING notification_id; "
            "END; $BODY$"
        ).format(schema=schema, function=function, event=Identifier(self.stored_event_type_name),
                 lock_timeout=self.datastore.lock_timeout, table=Identifier(self.events_table_name),
                 channel=Identifier(self.channel_name), stale_code=Literal(STALE_SQLSTATE)))
        self.insert_call = SQL("SELECT * FROM {schema}.{function}(%s, %s, %s)").format(schema=schema,
                                                                                    function=function)

    def _create_table(self, cursor: Any) -> None:
        """Create the tables and the function, one process at a time: API workers starting together on a
        fresh schema would otherwise collide in the catalogue ("tuple concurrently updated")."""
        cursor.execute(SQL("SELECT pg_advisory_xact_lock(hashtext({}))").format(
            f"mobilize.create.{self.datastore.schema}.{self.events_table_name}"))
        super()._create_table(cursor)

    @fail_fast
    def insert_events(self, stored_events: Sequence[StoredEvent], *, reads: Reads | None = None,
                      **kwargs: Any) -> Sequence[int] | None:
        """Insert the events in one transaction, in one round trip, if the reads are not stale; returns their
        positions (raises StaleRead naming the stale reads)."""
        if kwargs.get("tracking") is not None:  # not used by mobilize: eventsourcing's own path handles it
            return super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return []
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                for e in stored_events]
        read_ids, read_versions = list((reads or {}).keys()), list((reads or {}).values())
        try:
            with self.datastore.get_connection() as connection, connection.cursor() as cursor:
                cursor.execute(self.insert_call, (rows, read_ids, read_versions), prepare=True)
                return [row[self.insert_function] for row in cursor.fetchall()]  # the pool's rows are dicts
        except IntegrityError as error:
            if getattr(error.__cause__, "sqlstate", None) != STALE_SQLSTATE:
                raise
            stale = str(getattr(getattr(error.__cause__, "diag", None), "message_primary", "")).split(": ", 1)[-1]
            raise StaleRead({UUID(i): int(v) for i, v in (pair.split("=") for pair in stale.split(",") if pair)
                             }) from error

    # eventsourcing's own calls, retried as above instead of ten times over a 30 s pool wait
    select_events = fail_fast(PostgresApplicationRecorder.select_events.__wrapped__)
    select_notifications = fail_fast(PostgresApplicationRecorder.select_notifications.__wrapped__)
    max_notification_id = fail_fast(PostgresApplicationRecorder.max_notification_id.__wrapped__)
