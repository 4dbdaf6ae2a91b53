"""The audit trail: every event with its context, by incident and person; the chain catches tampering."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest

from mobilize.cli.main import main
from mobilize.projections.audit import AuditTrail, trail, verify
from mobilize.projections.base import Runner
from mobilize.projections.store import ViewStore
from tests.conftest import World
from tests.projections.scenario import SmallDrive


@pytest.fixture
def chained(world: World, store: str) -> tuple[World, ViewStore]:
    """A small drive played and its audit trail caught up."""
    SmallDrive(world).play(random.Random(5), 30)
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()
    return world, views


def test_the_trail_shows_every_event_in_order_with_who_whose_order_why_and_both_times(chained) -> None:
    world, views = chained
    world.do("close_incident", world.incident(), ctx=world.ctx(reason="all negative", ordered_by="committee"))
    Runner(world.app, views, AuditTrail()).catch_up()

    rows = trail(views)

    assert [r["position"] for r in rows] == list(range(1, world.log_size() + 1))
    closed = next(r for r in rows if r["event_type"] == "Incident.Closed")
    assert (closed["actor"], closed["ordered_by"], closed["reason"]) == ("operator:li", "committee", "all negative")
    assert closed["occurred_at"] < closed["recorded_at"]
    assert closed["command_id"] and closed["correlation_id"] and len(closed["chain_hash"]) == 64


def test_the_trail_of_an_incident_and_of_a_person(world: World, store: str) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    person = world.person("Wu Ming")
    shift = world.shift(site, world.app.clock().replace(year=2026, month=3, day=2, hour=6, minute=0, second=0,
                                                        microsecond=0))
    world.do("assign_to_shift", shift, person)
    order = world.do("dispatch", "person", person, incident, "carry samples")
    world.do("acknowledge_dispatch", order)
    views = ViewStore.for_store(store)
    Runner(world.app, views, AuditTrail()).catch_up()

    of_incident = {r["event_type"] for r in trail(views, incident_id=str(incident))}
    of_person = [r["event_type"] for r in trail(views, person_id=str(person))]

    assert {"Incident.Declared", "TestingSite.Planned", "Shift.Scheduled", "Shift.Assigned",
            "Dispatch.Requested", "Dispatch.Acknowledged"} <= of_incident
    assert of_person[:2] == ["Person.Registered", "Person.QualificationCertified"]
    assert {"Shift.Assigned", "Person.ShiftBooked", "Dispatch.Requested", "Dispatch.Acknowledged"} <= set(of_person)


def test_the_chain_holds_on_an_untouched_store(chained) -> None:
    world, views = chained

    verdict = verify(world.app, views)

    assert verdict.ok and verdict.checked == world.log_size()


def tamper(store: str) -> Callable[[str, tuple], None]:
    """Run raw SQL against the event table, as someone with database access could."""
    url = urlparse(store)
    if url.scheme == "sqlite":
        def run(sql: str, params: tuple) -> None:
            with sqlite3.connect(url.path[1:]) as db:
                db.execute(sql.replace("{events}", "stored_events").replace("{position}", "rowid"), params)
        return run
    import psycopg

    schema = parse_qs(url.query)["schema"][0]

    def run_pg(sql: str, params: tuple) -> None:
        with psycopg.connect(url._replace(query="").geturl(), autocommit=True) as db:
            db.execute(sql.replace("{events}", f"{schema}.mobilize_events").replace("{position}", "notification_id")
                       .replace("?", "%s"), params)
    return run_pg


CHANGES = {
    "altered": ("UPDATE {events} SET state = ? WHERE {position} = 17", (b'{"name":"forged"}',)),
    "deleted": ("DELETE FROM {events} WHERE {position} = 17", ()),
    "reordered": ("UPDATE {events} SET topic = CASE WHEN {position} = 17 THEN "
                  "(SELECT topic FROM {events} WHERE {position} = 18) ELSE "
                  "(SELECT topic FROM {events} WHERE {position} = 17) END WHERE {position} IN (17, 18)", ()),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_verify_names_the_first_broken_link_after_an_altered_deleted_or_reordered_event(chained, store: str,
                                                                                        change: str) -> None:
    if store == "memory:":
        pytest.skip("an in-memory store has no bytes anyone could change from outside")
    world, views = chained
    sql, params = CHANGES[change]

    tamper(store)(sql, params)

    verdict = verify(world.app, views)
    assert not verdict.ok
    assert verdict.broken_at == 17
    assert ("missing" if change == "deleted" else "altered") in (verdict.problem or "")


def test_audit_verify_on_the_command_line_passes_then_fails_loudly_after_one_byte_changes(
        tmp_path, capsys) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    from mobilize.application import Mobilize
    from mobilize.settings import store_env

    app = Mobilize(env=store_env(store))
    SmallDrive(World(app)).play(random.Random(1), 20)
    assert main(["--store", store, "audit", "verify"]) == 0
    assert "audit chain holds" in capsys.readouterr().out

    with sqlite3.connect(tmp_path / "events.db") as db:
        state = db.execute("SELECT state FROM stored_events WHERE rowid = 5").fetchone()[0]
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 5", (state[:-2] + b" }",))

    assert main(["--store", store, "audit", "verify"]) == 1
    assert "AUDIT CHAIN BROKEN at position 5" in capsys.readouterr().err


def test_the_trail_exports_to_csv_and_json_for_a_time_range(tmp_path, capsys) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    from mobilize.application import Mobilize
    from mobilize.settings import store_env

    app = Mobilize(env=store_env(store))
    World(app)
    assert main(["--store", store, "audit", "trail", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["event_type"] for r in rows[:2]] == ["OrgUnit.Established", "CommandRecord.Accepted"]

    assert main(["--store", store, "audit", "trail", "--format", "csv", "--until", "2000-01-01T00:00+00:00"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--store", store, "audit", "trail", "--format", "csv", "--since", "2000-01-01T00:00+00:00"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("position,event_type,aggregate_id") and len(lines) == len(rows) + 1


@pytest.mark.parametrize(("column", "value"), [("actor", "someone else"), ("reason", "a better story"),
                                               ("payload", '{"name": "forged"}'), ("occurred_at", None)])
def test_verify_finds_a_trail_row_edited_in_the_views_database(chained, store: str, column: str,
                                                               value: str | None) -> None:
    # given the trail caught up, and someone with access to the views editing one row (the chain left alone)
    world, views = chained
    with views.transaction() as tx:
        tx.execute(f"UPDATE audit_trail SET {column} = ? WHERE position = 17", (value,))
    # then verify names the row and what differs
    verdict = verify(world.app, views)
    assert not verdict.ok and verdict.broken_at == 17
    assert "trail's row" in (verdict.problem or "") and column in (verdict.problem or "")
