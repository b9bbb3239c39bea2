"""Cell values and looks for the Excel export: safe text, real numbers, shared styles, widths.

Decisions:

- **Formula injection.** Segment texts, speaker names and file names come from outside (an
  FOI letter can contain anything). In .xlsx a cell is only a formula if it is written as one,
  so every string is written as a string cell (``data_type 's'``; openpyxl would otherwise turn
  a value starting with ``=`` into a formula). That alone stops evaluation on opening; but
  Excel and LibreOffice re-parse a cell when someone edits it, so text starting with ``=``,
  ``+``, ``-``, ``@``, tab or CR also gets the ``quotePrefix`` style: the spreadsheet shows
  and keeps it as text, as if typed with a leading apostrophe, while the stored value stays
  exactly the quote ("-5 children" is not rewritten to "'-5 children"; OWASP's literal
  apostrophe is for CSV, which has no styles).
- **Numbers are numbers**: numpy scalars become int/float, NaN/NA/NaT become empty cells
  (a NaN written to .xlsx makes Excel report a damaged file), lists become joined text.
- Characters XML 1.0 cannot hold (control characters from PDFs) are dropped.
- **Styles are named**: each is registered once on the workbook (``Styles``) and a value
  that needs one travels as ``Styled(value, name)``; the row writer (``excel_rows``) turns
  names into style ids, so 700,000 cells do not mean 700,000 style objects.
"""
from __future__ import annotations

import math
import re
from copy import copy
from typing import Any, NamedTuple

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SHEET_NAME_MAX = 31
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell; longer text makes it "repair" the file
TRUNCATED = " [... cut: longer than an Excel cell holds]"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

HEADER_FILL = "DDE4EE"
HEAT_LOW, HEAT_HIGH = "FFFFFF", "F4A261"


def plain(value: Any) -> Any:
    """A value openpyxl stores faithfully: int/float/bool/str/datetime, or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    kind = type(value).__module__
    if kind.startswith("numpy"):
        if hasattr(value, "tolist"):
            return plain(value.tolist())
    if kind.startswith("pandas"):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
            if hasattr(value, "isoformat"):
                return value.isoformat()
        except (TypeError, ValueError):
            pass
    if hasattr(value, "isoformat"):  # a date is shown as written: 2024-05-01
        return value.isoformat()
    return str(value)


def clean_text(text: str) -> str:
    """``text`` without characters an .xlsx file cannot store, cut to what a cell holds."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED
    return text


