"""Quotes as Markdown: a heading per code, each quote a block quote with an attribution line.

Markdown is what report writers paste into drafts, so the file must read cleanly as plain text
and render as intended: whitespace inside a quote is collapsed to one line, characters that
Markdown would read as emphasis, code or HTML are escaped, and a quote that starts like a
heading or a list item is escaped at its start. Square brackets are left alone, so redaction
tags read "[Person 1]", not "\\[Person 1\\]". Context (the sentences around a quote in the
same turn) is shown in italics either side of the quote. A code's description is a plain
paragraph prefixed "Code:", so it does not look like another quote.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Code
from .redaction import Redactor, redact_quotes
from qualkit.files import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_INLINE = re.compile(r"([\\`*_<>|])")
_LINE_START = re.compile(r"^(#|[-+]|\d+[.)])")
_BREAKS = re.compile(r"[ \t\r\n\f\v\u2028\u2029\x85]+")  # not the em spaces that indent


def one_line(text: Any) -> str:
    """``text`` on one line: line breaks and runs of spaces become one space."""
    return _BREAKS.sub(" ", str(text)).strip(" ")


def md_escape(text: Any, line_start: bool = True) -> str:
    """One line of text that Markdown shows as written (``line_start``: also escape what would
    make a line a heading or list item; not needed after "## " or "| ")."""
    line = _INLINE.sub(r"\\\1", one_line(text))
    return _LINE_START.sub(r"\\\1", line) if line_start else line


def _clean(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def attribution(row: Any) -> str:
    """"Participant 2, Document 3" or "Sarah Jones (participant), interview-01.txt"."""
    speaker, role = _clean(row.get("speaker")), _clean(row.get("role"))
    document = _clean(str(row.get("document") or ""))
    who = speaker
    if speaker and role and role.casefold() not in speaker.casefold():
        who = f"{speaker} ({role})"
    return ", ".join(part for part in (who, document) if part)


def code_names(codes: Iterable[Code]) -> dict[str, Code]:
    return {c.id: c for c in codes}


def code_title(code_id: str, codes: dict[str, Code]) -> str:
    code = codes.get(code_id)
    return f"{code.name} ({code_id})" if code is not None else code_id


def quote_markdown(row: Any) -> list[str]:
    """The lines of one block quote and its attribution."""
    body = md_escape(row["text"])
    before, after = _clean(row.get("context_before")), _clean(row.get("context_after"))
    if before:
        body = f"*{md_escape(before)}* {body}"
    if after:
        body = f"{body} *{md_escape(after)}*"
    return [f"> {body}", ">", f"> — {md_escape(attribution(row))}", ""]


def quotes_markdown(quotes: "pd.DataFrame", codes: Iterable[Code] = (),
                    redactor: Redactor | None = None, title: str = "Illustrative quotes"
                    ) -> str:
    """The whole Markdown document for a quotes frame (from ``select_quotes``)."""
    shown = redact_quotes(quotes, redactor)
    names = code_names(codes)
    lines = [f"# {md_escape(title, False)}", "",
             "Chosen by qualkit as typical of each code and spread over documents and "
             "speakers; a first selection for the report writer to edit.", ""]
    if redactor is not None and redactor.active:
        lines += ["Names and identifiers are replaced by tags; speakers and documents are "
                  "pseudonymised.", ""]
    for code_id, group in shown.groupby("code_id", sort=False):
        lines += [f"## {md_escape(code_title(str(code_id), names), False)}", ""]
        code = names.get(str(code_id))
        if code is not None and code.description:
            lines += [f"Code: {md_escape(code.description, False)}", ""]
        for row in group.sort_values("rank").to_dict("records"):
            lines += quote_markdown(row)
    if len(shown) == 0:
        lines += ["No quotes: none of these codes has been applied yet.", ""]
    return "\n".join(lines)


def write_quotes_md(path: str | Path, quotes: "pd.DataFrame", codes: Iterable[Code] = (),
                    redactor: Redactor | None = None, title: str = "Illustrative quotes"
                    ) -> Path:
    text = quotes_markdown(quotes, codes, redactor, title)
    return atomic_write(path, text.encode("utf-8"))
