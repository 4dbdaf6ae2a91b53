"""The OpenAPI tells a client everything it needs: the error body, the bearer scheme, the Idempotency-Key, examples."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from mobilize.api.app import create_app
from mobilize.api.errors import Refusal
from mobilize.api.routes import ROUTERS
from mobilize.settings import Settings
from tests.api.conftest import issue

REFUSAL = "#/components/schemas/Refusal"
PROBES = {("/readyz", "get", "503")}
"""Error answers whose body is not a refusal: a readiness probe's own body (status, reason, message)."""


@pytest.fixture(scope="module")
def api() -> FastAPI:
    return create_app(Settings(store="memory:"))


@pytest.fixture(scope="module")
def spec(api: FastAPI) -> dict[str, Any]:
    with TestClient(api) as client:
        return dict(client.get("/openapi.json").json())


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in spec["paths"].items() for method, operation in item.items()]


def test_every_error_status_of_every_route_has_the_error_body(spec: dict[str, Any]) -> None:
    missing = [f"{method.upper()} {path} {status}"
               for path, method, operation in operations(spec)
               for status, response in operation["responses"].items()
               if (status.startswith(("4", "5")) or status == "default") and (path, method, status) not in PROBES
               and response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref") != REFUSAL]
    assert missing == []
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # FastAPI's own 422 body is never served
    schema = spec["components"]["schemas"]["Refusal"]
    assert set(schema["required"]) == {"error", "message", "facts", "retryable"}


def test_what_a_route_can_refuse_is_declared(spec: dict[str, Any]) -> None:
    undeclared = []
    for path, method, operation in operations(spec):
        statuses = set(operation["responses"])
        if operation.get("security") and "401" not in statuses:
            undeclared.append(f"{method.upper()} {path}: 401")
        if (operation.get("parameters") or operation.get("requestBody")) and "422" not in statuses:
            undeclared.append(f"{method.upper()} {path}: 422")
        if method == "post" and not {"403", "404", "409", "503"} <= statuses:
            undeclared.append(f"{method.upper()} {path}: 403/404/409/503")
    assert undeclared == []


def test_the_bearer_scheme_is_declared_and_every_route_but_the_open_ones_needs_it(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"] == {"bearer": {
        "type": "http", "scheme": "bearer", "bearerFormat": "mbz.<id>.<secret>",
        "description": "a token from `mobilize token create`: operator, auditor, viewer or responder"}}
    open_routes = {path for path, _, operation in operations(spec) if not operation.get("security")}
    assert open_routes == {"/healthz", "/readyz", "/api/dashboard", "/api/dashboard/events"}  # the page asks
    assert all(operation["security"] == [{"bearer": []}]
               for path, _, operation in operations(spec) if path not in open_routes)


def test_every_operation_has_one_tag_so_the_docs_list_it_once(spec: dict[str, Any]) -> None:
    tagged = {f"{method.upper()} {path}": operation.get("tags", []) for path, method, operation in operations(spec)}
    assert {name: tags for name, tags in tagged.items() if len(tags) != 1} == {}


def test_every_command_takes_an_idempotency_key(spec: dict[str, Any]) -> None:
    commands = [(path, operation) for path, method, operation in operations(spec) if method == "post"]
    assert len(commands) >= 25
    without = [path for path, operation in commands
               if not any(p["in"] == "header" and p["name"] == "Idempotency-Key" and not p["required"]
                          for p in operation.get("parameters", []))]
    assert without == []


def test_every_command_body_has_a_whole_example_the_api_accepts(spec: dict[str, Any]) -> None:
    bodies: dict[str, type[BaseModel]] = {}
    for route in (route for router in ROUTERS for route in router.routes):
        if isinstance(route, APIRoute) and "POST" in route.methods:
            assert route.body_field is not None, f"{route.path} takes no body"
            bodies[f"/api{route.path}"] = route.body_field.field_info.annotation  # type: ignore[assignment]
    assert set(bodies) == {path for path, method, _ in operations(spec) if method == "post"}
    problems = []
    for path, model in bodies.items():
        name = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        examples = spec["components"]["schemas"][name.rsplit("/", 1)[1]].get("examples", [])
        if not examples:
            problems.append(f"{path}: no example")
            continue
        example = examples[0]
        if set(example) != set(model.model_fields):  # whole: every field, the optional ones too
            problems.append(f"{path}: the example lacks {set(model.model_fields) - set(example)}")
        model.model_validate(example)  # and the API would take it
    assert problems == []


def test_an_error_answer_is_the_declared_body(api: FastAPI) -> None:
    operator = issue(api.state.mobilize, "operator", "Li Wei")
    with TestClient(api, raise_server_exceptions=False) as client:
        unauthenticated = client.post("/api/incidents", json={})
        long_key = client.post("/api/incidents/00000000-0000-0000-0000-000000000000/close", json={},
                               headers={"Idempotency-Key": "k" * 201, "Authorization": f"Bearer {operator}"})
        unknown = client.post("/api/incidents/00000000-0000-0000-0000-000000000000/close", json={},
                              headers={"Idempotency-Key": "k-1", "Authorization": f"Bearer {operator}"})
    assert unauthenticated.status_code == 401
    assert Refusal.model_validate(unauthenticated.json()).error == "unauthenticated"
    assert long_key.status_code == 422
    refused = Refusal.model_validate(long_key.json())
    assert refused.facts["problems"][0]["field"] == "Idempotency-Key", refused
    assert unknown.status_code == 404
    assert Refusal.model_validate(unknown.json()).retryable is False
