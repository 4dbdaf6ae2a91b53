"""ICS forms as of a moment equal the same forms made from a store that holds only the log up to that moment."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pypdf
import pytest

from mobilize.application import Mobilize
from mobilize.cli.main import main
from mobilize.forms.ics import FORMS, Ask, FormProblem, build
from mobilize.forms.render import render
from mobilize.projections.replay import reading
from mobilize.projections.store import ViewStore
from mobilize.settings import store_env
from tests.conftest import HOUR, T0, World
from tests.projections.scenario import SmallDrive

T = T0 + 9 * HOUR


def cut(app: Mobilize, position: int) -> Mobilize:
    """A fresh in-memory store holding the log's first `position` events, byte for byte."""
    copy = Mobilize(env=store_env("memory:"))
    copy.recorder.insert_events(list(app.recorder.select_notifications(1, position)))
    return copy


def asks(drive: SmallDrive) -> dict[str, Ask]:
    return {"201": Ask(), "203": Ask(), "204": Ask(site=str(drive.site)), "211": Ask(), "215": Ask(hours=24),
            "214": Ask(person=str(drive.people[1])), "214-unit": Ask(unit=str(drive.site))}


def test_each_form_as_of_a_moment_equals_it_made_from_the_log_cut_there(world: World, store: str) -> None:
    drive = SmallDrive(world)
    rng = random.Random(3)
    drive.play(rng, 60)
    middle = world.log_size()
    drive.play(rng, 60)
    assert world.log_size() > middle
    views = ViewStore.for_store(store)
    short = cut(world.app, middle)
    short_views = ViewStore.for_store("memory:")

    rows = 0
    for name, ask in asks(drive).items():
        number = name[:3]
        full = build(world.app, views, number, reading(world.app, views, as_of=str(middle), now=T), ask)
        alone = build(short, short_views, number, reading(short, short_views, as_of=str(middle), now=T), ask)
        assert full == alone, name
        assert full.position == middle
        for lang in ("zh", "en"):
            for fmt in ("html", "csv"):
                assert render(full, lang, fmt) == render(alone, lang, fmt), (name, lang, fmt)
        rows += sum(len(table.rows) for table in full.tables)
    assert rows > 20, "the forms hold the drive, not empty tables"
    later = build(world.app, views, "204", reading(world.app, views, now=T), Ask(site=str(drive.site)))
    assert later.head != build(short, short_views, "204", reading(short, short_views, now=T)).head
    views.close()


def test_forms_print_in_both_languages_and_the_pdf_opens_with_its_stamp(world: World, store: str) -> None:
    drive = SmallDrive(world)
    drive.play(random.Random(8), 60)
    views = ViewStore.for_store(store)
    form = build(world.app, views, "204", reading(world.app, views, as_happened=T), Ask(site=str(drive.site)))

    zh, en = render(form, "zh", "html").decode(), render(form, "en", "html").decode()
    pdf = pypdf.PdfReader(io.BytesIO(render(form, "zh", "pdf")))
    text = "".join(page.extract_text() for page in pdf.pages)

    assert "ICS 204 任务分配表" in zh and "采样" in zh and "as happened by 2026-03-02 23:00 CST" in zh
    assert "ICS 204 Assignment List" in en and f'data-head="{form.head}"' in en
    assert len(pdf.pages) >= 1
    assert f"log position {form.position}" in text and form.head in text
    csv_text = render(form, "en", "csv").decode("utf-8-sig")
    assert f"Log position,{form.position}" in csv_text and f"Chain head,{form.head}" in csv_text
    views.close()


def test_a_form_asked_wrongly_is_refused_in_words(world: World) -> None:
    views = ViewStore.for_store("memory:")
    when = reading(world.app, views)
    with pytest.raises(FormProblem, match="person or a unit"):
        build(world.app, views, "214", when)
    with pytest.raises(FormProblem, match="one of"):
        build(world.app, views, "999", when)
    assert set(FORMS) == {"201", "203", "204", "211", "214", "215"}


def test_the_command_line_writes_each_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    app = Mobilize(env=store_env(store))
    drive = SmallDrive(World(app))
    drive.play(random.Random(2), 40)

    assert main(["--store", store, "ics", "211", "--now", T.isoformat(), "--lang", "en", "--format", "csv"]) == 0
    assert "ICS 211 Check-in List" in capsys.readouterr().out
    assert main(["--store", store, "ics", "215", "--as-of", "30", "-o", str(tmp_path / "215.pdf"),
                 "--format", "pdf"]) == 0
    assert "log position 30" in capsys.readouterr().err
    assert len(pypdf.PdfReader(tmp_path / "215.pdf").pages) >= 1
    assert main(["--store", store, "ics", "214"]) == 2
    assert "give person or unit" in capsys.readouterr().err
