"""The draft report as Markdown, its charts as PNG files in a folder beside it.

``study-report.md`` gets ``study-report_charts/figure-01.png``...; the text links them by
relative path, so the pair can be moved or zipped together. Tables are pipe tables with every
cell escaped; numbers are right-aligned. Writing is all-or-nothing as far as a file system
allows: charts are drawn in memory first, each file is written atomically (0600, the folder
0700), and if anything fails the charts written by this call are removed again. Figures left
from an earlier, longer report are removed only once the new report is in place.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..models import QualkitError
from .quotes_md import md_escape, quote_markdown
from .report import Report, Section, redact_report
from qualkit.files import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def md_table(table: "pd.DataFrame") -> list[str]:
    cols = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(md_escape(c, False) for c in cols) + " |",
             "|" + "|".join([" --- "] + [" ---: "] * (len(cols) - 1)) + "|"]
    for row in table.itertuples(index=False):
        cells = [md_escape("" if v is None else v, False) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _section(s: Section, figure: str | None, counters: dict[str, int]) -> list[str]:
    lines = ["#" * (s.level + 1) + " " + md_escape(s.heading, False), ""]
    for para in s.paragraphs:
        if para:
            lines += [md_escape(para), ""]
    if s.table is not None and len(s.table):
        counters["table"] += 1
        lines += [f"*Table {counters['table']}. {md_escape(s.table_caption)}*", ""]
        lines += md_table(s.table) + [""]
    if s.chart is not None and figure is not None:
        lines += [f"![{md_escape(s.chart.title)}]({figure})", ""]
    for group in s.quotes:
        lines += ["#" * min(s.level + 2, 6) + " " + md_escape(group.heading, False), ""]
        for row in group.quotes.sort_values("rank").to_dict("records"):
            lines += quote_markdown(row)
    return lines


def report_markdown(report: Report, figures: list[str]) -> str:
    """Markdown for ``report``; ``figures`` are the image links, one per chart in order."""
    lines = [f"# {md_escape(report.title, False)}", ""]
    counters = {"table": 0}
    links = iter(figures)
    for s in report.sections:
        lines += _section(s, next(links, None) if s.chart is not None else None, counters)
    return "\n".join(lines).rstrip("\n") + "\n"


def _write_all(files: list[tuple[Path, bytes]]) -> list[Path]:
    written: list[Path] = []
    try:
        for target, data in files:
            written.append(atomic_write(target, data))
    except QualkitError:
        for done in written:
            done.unlink(missing_ok=True)
        raise
    return written


def write_report_md(path: str | Path, report: Report, redactor: Any = None) -> Path:
    """Write ``report`` to ``path`` (.md) and its charts to ``<stem>_charts/`` beside it."""
    from .report_charts import chart_png

    path = Path(path)
    if not path.parent.is_dir():
        raise QualkitError(f"{path}: cannot write, folder {path.parent} does not exist")
    report = redact_report(report, redactor)
    folder = path.parent / f"{path.stem}_charts"
    pngs = [(folder / f"figure-{n:02d}.png", chart_png(c))
            for n, c in enumerate(report.figures(), start=1)]
    text = report_markdown(report, [quote(f"{folder.name}/{p.name}") for p, _ in pngs])
    created = bool(pngs) and not folder.exists()
    if pngs:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise QualkitError(f"{folder}: cannot create the charts folder "
                               f"({exc.strerror or exc})") from None
    try:
        written = _write_all(pngs)
        try:
            atomic_write(path, text.encode("utf-8"))
        except QualkitError:
            for done in written:
                done.unlink(missing_ok=True)
            raise
    except QualkitError:
        if created and not any(folder.iterdir()):
            folder.rmdir()
        raise
    keep = {p.name for p, _ in pngs}
    for old in folder.glob("figure-*.png") if folder.is_dir() else []:
        if old.name not in keep:
            old.unlink(missing_ok=True)
    return path
