"""The two meanings of a moment over HTTP: as_of (as known at) and as_happened (as happened by)."""

from __future__ import annotations

from tests.api.conftest import Desk
from tests.conftest import T0
from tests.projections.test_moments import MINUTE, T, late_check_ins, statuses


def test_the_api_reads_both_meanings_and_defaults_the_reading_moment_as_the_cli_does(desk: Desk) -> None:
    log = late_check_ins(desk.world)
    at = T.isoformat()

    known = desk.auditor.get("/roster", as_of=log.known, now=at).json()
    happened = desk.auditor.get("/roster", as_happened=at).json()
    position_only = desk.auditor.get("/roster", as_of=log.known).json()

    assert known["reading"]["meaning"] == "as_known" and happened["reading"]["meaning"] == "as_happened"
    assert statuses(happened["items"]) - statuses(known["items"]) == {(name, "on duty") for name in log.late}
    # the check-in at position `known` happened at T0+2 min: the CLI reads the view then, and so does the API
    assert position_only["reading"]["read_at"] == (T0 + 2 * MINUTE).isoformat()
    assert desk.auditor.get("/roster", as_happened="2026-03-02T10:00").status_code == 422


