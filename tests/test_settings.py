"""Settings: the store URL decides the backend, and logs are JSON when nobody watches a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import structlog

from mobilize.logs import configure_logging
from mobilize.settings import DEFAULT_STORE, BadSetting, Settings, store_env


def test_the_embedded_default_is_a_sqlite_file_in_the_working_directory() -> None:
    settings = Settings.from_env({})

    assert settings.store == DEFAULT_STORE
    assert store_env(settings.store)["SQLITE_DBNAME"] == "mobilize.db"


def test_store_urls_translate_to_the_libraries_variables(tmp_path: Path) -> None:
    assert store_env("memory:") == {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    assert store_env(f"sqlite:///{tmp_path}/x/e.db")["SQLITE_DBNAME"] == f"{tmp_path}/x/e.db"
    pg = store_env("postgresql://mob:s%40cret@127.0.0.1:55432/drive")
    assert (pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_PORT"], pg["POSTGRES_DBNAME"]) == (
        "mob", "s@cret", "55432", "drive")
    with pytest.raises(BadSetting, match="expected memory:"):
        store_env("mysql://nope")


def test_logs_are_json_lines_with_command_ids_when_stderr_is_not_a_terminal(monkeypatch) -> None:  # noqa: ANN001
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging(Settings(log_format="auto", log_level="info"))

    with structlog.contextvars.bound_contextvars(command_id="c-9", correlation_id="k-1"):
        structlog.get_logger("t").info("command.accepted", result="x")

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert (line["event"], line["command_id"], line["correlation_id"], line["level"]) == (
        "command.accepted", "c-9", "k-1", "info")
