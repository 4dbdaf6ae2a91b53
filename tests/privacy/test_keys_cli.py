"""The master key and the console: a wrong key fails loudly, rotation keeps every event readable, erasure and
subject access from the command line, an old plain-text log migrated forward."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.domain.base import CommandContext
from mobilize.domain.person import Person
from mobilize.domain.personal import ERASED
from mobilize.privacy.keys import WrongMasterKey
from mobilize.privacy.seal import Opener
from mobilize.settings import MASTER_KEY, MASTER_KEY_FILE, Settings, new_master_key, write_master_key
from tests.conftest import World
from tests.privacy.test_household_erasure import SECRETS, household_with_records

PHONES = [f"1380000{n:04d}" for n in range(5)]


def opened(store: str, env: dict[str, str]) -> Mobilize:
    return Mobilize(env=Settings(store=store, master_key=tuple(env.items())).eventsourcing_env())


def people(app: Mobilize) -> list[object]:
    world = World(app)
    return [world.do("register_person", f"P{n}", ["volunteer"], world.grid, phone=phone, id_number=f"ID{n}9X")
            for n, phone in enumerate(PHONES)]


def test_a_wrong_or_missing_master_key_fails_loudly_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    key = new_master_key()
    app = opened(store, {MASTER_KEY: key})
    people(app)
    app.close()
    # a wrong key: refused as the application is built, never garbage shown
    with pytest.raises(WrongMasterKey, match="not the one"):
        opened(store, {MASTER_KEY: new_master_key()})
    monkeypatch.setenv(MASTER_KEY, new_master_key())
    assert main(["--store", store, "audit", "verify"]) == 2
    assert "master key is not the one" in capsys.readouterr().err
    # a key file that went missing: refused too, not replaced by a new key
    monkeypatch.delenv(MASTER_KEY)
    monkeypatch.setenv(MASTER_KEY_FILE, str(tmp_path / "gone.key"))
    assert main(["--store", store, "audit", "verify"]) == 2
    assert "is missing" in capsys.readouterr().err and not (tmp_path / "gone.key").exists()
    # a malformed key: named
    monkeypatch.setenv(MASTER_KEY, "not base64!")
    assert main(["--store", store, "audit", "verify"]) == 2
    assert "MOBILIZE_MASTER_KEY: expected 32 bytes" in capsys.readouterr().err


def test_rotating_the_master_key_keeps_every_event_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            store: str) -> None:
    if store == "memory:":
        pytest.skip("a memory store does not outlive the process")
    old, new = tmp_path / "old.key", tmp_path / "new.key"
    write_master_key(str(old))
    app = opened(store, {MASTER_KEY_FILE: str(old)})
    registered = people(app)
    app.erase_personal_data(registered[0], ctx=CommandContext(actor="cli:test", reason="asked"))
    app.close()
    # when the key is rotated from the console
    monkeypatch.setenv(MASTER_KEY_FILE, str(old))
    assert main(["privacy", "new-key", "--file", str(new)]) == 0
    assert main(["--store", store, "privacy", "rotate-master", "--new-key-file", str(new)]) == 0
    # then under the new key every person's data opens as before (the erased one stays erased) ...
    app = opened(store, {MASTER_KEY_FILE: str(new)})
    opener = Opener(app.keyring)
    shown = [opener.reveal(app.repository.get(p).phone, "phone", p) for p in registered]  # type: ignore[arg-type]
    assert shown == [ERASED, *PHONES[1:]]
    app.close()
    # ... and the old key is refused
    with pytest.raises(WrongMasterKey):
        opened(store, {MASTER_KEY_FILE: str(old)})


def test_erase_and_export_from_the_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = opened(store, {})
    registered = people(app)
    app.close()
    capsys.readouterr()
    assert main(["--store", store, "person", "export", str(registered[1])]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["held"]["phone"] == PHONES[1] and report["events"][0]["event_type"] == "Person.Registered"
    with pytest.raises(SystemExit):  # --reason is required
        main(["--store", store, "person", "erase", str(registered[1])])
    capsys.readouterr()
    assert main(["--store", store, "person", "erase", str(registered[1]), "--reason", "resident asked"]) == 0
    capsys.readouterr()
    assert main(["--store", store, "person", "export", str(registered[1])]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["erased"] and report["held"]["phone"] == ERASED
    assert all(e["payload"].get("phone", ERASED) == ERASED for e in report["events"] if e["payload"])
    erasure = report["events"][-1]
    assert (erasure["event_type"], erasure["reason"]) == ("Person.PersonalDataErased", "resident asked")
    assert main(["--store", store, "person", "erase", str(registered[1]), "--reason", "again"]) == 2
    assert "erased" in capsys.readouterr().err
    assert main(["--store", store, "audit", "verify"]) == 0


def test_erasing_a_household_from_the_console_shows_erased_in_the_trails_export(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = opened(store, {})
    home = household_with_records(World(app))
    app.close()
    with pytest.raises(SystemExit):  # --reason is required
        main(["--store", store, "privacy", "erase-household", str(home["home"])])
    capsys.readouterr()
    assert main(["--store", store, "privacy", "erase-household", str(home["home"]), "--reason", "moved away"]) == 0
    assert main(["--store", store, "privacy", "erase-household", str(home["home"]), "--reason", "again"]) == 0
    assert main(["--store", store, "privacy", "erase-household", str(home["li"]), "--reason", "a person"]) == 2
    capsys.readouterr()
    assert main(["--store", store, "audit", "trail", "--format", "json"]) == 0
    exported = capsys.readouterr().out
    assert ERASED in exported and not [secret for secret in SECRETS if secret in exported]
    rows = json.loads(exported)
    erasures = [row for row in rows if row["event_type"] == "Household.PersonalDataErased"]
    assert [(row["reason"], row["actor"].startswith("cli:")) for row in erasures] == [("moved away", True)]
    assert main(["--store", store, "audit", "verify"]) == 0


def test_migrating_a_plain_text_log_forward_from_the_console(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = opened(store, {})
    app.mapper.sealing = False  # type: ignore[attr-defined]  # as an older mobilize recorded them
    registered = people(app)
    app.close()
    assert main(["--store", store, "privacy", "migrate"]) == 0
    assert f"of {len(PHONES)} people" in capsys.readouterr().out
    assert main(["--store", store, "privacy", "migrate"]) == 0
    assert "of 0 people" in capsys.readouterr().out
    app = opened(store, {})
    assert not any(app.plain_text_recorded(p) for p in registered)  # type: ignore[arg-type]
    person = app.repository.get(registered[2])
    assert isinstance(person, Person) and Opener(app.keyring).reveal(person.phone, "phone") == PHONES[2]
    app.close()
