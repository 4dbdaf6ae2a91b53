"""Drills apart over HTTP: every row of an incident the views serve says whether it is a drill, live and as of a
moment, and a grid operator's totals keep a drill's figures off a real incident's."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Desk
from tests.conftest import HOUR, T0
from tests.projections.test_drills_apart import TwoDrives

NOW = (T0 + 12 * HOUR).isoformat()


def flags(rows: list[dict[str, Any]], drives: TwoDrives) -> set[tuple[bool, bool]]:
    """(is the drill's row, says it is a drill) for every row."""
    return {(str(row.get("incident_id", row.get("incident"))) == str(drives.drill), row["exercise"]) for row in rows}


def test_every_incident_row_over_http_carries_the_drill_flag(desk: Desk) -> None:
    drives = TwoDrives(desk.world)
    before = desk.world.log_size()

    for path in ("/gaps", "/gaps/incidents", "/roster", "/dispatches", "/duty-hours", "/overrides"):
        for client in (desk.viewer, desk.auditor, desk.operator):
            live = client.get(path, now=NOW).json()["items"]
            assert flags(live, drives) == {(False, False), (True, True)}, (path, live)
        then = desk.viewer.get(path, now=NOW, as_of=before).json()["items"]
        assert flags(then, drives) == {(False, False), (True, True)}, (path, "as of", then)
    drill_times = desk.viewer.get("/drill-times").json()["items"]
    assert flags(drill_times, drives) == {(True, True)}


def test_an_incident_filter_keeps_the_flag_of_that_incident(desk: Desk) -> None:
    drives = TwoDrives(desk.world)

    drill = desk.viewer.get("/gaps", now=NOW, incident=drives.drill).json()["items"]
    real = desk.viewer.get("/dispatches", incident=drives.real).json()["items"]

    assert drill and {row["exercise"] for row in drill} == {True}
    assert real and {row["exercise"] for row in real} == {False}


def test_a_grid_operators_totals_are_real_and_drill_apart(desk: Desk) -> None:
    drives = TwoDrives(desk.world)

    totals = desk.grid_operator.get("/gaps/incidents", now=NOW).json()["items"]

    assert sorted((row["exercise"], row["required"], row["need"]) for row in totals) == [(False, 2, 1), (True, 2, 1)]
    assert {row["incident_id"] for row in totals} == {str(drives.real), str(drives.drill)}
