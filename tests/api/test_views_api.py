"""Reads over HTTP: views with filters and pages, as of a moment, and the audit chain."""

from __future__ import annotations

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0


def test_a_check_in_shows_on_the_roster_read_right_after_it(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident())
    person = world.person("Chen Jing")
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, person)
    before = world.log_size()

    desk.operator.post(f"/shifts/{shift}/check-in", {"person_id": person, "occurred_at": T0})
    live = desk.viewer.get("/roster", now=(T0 + HOUR).isoformat()).json()
    earlier = desk.viewer.get("/roster", now=(T0 + HOUR).isoformat(), as_of=before).json()

    assert [(r["person"], r["status"]) for r in live["items"]] == [("Chen Jing", "on duty")]
    assert [(r["person"], r["status"]) for r in earlier["items"]] == [("Chen Jing", "expected")]
    assert earlier["as_of_position"] == before


def test_views_page_and_filter(desk: Desk) -> None:
    world = desk.world
    site = world.open_site(world.incident(), lanes=3)
    for lane in (1, 2, 3):
        world.shift(site, T0, lane=lane)

    first = desk.viewer.get("/gaps", now=(T0 + HOUR).isoformat(), limit=2).json()
    second = desk.viewer.get("/gaps", now=(T0 + HOUR).isoformat(), limit=2, offset=2).json()
    elsewhere = desk.viewer.get("/gaps", now=(T0 + HOUR).isoformat(), incident=world.incident()).json()

    assert (first["total"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert [r["lane"] for r in first["items"] + second["items"]] == [1, 2, 3]
    assert elsewhere["total"] == 0


def test_readiness_duty_hours_and_the_audit_chain_over_http(desk: Desk) -> None:
    incident = desk.world.incident()
    desk.world.war(incident)

    board = desk.viewer.get("/readiness").json()["items"]
    verdict = desk.auditor.get("/audit/verify").json()

    assert {row["mode"] for row in board} == {"war"}
    assert verdict["ok"] is True and verdict["checked"] == desk.world.log_size()
    assert desk.viewer.get("/duty-hours").status_code == 200
    assert desk.viewer.get("/roster", now="2026-03-02T10:00:00").status_code == 422
    assert desk.viewer.get("/roster", as_of="yesterday").status_code == 422
