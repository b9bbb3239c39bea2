"""The draft report as one Word document: headings, tables, charts embedded, quotes.

Word is where the report writer edits, so the document uses Word's built-in styles only
(Title, Heading 1-3, Caption, Quote, "Light Grid Accent 1" tables): changing the template
restyles everything. The page is A4. Charts are embedded from memory (``add_picture``) at
text width, each followed by its caption (which carries the title, so the image does not
repeat it); tables get a numbered caption above, numbers right-aligned, columns sized to
their content and never narrower than their longest word (measured for DejaVu Sans Bold, so
a header is not broken "Segmen/ts" in LibreOffice or Word); captions keep with what they
caption. The file is built in memory and written atomically, private (0600).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .quotes_docx import a4_page, add_quote, docx_bytes, safe
from qualkit.files import atomic_write
from .report import Report, Section, redact_report

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TABLE_STYLE = "Light Grid Accent 1"
TEXT_WIDTH_IN = 6.69  # A4 with 2 cm margins


def add_table(doc: Any, table: "pd.DataFrame", caption: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.add_paragraph(safe(caption), style="Caption").paragraph_format.keep_with_next = True
    grid = doc.add_table(rows=1, cols=len(table.columns), style=TABLE_STYLE)
    for i, name in enumerate(table.columns):
        grid.rows[0].cells[i].text = safe(name)
    for row in table.itertuples(index=False):
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = safe("" if value is None else value)
            if i:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    widths = column_widths(table)
    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        column.width = width  # the grid LibreOffice reads; Word reads the cells' widths
    for row in grid.rows:
        for c, width in zip(row.cells, widths):
            c.width = width
            for run in c.paragraphs[0].runs:
                run.font.size = Pt(8)
    doc.add_paragraph()


# widths in em of DejaVu Sans Bold, the widest common sans (what LibreOffice shows for
# Calibri without the font; Word's Calibri is narrower), so a word measured here fits anywhere
_NARROW, _SEMI, _WIDE = set("ijlIJ/\\|,.:;'` -"), set('ftr!()[]_"*'), set("mwMW%@")
CELL_PAD_IN = 0.18  # LibreOffice's 0.19 cm cell margins each side, and the rules


def text_inches(text: str, size_pt: float = 8, bold: bool = True) -> float:
    """How wide ``text`` prints at ``size_pt``: the width every table column must give its
    longest word so that no word is broken ("Segmen/ts"). Regular is ~10 % narrower."""
    em = sum(0.42 if c in _NARROW else 0.52 if c in _SEMI else 1.1 if c in _WIDE else
             0.85 if c.isupper() else 0.73 for c in text)
    return em * size_pt / 72 * (1 if bold else 0.9)


def _longest_word(header: Any, cells: list[Any], bold: bool) -> float:
    """The longest word of a column: its header is bold, its cells ``bold`` or not (the
    table style makes the first column bold)."""
    return max([text_inches(w) for w in str(header).split()]
               + [text_inches(w, bold=bold) for v in cells for w in str(v).split()],
               default=0.0)


def column_widths(table: "pd.DataFrame") -> list[Any]:
    """Numeric columns as wide as their longest cell when the text width allows, never
    narrower than the longest word of their header or cells; the first column (code or
    answer names, which wrap well) gets the rest, at least 1.4 inches when there is room and
    never less than its own longest word. When even the words do not fit the text width, the
    table runs into the margin rather than break a word."""
    from docx.shared import Inches

    cols = [(table.columns[i], list(table.iloc[:, i])) for i in range(len(table.columns))]
    mins = [_longest_word(h, cells, False) + CELL_PAD_IN for h, cells in cols[1:]]
    prefs = [max([m] + [text_inches(str(v), bold=False) + CELL_PAD_IN for v in cells])
             for m, (_, cells) in zip(mins, cols[1:])]
    first_min = max(1.0, _longest_word(*cols[0], True) + CELL_PAD_IN) if cols else 1.0
    if sum(prefs) + max(1.4, first_min) <= TEXT_WIDTH_IN:
        numeric = prefs
    elif sum(mins) + first_min >= TEXT_WIDTH_IN:
        numeric = mins
    else:  # each column between its longest word and its longest cell, in proportion
        scale = (TEXT_WIDTH_IN - first_min - sum(mins)) / (sum(prefs) - sum(mins))
        numeric = [m + (p - m) * scale for m, p in zip(mins, prefs)]
    first = max(first_min, TEXT_WIDTH_IN - sum(numeric))
    return [Inches(first)] + [Inches(w) for w in numeric]


def add_chart(doc: Any, png: bytes, title: str) -> None:
    from docx.shared import Inches

    doc.add_picture(io.BytesIO(png), width=Inches(6.3))
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the caption stays below
    doc.add_paragraph(safe(title), style="Caption")


def _section(doc: Any, s: Section, counters: dict[str, int]) -> None:
    from .report_charts import chart_png

    doc.add_heading(safe(s.heading), level=min(s.level, 3))
    for para in s.paragraphs:
        if para:
            doc.add_paragraph(safe(para))
    if s.table is not None and len(s.table):
        counters["table"] += 1
        add_table(doc, s.table, f"Table {counters['table']}. {s.table_caption}")
    if s.chart is not None:
        add_chart(doc, chart_png(s.chart, title=False), s.chart.title)
    for group in s.quotes:
        doc.add_heading(safe(group.heading), level=min(s.level + 1, 3))
        for row in group.quotes.sort_values("rank").to_dict("records"):
            add_quote(doc, row)


def report_document(report: Report) -> Any:
    import docx

    doc = docx.Document()
    a4_page(doc)
    doc.core_properties.title = safe(report.title)
    doc.core_properties.author = "qualkit"
    doc.add_heading(safe(report.title), level=0)
    counters = {"table": 0}
    for s in report.sections:
        _section(doc, s, counters)
    return doc


def write_report_docx(path: str | Path, report: Report, redactor: Any = None) -> Path:
    """Write ``report`` as a .docx with its charts embedded."""
    report = redact_report(report, redactor)
    return atomic_write(path, docx_bytes(report_document(report)))
