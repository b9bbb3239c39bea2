"""What the documents screen shows, worked out from the loaded ``Session`` alone.

An analyst weeks into a project wants to see, per document, how far they are and to jump to
one; the screen must open at once on 50,000 segments, so nothing here reads the store or
builds a DataFrame: each row is a handful of lookups in counters the session already keeps
(``doc_total``, ``doc_coded``, ``done``, ``kinds``, ``attributes``), all keyed by the name
the session shows (pseudonyms when redacted).

Attribute columns: at most two, those that group documents (few distinct values over many
documents: authority type, region) rather than describe one (a date, a role: a value per
document is no column to scan). No textual import here: tests drive it directly.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SORTS = ("name", "least coded first", "not done first")
MAX_ATTRIBUTES = 2
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class DocRow:
    label: str  # the document's name as the session shows it
    kind: str  # "transcript" | "foi" | ...
    segments: int
    coded: int  # segments this coder coded
    done: bool  # marked done by this coder
    attributes: tuple[str, ...] = ()  # values of the chosen attribute columns ("" if none)

    @property
    def share(self) -> float:
        return self.coded / self.segments if self.segments else 0.0


def percent(part: int, whole: int) -> str:
    """A share as a whole percent; "<1%" rather than "0%" when something was coded."""
    if not whole:
        return ""
    return "<1%" if 0 < part < whole / 100 else f"{part / whole:.0%}"


def natural_key(name: str) -> tuple[Any, ...]:
    """"Document 2" before "Document 10"; case ignored."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(name))


def attribute_columns(attributes: dict[str, dict[str, str]],
                      limit: int = MAX_ATTRIBUTES) -> list[str]:
    """The attributes worth a column: those that group documents, by the rule the Excel
    export uses for its attribute sheets (``why_not_grouping``); those set on most documents
    first, then fewest values."""
    from qualkit.export.workbook import why_not_grouping

    values: dict[str, list[str]] = {}
    for attrs in attributes.values():
        for name, value in attrs.items():
            if value.strip():
                values.setdefault(name, []).append(value.strip().lower())
    grouping = [(name, len(vs), len(set(vs))) for name, vs in values.items()
                if why_not_grouping(vs) is None]
    grouping.sort(key=lambda t: (-t[1], t[2], t[0]))
    return [name for name, _, _ in grouping[:limit]]


def doc_rows(s: Any, columns: list[str] | None = None) -> list[DocRow]:
    """One row per document the session knows (also one without segments), by name."""
    columns = attribute_columns(s.attributes) if columns is None else columns
    labels = sorted(set(s.kinds) | set(s.doc_total), key=natural_key)
    rows = []
    for label in labels:
        attrs = s.attributes.get(label, {})
        values = tuple(_shown(s, label, attrs.get(c, "")) for c in columns)
        rows.append(DocRow(label, s.kinds.get(label, ""), s.doc_total.get(label, 0),
                           s.doc_coded.get(label, 0), label in s.done, values))
    return rows


def _shown(s: Any, label: str, value: str) -> str:
    """An attribute value as it may be shown: through the redactor when the session has one
    (a free-text attribute could name someone)."""
    if not value or s.redactor is None:
        return value
    return s.redactor.text(value, s.real_docs.get(label, label))


def sort_rows(rows: Iterable[DocRow], mode: str) -> list[DocRow]:
    """``mode`` one of ``SORTS``; ties by name. Documents without segments (nothing to
    code) come last in "least coded first"."""
    by_name = sorted(rows, key=lambda r: natural_key(r.label))
    if mode == "least coded first":
        return sorted(by_name, key=lambda r: (not r.segments, r.share, r.coded))
    if mode == "not done first":
        return sorted(by_name, key=lambda r: r.done)
    return by_name


def summary(s: Any, rows: list[DocRow]) -> str:
    """Documents done / total and segments coded / total for this coder."""
    done = sum(r.done for r in rows)
    total = len(s.ids)
    pct = f" ({percent(s.coded, total)})" if total else ""
    return (f"{s.coder}: {done}/{len(rows)} documents done │ "
            f"{s.coded}/{total} segments coded{pct}")
