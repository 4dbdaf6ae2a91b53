"""`mobilize rota` and `mobilize candidates` on the command line, against a SQLite store."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.domain.shift import Shift
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World


@pytest.fixture
def street(tmp_path: Path) -> tuple[str, World, UUID]:
    """A street in war, an open site (2 lanes, 3 posts, 4 people each), on a SQLite file."""
    store = f"sqlite:///{tmp_path / 'events.db'}"
    world = World(Mobilize(env=store_env(store)))
    incident = world.incident()
    world.war(incident)
    return store, world, world.open_site(incident)


def test_rota_prints_every_shift_with_its_whole_id_and_a_rerun_with_the_key_writes_nothing(street, capsys) -> None:
    store, world, site = street
    argv = ["--store", store, "rota", str(site), "--start", T0.isoformat(), "--end", (T0 + 16 * HOUR).isoformat(),
            "--lanes", "1", "--posts", "sampler,marshal", "--reason", "day one", "--key", "day-1"]

    assert main(argv) == 0
    out = capsys.readouterr().out
    size = world.log_size()
    assert main(argv) == 0
    again = capsys.readouterr().out

    lines = out.splitlines()
    assert lines[0].endswith(": 4 shifts scheduled") and again == out and world.log_size() == size
    ids = [UUID(line.split()[0]) for line in lines[1:]]
    shifts = [world.app.repository.get(i) for i in ids]
    assert [(s.lane, s.post, s.start) for s in shifts if isinstance(s, Shift)] == [
        (1, "sampler", T0), (1, "sampler", T0 + 8 * HOUR), (1, "marshal", T0), (1, "marshal", T0 + 8 * HOUR)]


def test_a_refused_rota_lists_every_refused_shift_and_writes_nothing(street, capsys) -> None:
    store, world, site = street
    world.shift(site, T0, post="registrar", lane=2, slots=4)
    size = world.log_size()

    status = main(["--store", store, "rota", str(site), "--start", T0.isoformat(),
                   "--end", (T0 + 8 * HOUR).isoformat()])

    err = capsys.readouterr().err
    assert status == 1 and world.log_size() == size
    assert "1 of the 6 shifts of this rota are refused" in err
    assert "lane 2 registrar 03-02 14:00–03-02 22:00: post_plan_exceeded" in err
    assert main(["--store", store, "rota", str(site), "--start", "tomorrow", "--end", "later"]) == 2
    assert main(["--store", store, "rota", str(site)[:8], "--start", T0.isoformat(), "--end", T0.isoformat()]) == 2
    assert "--site: " in capsys.readouterr().err


def test_candidates_print_the_ranked_list_with_whole_ids_and_reasons(street, capsys) -> None:
    store, world, site = street
    chen = world.person("Chen Jing")
    on_leave = world.person("Wu Lei")
    world.do("set_availability", on_leave, "on_leave")
    shift = world.shift(site, T0)

    assert main(["--store", store, "candidates", str(shift), "--now", T0.isoformat()]) == 0
    ranked = capsys.readouterr().out
    assert main(["--store", store, "candidates", str(shift), "--all"]) == 0
    full = capsys.readouterr().out

    assert f"  1. Chen Jing (same grid, 0 h in this incident)  {chen}" in ranked
    assert "home grid Shimaqiao Grid 1 is the site's grid" in ranked and "Wu Lei" not in ranked
    assert ranked.rstrip().endswith("(1 can take it)")
    assert f"Wu Lei (same grid, 0 h in this incident)  {on_leave}  cannot: person_not_available" in full
    world.do("assign_to_shift", shift, chen)
    assert main(["--store", store, "candidates", str(shift)]) == 0
    assert "Nobody can take it: all 1 slots of this shift are taken (shift_full)" in capsys.readouterr().out
    assert main(["--store", store, "candidates", str(site)]) == 2
    assert f"no shift with id {site}; `mobilize list shifts` prints them" in capsys.readouterr().err
    assert main(["--store", store, "candidates", str(shift)[:8]]) == 2
    assert "is not a whole id" in capsys.readouterr().err
