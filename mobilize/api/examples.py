"""Whole-body examples for the commands' OpenAPI: every field filled as an operator would fill it."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

STREET = "3b0e6f52-1a7c-4d9e-8f21-6c5a0b9d4e13"
COMMUNITY = "91e4c7b2-0a6d-4b3f-8e59-4c2a6d8f0b73"
GRID = "8d2f4a61-5c3b-4e7a-9b10-2f6e8c4d1a57"
INCIDENT = "c41a7e90-2d6b-4f38-a5c1-9e0b3d7f6a24"
PERSON = "0f9d5b2c-7c1e-4f3a-8d2b-6a4e1c9b7d21"
LEADER = "5e7c1a93-4b2d-4c6f-9a08-1d3f5b7e9c42"
SITE = "a6b3d9f1-8e2c-4a57-b4d0-7c1e5f3a9b68"
SHIFT = "e2c8a4b6-3f1d-4e9a-8c57-0b6d2f4a8e19"
TASK_FORCE = "7a1c9e35-6d4b-4f82-9e0a-3b5d7f1c2e86"
BUILDING = "4c8e2a7d-9b1f-4d63-a5e0-8f2b6c1d3e95"
HOUSEHOLD = "b7d1f3a9-2e6c-4b80-9d45-1a3c5e7f9b02"
VISIT = "d3f5b7c9-8a2e-4c16-b0d4-6e8a1c3f5b79"
VISITOR = "6b2d4f8a-1c3e-4a59-8d7b-9f1e3a5c7d40"

COMMON = {"ordered_by": "Wang Qiang, Junhe street committee", "occurred_at": "2026-03-02T06:00:00+08:00"}
"""What any command may add: on whose order, and when it happened in the field."""


def example(reason: str, **fields: Any) -> ConfigDict:
    """A command body's example: its own fields, with the order, the reason and the field time every command takes."""
    return ConfigDict(json_schema_extra={"examples": [{**fields, **COMMON, "reason": reason}]})