def needs_guard(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula if a user edited the cell."""
    return text.startswith(FORMULA_TRIGGERS)


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively) sheet name of at most 31 characters."""
    base = _SHEET_BAD.sub("-", name).strip("'") or "Sheet"
    title, n = base[:SHEET_NAME_MAX], 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


class Styled(NamedTuple):
    """A cell value with the name of its style (``"wrap"``, ``"pct"``; ``!`` = quote-prefixed)."""

    value: Any
    key: str


class Styles:
    """Named styles registered once on a workbook; cells refer to them by name.

    ``arrays[key]`` is openpyxl's StyleArray for a style, ``ids[key]`` its index in the
    workbook's cell formats (what a cell's ``s`` attribute holds), ``wrapping`` the styles
    that wrap text (their rows get a height fitting the text).
    """

    def __init__(self, wb: Any, ws: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.styles.cell_style import StyleArray

        thin = Side(style="thin", color="8EA0B8")
        fill = PatternFill("solid", fgColor=HEADER_FILL)
        top = dict(vertical="top")
        specs: dict[str, dict[str, Any]] = {
            "": {},
            "header": dict(font=Font(bold=True), fill=fill, border=Border(bottom=thin),
                           alignment=Alignment(wrap_text=True, **top)),
            "group": dict(font=Font(bold=True), fill=fill, alignment=Alignment(
                horizontal="centerContinuous")),
            "title": dict(font=Font(bold=True, size=12)),
            "bold": dict(font=Font(bold=True), alignment=Alignment(**top)),
            "note": dict(font=Font(italic=True, color="555555")),
            "top": dict(alignment=Alignment(**top)),
            "wrap": dict(alignment=Alignment(wrap_text=True, **top)),
            "value": dict(alignment=Alignment(wrap_text=True, horizontal="left", **top)),
            "pct": dict(number_format="0.0"),
            "pct_top": dict(number_format="0.0", alignment=Alignment(**top)),
            "dec3": dict(number_format="0.000"),
            "dec3_top": dict(number_format="0.000", alignment=Alignment(**top)),
            "total": dict(font=Font(bold=True), border=Border(top=thin)),
        }
        for level in range(1, 6):
            specs[f"indent{level}"] = dict(alignment=Alignment(horizontal="left",
                                                               indent=level * 2))
        self.arrays: dict[str, Any] = {}
        self.wrapping: set[str] = set()
        for key, spec in specs.items():
            probe = WriteOnlyCell(ws)
            probe._style = StyleArray()
            for attr, value in spec.items():
                setattr(probe, attr, value)
            guarded = copy(probe._style)
            guarded.quotePrefix = 1
            self.arrays[key], self.arrays[key + "!"] = copy(probe._style), guarded
            if spec.get("alignment") is not None and spec["alignment"].wrap_text:
                self.wrapping |= {key, key + "!"}
        self.ids = {key: wb._cell_styles.add(array) for key, array in self.arrays.items()}

    def cell(self, value: Any, style: str | None = None) -> Any:
        """``value`` made safe: a plain value, or ``Styled`` when it needs a style (asked
        for, or the quote prefix for text a spreadsheet would read as a formula)."""
        value = plain(value)
        if type(value) is str:
            value = clean_text(value) or None
            if value is not None and value.startswith(FORMULA_TRIGGERS):
                return Styled(value, (style or "") + "!")
        return value if style is None else Styled(value, style)

    def column(self, values: list[Any], style: str | None = None,
               as_text: bool = False) -> list[Any]:
        """A column's values made safe, leaving the column's ``style`` to the writer: plain
        values, except ``Styled(text, style + "!")`` for text needing the quote prefix."""
        guard = (style or "") + "!"
        out = []
        for v in values:
            kind = type(v)
            if kind is float:
                v = None if v != v or v in (math.inf, -math.inf) else v
            elif kind is not str and kind is not int and v is not None:
                v = plain(v)
                if as_text and v is not None:
                    v = str(v)
                kind = type(v)
            if kind is str:
                if len(v) > MAX_CELL_CHARS or _ILLEGAL.search(v):
                    v = clean_text(v)
                if not v:
                    v = None
                elif v.startswith(FORMULA_TRIGGERS):
                    v = Styled(v, guard)
            elif as_text and v is not None:
                v = str(v)
                if v.startswith(FORMULA_TRIGGERS):
                    v = Styled(v, guard)
            out.append(v)
        return out

    def text(self, value: Any, style: str | None = None) -> Any:
        """Like ``cell`` but any value is shown as text (ids, file names)."""
        value = plain(value)
        return self.cell(None if value is None else str(value), style)


def width_for(header: Any, values: list[Any], lo: float = 6, hi: float = 60) -> float:
    """A column width fitting the header's longest word and the longest of the first values."""
    words = str(header or "").split() or [""]
    longest = max(len(w) for w in words)
    for v in values[:500]:
        v = plain(v)
        if v is None:
            continue
        text = f"{v:.1f}" if isinstance(v, float) else str(v)
        longest = max(longest, max((len(line) for line in text.split("\n")), default=0))
    return float(min(hi, max(lo, longest + 2)))


def lines_needed(text: str, width: float, bold: bool = False) -> int:
    """Lines a wrapped ``text`` takes in a column ``width`` characters wide (an estimate for
    the default 11-point font: neither Excel nor LibreOffice re-measures rows on opening)."""
    per_line = max(1.0, width * (1.0 if bold else 1.2) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    """Points for ``lines`` lines of 11-point text (Excel caps a row at 409 points)."""
    return float(min(409.0, 15.0 * lines + 1))


def chart_title(text: str, size: int = 11) -> Any:
    """A chart title in ``size``-point bold (openpyxl's default is 18 points, which crowds
    out the bars of a small chart)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (CharacterProperties, Paragraph, ParagraphProperties,
                                       RegularTextRun)

    props = CharacterProperties(sz=size * 100, b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def heatmap(ws: Any, ref: str, percent: bool = False) -> None:
    """A two-colour scale over the cells in ``ref`` (several ranges may be space-separated):
    white for the smallest value and orange for the largest, or for 0 and 100 when
    ``percent`` (so every % column of a sheet shares one scale)."""
    from openpyxl.formatting.rule import ColorScaleRule

    ends = dict(start_type="num", start_value=0, end_type="num", end_value=100) if percent \
        else dict(start_type="min", end_type="max")
    ws.conditional_formatting.add(ref, ColorScaleRule(start_color=HEAT_LOW, end_color=HEAT_HIGH,
                                                      **ends))
