"""Sheet layouts shared by the workbook's sheets: a plain table, a code matrix, a code x group
table with denominators.

Every layout is computed in full (widths, frozen panes, rows) before the first row is written,
because openpyxl's write-only sheets write the column widths and panes ahead of the rows. A
layout returns the 1-based row range it used, so callers can add charts and formatting.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openpyxl.utils.cell import (column_index_from_string, coordinate_from_string,
                                 get_column_letter)

from .excel_format import Styles, heatmap, plain, width_for
from .excel_rows import write_rows

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

HEADERS = {
    "code_id": "Code", "name": "Name", "rank": "Rank", "document": "Document",
    "speaker": "Speaker", "start": "Start", "end": "End", "text": "Text", "segment_id": "Segment",
    "theme_id": "Theme", "size": "Segments", "keywords": "Keywords",
    "resembles_code": "Resembles code", "score": "Score", "quotes": "Representative quotes",
    "n_units": "Units", "percent_agreement": "% agreement", "cohen_kappa": "Cohen's kappa",
    "krippendorff_alpha": "Krippendorff's alpha", "prevalence": "Prevalence",
    "parent": "Parent", "level": "Level", "description": "Description", "include": "Include",
    "exclude": "Exclude", "examples": "Examples", "coder": "Coder", "item": "Item",
    "value": "Value", "segments": "Coded segments", "documents": "Documents",
    "authority_type": "Authority type", "role": "Role", "party": "Party",
    "n_coders": "Coders", "alpha_low": "Alpha 95% CI low", "alpha_high": "Alpha 95% CI high",
    "gwet_ac1": "Gwet's AC1", "brennan_prediger": "Brennan-Prediger", "note": "Note",
}
WRAPPED = {"text": 80, "quotes": 80, "description": 50, "include": 40, "exclude": 40,
           "examples": 40, "keywords": 40}
NUMBER_STYLES = {"percent_agreement": "pct", "cohen_kappa": "dec3", "krippendorff_alpha": "dec3",
                 "alpha_low": "dec3", "alpha_high": "dec3", "gwet_ac1": "dec3",
                 "brennan_prediger": "dec3", "prevalence": "dec3", "score": "dec3",
                 "percent": "pct"}


@dataclass
class Column:
    header: Any
    values: list[Any]
    style: str | None = None
    width: float | None = None
    as_text: bool = False  # write every value as text (ids, file names)


@dataclass
class Layout:
    """What a sheet needs before its rows: widths, frozen cell, and the rows themselves."""

    widths: list[float] = field(default_factory=list)
    freeze: str | None = "B2"
    rows: list[list[Any]] = field(default_factory=list)
    print_header: bool = True  # repeat row 1 on printed pages
    column_keys: list[str | None] = field(default_factory=list)  # style of plain data cells
    data_from: int = 2  # first row (1-based) that column_keys apply to


def frame_columns(df: "pd.DataFrame", names: dict[str, str] | None = None,
                  as_text: Sequence[str] = ("code_id", "document", "segment_id", "theme_id",
                                            "speaker", "parent")) -> list[Column]:
    """Columns of ``df`` with readable headers, wrapped long text and number formats; a
    ``code_id`` column is followed by the code's name when ``names`` is given."""
    cols = []
    for col in df.columns:
        key = str(col)
        values = df[col].tolist()
        cols.append(Column(HEADERS.get(key, key), values,
                           "wrap" if key in WRAPPED else NUMBER_STYLES.get(key),
                           WRAPPED.get(key), key in as_text))
        if key == "code_id" and names and "name" not in df.columns:
            cols.append(Column("Name", [names.get(str(v), "") for v in values]))
    return cols


def table_layout(styles: Styles, columns: list[Column], freeze: str | None = "B2") -> Layout:
    """Header row plus one row per value; widths from the content. When a column wraps,
    every cell is aligned to the top (numbers beside a long quote read from its first line)."""
    out = Layout(freeze=freeze)
    out.widths = [width_for(c.header, c.values, hi=c.width or 60) for c in columns]
    out.rows.append([styles.text(c.header, "header") for c in columns])
    top = any(c.style == "wrap" for c in columns)
    for c in columns:
        key = c.style
        if top and key is None:
            key = "top"
        elif top and key in ("pct", "dec3"):
            key += "_top"
        out.column_keys.append(key)
    cells = [styles.column(c.values, k, c.as_text) for c, k in zip(columns, out.column_keys)]
    out.rows += [list(r) for r in zip(*cells)]
    return out


