"""Settings: the store URL decides the backend, and logs are JSON when nobody watches a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import structlog
from eventsourcing.popo import POPOApplicationRecorder

from mobilize.application import Mobilize
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


def test_logs_are_json_lines_with_command_ids_when_stderr_is_not_a_terminal(monkeypatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging(Settings(log_format="auto", log_level="info"))

    with structlog.contextvars.bound_contextvars(command_id="c-9", correlation_id="k-1"):
        structlog.get_logger("t").info("command.accepted", result="x")

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert (line["event"], line["command_id"], line["correlation_id"], line["level"]) == (
        "command.accepted", "c-9", "k-1", "info")


def test_the_application_is_configured_by_its_settings_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # given variables in the process environment that eventsourcing would otherwise read by itself
    monkeypatch.setenv("AGGREGATE_CACHE_MAXSIZE", "0")
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.sqlite")
    # when an application is opened with settings that say otherwise
    app = Mobilize(env=Settings(store="memory:").eventsourcing_env())
    # then only what the settings handed it counts
    assert app.repository.cache is not None
    assert isinstance(app.recorder, POPOApplicationRecorder)  # the in-memory store (with read sets checked)


def test_eventsourcing_variables_pass_through_settings_and_the_store_url_wins() -> None:
    env = {"POSTGRES_POOL_SIZE": "3", "MOBILIZE_POSTGRES_LOCK_TIMEOUT": "5", "POSTGRES_HOST": "elsewhere",
           "MOBILIZE_TEST_POSTGRES": "not a library variable", "HOME": "/root"}
    settings = Settings.from_env(env).with_store("postgresql://u:p@db:5433/m")
    given = settings.eventsourcing_env()
    assert given["POSTGRES_POOL_SIZE"] == "3" and given["MOBILIZE_POSTGRES_LOCK_TIMEOUT"] == "5"
    assert given["POSTGRES_HOST"] == "db"
    assert "HOME" not in given and "MOBILIZE_TEST_POSTGRES" not in given
    assert Settings.from_env(settings.as_env()) == settings  # what API workers are started with


@pytest.mark.parametrize(("text", "size"), [(None, 10_000), ("", None), ("0", None), ("250", 250)])
def test_the_cache_size_is_a_setting(text: str | None, size: int | None) -> None:
    env = {} if text is None else {"MOBILIZE_AGGREGATE_CACHE_MAXSIZE": text}
    assert Settings.from_env(env).cache_size == size


def test_a_cache_size_that_is_not_a_number_is_refused_by_name() -> None:
    with pytest.raises(BadSetting, match="MOBILIZE_AGGREGATE_CACHE_MAXSIZE 'many'"):
        Settings.from_env({"MOBILIZE_AGGREGATE_CACHE_MAXSIZE": "many"})


@pytest.mark.parametrize(("env", "size"), [({"AGGREGATE_CACHE_MAXSIZE": "50"}, 50),
                                           ({"MOBILIZE_AGGREGATE_CACHE_MAXSIZE": "-1"}, None),
                                           ({"MOBILIZE_AGGREGATE_CACHE_MAXSIZE": "+5"}, 5)])
def test_the_cache_size_as_eventsourcing_spelled_it_still_counts(env: dict[str, str], size: int | None) -> None:
    assert Settings.from_env(env).cache_size == size


def test_settings_never_print_the_library_variables() -> None:
    settings = Settings.from_env({"POSTGRES_PASSWORD": "s3cret", "CIPHER_KEY": "k3y"})
    assert "s3cret" not in repr(settings) and "k3y" not in repr(settings)
    assert dict(settings.library)["POSTGRES_PASSWORD"] == "s3cret"


def test_a_cache_size_in_other_digits_is_refused_by_name() -> None:
    with pytest.raises(BadSetting, match="MOBILIZE_AGGREGATE_CACHE_MAXSIZE"):
        Settings.from_env({"MOBILIZE_AGGREGATE_CACHE_MAXSIZE": "²"})
