"""The demo plays peace → drill → war → peace through the application, the same way for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.settings import store_env

RULES_SHOWN = {"check_in_window", "check_out_after_check_in", "dispatch_transition", "incident_closed",
               "no_overlapping_shifts", "one_active_dispatch", "only_assigned_person", "person_not_available",
               "qualification_required", "already_in_war", "site_needs_commander", "wartime_shortest_rest",
               # the peace half and the switch back
               "visit_outside_grid", "hazard_verified_by_rectifier", "outside_drill_scope", "call_up_ended",
               "in_war_through_ancestor",
               # the field: a check-in that reached the server after its shift had ended
               "check_in_arrived_after_window"}


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
    # the field: people act on their own phones, pages are answered, the unanswered escalate, a roll call
    field = first[first.index("Field (each person on their own phone)"):first.index("Back to peace")]
    counts = {line[:30].strip(): line[30:].strip() for line in field.splitlines()[1:] if line.strip()}
    assert int(counts["check-ins by the person"]) == int(first.split("checked in              ")[1].split()[0])
    assert int(counts["sent offline, arriving later"]) > 10
    assert int(counts["escalated to grid leaders"].split()[0]) > 0 and "(1 answered once called)" in field
    escalated_up = int(next(line.split()[-1] for line in field.splitlines() if "to the command center" in line))
    assert escalated_up > 0 and int(counts["answered by the operator"]) == escalated_up
    roll = next(line for line in field.splitlines() if "roll call of site 1" in line)
    accounted, _, total = roll.split(": ")[1].split(" accounted")[0].partition(" of ")
    assert accounted == total and int(total) > 0
    assert "acknowledge dispatch    10" in first  # the task forces' leaders, from their phones
    app = Mobilize(env=store_env(f"sqlite:///{tmp_path / 'a.db'}"))
    try:
        events = [app.mapper.to_domain_event(note) for note in app.recorder.select_notifications(1, 10**6)]
    finally:
        app.close()
    check_ins = [e for e in events if type(e).__qualname__ == "Shift.CheckedIn"]
    assert check_ins and all("(responder, token " in e.actor for e in check_ins)  # the person, never the desk
    escalations = [e for e in events if type(e).__qualname__ == "Inbox.Escalated"]
    assert {e.level for e in escalations} == {1, 2} and {e.actor for e in escalations} == {"mobilize pager (system)"}
    answers = [e for e in events if type(e).__qualname__ == "RollCall.Answered"]
    assert answers and all("(responder, token " in e.actor for e in answers)

