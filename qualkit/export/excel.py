"""Write a ``WorkbookData`` as a formatted Excel workbook a research team can read and reuse.

Sheets, in order (a part that is ``None`` gets no sheet; the Summary lists it with the reason
from ``book.omitted``): Summary (what the export holds, whose codings, a bar chart of coded
segments per top-level code), Codes x Documents, Code presence, one Codes x <attribute> per
attribute that groups documents (``workbook.grouping_attributes``; the others are listed under
"Not included" with the reason), Co-occurrence (segments), Co-occurrence (documents), Themes, Quotes, Agreement,
FOI answers, FOI tallies, Codebook.

Every table has a frozen header row and first column(s) and an autofilter (the FOI tallies
sheet stacks one table per question, so it freezes its title row and label column only);
matrices carry a colour-scale heatmap; long text wraps; numbers are stored as numbers; text
is never a formula (see ``excel_format``). The file appears under its final name only when
complete (``qualkit.files.atomic_output``), readable by the owner only unless ``mode`` says.

Speed: openpyxl's write-only mode plus ``excel_rows``' own row serialiser keep a
50,000-segment export (a 90,000-row Quotes sheet) to about 2 s (bench/export.py); write-only
is also why each sheet is laid out in full before its first row is written.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualkit.files import DEFAULT_MODE, atomic_output
from .workbook import WorkbookData

MAX_COLUMNS = 16_000  # Excel's limit is 16,384; leave room for the label columns
PART_TITLES = {"themes": "Themes", "quotes": "Quotes", "agreement": "Agreement",
               "foi_answers": "FOI answers", "foi_tally": "FOI tallies", "codebook": "Codebook",
               "code_by_document": "Codes x Documents", "presence": "Code presence"}


def _describe() -> dict[str, str]:
    return {
        "matrix": "Coded segments per code (rows) and document (columns). A parent code counts a "
                  "segment once when it or any of its sub-codes applies.",
        "presence": "1 where the document has at least one segment of the code (or of its "
                    "sub-codes), else 0; Documents = how many documents have it.",
        "attribute": "Documents mentioning each code per {attr} group: count and % of the "
                     "group's documents (n = documents in the group).",
        "co_seg": "Segments carrying both codes; the diagonal is the code's own count.",
        "co_doc": "Documents in which both codes appear; the diagonal is the code's own count.",
        "themes": "Candidate themes from clustering: size, keywords, the code each resembles and "
                  "representative quotes.",
        "quotes": "Selected quotes per code, with where they come from.",
        "agreement": "Inter-coder agreement.",
        "foi_answers": "One row per FOI letter: each question's answer, or the options ticked.",
        "foi_tally": "Count and % of authorities per answer and authority group, with "
                     "denominators (n =) and one chart per question.",
        "codebook": "The codeframe in tree order, with descriptions and include/exclude notes.",
    }


def _plan(book: WorkbookData) -> list[tuple[str, str, Callable[[Any, Any], None]]]:
    """(sheet title, description, writer) for every part the book holds, in sheet order."""
    from . import excel_sheets as xs
    from .excel_foi import write_foi_tallies
    from .excel_format import sheet_title

    names, levels, text = book.code_names(), book.code_levels(), _describe()
    used: set[str] = {"summary"}
    plan: list[tuple[str, str, Callable[[Any, Any], None]]] = []

    def add(title: str, what: str, write: Callable[[Any, Any], None]) -> None:
        plan.append((sheet_title(title, used), what, write))

    def table(df: Any) -> Callable[[Any, Any], None]:
        return lambda ws, st: xs.write_table(ws, st, xs.frame_columns(df, names))

    def matrix(df: Any, total: str | None) -> Callable[[Any, Any], None]:
        if df.shape[1] > MAX_COLUMNS:
            from ..models import QualkitError

            raise QualkitError(f"too many columns for one Excel sheet ({df.shape[1]:,})")
        return lambda ws, st: xs.write_matrix(ws, st, df, names, levels, total)

    if book.code_by_document is not None:
        add("Codes x Documents", text["matrix"], matrix(book.code_by_document, "All documents"))
    if book.presence is not None:
        add("Code presence", text["presence"], matrix(book.presence, "Documents"))
    for attr, tidy in book.code_by_attribute.items():
        add(f"Codes x {attr}", text["attribute"].format(attr=attr),
            lambda ws, st, t=tidy: xs.write_groups(ws, st, t, names, levels))
    if book.cooccurrence_segment is not None:
        add("Co-occurrence (segments)", text["co_seg"], matrix(book.cooccurrence_segment, None))
    if book.cooccurrence_document is not None:
        add("Co-occurrence (documents)", text["co_doc"], matrix(book.cooccurrence_document, None))
    for key, title in (("themes", "Themes"), ("quotes", "Quotes"), ("agreement", "Agreement"),
                       ("foi_answers", "FOI answers")):
        if getattr(book, key) is not None:
            add(title, text[key], table(getattr(book, key)))
    if book.foi_tally is not None and len(book.foi_tally):
        add("FOI tallies", text["foi_tally"],
            lambda ws, st: write_foi_tallies(ws, st, book.foi_tally))
    if book.codebook is not None:
        add("Codebook", text["codebook"], table(book.codebook))
    return plan


def _write_summary(ws: Any, styles: Any, book: WorkbookData,
                   sheets: list[tuple[str, str]]) -> None:
    from .excel_sheets import Layout, emit

    s = styles
    lay = Layout(freeze="B2", widths=[26.0, 60.0, 16.0, 12.0])
    lay.rows.append([s.cell("Item", "header"), s.cell("Value", "header")])
    if book.summary is not None:
        for item, value in book.summary[["item", "value"]].itertuples(index=False):
            lay.rows.append([s.cell(item, "bold"), s.cell(value, "value")])
    lay.rows += [[], [s.cell("Sheets in this workbook", "title")],
                 [s.cell("Sheet", "header"), s.cell("What it shows", "header")]]
    lay.rows += [[s.text(t, "top"), s.cell(what, "wrap")] for t, what in sheets]
    if book.omitted:
        lay.rows += [[], [s.cell("Not included", "title")]]
        lay.rows += [[s.text(PART_TITLES.get(k, k), "top"), s.cell(why, "wrap")]
                     for k, why in book.omitted.items()]
    freq = book.code_frequencies
    chart_at = None
    if freq is not None and len(freq):
        lay.rows += [[], [s.cell("Coded segments per top-level code", "title")],
                     [s.cell(h, "header") for h in ("Code", "Name", "Coded segments",
                                                        "Documents")]]
        first = len(lay.rows) + 1
        for r in freq.itertuples(index=False):
            lay.rows.append([s.text(r.code_id), s.cell(r.name), int(r.segments),
                             int(r.documents)])
        chart_at = (first, len(lay.rows))
    emit(ws, lay, styles)
    if chart_at:
        ws.add_chart(_frequency_chart(ws, freq, *chart_at), "E2")


def _frequency_chart(ws: Any, freq: Any, first: int, last: int) -> Any:
    """Horizontal bars of coded segments per top-level code, values on the bars."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList

    from .excel_format import chart_title

    chart = BarChart()
    chart.type, chart.legend = "bar", None
    chart.title = chart_title("Coded segments per top-level code")
    chart.x_axis.scaling.orientation = "maxMin"  # codes top to bottom, as in the table
    chart.x_axis.delete = chart.y_axis.delete = False
    top = max([int(v) for v in freq["segments"]] + [1])
    chart.y_axis.majorUnit, chart.y_axis.number_format = max(1, math.ceil(top / 8)), "0"
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                     showLegendKey=False, showPercent=False)
    chart.add_data(Reference(ws, min_col=3, min_row=first - 1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.width, chart.height = 18.0, max(7.5, 1.5 + 0.8 * (last - first + 1))
    return chart


def write_workbook(path: str | os.PathLike[str], book: WorkbookData,
                   mode: int = DEFAULT_MODE, fast: bool = True) -> Path:
    """Write ``book`` to ``path`` (.xlsx) atomically, with file mode ``mode``; returns the path.

    Raises ``QualkitError`` when the path cannot be written (naming it and why). ``fast=False``
    writes rows through openpyxl's cells instead of ``excel_rows``' serialiser (same result,
    slower; for tests and as a fallback).
    """
    from openpyxl import Workbook

    from .excel_format import Styles
    from .excel_rows import new_sheet

    plan = _plan(book)
    with atomic_output(path, mode) as tmp:
        wb = Workbook(write_only=True)
        first = new_sheet(wb, "Summary", fast)
        styles = Styles(wb, first)
        _write_summary(first, styles, book, [(t, what) for t, what, _ in plan])
        for title, _, write in plan:
            write(new_sheet(wb, title, fast), styles)
        wb.save(tmp)
    return Path(path)
