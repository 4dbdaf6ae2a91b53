"""Scenarios: registering people, their qualifications and their availability."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mobilize.domain.base import InvalidCommand, NotFound, RuleViolated
from mobilize.domain.person import NotAvailable, NotQualified, Person
from tests.conftest import HOUR, T0, World


def test_a_dual_registered_party_member_names_the_unit_they_come_from(world: World) -> None:
    size = world.log_size()
    with pytest.raises(InvalidCommand, match="home unit"):
        world.do("register_person", "Zhao Lei", ["dual_registered_party_member"], world.grid)
    assert world.log_size() == size

    person = world.do("register_person", "Zhao Lei", ["dual_registered_party_member"], world.grid,
                      home_unit="District Tax Bureau")

    assert world.app.load(Person, person, "person").home_unit == "District Tax Bureau"


def test_unknown_roles_skills_and_home_grids_are_refused_with_the_allowed_values(world: World) -> None:
    with pytest.raises(InvalidCommand, match="known roles are first_secretary"):
        world.do("register_person", "Sun Bo", ["astronaut"], world.grid)
    with pytest.raises(InvalidCommand, match="skill must be one of sampler"):
        world.do("register_person", "Sun Bo", ["volunteer"], world.grid, qualifications={"juggling": T0})
    with pytest.raises(InvalidCommand, match="not a grid"):
        world.do("register_person", "Sun Bo", ["volunteer"], world.community)
    with pytest.raises(NotFound, match="no home grid"):
        world.do("register_person", "Sun Bo", ["volunteer"], world.incident())


def test_a_qualification_is_valid_until_its_expiry(world: World) -> None:
    person = world.person(skills=("sampler",), valid_for=timedelta(hours=10))
    loaded = world.app.load(Person, person, "person")

    assert loaded.qualified_for("sampler", T0 + 9 * HOUR)
    assert not loaded.qualified_for("sampler", T0 + 11 * HOUR)
    assert not loaded.qualified_for("registrar", T0)


def test_renewing_and_revoking_a_qualification(world: World) -> None:
    person = world.person(skills=("sampler",), valid_for=timedelta(hours=10))

    world.do("certify", person, "sampler", T0 + timedelta(days=30))
    assert world.app.load(Person, person, "person").qualified_for("sampler", T0 + 20 * HOUR)

    world.do("revoke_qualification", person, "sampler")
    assert not world.app.load(Person, person, "person").qualified_for("sampler", T0)
    with pytest.raises(RuleViolated, match="holds no sampler qualification"):
        world.do("revoke_qualification", person, "sampler")


def test_someone_on_leave_or_out_of_service_is_not_put_on_duty(world: World) -> None:
    incident = world.incident()
    site = world.open_site(incident)
    person = world.person()
    world.do("set_availability", person, "on_leave")

    with pytest.raises(NotAvailable, match="is on leave"):
        world.do("assign_to_shift", world.shift(site, T0), person)
    with pytest.raises(RuleViolated, match="already on_leave"):
        world.do("set_availability", person, "on_leave")

    world.do("set_availability", person, "available")
    world.do("assign_to_shift", world.shift(site, T0 + 9 * HOUR), person)


def test_nobody_is_assigned_without_a_qualification_valid_through_the_shift(world: World) -> None:
    site = world.open_site(world.incident())
    registrar = world.person("Wu Yan", skills=("registrar",))
    lapsing = world.person("Hu Jie", skills=("sampler",), valid_for=timedelta(hours=4))
    shift = world.shift(site, T0, hours=8)
    size = world.log_size()

    with pytest.raises(NotQualified, match="no sampler qualification") as refused:
        world.do("assign_to_shift", shift, registrar)
    with pytest.raises(NotQualified, match="valid until the shift ends"):
        world.do("assign_to_shift", shift, lapsing)

    assert refused.value.rule == "qualification_required"
    assert world.log_size() == size
