"""The one place that reads the environment: where events live and how logs look."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_STORE = "sqlite:///mobilize.db"
"""The embedded default: a SQLite file in the working directory, no server to start."""


KAFKA_BOOTSTRAP = "127.0.0.1:59092"
"""The broker `infra/kafka.sh start` runs."""
KAFKA_TOPIC = "mobilize.events"
KAFKA_PARTITIONS = 6

GROUP_COMMIT = "MOBILIZE_GROUP_COMMIT"
"""on: concurrent commands of one process share a transaction (application/store/group_commit.py); off: one each."""

COMMAND_ATTEMPTS = "MOBILIZE_COMMAND_ATTEMPTS"
"""How many times a command runs when what it read or wrote changed under it before it could commit (ADR 0011):
it runs again on fresh records, and only after the last attempt is it refused as a concurrent change (409)."""
DEFAULT_COMMAND_ATTEMPTS = 3

CACHE_SIZE = "MOBILIZE_AGGREGATE_CACHE_MAXSIZE"
"""Aggregates each process keeps in memory (mobilize.application.store.cache); empty or 0: no cache."""
DEFAULT_CACHE_SIZE = 10_000

ANCHOR_KEY, DEFAULT_ANCHOR_KEY = "MOBILIZE_ANCHOR_KEY", "mobilize.anchor.key"
"""The Ed25519 private key (PEM) that signs chain anchors; made on first use. Keep it away from the database."""
ANCHORS, DEFAULT_ANCHORS = "MOBILIZE_ANCHORS", "mobilize.anchors.jsonl"
"""The append-only file of signed checkpoints, outside the database (ADR 0016)."""
ANCHOR_INTERVAL = "MOBILIZE_ANCHOR_INTERVAL"
"""Seconds between anchors signed by `projections run`; empty or 0: none."""

PAGE_ANSWER_MINUTES, DEFAULT_PAGE_ANSWER_MINUTES = "MOBILIZE_PAGE_ANSWER_MINUTES", 10.0
"""Minutes a page waits for its answer (收到) at each level before the pager escalates it: the person, then
the grid's leaders, then the command center."""
WEBHOOKS_FILE = "MOBILIZE_WEBHOOKS_FILE"
"""A JSON file naming the webhooks pages are posted to (`mobilize.feeds.webhooks`); empty: none."""

LIBRARY = ("PERSISTENCE_MODULE", "POSTGRES_", "SQLITE_", "CIPHER_", "COMPRESSOR_TOPIC", "AGGREGATE_CACHE_",
           "DEEPCOPY_FROM_AGGREGATE_CACHE", "IS_SNAPSHOTTING_ENABLED", "CREATE_TABLE", "APPLICATION_RECORDER_TOPIC",
           "TRACKING_RECORDER_TOPIC", "PROCESS_RECORDER_TOPIC", "INFRASTRUCTURE_FACTORY", "FACTORY_TOPIC",
           "TRANSCODER_TOPIC", "MAPPER_TOPIC", "ORIGINATOR_ID_TYPE", "SINGLE_ROW_TRACKING")
"""eventsourcing's own variables (a name, or the start of names), also taken with the application's `MOBILIZE_`
prefix: what infra/PRODUCTION.md tunes (POSTGRES_POOL_SIZE, POSTGRES_LOCK_TIMEOUT, ...). The store URL wins over
a plain name; eventsourcing looks the `MOBILIZE_`-prefixed name up first, so that one wins over the URL."""

POSTGRES_OPTIONS = {"schema": "POSTGRES_SCHEMA", "pool_size": "POSTGRES_POOL_SIZE",
                    "max_overflow": "POSTGRES_MAX_OVERFLOW", "connect_timeout": "POSTGRES_CONNECT_TIMEOUT"}
"""Query parameters of a postgresql:// store URL, and the eventsourcing variables they set."""

POSTGRES_DEFAULTS = {"POSTGRES_CONNECT_TIMEOUT": "2"}
"""Where mobilize's defaults differ from eventsourcing's; a variable or the store URL still wins.

POSTGRES_CONNECT_TIMEOUT is how long a request waits for a pooled connection (eventsourcing: 30 s): while
the database is away a command fails after about this long with 503 instead of hanging (ADR 0010); a
busy pool that cannot hand a connection in 2 s is overloaded, and says so the same way."""

