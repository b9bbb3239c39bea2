"""The FOI tallies sheet, laid out like the tables of the published policy brief.

Researchers copy these tables into reports, so each question gets its own block, as in the
brief (Martin-Denham et al., 2023): the question as worded in the letter, one row per answer
option, and per authority group a count column with its % beside it; a row "n =" under the
options gives each group's denominator (the authorities asked that question: one base for
every row, as the tally computes it), so "67 of 91" is visible rather than implied. Answers
that could not be read and refusals are rows of their own under the options, on the same base,
so the rows of a group add up to its "n =". Each block has a native
bar chart of the percentages (one bar series per group) to its right; blocks are spaced so
that charts never overlap the next table.

The sheet lays out ``qualkit.foi.tally.tally`` output as it is and recomputes nothing.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.utils import get_column_letter

from ..foi.wording_labels import OPTIONS, QUESTIONS, option_label, question_text
from .excel_format import Styles, chart_title
from .excel_sheets import Layout, emit

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

QUESTION_TEXT = {q: question_text(q, numbered=True) for q in QUESTIONS}  # as titled here
OPTION_TEXT = OPTIONS
ROW_CM = 0.53  # a default 15-point row
APART = ("unclear", "refused")  # statuses shown under the options, not charted
N_LABEL = "n = authorities asked"


def _block(styles: Styles, question: str, qdf: "pd.DataFrame",
           groups: list[str]) -> tuple[list[list[Any]], list[str]]:
    """Rows of one question's table (title, two header rows, one row per option, then the
    unclear and refused rows, then "n =") and the options the chart shows."""
    cell = {(r.option, r.group): r for r in qdf.itertuples(index=False)}
    options = list(dict.fromkeys(qdf["option"].astype(str)))
    charted = [o for o in options if o not in APART]
    shown = charted + [o for o in APART if o in options]
    rows: list[list[Any]] = [[styles.cell(QUESTION_TEXT.get(question, question), "title")]]
    top, sub = [styles.cell("Answer", "header")], [styles.cell(None, "header")]
    for g in groups:
        top += [styles.text(g, "group"), styles.cell(None, "group")]  # centred over both
        sub += [styles.cell("count", "header"), styles.cell("%", "header")]
    rows += [top, sub]
    for opt in shown:
        row = [styles.cell(option_label(opt), "note" if opt in APART else None)]
        for g in groups:
            r = cell.get((opt, g))
            row += [None, None] if r is None else [int(r.count), styles.cell(r.percent, "pct")]
        rows.append(row)
    n_row = [styles.cell(N_LABEL, "total")]
    for g in groups:
        r = cell.get((shown[0], g)) if shown else None
        n_row += [styles.cell(None if r is None else int(r.denominator), "total"),
                  styles.cell(None, "total")]
    rows.append(n_row)
    return rows, charted


def _chart(question: str, groups: list[str], first: int, n_options: int, ws: Any) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = chart_title(QUESTION_TEXT.get(question, question).split(". ", 1)[-1])
    chart.y_axis.title = "% of authorities answering"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    chart.y_axis.majorUnit, chart.y_axis.number_format = 20, "0"
    chart.x_axis.scaling.orientation = "maxMin"  # options top to bottom, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    cats = Reference(ws, min_col=1, min_row=first, max_row=first + n_options - 1)
    for j, g in enumerate(groups):
        col = 3 + 2 * j
        data = Reference(ws, min_col=col, min_row=first, max_row=first + n_options - 1)
        series = Series(data, title=g)
        chart.series.append(series)
    chart.set_categories(cats)
    bars = max(1, n_options * len(groups))
    chart.height = min(22.0, max(7.5, 2.5 + 0.28 * bars))
    chart.width = 17.0
    return chart


def write_foi_tallies(ws: Any, styles: Styles, tally: "pd.DataFrame",
                      by: str | None = "authority type") -> None:
    """One brief-style block per question, each with its bar chart to the right."""
    questions = list(dict.fromkeys(tally["question"].astype(str)))
    layout = Layout(freeze="B2", print_header=False)
    title = "FOI answers: count and % of authorities" + (f", by {by}" if by else "")
    layout.rows.append([styles.cell(title, "title")])
    charts, widest = [], 1
    for q in questions:
        qdf = tally[tally["question"] == q]
        groups = list(dict.fromkeys(qdf["group"].astype(str)))
        block, options = _block(styles, q, qdf, groups)
        start = len(layout.rows) + 2  # 1-based row of the block title, after a blank row
        layout.rows.append([])
        layout.rows += block
        first_option = start + 3
        chart = _chart(q, groups, first_option, len(options), ws)
        chart_rows = math.ceil(chart.height / ROW_CM)
        charts.append((chart, start))
        layout.rows += [[] for _ in range(max(0, chart_rows - len(block)) + 1)]
        widest = max(widest, len(groups))
    longest = max([len(option_label(str(o))) for o in tally["option"]] + [28])
    group_len = max([len(str(g)) for g in tally["group"]] + [7])
    # a group's name is centred over its count and % columns: together they must hold it
    layout.widths = [min(48.0, longest + 2.0)] + [max(9.0, group_len + 3.0 - 7.0), 7.0] * widest
    emit(ws, layout, styles)
    anchor_col = 2 + 2 * widest + 1
    for chart, row in charts:
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{row}")
