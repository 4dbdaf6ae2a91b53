"""What every benchmark shares: result rows, percentiles, peak memory, worker processes, scratch stores."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
"""The source checkout: workers run with it as their working directory, so `-m benchmarks.worker` imports."""


@dataclass
class Row:
    """One figure of the table: mobilize's or a ceiling's, with what it is compared to and the goal."""

    key: str
    section: str
    label: str
    value: float | None
    unit: str
    store: str = ""
    ceiling: str | None = None
    """The key of the ceiling row this figure is divided by."""
    goal: float | None = None
    """For a ratio goal, the least ratio; for an absolute goal (`limit`), unused."""
    limit: float | None = None
    """An absolute goal: the value must not exceed it (latency ms, memory MiB)."""
    note: str = ""
    shortfall: str = ""
    """Why the goal cannot count as met whatever the figure (e.g. the load it asks for was not reached)."""
    extra: dict[str, Any] = field(default_factory=dict)


class Results:
    """The rows of one run, in the order they were measured, and the facts about the run."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.facts: dict[str, Any] = {}
        self.notes: list[str] = []

    def add(self, row: Row) -> Row:
        """Record a row (a later row with the same key replaces the earlier one)."""
        self.rows[row.key] = row
        return row

    def ratio(self, row: Row) -> float | None:
        """The row's value divided by its ceiling's (None when either is missing)."""
        ceiling = self.rows.get(row.ceiling) if row.ceiling else None
        if ceiling is None or not ceiling.value or row.value is None:
            return None
        return row.value / ceiling.value

    def met(self, row: Row) -> bool | None:
        """Whether the row reaches its goal (None when it has none or was not measured)."""
        if row.value is None or row.shortfall:
            return None if row.goal is None and row.limit is None else False
        if row.limit is not None:
            return row.value <= row.limit
        ratio = self.ratio(row)
        if row.goal is None or ratio is None:
            return None
        return ratio >= row.goal

    def note(self, text: str) -> None:
        """A remark printed under the table (a skipped part, a configuration worth knowing)."""
        self.notes.append(text)

    def as_json(self) -> dict[str, Any]:
        """Everything, for benchmarks/results/<timestamp>.json."""
        rows = []
        for row in self.rows.values():
            rows.append({**asdict(row), "ratio": self.ratio(row), "met": self.met(row)})
        return {"facts": self.facts, "rows": rows, "notes": self.notes}


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def timed(work: Callable[[], int]) -> tuple[int, float]:
    """Run `work` (which returns how many things it did) and return that count and the seconds it took."""
    started = time.perf_counter()
    count = work()
    return count, time.perf_counter() - started


def peak_rss_mib(pid: int | None = None) -> float | None:
    """Peak resident memory (VmHWM) of a live process, or of this one, in MiB.

    Not `getrusage`: on Linux a process's ru_maxrss keeps the peak of the process it was exec'ed from,
    so every worker would report at least the orchestrator's peak.
    """
    try:
        for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def say(text: str) -> None:
    """Progress for the person waiting: one line on stderr."""
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --- worker processes ------------------------------------------------------------------------------------

def worker(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.Popen[str]:
    """Start `python -m benchmarks.worker ARGS` in the source checkout."""
    return subprocess.Popen([sys.executable, "-m", "benchmarks.worker", *args], cwd=ROOT, stdout=stdout,
                            stderr=None, text=True)


def worker_result(*args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run a worker to its end and return the JSON object it printed last."""
    process = worker(*args)
    out, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args[:2])} failed with status {process.returncode}")
    return json.loads(out.strip().splitlines()[-1])


def stop(process: subprocess.Popen[str], timeout: float = 10) -> None:
    """Ask a worker to stop (SIGTERM) and wait; kill it if it does not."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- scratch stores --------------------------------------------------------------------------------------

class Scratch:
    """Throwaway stores for one run: PostgreSQL schemas on the given server, SQLite files in a temp dir."""

    def __init__(self, postgres: str | None) -> None:
        self.postgres = postgres
        self.run = uuid4().hex[:8]
        self.schemas: list[str] = []
        self.dir = Path(tempfile.mkdtemp(prefix="mobilize-bench-"))

    def pg(self, name: str) -> str:
        """A store URL on a new, empty schema."""
        assert self.postgres, "no PostgreSQL server"
        import psycopg

        schema = f"bench_{self.run}_{name}"
        with psycopg.connect(plain(self.postgres), autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        self.schemas.append(schema)
        return with_query(self.postgres, schema=schema)

    def sqlite(self, name: str) -> str:
        """A store URL on a new SQLite file (its views go beside it)."""
        return f"sqlite:///{self.dir / name}.db"

    def close(self) -> None:
        """Drop the schemas and remove the files."""
        if self.postgres and self.schemas:
            import psycopg

            with psycopg.connect(plain(self.postgres), autocommit=True) as connection:
                for schema in self.schemas:
                    connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def scratch(postgres: str | None) -> Iterator[Scratch]:
    """Scratch stores, removed afterwards whatever happens."""
    stores = Scratch(postgres)
    try:
        yield stores
    finally:
        stores.close()


def with_query(url: str, **params: str) -> str:
    """The URL with query parameters added or replaced."""
    parsed = urlparse(url)
    query = dict(parse_qsl(parsed.query))
    query.update(params)
    return parsed._replace(query=urlencode(query)).geturl()


def plain(url: str) -> str:
    """A PostgreSQL store URL without mobilize's own query parameters: what psycopg connects to."""
    return urlparse(url)._replace(query="").geturl()


def schema_of(url: str) -> str | None:
    """The schema a PostgreSQL store URL names, if any."""
    return dict(parse_qsl(urlparse(url).query)).get("schema")


def connect(url: str) -> Any:
    """A psycopg connection on the store URL's database, with its schema on the search path."""
    import psycopg

    connection = psycopg.connect(plain(url), autocommit=True)
    schema = schema_of(url)
    if schema:
        connection.execute(f'SET search_path TO "{schema}"')
    return connection


def sqlite_path(url: str) -> str:
    """The file of a sqlite:/// store URL."""
    from mobilize.settings import store_env

    return store_env(url)["SQLITE_DBNAME"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
