"""Retention sweeps: exactly the people whose rule has run out as of a moment, each erasure an event."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mobilize.cli.main import main
from mobilize.domain.base import InvalidCommand
from mobilize.domain.person import Person
from mobilize.privacy.retention import Retention, due, sweep
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World

DAY = timedelta(days=1)


def registered(world: World, name: str, basis: str | None, incident: object = None) -> object:
    return world.do("register_person", name, ["volunteer"], world.grid, phone="13800000000", legal_basis=basis,
                    basis_incident_id=incident)


def test_a_sweep_erases_exactly_what_its_rules_name_as_of_a_moment(world: World) -> None:
    # given people taken on for a closed incident and for an open one, with consent, on duty, and unrecorded
    closed, open_ = world.incident(), world.incident()
    e1, e2 = registered(world, "E1", "emergency", closed), registered(world, "E2", "emergency", closed)
    e3 = registered(world, "E3", "emergency", open_)
    c1, d1, n1 = registered(world, "C1", "consent"), registered(world, "D1", "duty"), registered(world, "N1", None)
    world.do("close_incident", closed, at=T0 + 48 * HOUR)
    rules = Retention(emergency_days=30, consent_days=365)
    # when swept before the emergency rule runs out: nothing
    assert due(world.app, T0 + 48 * HOUR + 30 * DAY - timedelta(seconds=1), rules) == []
    # then, once it has, exactly the closed incident's people
    erased = sweep(world.app, T0 + 48 * HOUR + 30 * DAY, rules, "privacy-sweep")
    assert {d.person_id for d in erased} == {e1, e2}
    assert all(world.app.load(Person, p, "person").erased for p in (e1, e2))  # type: ignore[arg-type]
    assert not any(world.app.load(Person, p, "person").erased for p in (e3, c1, d1, n1))  # type: ignore[arg-type]
    erasure = [e for e in world.app.events.get(e1) if type(e).__qualname__ == "Person.PersonalDataErased"]  # type: ignore[arg-type]
    assert erasure[0].actor == "privacy-sweep" and "emergency basis" in erasure[0].reason  # type: ignore[attr-defined]
    # and a year after consent was given, the consenting person too, no one else
    assert {d.person_id for d in sweep(world.app, T0 + 366 * DAY, rules, "privacy-sweep")} == {c1}
    assert due(world.app, T0 + 3650 * DAY, rules) == []  # the open incident's and staff's data stay
    # and what is held about a person names the basis, when and by whom it was recorded
    from mobilize.privacy.subject import subject_access

    report = subject_access(world.app, e3)  # type: ignore[arg-type]
    assert (report["held"]["legal_basis"], report["held"]["basis_incident_id"]) == ("emergency", str(open_))
    basis = next(r for r in report["personal_data_recorded"] if r["event_type"] == "Person.LegalBasisRecorded")
    assert basis["legal_basis"] == "emergency" and basis["actor"] == "operator:li"
    assert subject_access(world.app, n1)["held"]["legal_basis"] == "duty (none recorded)"  # type: ignore[arg-type]


def test_an_emergency_basis_names_its_incident(world: World) -> None:
    with pytest.raises(InvalidCommand, match="names the incident"):
        registered(world, "X", "emergency")
    with pytest.raises(InvalidCommand, match="legal_basis must be one of"):
        registered(world, "X", "curiosity")


def test_the_sweep_from_the_console(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mobilize.application import Mobilize

    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    world = World(app)
    incident = world.incident()
    person = registered(world, "E1", "emergency", incident)
    world.do("close_incident", incident, at=T0)
    app.close()
    assert main(["--store", store, "privacy", "sweep", "--now", (T0 + 29 * DAY).isoformat()]) == 0
    assert "erased the personal data of 0 people" in capsys.readouterr().out
    assert main(["--store", store, "privacy", "sweep", "--dry-run", "--now", (T0 + 31 * DAY).isoformat()]) == 0
    assert f"{person}  E1" in capsys.readouterr().out
    assert main(["--store", store, "privacy", "sweep", "--now", (T0 + 31 * DAY).isoformat()]) == 0
    assert "erased the personal data of 1 people" in capsys.readouterr().out
    assert main(["--store", store, "privacy", "sweep", "--now", "tomorrow"]) == 2


def test_projections_run_sweeps_on_its_own(world: World) -> None:
    import threading
    import time

    from mobilize.privacy.retention import keep_sweeping

    # given an emergency registration whose incident closed more than the rule's days ago (by the clock)
    incident = world.incident()
    person = registered(world, "E1", "emergency", incident)
    world.do("close_incident", incident, at=T0)
    # when the sweeper runs beside the projections
    stop = threading.Event()
    sweeper = threading.Thread(target=keep_sweeping, args=(world.app, Retention(emergency_days=1), stop, 0.05))
    sweeper.start()
    deadline = time.monotonic() + 10
    while not world.app.load(Person, person, "person").erased and time.monotonic() < deadline:  # type: ignore[arg-type]
        time.sleep(0.05)
    stop.set()
    sweeper.join()
    # then the person was erased once, by the sweep, though it ran many times
    erasures = [e for e in world.app.events.get(person) if type(e).__qualname__ == "Person.PersonalDataErased"]  # type: ignore[arg-type]
    assert len(erasures) == 1 and erasures[0].actor == "projections run (retention sweep)"  # type: ignore[attr-defined]


def test_the_sweep_finishes_erasures_a_crash_left_with_their_keys_in_place(world: World,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from mobilize.domain.personal import ERASED
    from mobilize.domain.resident_request import ResidentRequest
    from mobilize.privacy.retention import finish_erasures, unfinished_erasures
    from tests.privacy.test_household_erasure import household_with_records, opened

    # given a person's and a household's erasures, each recorded, then cut off by a crash before the keys went
    person = registered(world, "Wang Fang", "duty")
    home = household_with_records(world)
    still_open = world.do("register_request", home["visit"], "health", "needs a doctor", T0 + 300 * DAY)

    def crash(*subjects: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(world.app.keyring, "destroy", crash)
    with pytest.raises(RuntimeError):
        world.do("erase_personal_data", person, ctx=world.ctx(reason="she asked"))
    with pytest.raises(RuntimeError):
        world.do("erase_household_data", home["home"], ctx=world.ctx(reason="they moved"))
    monkeypatch.undo()
    assert world.app.keyring.key(person) is not None and opened(world, home["visit"])[0]["observations"] != ERASED
    assert unfinished_erasures(world.app) == [("person", person), ("household", home["home"])]

    # when nobody retries and the sweep comes
    assert finish_erasures(world.app, "projections run (retention sweep)") == [("person", person),
                                                                                ("household", home["home"])]

    # then the keys are gone, the household's open request is closed, and nothing is left to finish
    assert world.app.keyring.key(person) is None and world.app.keyring.key(home["home"]) is None
    assert opened(world, home["visit"])[0]["observations"] == ERASED
    assert world.app.load(ResidentRequest, still_open, "request").withdrawn_reason is not None
    assert unfinished_erasures(world.app) == []
    assert finish_erasures(world.app, "sweep") == []
