"""Charts for the report, drawn with matplotlib's object API into PNG bytes.

Decided here:
* ``matplotlib.figure.Figure`` with the Agg canvas, never ``pyplot``: no global backend is
  switched and no figure is left open, so drawing a report inside a researcher's notebook
  changes nothing there, and no display is ever needed.
* Horizontal bars: category names (codes, FOI options) are long phrases and stay readable;
  names are wrapped at 32 characters and the first category is at the top, as in a table.
* Several series are stacked (documents by authority type add up to the documents that
  mention the code); colours are the Okabe-Ito palette, distinguishable with colour-blindness.
* The PNG carries no software version or date, so the same data give the same bytes.
"""
from __future__ import annotations

import io
import textwrap

from .report import Chart

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
WIDTH_IN, DPI = 6.3, 150


def chart_png(chart: Chart, title: bool = True) -> bytes:
    """``chart`` as a PNG image (see the module docstring); ``title=False`` leaves the title
    to a caption outside the image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = max(1, len(chart.categories))
    legend_rows = (len(chart.series) + 2) // 3 if len(chart.series) > 1 else 0
    fig = Figure(figsize=(WIDTH_IN, 1.0 + 0.3 * title + 0.42 * n + 0.22 * legend_rows), dpi=DPI,
                 layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    positions = list(range(n))
    left = [0.0] * n
    for i, (name, values) in enumerate(chart.series.items()):
        ax.barh(positions, values, left=left, color=PALETTE[i % len(PALETTE)], label=name,
                height=0.65)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(positions, ["\n".join(textwrap.wrap(c, 32)) or c for c in chart.categories])
    ax.invert_yaxis()
    ax.tick_params(labelsize=8)
    ax.set_xlabel(chart.xlabel, fontsize=8)
    top = 100.0 if chart.percent else max(left + [1.0])
    ax.set_xlim(0, top * 1.22)
    if chart.percent:
        ax.set_xticks(range(0, 101, 20))
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    for pos, end, text in zip(positions, left, chart.bar_labels):
        ax.text(end + top * 0.01, pos, text, va="center", fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle("\n".join(textwrap.wrap(chart.title, 80)), fontsize=9, x=0.01,
                     horizontalalignment="left")
    if legend_rows:
        fig.legend(fontsize=7, frameon=False, loc="outside lower center",
                   ncols=min(3, len(chart.series)))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
