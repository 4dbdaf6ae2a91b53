"""The field's aggregates alone: a responder token bound to one person, a person's field log, a site's roll calls."""

from __future__ import annotations

import hashlib
from uuid import uuid4

import pytest

from mobilize.domain.access import AccessToken
from mobilize.domain.base import InvalidCommand, RuleViolated
from mobilize.domain.field_log import FieldLog
from mobilize.domain.roll_call import NotOnRoll, RollCall
from tests.unit.conftest import HOUR, MINUTE, T0, assert_stamped

DIGEST = hashlib.sha256(b"s3cret").hexdigest()


def test_a_responder_token_is_bound_to_one_person_and_no_other_token_is() -> None:
    person = uuid4()
    token = AccessToken.issue("Chen Jing", "responder", None, DIGEST, person_id=person)

    [issued] = token.collect_events()
    assert (issued.role, issued.person_id) == ("responder", person)
    with pytest.raises(InvalidCommand, match="bound to one person"):
        AccessToken.issue("Chen Jing", "responder", None, DIGEST)
    with pytest.raises(InvalidCommand, match="bound to one person"):
        AccessToken.issue("Li Wei", "operator", None, DIGEST, person_id=person)


def test_a_field_log_notes_each_outcome_of_a_key_once_and_flags_a_device_time_far_behind() -> None:
    log = FieldLog(uuid4())
    shift = uuid4()

    assert log.report("k1", "check-in", shift, T0 - 13 * HOUR, T0, "done") is True
    assert log.report("k1", "check-in", shift, T0 - 13 * HOUR, T0, "done") is False  # sent twice: noted once
    assert log.report("k2", "check-out", shift, T0 - 5 * MINUTE, T0, "refused", "rule", "why") is True

    opened, late, refused = log.collect_events()
    assert_stamped([opened, late, refused])
    assert (late.late, late.lag_minutes) == (True, 13 * 60)
    assert (refused.late, refused.outcome, refused.message) == (False, "refused", "why")
    assert FieldLog.create_id(log.person_id) == log.id


def test_a_roll_call_accounts_for_who_answers_and_keeps_who_did_not() -> None:
    site, chen, wu = uuid4(), uuid4(), uuid4()
    calls = RollCall("site", site)
    with pytest.raises(InvalidCommand):
        calls.call({}, T0)
    calls.call({str(chen): "Chen Jing", str(wu): "Wu Lei"}, T0)
    calls.answer(chen, T0 + 2 * MINUTE)
    with pytest.raises(RuleViolated, match="already answered"):
        calls.answer(chen, T0 + 3 * MINUTE)
    with pytest.raises(NotOnRoll):
        calls.answer(uuid4(), T0 + 3 * MINUTE)

    status = calls.status(T0 + 5 * MINUTE)
    calls.close(T0 + 6 * MINUTE)

    assert [(a["name"], a["after_seconds"]) for a in status["accounted"]] == [("Chen Jing", 120)]
    assert [(u["name"], u["for_seconds"]) for u in status["unaccounted"]] == [("Wu Lei", 300)]
    closed = calls.collect_events()[-1]
    assert type(closed).__qualname__ == "RollCall.Closed" and closed.unaccounted == [str(wu)]
    with pytest.raises(NotOnRoll):
        calls.answer(wu, T0 + 7 * MINUTE)
