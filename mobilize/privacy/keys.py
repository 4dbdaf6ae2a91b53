"""The key table: one data key per person, wrapped by the master key, kept beside the events.

A data key is 32 random bytes (AES-256-GCM), wrapped (AES-GCM under the master key, the subject's id as
associated data) and stored in `personal_keys` of the event store's own database (SQLite file, PostgreSQL
schema; a dict for the in-memory store). Erasing a person overwrites their row's key with NULL and keeps
the row (when, so that readers of old plain-text events know too); SQLite's secure_delete and a WAL
checkpoint, PostgreSQL's VACUUM FULL, leave no copy of the old key in the live database files (backups and
archived WAL keep it until they expire: infra/PRODUCTION.md). `personal_keys_check` holds a verifier
sealed under the master key: a wrong master key is refused when the application starts.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHECK = b"mobilize master key check"
"""What the verifier seals: opening it proves the master key is the one the table was made under."""
NONCE = 12


class WrongMasterKey(Exception):
    """Raised at start when the configured master key is not the one the key table was made under."""


class KeyTableError(Exception):
    """Raised when the key table cannot be read as expected (a key that does not unwrap)."""


def wrap(master: bytes, key: bytes, subject: str) -> bytes:
    """`key` sealed under `master`, bound to `subject`."""
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(master).encrypt(nonce, key, subject.encode())


def unwrap(master: bytes, wrapped: bytes, subject: str) -> bytes:
    """The key `wrap` sealed; InvalidTag when `master` or `subject` is not the one it was sealed with."""
    return AESGCM(master).decrypt(wrapped[:NONCE], wrapped[NONCE:], subject.encode())


class KeyTable(ABC):
    """Rows of (subject, wrapped key or NULL once erased, erased_at), and the master key's verifier."""

    @abstractmethod
    def verifier(self) -> bytes | None:
        """The stored verifier, or None for a table never used."""

    @abstractmethod
    def set_verifier(self, verifier: bytes) -> None:
        """Store the verifier (only where there is none yet)."""

    @abstractmethod
    def get(self, subject: str) -> tuple[bytes | None, str | None] | None:
        """(wrapped key, erased_at) of a subject, or None when it has no row."""

    @abstractmethod
    def add(self, subject: str, wrapped: bytes, created_at: str) -> bool:
        """Add a subject's wrapped key unless the subject has a row already; whether it was added."""

    @abstractmethod
    def destroy(self, subjects: Sequence[str], erased_at: str) -> None:
        """Overwrite the subjects' keys with NULL (adding a row without key where there was none), in one
        transaction, leaving no copy behind once (a household's erasure destroys a key per visit)."""

    @abstractmethod
    def rows(self) -> list[tuple[str, bytes | None, str | None]]:
        """Every (subject, wrapped key, erased_at)."""

    @abstractmethod
    def rewrap(self, wrapped: dict[str, bytes], verifier: bytes) -> None:
        """Replace the given subjects' wrapped keys and the verifier, all at once."""


