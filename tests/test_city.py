"""The city-scale generator: the same seed plays the same drive, and what it writes is a valid log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.demo.city import LANZHOU, Generated, generate
from mobilize.settings import store_env
from tests.conftest import backends, store_for

SMALL = {"scale": "city", "grids": 12, "days": 1}
"""Twelve third-level grids for a day: every kind of command of the city drive, in a few seconds."""


@pytest.fixture(params=backends())
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A maker of applications, each on a fresh store of the backend under test."""
    apps: list[Mobilize] = []

    def make() -> Mobilize:
        folder = tmp_path / str(len(apps))
        folder.mkdir()
        apps.append(Mobilize(env=store_env(store_for(request.param, folder))))
        return apps[-1]

    yield make
    for app in apps:
        app.close()


def notes(app: Mobilize) -> list[Any]:
    """Every stored event of the log, in order."""
    found, start = [], 1
    while batch := app.recorder.select_notifications(start, 1000):
        found += batch
        start = batch[-1].id + 1
    return found


def test_the_same_seed_plays_the_same_drive(fresh: Any) -> None:
    # given two fresh stores
    first_app, second_app = fresh(), fresh()

    # when the same small city drive is played on each with the same seed
    first = generate(first_app, seed=7, **SMALL)
    second = generate(second_app, seed=7, **SMALL)

    # then the summaries, the counts and the sequence of event types are the same
    assert first.complete and second.complete
    assert first.summary == second.summary
    assert first.events == second.events == len(notes(first_app))
    assert first.tally.accepted == second.tally.accepted and first.tally.refused == second.tally.refused
    assert [n.topic for n in notes(first_app)] == [n.topic for n in notes(second_app)]


def test_another_seed_plays_another_drive(fresh: Any) -> None:
    assert generate(fresh(), seed=7, **SMALL).summary != generate(fresh(), seed=8, **SMALL).summary


def test_every_event_says_who_and_which_command_and_the_log_has_no_gaps(fresh: Any) -> None:
    # given a small city drive
    app = fresh()
    played = generate(app, seed=3, **SMALL)

    # then the log positions run 1, 2, 3, … and each aggregate's versions 1, 2, 3, …
    stored = notes(app)
    assert [n.id for n in stored] == list(range(1, played.events + 1))
    versions: dict[Any, int] = {}
    for note in stored:
        assert note.originator_version == versions.get(note.originator_id, 0) + 1, note.topic
        versions[note.originator_id] = note.originator_version

    # and every event carries its actor, order, command id, correlation id and field time
    commands: set[str] = set()
    for note in stored:
        event = app.mapper.to_domain_event(note)
        assert event.actor and event.ordered_by and event.command_id and event.correlation_id, note.topic
        assert event.occurred_at.tzinfo is not None
        commands.add(event.command_id)
    # and the people registered in bulk got a command record each, as `register_person` would write
    records = [n for n in stored if n.topic.endswith("CommandRecord.Accepted")]
    assert len(records) == len(commands)


def test_every_kind_of_command_of_a_drive_is_played(fresh: Any) -> None:
    played: Generated = generate(fresh(), seed=1, **SMALL)
    for name in ("establish_unit", "register_person", "appoint_grid_leader", "form_task_force", "enlist",
                 "declare_incident", "switch_to_war", "plan_testing_site", "open_site", "schedule_shift",
                 "assign_to_shift", "check_in", "check_out", "hand_over", "record_no_show", "report_tally",
                 "dispatch", "acknowledge_dispatch", "set_out", "arrive_on_scene", "release_dispatch",
                 "pause_site", "reopen_site", "close_site", "stand_down", "close_incident"):
        assert played.tally.accepted[name] > 0, name
    assert played.tally.refused  # operators' mistakes are refused and counted, never written


def test_it_stops_at_the_target_size(fresh: Any) -> None:
    app = fresh()
    played = generate(app, seed=1, target=3_000, **SMALL)
    assert not played.complete
    assert 3_000 <= played.events == len(notes(app)) < 3_000 + 2_500  # checked every 64 commands or bulk save
    assert "stopped at the target" in played.summary


def test_the_street_scale_is_the_demo(fresh: Any) -> None:
    played = generate(fresh(), scale="street", seed=1, target=2_000)
    assert not played.complete and played.events >= 2_000


def test_a_scaled_city_keeps_its_proportions() -> None:
    small = LANZHOU.scaled(177)
    assert small.grids == (5, 43, 177) and small.streets == 1 and small.communities == 5
    assert [n for _, _, n in small.people] == [round(n * (177 / 1770)) for _, _, n in LANZHOU.people]


def test_a_bulk_registration_retried_through_the_application_is_the_same_command(
        fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import mobilize.demo.city as city
    from mobilize.application.idempotency import accepted
    from mobilize.domain.base import CommandContext
    from mobilize.privacy.seal import Opener

    # given a city registered in bulk (command records written beside the events, personal arguments blinded)
    bulk: list[tuple[str, UUID, dict[str, Any]]] = []

    def noted(command_id: str, name: str, result: UUID, arguments: dict[str, Any] | None = None) -> Any:
        if name == "register_person" and arguments and arguments["home_unit"]:
            bulk.append((command_id, result, arguments))
        return accepted(command_id, name, result, arguments)

    monkeypatch.setattr(city, "accepted", noted)
    app = fresh()
    generate(app, seed=1, **SMALL)
    command_id, person_id, arguments = bulk[0]
    event = next(iter(app.events.get(person_id)))
    opener, given = Opener(app.keyring), arguments["context"]
    # when the same command is given again through the application, with the same id and arguments
    again = app.register_person(
        arguments["name"], arguments["roles"], arguments["home_grid_id"],
        home_unit=opener.reveal(event.home_unit, "home_unit"), phone=opener.reveal(event.phone, "phone"),
        qualifications=arguments["qualifications"],
        ctx=CommandContext(actor=event.actor, ordered_by=given["ordered_by"], reason=given["reason"],
                           command_id=command_id, occurred_at=given["occurred_at"]))
    # then it is recognised as the first run: same result, nothing refused
    assert again == person_id
