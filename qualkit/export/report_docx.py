"""The draft report as one Word document: headings, tables, charts embedded, quotes.

Word is where the report writer edits, so the document uses Word's built-in styles only
(Title, Heading 1-3, Caption, Quote, "Light Grid Accent 1" tables): changing the template
restyles everything. Charts are embedded from memory (``add_picture``) at text width, each
followed by its caption; tables get a numbered caption above, numbers right-aligned. The file
is built in memory and written atomically, private (0600).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .quotes_docx import add_quote, docx_bytes, safe
from .refi_files import atomic_write
from .report import Report, Section, redact_report

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TABLE_STYLE = "Light Grid Accent 1"


def add_table(doc: Any, table: "pd.DataFrame", caption: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.add_paragraph(safe(caption), style="Caption")
    grid = doc.add_table(rows=1, cols=len(table.columns), style=TABLE_STYLE)
    for i, name in enumerate(table.columns):
        grid.rows[0].cells[i].text = safe(name)
    for row in table.itertuples(index=False):
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = safe("" if value is None else value)
            if i:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for c in row.cells:
            for run in c.paragraphs[0].runs:
                run.font.size = Pt(9)
    doc.add_paragraph()


def add_chart(doc: Any, png: bytes, title: str) -> None:
    from docx.shared import Inches

    doc.add_picture(io.BytesIO(png), width=Inches(6.0))
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
        add_chart(doc, chart_png(s.chart), s.chart.title)
    for group in s.quotes:
        doc.add_heading(safe(group.heading), level=min(s.level + 1, 3))
        for row in group.quotes.sort_values("rank").to_dict("records"):
            add_quote(doc, row)


def report_document(report: Report) -> Any:
    import docx

    doc = docx.Document()
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
