"""`mobilize token create --role responder --person ID`: a person's own field credential from the command line."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.domain.access import AccessToken
from mobilize.settings import store_env
from tests.conftest import World


def test_a_responder_token_is_issued_for_one_person_and_printed_once(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    person = World(app).person("Chen Jing")

    assert main(["--store", store, "token", "create", "--role", "responder"]) == 2
    assert "needs --person" in capsys.readouterr().err
    assert main(["--store", store, "token", "create", "--role", "responder", "--person", str(person)]) == 0
    printed = capsys.readouterr()

    token = printed.out.strip()
    assert token.startswith("mbz.") and f"/field?token={token}" in printed.err
    reader = Mobilize(env=store_env(store))
    stored = reader.load(AccessToken, UUID(hex=token.split(".")[1]), "token")
    assert (stored.role, stored.person_id, stored.holder) == ("responder", person, "Chen Jing")
    reader.close()
    app.close()
