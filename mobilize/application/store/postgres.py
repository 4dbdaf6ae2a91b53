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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

TOPIC = "mobilize.application.store.postgres:Recorder"
"""What `APPLICATION_RECORDER_TOPIC` names to have eventsourcing build this recorder."""


class Recorder(PostgresApplicationRecorder):
    """An application recorder whose inserts are one call of `mobilize_insert_events`."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_function = f"mobilize_insert_{self.events_table_name}"
        function = Identifier(self.insert_function)
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event}[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
            "BEGIN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; "
            "RETURN QUERY INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
            "RETURNING notification_id; "
            "END; $BODY$"
        ).format(schema=schema, function=function, event=Identifier(self.stored_event_type_name),
                 lock_timeout=self.datastore.lock_timeout, table=Identifier(self.events_table_name),
                 channel=Identifier(self.channel_name)))
        self.insert_call = SQL("SELECT * FROM {schema}.{function}(%s)").format(schema=schema, function=function)

    def _create_table(self, cursor: Any) -> None:
        """Create the tables and the function, one process at a time: API workers starting together on a
        fresh schema would otherwise collide in the catalogue ("tuple concurrently updated")."""
        cursor.execute(SQL("SELECT pg_advisory_xact_lock(hashtext({}))").format(
            f"mobilize.create.{self.datastore.schema}.{self.events_table_name}"))
        super()._create_table(cursor)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert the events in one transaction, in one round trip; returns their positions."""
        if kwargs.get("tracking") is not None:  # not used by mobilize: eventsourcing's own path handles it
            return super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return []
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                for e in stored_events]
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(self.insert_call, (rows,), prepare=True)
            return [row[self.insert_function] for row in cursor.fetchall()]  # the pool's rows are dicts
