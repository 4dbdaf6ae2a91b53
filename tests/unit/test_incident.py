"""Incident alone: declared (or drilled), escalated, closed."""

from __future__ import annotations

from uuid import uuid4

import pytest

from mobilize.domain.base import InvalidCommand
from mobilize.domain.incident import Incident, IncidentClosed
from tests.unit.conftest import assert_stamped, names


def incident(level: int = 1) -> Incident:
    """Given a declared incident, events already collected."""
    declared = Incident.declare("Round 1", "mass_testing_drive", uuid4(), level=level)
    declared.collect_events()
    return declared


def test_a_drill_is_declared_as_an_incident_flagged_as_an_exercise() -> None:
    # when
    scope = uuid4()
    drill = Incident.declare(" Round 1 ", "mass_testing_drive", scope, exercise=True, level=2)

    # then
    [declared] = drill.collect_events()
    assert type(declared).__qualname__ == "Incident.Declared"
    assert (declared.title, declared.kind, declared.scope_unit_id, declared.exercise, declared.level) == \
        ("Round 1", "mass_testing_drive", scope, True, 2)
    assert_stamped([declared])
    assert drill.closed is False


@pytest.mark.parametrize(("title", "kind", "level"), [(" ", "other", 1), ("Round 1", "flood", 1),
                                                      ("Round 1", "other", 0), ("Round 1", "other", 5)])
def test_a_malformed_declaration_is_refused(title: str, kind: str, level: int) -> None:
    with pytest.raises(InvalidCommand) as refused:
        Incident.declare(title, kind, uuid4(), level=level)
    assert refused.value.rule == "invalid_command"


def test_an_incident_escalates_upwards_to_at_most_level_four() -> None:
    # given
    i = incident(level=2)

    # when
    i.escalate(4)

    # then
    [escalated] = i.collect_events()
    assert (type(escalated).__qualname__, escalated.level) == ("Incident.Escalated", 4)
    assert_stamped([escalated])
    for level in (4, 3, 5):
        with pytest.raises(InvalidCommand, match="raise the level"):
            i.escalate(level)
    assert i.collect_events() == []


def test_a_closed_incident_neither_escalates_nor_closes_again() -> None:
    # given
    i = incident()

    # when
    i.close()

    # then
    closed = i.collect_events()
    assert names(closed) == ["Incident.Closed"]
    assert_stamped(closed)
    for refused_step in (lambda: i.escalate(2), i.close, i.require_open):
        with pytest.raises(IncidentClosed) as refused:
            refused_step()
        assert refused.value.rule == "incident_closed"
    assert i.collect_events() == []
