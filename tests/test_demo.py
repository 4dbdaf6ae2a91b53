"""The demo plays peace → drill → war → peace through the application, the same way for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobilize.cli.main import main

RULES_SHOWN = {"check_in_window", "check_out_after_check_in", "dispatch_transition", "incident_closed",
               "no_overlapping_shifts", "one_active_dispatch", "only_assigned_person", "person_not_available",
               "qualification_required", "already_in_war", "site_needs_commander", "wartime_shortest_rest",
               # the peace half and the switch back
               "visit_outside_grid", "hazard_verified_by_rectifier", "outside_drill_scope", "call_up_ended",
               "in_war_through_ancestor"}


def play(store: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--store", store, "demo", "--seed", "1"]) == 0
    return capsys.readouterr().out


@pytest.mark.slow
def test_the_demo_plays_a_junhe_scale_peace_week_drill_and_drive_deterministically(tmp_path: Path, capsys) -> None:
    first = play(f"sqlite:///{tmp_path / 'a.db'}", capsys)
    second = play(f"sqlite:///{tmp_path / 'b.db'}", capsys)

    assert first.replace("a.db", "X") == second.replace("b.db", "X")
    assert "people registered       1000" in first
    assert "grids                   50" in first
    assert "testing sites           40" in first
    for rule in RULES_SHOWN:
        assert f"  {rule} " in first, f"the demo should show a refusal under {rule}"
    written = int(next(line.split()[-1] for line in first.splitlines() if line.startswith("events written")))
    assert written > 10_000
    # the peace half, read from the read models: the action day against plan, what left the grid and why,
    # the hazard sweep (Deqing: nine found, all rectified), the drill's league; then war, and back to peace
    assert "households planned      150 in 50 grids" in first
    assert "left the grid           1\n    " in first and "beyond the grid" in first
    assert "hazards (self-built)    9 found, 9 rectified, 9 verified by someone else" in first
    league = [line for line in first.splitlines() if line.startswith("  #")]
    assert len(league) == 5 and league[0].startswith("  #1 Shimaqiao Grid")
    assert first.index("Peace week") < first.index("Drill:") < first.index("War: the mass testing drive")
    assert "street mode after the stand-down and close   peace" in first
