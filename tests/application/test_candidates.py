"""Nearness in a deeper tree: a sub-grid lies in its grid; a grid above the site's is only its community."""

from __future__ import annotations

from mobilize.application.candidates import rank
from tests.conftest import HOUR, T0, World


def test_a_person_of_a_sub_grid_is_of_the_sites_grid_and_one_of_the_grid_above_only_of_its_community(
        world: World) -> None:
    sub_grid = world.do("establish_unit", "Shimaqiao Grid 1-1", "grid", world.grid)
    incident = world.incident()
    site = world.open_site(incident)
    below = world.do("register_person", "Below", ["volunteer"], sub_grid, qualifications={"sampler": T0 + 99 * HOUR})
    above = world.do("register_person", "Above", ["volunteer"], world.grid, qualifications={"sampler": T0 + 99 * HOUR})
    nowhere = world.do("register_person", "Nowhere", ["volunteer"], None, qualifications={"sampler": T0 + 99 * HOUR})
    sub_site = world.do("plan_testing_site", incident, sub_grid, "Site 1-1", 1, {"sampler": 1})
    at_site, at_sub_site = world.shift(site, T0), world.shift(sub_site, T0)

    here = {c.name: (c.nearness, c.reasons[0]) for c in rank(world.app, at_site, [below, above, nowhere], {})}
    there = {c.name: c.nearness for c in rank(world.app, at_sub_site, [below, above, nowhere], {})}

    assert here == {"Below": ("same_grid", "home grid Shimaqiao Grid 1-1 lies under the site's grid, Shimaqiao Grid 1"),
                    "Above": ("same_grid", "home grid Shimaqiao Grid 1 is the site's grid"),
                    "Nowhere": ("elsewhere", "has no home grid")}
    assert there == {"Below": "same_grid", "Above": "same_community", "Nowhere": "elsewhere"}
