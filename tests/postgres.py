"""Fresh PostgreSQL stores for tests: one schema each on the server MOBILIZE_TEST_POSTGRES names."""

from __future__ import annotations

import os
from uuid import uuid4

import psycopg


def fresh_database() -> str:
    """A store URL on a new, empty schema of the test server."""
    url = os.environ["MOBILIZE_TEST_POSTGRES"]
    schema = f"test_{uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    return f"{url}?schema={schema}"
