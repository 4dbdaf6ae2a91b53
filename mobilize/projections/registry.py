"""Every read model by name, and how to run them against an application."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from mobilize.projections.base import Projection

PROJECTIONS: dict[str, str] = {
    "audit_trail": "mobilize.projections.audit:AuditTrail",
    "roster": "mobilize.projections.roster:Roster",
    "staffing_gaps": "mobilize.projections.gaps:StaffingGaps",
    "readiness": "mobilize.projections.readiness:Readiness",
    "duty_hours": "mobilize.projections.duty_hours:DutyHours",
    "directory": "mobilize.projections.directory:Directory",
    "peace": "mobilize.projections.peace:PeaceWork",
    "paging": "mobilize.projections.paging:Paging",
}
"""Name → class; imported lazily so that one view's import cost is paid only by who uses it."""


def projection(name: str) -> Projection:
    """A fresh projection object by name."""
    try:
        module, _, cls = PROJECTIONS[name].partition(":")
    except KeyError:
        raise KeyError(f"no projection named {name!r}; known: {', '.join(PROJECTIONS)}") from None
    factory: Callable[[], Projection] = getattr(importlib.import_module(module), cls)
    return factory()