MASTER_KEY = "MOBILIZE_MASTER_KEY"
"""The master key that wraps every person's data key: 32 bytes, base64 (`mobilize privacy new-key`)."""
MASTER_KEY_FILE = "MOBILIZE_MASTER_KEY_FILE"
"""A file holding the master key (base64); read when MOBILIZE_MASTER_KEY is not set. Without either, a
SQLite store keeps its key beside its file (`<name>.master-key`), a PostgreSQL store in `mobilize.master-key`
of the working directory, made on first start; the in-memory store makes one for the process."""
RELAY_PERSONAL = "MOBILIZE_RELAY_PERSONAL"
"""on: the Kafka relay carries personal fields opened (a trusted internal topic); off (default): left out."""
MASTER_KEY_BYTES = 32
RETENTION_EMERGENCY_DAYS = "MOBILIZE_RETENTION_EMERGENCY_DAYS"
"""Days personal data collected on an emergency basis is kept after its incident closed (default 30)."""
RETENTION_CONSENT_DAYS = "MOBILIZE_RETENTION_CONSENT_DAYS"
"""Days personal data given with consent is kept after it was given or last renewed (default 365)."""


class BadSetting(ValueError):
    """Raised when a setting from the environment cannot be understood."""


@dataclass(frozen=True)
class Settings:
    """Configuration of one `mobilize` process."""

    store: str = DEFAULT_STORE
    log_format: str = "auto"
    log_level: str = "info"
    kafka: str = KAFKA_BOOTSTRAP
    kafka_topic: str = KAFKA_TOPIC
    kafka_partitions: int = KAFKA_PARTITIONS
    group_commit: bool = False
    command_attempts: int = DEFAULT_COMMAND_ATTEMPTS
    cache_size: int | None = DEFAULT_CACHE_SIZE
    relay_personal: bool = False
    retention_days: tuple[int, int] = (30, 365)
    """(emergency, consent): see `mobilize.privacy.retention`."""
    master_key: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # MASTER_KEY and/or MASTER_KEY_FILE
    anchor_key: str = DEFAULT_ANCHOR_KEY
    anchors: str = DEFAULT_ANCHORS
    anchor_interval: float = 0.0
    page_answer_minutes: float = DEFAULT_PAGE_ANSWER_MINUTES
    webhooks_file: str = ""
    library: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # may hold a password or a cipher key

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `MOBILIZE_*` variables, with the embedded defaults."""
        env = os.environ if environ is None else environ
        partitions = env.get("MOBILIZE_KAFKA_PARTITIONS", str(KAFKA_PARTITIONS))
        if not (partitions.isascii() and partitions.isdigit()) or int(partitions) < 1:
            raise BadSetting(f"MOBILIZE_KAFKA_PARTITIONS {partitions!r}: expected a whole number of at least 1")
        return cls(
            store=env.get("MOBILIZE_STORE", DEFAULT_STORE),
            log_format=env.get("MOBILIZE_LOG_FORMAT", "auto"),
            log_level=env.get("MOBILIZE_LOG_LEVEL", "info"),
            kafka=env.get("MOBILIZE_KAFKA", KAFKA_BOOTSTRAP),
            kafka_topic=env.get("MOBILIZE_KAFKA_TOPIC", KAFKA_TOPIC),
            kafka_partitions=int(partitions),
            group_commit=on_off(GROUP_COMMIT, env.get(GROUP_COMMIT)),
            command_attempts=command_attempts(env.get(COMMAND_ATTEMPTS)),
            cache_size=cache_size(env.get(CACHE_SIZE, env.get("AGGREGATE_CACHE_MAXSIZE"))),
            relay_personal=on_off(RELAY_PERSONAL, env.get(RELAY_PERSONAL)),
            retention_days=(days(RETENTION_EMERGENCY_DAYS, env.get(RETENTION_EMERGENCY_DAYS), 30),
                            days(RETENTION_CONSENT_DAYS, env.get(RETENTION_CONSENT_DAYS), 365)),
            master_key=tuple((key, env[key]) for key in (MASTER_KEY, MASTER_KEY_FILE) if env.get(key)),
            anchor_key=env.get(ANCHOR_KEY) or DEFAULT_ANCHOR_KEY,
            anchors=env.get(ANCHORS) or DEFAULT_ANCHORS,
            anchor_interval=seconds(ANCHOR_INTERVAL, env.get(ANCHOR_INTERVAL)),
            page_answer_minutes=page_minutes(env.get(PAGE_ANSWER_MINUTES)),
            webhooks_file=env.get(WEBHOOKS_FILE, "").strip(),
            library=tuple(sorted((key, value) for key, value in env.items() if _library(key))),
        )

    def with_store(self, store: str) -> Settings:
        """The same settings on another store."""
        return replace(self, store=store)

    def with_log_level(self, level: str) -> Settings:
        """The same settings with another log level."""
        return replace(self, log_level=level)

    def as_env(self) -> dict[str, str]:
        """The variables that give another process these settings (API workers)."""
        return {"MOBILIZE_STORE": self.store, "MOBILIZE_LOG_FORMAT": self.log_format,
                "MOBILIZE_LOG_LEVEL": self.log_level, "MOBILIZE_KAFKA": self.kafka,
                "MOBILIZE_KAFKA_TOPIC": self.kafka_topic, "MOBILIZE_KAFKA_PARTITIONS": str(self.kafka_partitions),
                GROUP_COMMIT: "on" if self.group_commit else "off", COMMAND_ATTEMPTS: str(self.command_attempts),
                CACHE_SIZE: str(self.cache_size or 0), RELAY_PERSONAL: "on" if self.relay_personal else "off",
                RETENTION_EMERGENCY_DAYS: str(self.retention_days[0]),
                RETENTION_CONSENT_DAYS: str(self.retention_days[1]), ANCHOR_KEY: self.anchor_key,
                ANCHORS: self.anchors, ANCHOR_INTERVAL: str(self.anchor_interval),
                PAGE_ANSWER_MINUTES: str(self.page_answer_minutes), WEBHOOKS_FILE: self.webhooks_file,
                **dict(self.master_key), **dict(self.library)}

    def export(self) -> None:
        """Put these settings in this process's environment, for the worker processes it is about to start."""
        os.environ.update(self.as_env())

    def check(self) -> None:
        """Raise BadSetting now if the store cannot be used (a URL naming no file, an unknown scheme)."""
        store_env(self.store)

    def eventsourcing_env(self) -> dict[str, str]:
        """Everything the eventsourcing application is configured by: the store's variables, the cache, group commit.

        The application reads nothing else (`mobilize.application.store.wiring` keeps the process environment
        out), so these settings are the whole of its configuration.
        """
        store = store_env(self.store, defaults=False)
        defaults = POSTGRES_DEFAULTS if store["PERSISTENCE_MODULE"] == "eventsourcing.postgres" else {}
        return {**defaults, **dict(self.library), **store, **dict(self.master_key),
                GROUP_COMMIT: "on" if self.group_commit else "off",
                COMMAND_ATTEMPTS: str(self.command_attempts), "AGGREGATE_CACHE_MAXSIZE": str(self.cache_size or ""),
                PAGE_ANSWER_MINUTES: str(self.page_answer_minutes)}


