"""After the demo, not one of its phones or ID numbers lies readable in the store's files or tables."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from mobilize.application import open_app
from mobilize.cli.main import main
from mobilize.domain.person import Person
from mobilize.privacy.retention import people
from mobilize.privacy.seal import Opener
from mobilize.settings import Settings
from tests.privacy.test_personal_data import stored_bytes


def stores(tmp_path: Path) -> list[str]:
    found = [f"sqlite:///{tmp_path / 'demo.db'}"]
    if os.environ.get("MOBILIZE_TEST_POSTGRES"):
        from tests.postgres import fresh_database

        found.append(fresh_database())
    return found


@pytest.mark.slow
def test_the_demo_leaves_no_phone_or_id_number_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for store in stores(tmp_path):
        # given the demo played, its views built
        assert main(["--store", store, "demo", "--seed", "1"]) == 0
        for name in ("audit_trail", "roster", "staffing_gaps", "readiness", "duty_hours"):
            assert main(["--store", store, "projections", "rebuild", name]) == 0
        capsys.readouterr()
        # when every phone and ID number it registered is read back by an entitled reader
        app = open_app(Settings(store=store))
        opener = Opener(app.keyring)
        secrets = set()
        for person_id in people(app):
            person = app.load(Person, person_id, "person")
            secrets |= {opener.reveal(getattr(person, name), name, person_id) for name in ("phone", "id_number")}
        app.close()
        secrets.discard(None)
        assert len(secrets) >= 1_900  # a phone and an ID number each for the street's ~1,000 people
        # then none of them is found in the bytes the store and its views hold
        raw = stored_bytes(store)
        assert found_in(raw, secrets) == []


def found_in(raw: bytes, secrets: set[str]) -> list[str]:
    """The secrets that occur anywhere in `raw`. Phones and ID numbers are digits (an ID may end in X): any
    occurrence lies in a maximal run of such characters, as one of its windows of the secret's length, so
    collecting those windows in one pass finds exactly what 2,000 substring searches of ~45 MB would (in
    half a second, not half a minute)."""
    plain = [secret for secret in secrets if not re.fullmatch(r"[0-9X]+", secret)]
    lengths = {len(secret) for secret in secrets if secret not in plain}
    windows = set()
    for run in re.finditer(rb"[0-9X]{%d,}" % min(lengths, default=1), raw):
        text = run.group()
        for length in lengths:
            windows.update(text[i:i + length] for i in range(len(text) - length + 1))
    return sorted(secret for secret in secrets if (secret.encode() in windows if secret not in plain
                                                   else secret.encode() in raw))


def test_the_search_finds_a_secret_anywhere_a_substring_search_would() -> None:
    raw = b"sealed:ab12\x00138001380001234" + b"x" * 10 + b"11010519491231002X;" + b"13900001111"
    secrets = {"13800138000", "11010519491231002X", "13900001111", "13700000000", "Tax Bureau"}
    assert found_in(raw, secrets) == [s for s in sorted(secrets) if s.encode() in raw]
    assert found_in(raw, secrets) == ["11010519491231002X", "13800138000", "13900001111"]
