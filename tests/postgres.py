"""Fresh PostgreSQL stores for tests: one schema each on the server MOBILIZE_TEST_POSTGRES names."""

from __future__ import annotations

import os
from uuid import uuid4

import psycopg

CREATED: list[str] = []


def fresh_database() -> str:
    """A store URL on a new, empty schema of the test server."""
    url = os.environ["MOBILIZE_TEST_POSTGRES"]
    schema = f"test_{uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    CREATED.append(schema)
    return f"{url}?schema={schema}"


def drop_created() -> None:
    """Drop every schema this test session made."""
    if not CREATED:
        return
    with psycopg.connect(os.environ["MOBILIZE_TEST_POSTGRES"], autocommit=True) as connection:
        for schema in CREATED:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    CREATED.clear()
