"""The draft report as one Word document: headings, tables, charts embedded, quotes.

Word is where the report writer edits, so the document uses Word's built-in styles only
(Title, Heading 1-3, Caption, Quote, "Light Grid Accent 1" tables): changing the template
restyles everything. The page is A4. Charts are embedded from memory (``add_picture``) at
text width, each followed by its caption (which carries the title, so the image does not
repeat it); tables get a numbered caption above, numbers right-aligned, columns sized to
their content; captions keep with what they caption. The file is built in memory and
written atomically, private (0600).
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


def column_widths(table: "pd.DataFrame") -> list[Any]:
    """Numeric columns as wide as their longest cell or header word needs at 8 pt; the first
    column (code or answer names, which wrap well) gets the rest of the text width, at least
    1.4 inches; if that does not fit, the numeric columns shrink in proportion and wrap."""
    from docx.shared import Inches

    def need(values: list[Any], header: Any) -> float:
        words = str(header).split() or [""]
        longest = max([len(str(v)) for v in values] + [len(w) for w in words])
        return 0.16 + 0.062 * longest

    numeric = [need(list(table.iloc[:, i]), table.columns[i])
               for i in range(1, len(table.columns))]
    first = max(1.4, TEXT_WIDTH_IN - sum(numeric))
    if numeric and sum(numeric) > TEXT_WIDTH_IN - first:
        scale = (TEXT_WIDTH_IN - first) / sum(numeric)
        numeric = [w * scale for w in numeric]
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