class MemoryKeys(KeyTable):
    """The key table of the in-memory store."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[bytes | None, str | None]] = {}
        self._verifier: bytes | None = None
        self._lock = threading.Lock()

    def verifier(self) -> bytes | None:
        return self._verifier

    def set_verifier(self, verifier: bytes) -> None:
        with self._lock:
            self._verifier = self._verifier or verifier

    def get(self, subject: str) -> tuple[bytes | None, str | None] | None:
        return self._rows.get(subject)

    def add(self, subject: str, wrapped: bytes, created_at: str) -> bool:
        with self._lock:
            if subject in self._rows:
                return False
            self._rows[subject] = (wrapped, None)
            return True

    def destroy(self, subjects: Sequence[str], erased_at: str) -> None:
        with self._lock:
            for subject in subjects:
                self._rows[subject] = (None, (self._rows.get(subject) or (None, None))[1] or erased_at)

    def rows(self) -> list[tuple[str, bytes | None, str | None]]:
        return [(subject, *row) for subject, row in self._rows.items()]

    def rewrap(self, wrapped: dict[str, bytes], verifier: bytes) -> None:
        with self._lock:
            for subject, key in wrapped.items():
                self._rows[subject] = (key, self._rows[subject][1])
            self._verifier = verifier


TABLES = ("CREATE TABLE IF NOT EXISTS {t} (subject TEXT PRIMARY KEY, wrapped {blob}, created_at TEXT NOT NULL, "
          "erased_at TEXT)",
          "CREATE TABLE IF NOT EXISTS {t}_check (one INTEGER PRIMARY KEY CHECK (one = 1), verifier {blob} NOT NULL)")


class SQLKeys(KeyTable):
    """The key table in the event store's database: SQLite or PostgreSQL (through eventsourcing's datastore)."""

    def __init__(self, datastore: Any, dialect: str, table: str = "personal_keys") -> None:
        self.datastore, self.dialect = datastore, dialect
        schema = getattr(datastore, "schema", None) if dialect == "postgres" else None
        self.t = f"{schema}.{table}" if schema else table
        self.p = "%s" if dialect == "postgres" else "?"
        blob = "BYTEA" if dialect == "postgres" else "BLOB"
        with self._cursor() as cursor:
            for statement in TABLES:
                cursor.execute(statement.format(t=self.t, blob=blob))

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with self._cursor() as cursor:
            cursor.execute(sql.replace("?", self.p), params)
            row = cursor.fetchone()
        if row is None:
            return None
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)

    def verifier(self) -> bytes | None:
        row = self._one(f"SELECT verifier FROM {self.t}_check WHERE one = 1")  # noqa: S608 - our own table
        return bytes(row[0]) if row else None

    def set_verifier(self, verifier: bytes) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.t}_check (one, verifier) VALUES (1, ?) "  # noqa: S608
                           "ON CONFLICT (one) DO NOTHING".replace("?", self.p), (verifier,))

    def get(self, subject: str) -> tuple[bytes | None, str | None] | None:
        row = self._one(f"SELECT wrapped, erased_at FROM {self.t} WHERE subject = ?", (subject,))  # noqa: S608
        return (bytes(row[0]) if row[0] is not None else None, row[1]) if row else None

    def add(self, subject: str, wrapped: bytes, created_at: str) -> bool:
        with self._cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.t} (subject, wrapped, created_at) VALUES (?, ?, ?) "  # noqa: S608
                           "ON CONFLICT (subject) DO NOTHING".replace("?", self.p), (subject, wrapped, created_at))
            rows = cursor.sqlite_cursor if self.dialect == "sqlite" else cursor  # eventsourcing's wrapper hides it
            return bool(rows.rowcount == 1)

    def destroy(self, subjects: Sequence[str], erased_at: str) -> None:
        with self._cursor() as cursor:
            if self.dialect == "sqlite":
                cursor.execute("PRAGMA secure_delete = ON")  # the old key's bytes are zeroed, not just unlinked
            for subject in subjects:
                cursor.execute(f"INSERT INTO {self.t} (subject, wrapped, created_at, erased_at) "  # noqa: S608
                               "VALUES (?, NULL, ?, ?) ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, "
                               f"erased_at = coalesce({self.t}.erased_at, excluded.erased_at)".replace("?", self.p),
                               (subject, erased_at, erased_at))
        self._scrub()

    def _scrub(self) -> None:
        """Leave no copy of a destroyed key in the live database files (WAL frames, dead row versions)."""
        if self.dialect == "sqlite":
            with self.datastore.get_connection(commit=True) as connection:
                connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        with self.datastore.get_connection() as connection:
            autocommit = connection.autocommit
            connection.autocommit = True
            try:
                connection.execute(f"VACUUM FULL {self.t}")
            finally:
                connection.autocommit = autocommit

    def rows(self) -> list[tuple[str, bytes | None, str | None]]:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT subject, wrapped, erased_at FROM {self.t} ORDER BY subject")  # noqa: S608
            rows = [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in cursor.fetchall()]
        return [(r[0], bytes(r[1]) if r[1] is not None else None, r[2]) for r in rows]

    def rewrap(self, wrapped: dict[str, bytes], verifier: bytes) -> None:
        with self._cursor() as cursor:
            for subject, key in wrapped.items():
                cursor.execute(f"UPDATE {self.t} SET wrapped = ? WHERE subject = ? "  # noqa: S608
                               "AND wrapped IS NOT NULL".replace("?", self.p), (key, subject))
            cursor.execute(f"UPDATE {self.t}_check SET verifier = ? WHERE one = 1".replace("?", self.p),  # noqa: S608
                           (verifier,))


def table_for(recorder: Any) -> KeyTable:
    """The key table beside the recorder's events."""
    datastore = getattr(recorder, "datastore", None)
    if datastore is None:
        return MemoryKeys()
    dialect = "postgres" if type(datastore).__module__.startswith("eventsourcing.postgres") else "sqlite"
    return SQLKeys(datastore, dialect)


def check_master(table: KeyTable, master: bytes) -> None:
    """Refuse a master key the table was not made under; make the verifier of a table never used."""
    verifier = table.verifier()
    if verifier is None:
        table.set_verifier(wrap(master, CHECK, "check"))
        verifier = table.verifier()
        assert verifier is not None, "just set"
    try:
        opened = unwrap(master, verifier, "check")
    except InvalidTag:
        raise WrongMasterKey("the master key is not the one this store's personal-data keys were wrapped "
                             "under: check MOBILIZE_MASTER_KEY / MOBILIZE_MASTER_KEY_FILE") from None
    if opened != CHECK:
        raise WrongMasterKey("the key table's verifier does not hold what it should")
