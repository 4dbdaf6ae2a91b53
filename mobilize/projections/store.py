"""Where views live: a SQLite file beside the event store, or the same PostgreSQL database.

Each projection writes its rows and its position in the log in one transaction, so that a crash
at any point resumes exactly where the last committed batch stopped.

On PostgreSQL a transaction runs in pipeline mode: a statement that returns no rows is sent without
waiting for its reply (and runs of the same one go as one `executemany`), so a batch of writes costs
one round trip, not one per statement; a query still waits for its rows, and so for everything sent
before it. An error in any statement fails the batch at the next wait, at the latest when the
transaction ends, and rolls all of it back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from mobilize.settings import store_env

POSITIONS = """CREATE TABLE IF NOT EXISTS projection_positions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
)"""


class Transaction(Protocol):
    """What a projection handler may do inside its transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (placeholders are `?`) and return its rows.

        On PostgreSQL only a statement that starts with SELECT, WITH, VALUES or TABLE, or has RETURNING, is
        waited for; any other returns no rows at once, and an error in it surfaces at the next wait.
        """


class ViewStore:
    """A database of views and their positions, SQLite or PostgreSQL.

    One connection, safe to share between threads: a read from another thread (a runner's `position`
    watched while it follows) waits for the transaction under way, instead of cutting into its pipeline."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect
        self.in_use = threading.RLock()
        with self.transaction() as tx:
            tx.execute(POSITIONS)

    @classmethod
    def for_store(cls, store: str) -> ViewStore:
        """The view database that goes with an event store URL."""
        env = store_env(store)
        module = env["PERSISTENCE_MODULE"]
        if module == "eventsourcing.postgres":
            return cls._postgres(store)
        path = env.get("SQLITE_DBNAME", ":memory:")
        views = ":memory:" if path == ":memory:" else f"{path.removesuffix('.db')}.views.db"
        connection = sqlite3.connect(views, isolation_level=None, check_same_thread=False, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls(connection, "sqlite")

    @classmethod
    def _postgres(cls, store: str) -> ViewStore:
        import psycopg

        url = urlparse(store)
        schema = parse_qs(url.query).get("schema", [None])[-1]
        connection = psycopg.connect(url._replace(query="").geturl(), autocommit=True)
        if schema:
            connection.execute(f'SET search_path TO "{schema}"')
        return cls(connection, "postgres")

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One atomic unit of view rows and position."""
        with self.in_use:
            if self.dialect == "sqlite":
                self.connection.execute("BEGIN IMMEDIATE")
                try:
                    yield _SqliteTx(self.connection)
                except BaseException:
                    self.connection.execute("ROLLBACK")
                    raise
                self.connection.execute("COMMIT")
            else:
                with self.connection.transaction(), self.connection.pipeline() as pipeline:
                    tx = _PostgresTx(self.connection, pipeline)
                    yield tx
                    tx.flush()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read rows outside any write transaction."""
        with self.in_use:
            if self.dialect == "sqlite":
                return _SqliteTx(self.connection).execute(sql, params)
            return _PostgresTx(self.connection).execute(sql, params)

    def position(self, name: str) -> int:
        """The last log position the projection `name` has applied (0 if none)."""
        rows = self.query("SELECT position FROM projection_positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def lock(self, tx: Transaction, name: str) -> None:
        """Hold projection `name` for this transaction (SQLite's BEGIN IMMEDIATE already holds everything)."""
        if self.dialect == "postgres":
            # per schema: advisory locks are database-wide, and two schemas' views are two sets of views
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ?))",
                       (f":mobilize.projection.{name}",))

    @staticmethod
    def read_position(tx: Transaction, name: str) -> int:
        """The projection's position, read inside a transaction."""
        rows = tx.execute("SELECT position FROM projection_positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    @staticmethod
    def record_position(tx: Transaction, name: str, position: int) -> None:
        """Record, inside the view's transaction, how far the projection has come."""
        tx.execute("INSERT INTO projection_positions (name, position) VALUES (?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET position = excluded.position", (name, position))

    def close(self) -> None:
        """Close the connection."""
        with self.in_use:
            self.connection.close()


class _SqliteTx:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.cursor = connection.cursor()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.cursor.execute(sql, tuple(params)).fetchall()


class _PostgresTx:
    """Statements in pipeline mode: writes in a row with the same SQL go as one `executemany`, sent when
    another statement comes, when a query must wait for its rows, or when the transaction ends."""

    def __init__(self, connection: Any, pipeline: Any = None) -> None:
        self.cursor = connection.cursor()
        self.pipeline = pipeline
        self.pending: tuple[str, list[tuple[Any, ...]]] = ("", [])

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        query, returns_rows = _postgres(sql)
        if self.pipeline is not None and not returns_rows:
            if query != self.pending[0]:
                self.flush()
                self.pending = (query, [])
            self.pending[1].append(tuple(params))
            return []
        self.flush()
        self.cursor.execute(query, tuple(params))
        if self.pipeline is not None:
            self.pipeline.sync()
        return self.cursor.fetchall() if self.cursor.description else []

    def flush(self) -> None:
        """Send the writes held back."""
        query, rows = self.pending
        if rows:
            self.cursor.executemany(query, rows)
            self.pending = ("", [])


@lru_cache(maxsize=1024)
def _postgres(sql: str) -> tuple[str, bool]:
    """A statement with psycopg's placeholders, and whether it may return rows (so that a pipeline waits)."""
    words = sql.upper().split()
    return sql.replace("?", "%s"), words[0] in ("SELECT", "WITH", "VALUES", "TABLE") or "RETURNING" in words
