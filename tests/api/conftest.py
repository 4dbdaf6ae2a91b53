"""Fixtures for API scenarios: a client on each backend, and tokens of every role."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from mobilize.api.app import create_app
from mobilize.api.deps import TOKEN_PREFIX, secret_hash
from mobilize.application import Mobilize
from mobilize.domain.base import CommandContext
from mobilize.settings import Settings
from tests.conftest import T0, World


def issue(app: Mobilize, role: str, holder: str, scope: UUID | None = None) -> str:
    """A bearer token of `role`, as `mobilize token create` would print it."""
    secret = secrets.token_urlsafe(24)
    token_id = app.issue_token(holder, role, scope, secret_hash(secret),
                               ctx=CommandContext(actor="cli:admin"))
    return f"{TOKEN_PREFIX}.{token_id.hex}.{secret}"


class Api:
    """An HTTP client holding a token, speaking JSON."""

    def __init__(self, client: TestClient, token: str | None) -> None:
        self.client = client
        self.token = token

    def headers(self, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def post(self, path: str, body: dict[str, Any] | None = None, key: str | None = None) -> Any:
        return self.client.post(f"/api{path}", json=_jsonable(body or {}), headers=self.headers(key))

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params={k: str(v) for k, v in params.items() if v is not None},
                               headers=self.headers())


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class Desk:
    """The API seen by each role, over one world."""

    def __init__(self, world: World, client: TestClient) -> None:
        self.world = world
        self.client = client
        app = world.app
        self.operator = Api(client, issue(app, "operator", "Li Wei"))
        self.grid_operator = Api(client, issue(app, "operator", "Zhang Min", world.grid))
        self.auditor = Api(client, issue(app, "auditor", "Audit Office"))
        self.viewer = Api(client, issue(app, "viewer", "Wall screen 1"))
        self.anonymous = Api(client, None)


@pytest.fixture
def desk(world: World, store: str, tmp_path: Path) -> Iterator[Desk]:
    """A world, an API over it, and clients of every role (the anchor key and file in the test's directory)."""
    settings = Settings(store=store, anchor_key=str(tmp_path / "anchor.key"), anchors=str(tmp_path / "anchors.jsonl"))
    api = create_app(settings, application=world.app)

    with TestClient(api, raise_server_exceptions=False) as client:
        yield Desk(world, client)


SHIFT_START = T0