def master_key_source(env: Mapping[str, str]) -> tuple[bytes | None, str | None]:
    """The master key an application's configuration names: (key, None) when given or read from its file;
    (None, path) when the file is still to be made; (None, None) for a store with no file (in memory)."""
    given = env.get(MASTER_KEY, "").strip()
    if given:
        return _master_key(given, MASTER_KEY), None
    path = env.get(MASTER_KEY_FILE, "").strip() or default_key_file(env)
    if path is None:
        return None, None
    file = Path(path)
    if not file.exists():
        return None, path
    return _master_key(file.read_text().strip(), f"{MASTER_KEY_FILE} {path}"), path


def default_key_file(env: Mapping[str, str]) -> str | None:
    """Where the master key file is kept when no setting names one: beside a SQLite store, or
    `mobilize.master-key` in the working directory for PostgreSQL; None for a store in memory."""
    module = env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
    if module == "eventsourcing.sqlite":
        name = env.get("SQLITE_DBNAME", ":memory:")
        return None if ":memory:" in name or name.startswith("file::memory") else \
            f"{name.removesuffix('.db')}.master-key"
    return "mobilize.master-key" if module == "eventsourcing.postgres" else None


def _master_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        key = b""
    if len(key) != MASTER_KEY_BYTES:
        raise BadSetting(f"{where}: expected {MASTER_KEY_BYTES} bytes in base64 (make one with "
                         "`mobilize privacy new-key`)")
    return key


def new_master_key() -> str:
    """A fresh master key, as base64 text."""
    return base64.b64encode(os.urandom(MASTER_KEY_BYTES)).decode()


def write_master_key(path: str, text: str | None = None) -> bytes:
    """Write a master key file only its owner may read (a fresh key unless given); returns the key."""
    text = text or new_master_key()
    key = _master_key(text, path)
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text + "\n")
    return key


def read_master_key_file(path: str) -> bytes:
    """The master key held in a file (for rotation: the new key)."""
    return _master_key(Path(path).read_text().strip(), path)


