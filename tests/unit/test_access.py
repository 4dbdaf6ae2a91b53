"""AccessToken alone: issued with a role and a scope, holding only a hash; revoked once."""

from __future__ import annotations

import hashlib
from uuid import uuid4

import pytest

from mobilize.domain.access import AccessToken
from mobilize.domain.base import InvalidCommand, RuleViolated
from tests.unit.conftest import assert_stamped

DIGEST = hashlib.sha256(b"s3cret").hexdigest()


def test_a_token_is_issued_keeping_only_the_hash_of_its_secret() -> None:
    # when
    scope = uuid4()
    token = AccessToken.issue(" operator:li ", "operator", scope, DIGEST)

    # then
    [issued] = token.collect_events()
    assert type(issued).__qualname__ == "AccessToken.Issued"
    assert (issued.holder, issued.role, issued.scope_unit_id, issued.secret_sha256) == \
        ("operator:li", "operator", scope, DIGEST)
    assert "s3cret" not in repr(issued.__dict__)
    assert_stamped([issued])
    assert token.revoked is False


@pytest.mark.parametrize(("holder", "role", "digest"), [(" ", "viewer", DIGEST), ("ops", "admin", DIGEST),
                                                        ("ops", "viewer", DIGEST[:63])])
def test_a_token_without_a_holder_a_known_role_or_a_full_digest_is_refused(holder: str, role: str,
                                                                           digest: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        AccessToken.issue(holder, role, None, digest)
    assert refused.value.rule == "invalid_command"


def test_a_token_is_revoked_once() -> None:
    # given
    token = AccessToken.issue("auditor:zhao", "auditor", None, DIGEST)
    token.collect_events()

    # when
    token.revoke()

    # then
    [revoked] = token.collect_events()
    assert type(revoked).__qualname__ == "AccessToken.Revoked"
    assert_stamped([revoked])
    assert token.revoked is True
    with pytest.raises(RuleViolated, match="already revoked") as refused:
        token.revoke()
    assert refused.value.rule == "rule_violated"
    assert token.collect_events() == []
