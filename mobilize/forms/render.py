"""A form printed: HTML (jinja2, autoescaped) to print from a browser, CSV for spreadsheets, PDF (reportlab, its
built-in Chinese font: nothing to install). Each carries the log position and chain head it was made from."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from mobilize.forms.ics import Form
from mobilize.forms.labels import title, value, word

FORMATS = ("html", "csv", "pdf")
MEDIA = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}

_templates = Environment(loader=PackageLoader("mobilize.forms"), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class Printed:
    """A form's words in one language: title, fields, tables (title, columns, rows of cells), stamp."""

    title: str
    fields: list[tuple[str, str]]
    tables: list[tuple[str, list[str], list[list[str]]]]
    stamp: str
    reading: str


def printed(form: Form, lang: str) -> Printed:
    """The form's labels and values in `lang` (zh or en)."""
    fields = [(word(key, lang), value(text, lang)) for key, text in form.fields]
    tables = [(word(t.title, lang), [word(c, lang) for c in t.columns],
               [[value(row.get(c), lang) for c in t.columns] for row in t.rows]) for t in form.tables]
    stamp = f"{word('stamp', lang)}: {word('position', lang)} {form.position} · {word('head', lang)} {form.head}"
    return Printed(title(form.number, lang), fields, tables, stamp, form.reading)


def render(form: Form, lang: str = "zh", fmt: str = "html") -> bytes:
    """The form as `fmt` bytes."""
    words = printed(form, lang)
    if fmt == "csv":
        return _csv(form, words).encode("utf-8-sig")  # with a BOM: spreadsheets then read the Chinese right
    if fmt == "pdf":
        return _pdf(form, words)
    page = _templates.get_template("form.html").render(
        lang=lang, title=words.title, fields=words.fields,
        tables=[{"title": t, "columns": c, "rows": r} for t, c, r in words.tables], position=form.position,
        head=form.head, reading=form.reading, stamp_label=word("stamp", lang), position_label=word("position", lang),
        head_label=word("head", lang), prepared=word("prepared", lang))
    return page.encode()


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as written: text opening like a formula gets a leading ' (OWASP's advice).

    Names and reasons are typed by people: a site named `=HYPERLINK("http://x","Site")` would otherwise open as a
    live link in whoever's spreadsheet reads the export. A plain number ("-2") runs nothing and is left as it is.
    """
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.fullmatch(value):
        return f"'{value}"
    return value


def _csv(form: Form, words: Printed) -> str:
    lines: list[list[Any]] = [[words.title], *(list(field) for field in words.fields)]
    for table_title, columns, rows in words.tables:
        lines += [[], [table_title], columns, *rows]
    lines += [[], [word("position", "en"), form.position], [word("head", "en"), form.head],
              [word("reading", "en"), form.reading]]
    out = io.StringIO()
    csv.writer(out).writerows([[spreadsheet_cell(cell) for cell in line] for line in lines])
    return out.getvalue()


def _pdf(form: Form, words: Printed) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"  # one of reportlab's CID fonts: the viewer supplies the glyphs, nothing is embedded
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    styles = getSampleStyleSheet()
    heading, body = styles["Heading1"].clone("h", fontName=font), styles["BodyText"].clone("b", fontName=font,
                                                                                             fontSize=8, leading=10)
    subheading = styles["Heading3"].clone("h3", fontName=font)

    def cell(text: Any) -> Any:
        return Paragraph(_escape(str(text)), body)

    story: list[Any] = [Paragraph(_escape(words.title), heading)]
    if words.fields:
        story.append(Table([[cell(k), cell(v)] for k, v in words.fields], hAlign="LEFT"))
    for table_title, columns, rows in words.tables:
        story += [Spacer(1, 8), Paragraph(_escape(table_title), subheading)]
        grid = Table([[cell(c) for c in columns]] + [[cell(v) for v in row] for row in rows] or [["—"]],
                     repeatRows=1, hAlign="LEFT")
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
        story.append(grid)
    story += [Spacer(1, 10), Paragraph(_escape(form.reading), body)]

    def stamp(canvas: Any, doc: Any) -> None:  # every page: where in the log it was made from
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(28, 14, f"log position {form.position} · chain head {form.head} · page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=28, rightMargin=28, topMargin=28, bottomMargin=32,
                      title=words.title).build(story, onFirstPage=stamp, onLaterPages=stamp)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