def command_attempts(value: str | None) -> int:
    """MOBILIZE_COMMAND_ATTEMPTS: a whole number from 1 to 10; unset or empty means the default."""
    if value is None or not value.strip():
        return DEFAULT_COMMAND_ATTEMPTS
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 10:
        raise BadSetting(f"{COMMAND_ATTEMPTS} {value!r}: expected a whole number from 1 to 10")
    return int(text)


def days(name: str, value: str | None, default: int) -> int:
    """A number of days, 0 or more; unset or empty means the default."""
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise BadSetting(f"{name} {value!r}: expected a whole number of days")
    return int(text)
def seconds(name: str, value: str | None) -> float:
    """A number of seconds, at least 0; unset or empty means 0 (off)."""
    if value is None or not value.strip():
        return 0.0
    try:
        number = float(value.strip())
    except ValueError:
        number = -1.0
    if not 0 <= number < 10**7:
        raise BadSetting(f"{name} {value!r}: expected a number of seconds (0 or empty: off)")
    return number


def page_minutes(value: str | None) -> float:
    """MOBILIZE_PAGE_ANSWER_MINUTES: minutes, more than 0 and at most a day; unset or empty means the default."""
    if value is None or not value.strip():
        return DEFAULT_PAGE_ANSWER_MINUTES
    try:
        number = float(value.strip())
    except ValueError:
        number = -1.0
    if not 0 < number <= 24 * 60:
        raise BadSetting(f"{PAGE_ANSWER_MINUTES} {value!r}: expected minutes, more than 0 and at most 1440")
    return number


def on_off(name: str, value: str | None, default: bool = False) -> bool:
    """A switch setting: on/off (also true/false, yes/no, 1/0); unset or empty means the default."""
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in ("on", "true", "yes", "y", "1"):
        return True
    if text in ("off", "false", "no", "n", "0"):
        return False
    raise BadSetting(f"{name} {value!r}: expected on or off")


def cache_size(value: str | None) -> int | None:
    """The aggregate cache's size: unset means the default, empty or below 1 means no cache."""
    if value is None:
        return DEFAULT_CACHE_SIZE
    if not value.strip():
        return None
    try:
        size = int(value.strip()) if value.strip().isascii() else None
    except ValueError:
        size = None
    if size is None:
        raise BadSetting(f"{CACHE_SIZE} {value!r}: expected a whole number (0 or empty: no cache)")
    return size if size >= 1 else None


def _library(key: str) -> bool:
    if key in (CACHE_SIZE, "AGGREGATE_CACHE_MAXSIZE"):  # a setting of ours, parsed above
        return False
    name = key.removeprefix("MOBILIZE_")
    return any(name == known or (known.endswith("_") and name.startswith(known)) for known in LIBRARY)


def redacted(store: str) -> str:
    """A store URL fit to print: any password replaced by ***."""
    url = urlparse(store)
    if url.password is None:
        return store
    return url._replace(netloc=url.netloc.replace(f":{url.password}@", ":***@", 1)).geturl()


def store_env(store: str, defaults: bool = True) -> dict[str, str]:
    """Translate a store URL (`memory:`, `sqlite:///path`, `postgresql://…`) into eventsourcing variables.

    For PostgreSQL, with mobilize's `POSTGRES_DEFAULTS` where the URL says nothing (unless `defaults` is False).
    """
    url = urlparse(store)
    if url.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if url.scheme == "sqlite":
        path = url.path[1:] if url.netloc == "" and url.path.startswith("/") else url.path
        if not path:
            raise BadSetting(f"MOBILIZE_STORE {store!r} names no file: use sqlite:///relative.db or sqlite:////abs.db")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path, "SQLITE_LOCK_TIMEOUT": "30"}
    if url.scheme in ("postgresql", "postgres"):
        options = {key: values[-1] for key, values in parse_qs(url.query).items()}
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/") or "mobilize",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "mobilize"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            # eventsourcing's recorder, with inserts in one round trip (mobilize/application/store/postgres.py)
            "APPLICATION_RECORDER_TOPIC": "mobilize.application.store.postgres:Recorder",
        }
        for option, variable in POSTGRES_OPTIONS.items():
            if option in options:
                env[variable] = options[option]
        return {**POSTGRES_DEFAULTS, **env} if defaults else env
    raise BadSetting(f"MOBILIZE_STORE {store!r}: expected memory:, sqlite:///FILE or postgresql://USER:PASS@HOST:PORT/DB")
