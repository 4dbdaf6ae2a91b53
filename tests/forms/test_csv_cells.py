"""A name or reason typed like a spreadsheet formula comes out of every CSV export as text, never as a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.forms.history import history
from mobilize.forms.ics import Ask, build
from mobilize.forms.render import render, spreadsheet_cell
from mobilize.projections.replay import reading
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World

SITE = '=HYPERLINK("http://x","Site")'
PERSON = "@SUM(1+1) Chen"
REASON = "-2+3+cmd|' /C calc'!A0"
QUOTED_SITE = '''"'=HYPERLINK(""http://x"",""Site"")'''
"""The site's name as a CSV cell: led by a quote, its own quotes doubled."""
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def live_formulas(text: str) -> list[str]:
    """The cells a spreadsheet would run: those opening with =, +, -, @, a tab or a carriage return (not numbers)."""
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    return [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell)]


@pytest.fixture
def planted(tmp_path: Path) -> dict[str, Any]:
    """A site named like a HYPERLINK formula; a person named like SUM, assigned to its shift for a reason typed
    like a command; on a store the command line can open too."""
    store = f"sqlite:///{tmp_path / 'events.db'}"
    world = World(Mobilize(env=store_env(store)))
    incident = world.incident()
    world.war(incident)
    site = world.do("plan_testing_site", incident, world.grid, SITE, 1, {"sampler": 2})
    world.do("appoint_site_commander", site, world.person("Commander Wang", ("marshal",), ("grid_leader",)))
    world.do("open_site", site)
    person = world.person(PERSON)
    shift = world.shift(site, T0)
    world.do("assign_to_shift", shift, person, ctx=world.ctx(reason=REASON))
    return {"store": store, "app": world.app, "site": site, "person": person}


def test_the_ics_forms_and_a_persons_history_print_formulas_as_text(planted: dict[str, Any]) -> None:
    app, views = planted["app"], ViewStore.for_store(planted["store"])
    now = reading(app, views, now=T0 + HOUR)
    # when the site's assignments, its activity log and the person's history are printed as CSV
    printed = {
        "204": render(build(app, None, "204", now, Ask(site=str(planted["site"]))), "en", "csv"),
        "214": render(build(app, views, "214", now, Ask(unit=str(planted["site"]))), "en", "csv"),
        "history": render(history(app, views, str(planted["person"]), now), "en", "csv")}
    texts = {name: content.decode("utf-8-sig") for name, content in printed.items()}
    # then each holds what was typed, led by a quote, and no cell a spreadsheet would run
    assert QUOTED_SITE in texts["204"] and f"'{PERSON}" in texts["204"]
    assert f"'{REASON}" in texts["214"]
    assert QUOTED_SITE in texts["history"]
    assert {name: live_formulas(text) for name, text in texts.items()} == {name: [] for name in texts}


@pytest.mark.parametrize(("argv", "typed"), [(["audit", "trail", "--format", "csv"], f"'{REASON}"),
                                             (["list", "sites", "--format", "csv"], QUOTED_SITE),
                                             (["list", "people", "--format", "csv"], f"'{PERSON}"),
                                             (["ics", "204", "--lang", "en", "--format", "csv"], QUOTED_SITE)])
def test_the_command_lines_csv_prints_formulas_as_text(planted: dict[str, Any], capsys: pytest.CaptureFixture[str],
                                                      argv: list[str], typed: str) -> None:
    # when an export is printed as CSV from the command line
    assert main(["--store", planted["store"], *argv]) == 0
    out = capsys.readouterr().out
    # then what was typed is there, as text
    assert typed in out, out
    assert live_formulas(out) == []


def test_a_number_stays_a_number_and_only_text_is_quoted() -> None:
    assert [spreadsheet_cell(cell) for cell in ("-2", "+1.5", 7, -3, "\tx", "\rx", "a=b", "")] == [
        "-2", "+1.5", 7, -3, "'\tx", "'\rx", "a=b", ""]
