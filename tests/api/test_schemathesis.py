"""Schemathesis against the app's own OpenAPI: no input, however odd, makes a server error.

Driven through schemathesis's Hypothesis strategies per operation (its pytest plugin does not load
under pytest 9 here). The default run draws the same examples every time, so that a red run can be
repeated and a green one means the same thing twice; `MOBILIZE_FUZZ_EXAMPLES=500` draws that many new
random ones per operation (how the out-of-range `occurred_at` crash was found).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from mobilize.api.app import create_app
from mobilize.api.errors import Refusal
from mobilize.application import Mobilize
from mobilize.settings import Settings, store_env
from tests.api.conftest import issue
from tests.conftest import World

DEEP = "MOBILIZE_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("MOBILIZE_FUZZ_EXAMPLES", "30"))


@pytest.mark.slow
def test_no_generated_request_makes_a_server_error(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    application = Mobilize(env=store_env(store))
    World(application)
    headers = {"Authorization": f"Bearer {issue(application, 'operator', 'Fuzzer')}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(store=store), application))
    failures: list[str] = []
    endless = {"/api/stream"}  # an event stream never ends by design; tests/api/test_stream.py covers it
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if op.path not in endless]

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=not DEEP, deadline=None,
                  suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:200]}")
            elif response.status_code >= 400:  # every refusal is the body the OpenAPI declares
                try:
                    Refusal.model_validate(response.json())
                except ValueError as error:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}, not a "
                                    f"Refusal: {error}")

        no_server_error()

    assert len(operations) >= 35
    assert failures == []
