"""Quotes to a file by format (Markdown, Word or CSV), and the CSV writer itself.

The CSV is for people who sort and annotate quotes in a spreadsheet: UTF-8 with a byte-order
mark (so Excel shows "naïve" and "—" correctly), one row per quote with the code's name beside
its id. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with an apostrophe, so a spreadsheet never runs a transcript line as a formula
(OWASP's advice for CSV injection); nothing else is changed.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Code, QualkitError
from ..privacy import RedactionReport
from .quotes_md import code_names
from .redaction import Redactor, redact_quotes
from qualkit.files import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FORMATS = ("md", "docx", "csv")


@dataclass
class Exported:
    """What an export wrote: the file, how many quotes it holds, and (when redacted) what
    was replaced, by pseudonymised document and kind."""

    path: Path
    quotes: int
    redaction: RedactionReport | None = None
    missing: list[str] = field(default_factory=list)  # codes asked for that have no quotes
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def quotes_csv(quotes: "pd.DataFrame", codes: Iterable[Code] = (),
               redactor: Redactor | None = None) -> str:
    shown = redact_quotes(quotes, redactor)
    names = code_names(codes)
    shown.insert(1, "code_name", [names[c].name if c in names else "" for c in shown["code_id"]])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(shown.columns))
    for row in shown.itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def write_quotes_csv(path: str | Path, quotes: "pd.DataFrame", codes: Iterable[Code] = (),
                     redactor: Redactor | None = None) -> Path:
    return atomic_write(path, quotes_csv(quotes, codes, redactor).encode("utf-8-sig"))


def format_of(path: str | Path, fmt: str | None) -> str:
    """``fmt`` if given, else the file's suffix; QualkitError unless md, docx or csv."""
    chosen = (fmt or Path(path).suffix.lstrip(".") or "md").lower()
    chosen = {"markdown": "md", "word": "docx"}.get(chosen, chosen)
    if chosen not in FORMATS:
        raise QualkitError(f"{path}: cannot write quotes as {chosen!r}; choose one of "
                           f"{', '.join(FORMATS)}")
    return chosen


def write_quotes(path: str | Path, quotes: "pd.DataFrame", codes: Iterable[Code] = (),
                 fmt: str | None = None, redactor: Redactor | None = None,
                 title: str = "Illustrative quotes") -> Path:
    """Write ``quotes`` as Markdown, Word or CSV (``fmt``, else from the suffix)."""
    chosen = format_of(path, fmt)
    if chosen == "csv":
        return write_quotes_csv(path, quotes, codes, redactor)
    if chosen == "docx":
        from .quotes_docx import write_quotes_docx

        return write_quotes_docx(path, quotes, codes, redactor, title)
    from .quotes_md import write_quotes_md

    return write_quotes_md(path, quotes, codes, redactor, title)
