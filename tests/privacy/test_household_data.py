"""A household's personal data is sealed like a person's: the address and the care flags (a list) alike."""

from __future__ import annotations

import pytest

from mobilize.domain.personal import declared
from mobilize.privacy.seal import Opener
from tests.conftest import World
from tests.privacy.test_personal_data import rebuilt, stored_bytes


def test_a_households_address_and_care_flags_are_stored_sealed_and_open_for_the_entitled(world: World,
                                                                                          store: str) -> None:
    if store == "memory:":
        pytest.skip("nothing is stored in bytes")
    # given a household registered with its care flags, then flagged again, and every view rebuilt
    home = world.do("register_household", world.grid, "7-302 Shimaqiao Road", care_flags=["elderly_alone"])
    world.do("flag_household", home, ["disability", "low_income"])
    rebuilt(world.app, store).close()
    # when every byte the system stored is searched
    raw = stored_bytes(store)
    # then neither the address nor any care flag is found
    for secret in ("Shimaqiao Road", "elderly_alone", "disability", "low_income"):
        assert secret.encode() not in raw, secret
    # while an entitled reader opens each declared field to what was recorded, a list as a list
    opener = Opener(world.app.keyring)
    opened = []
    for event in world.events():
        declaration = declared(type(event))
        if event.originator_id == home and declaration is not None:
            opened.append({field: opener.reveal(getattr(event, field), field, home) for field in declaration.fields})
    assert opened == [{"address": "7-302 Shimaqiao Road", "care_flags": ["elderly_alone"]},
                      {"care_flags": ["disability", "low_income"]}]
