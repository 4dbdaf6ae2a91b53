"""After the demo, not one of its phones or ID numbers lies readable in the store's files or tables."""

from __future__ import annotations

import os
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
        assert [secret for secret in secrets if secret.encode() in raw] == []
