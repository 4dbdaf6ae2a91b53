"""`mobilize token create --role responder --person ID`: a person's own field credential from the command line."""

from __future__ import annotations

import json
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


def test_a_persons_tokens_are_listed_with_who_revoked_them_and_why(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    person = World(app).person("Chen Jing")
    assert main(["--store", store, "token", "create", "--role", "responder", "--person", str(person)]) == 0
    token = capsys.readouterr().out.strip()
    token_id = str(UUID(hex=token.split(".")[1]))

    assert main(["--store", store, "token", "revoke", token_id, "--reason", "lost phone"]) == 0
    capsys.readouterr()
    assert main(["--store", store, "token", "list", "--person", str(person), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert main(["--store", store, "token", "list", "--person", str(person)]) == 0
    shown = capsys.readouterr().out
    assert main(["--store", store, "token", "list", "--person", str(person)[:8]]) == 2

    [row] = listed
    assert (row["token_id"], row["revoked"], row["reason"]) == (token_id, True, "lost phone")
    assert row["issued_by"].startswith("cli:") and row["revoked_by"].startswith("cli:")
    assert token_id in shown and "lost phone" in shown and token.split(".")[2] not in shown + json.dumps(listed)
    app.close()