def _page_setup(ws: Any, layout: Layout) -> None:
    """Landscape, header row repeated on every printed page; fit to the page width when the
    sheet is narrow enough to stay legible."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    if sum(layout.widths) <= 260:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if not (layout.freeze and layout.print_header):
        return
    col, row = coordinate_from_string(layout.freeze)
    if row == 2:
        ws.print_title_rows = "1:1"
    if column_index_from_string(col) > 2:  # the label columns on every printed page
        ws.print_title_cols = f"A:{get_column_letter(column_index_from_string(col) - 1)}"


def emit(ws: Any, layout: Layout, styles: Styles) -> None:
    """Write ``layout`` to an empty write-only sheet: widths, panes and page set-up first
    (openpyxl writes them ahead of the rows), then the rows."""
    for i, w in enumerate(layout.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    _page_setup(ws, layout)
    write_rows(ws, layout.rows, styles, layout.widths, layout.column_keys, layout.data_from)


def write_table(ws: Any, styles: Styles, columns: list[Column], freeze: str | None = "B2",
                autofilter: bool = True) -> int:
    """A plain table with frozen header and first column and an autofilter; returns last row."""
    layout = table_layout(styles, columns, freeze)
    emit(ws, layout, styles)
    last = len(layout.rows)
    if autofilter and columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(last, 1)}"
    return last


def _label_cells(styles: Styles, code_ids: list[str], names: dict[str, str],
                 levels: dict[str, int]) -> list[list[Any]]:
    out = []
    for cid in code_ids:
        level = min(levels.get(cid, 0), 5)
        out.append([styles.text(cid),
                    styles.cell(names.get(cid, ""), f"indent{level}" if level else None)])
    return out


def _header_width(values: list[Any]) -> float:
    """One width for all the matrix's data columns: the longest header up to 18 characters
    (longer names wrap onto two or three lines)."""
    longest = max((len(str(plain(v) or "")) for v in values), default=6)
    return float(min(18, max(8, longest + 2)))


def write_matrix(ws: Any, styles: Styles, matrix: "pd.DataFrame", names: dict[str, str],
                 levels: dict[str, int], total: str | None = None, note: str | None = None,
                 ) -> None:
    """Codes down, ``matrix`` columns across, with a heatmap over the numbers; an optional
    row-total column ``total`` sits after the code name, inside the frozen panes."""
    code_ids = [str(i) for i in matrix.index]
    across = [str(c) for c in matrix.columns]
    head = ["Code", "Name"] + ([total] if total else []) + across
    first_num = 3 + (1 if total else 0)
    layout = Layout(freeze=f"{get_column_letter(first_num)}2")
    layout.widths = ([width_for("Code", code_ids, hi=30),
                      width_for("Name", [names.get(c, "") for c in code_ids], hi=45)]
                     + ([width_for(total, [])] if total else [])
                     + [_header_width(across)] * len(across))
    layout.rows.append([styles.text(h, "header") for h in head])
    values = [styles.column(row) for row in matrix.to_numpy().tolist()]  # NaN -> empty
    sums = matrix.sum(axis=1).tolist() if total else None
    for i, labels in enumerate(_label_cells(styles, code_ids, names, levels)):
        layout.rows.append(labels + ([styles.cell(sums[i], "bold")] if total else [])
                           + values[i])
    if note:
        layout.rows += [[], [styles.cell(note, "note")]]
    emit(ws, layout, styles)
    last_col = get_column_letter(len(head))
    ws.auto_filter.ref = f"A1:{last_col}{len(code_ids) + 1}"
    if code_ids and across:
        heatmap(ws, f"{get_column_letter(first_num)}2:{last_col}{len(code_ids) + 1}")


def write_groups(ws: Any, styles: Styles, tidy: "pd.DataFrame", names: dict[str, str],
                 levels: dict[str, int], unit: str = "documents") -> None:
    """Codes down; per group a count column ("<group> / (n = D)") and a % column beside it;
    a bottom row "n =" gives each group's denominator; heatmap over the percentages."""
    groups = list(dict.fromkeys(tidy["group"].astype(str)))
    code_ids = list(dict.fromkeys(tidy["code_id"].astype(str)))
    den = tidy.drop_duplicates("group").set_index("group")["denominator"].astype(int).to_dict()
    table = tidy.set_index(["code_id", "group"])
    head = ["Code", "Name"]
    for g in groups:
        head += [f"{g}\n(n = {den[g]})", "%"]
    layout = Layout(freeze="C2")
    layout.widths = [width_for("Code", code_ids, hi=30),
                     width_for("Name", [names.get(c, "") for c in code_ids], hi=45)]
    layout.widths += [w for g in groups for w in (max(9.0, min(24.0, len(g) + 2.0)), 7.0)]
    layout.rows.append([styles.text(h, "header") for h in head])
    counts = table["count"].to_dict()
    pcts = table["percent"].to_dict()
    for labels, cid in zip(_label_cells(styles, code_ids, names, levels), code_ids):
        row = labels
        for g in groups:
            row += [plain(counts.get((cid, g))), styles.cell(pcts.get((cid, g)), "pct")]
        layout.rows.append(row)
    last = len(code_ids) + 1
    n_row = [styles.cell(f"n = {unit} in group", "total"), styles.cell(None, "total")]
    for g in groups:
        n_row += [styles.cell(den[g], "total"), styles.cell(None, "total")]
    layout.rows += [n_row, [], [styles.cell(f"Each count is the number of {unit} in the "
                                            "group with at least one segment of the code (or of "
                                            "its sub-codes); % = count / n.", "note")]]
    emit(ws, layout, styles)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{last}"
    if code_ids and groups:  # one scale over every % column: percentages compare across groups
        cols = [get_column_letter(4 + 2 * j) for j in range(len(groups))]
        heatmap(ws, " ".join(f"{c}2:{c}{last}" for c in cols), percent=True)
