"""Page furniture of a PDF: the running header and footer printed on every page.

A transcript printed to PDF carries lines nobody said on each page -- a browser's print
header (``6/4/23, 5:44 PM Interview 14``) and footer (``https://app.example.com/print 3/32``),
an archive's ``CHM Ref: X4 © 2008 ... Page 3 of 20``. Read as text they land inside speaker
turns, mid-sentence. A Word file's headers and footers are not read at all (``readers.py``);
a PDF's are taken out the same way.

Decided: a line is furniture when the same line, digits aside (page numbers, dates), stands
at the same place -- the n-th non-blank line from the top, or from the bottom, n <= 3 -- on at
least half of the pages, and at least three. A speaker label is never furniture (a page may
well open with "Interviewer 1"). Shorter documents keep every line: two pages cannot show a
pattern. Only those lines go; a line that merely resembles them elsewhere on a page stays.
"""
from __future__ import annotations

import re
from collections import Counter

from qualkit.ingest.speakers import is_label_line

EDGE = 3  # lines at the top and at the bottom of a page that may be furniture
MIN_PAGES = 3


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _edges(lines: list[str]) -> list[tuple[tuple[str, int], int]]:
    """((side, n), line index) for the first and last EDGE non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    top = [(("top", n), i) for n, i in enumerate(filled[:EDGE])]
    bottom = [(("bottom", n), i) for n, i in enumerate(reversed(filled[-EDGE:]))]
    return top + bottom


def strip_furniture(pages: list[str]) -> tuple[list[str], int]:
    """``pages`` without their running headers and footers; and how many lines went."""
    if len(pages) < MIN_PAGES:
        return pages, 0
    split = [page.split("\n") for page in pages]
    seen: Counter[tuple] = Counter()
    for lines in split:
        seen.update({(place, _key(lines[i])) for place, i in _edges(lines)
                     if not is_label_line(lines[i])})
    need = max(MIN_PAGES, (len(pages) + 1) // 2)
    furniture = {k for k, n in seen.items() if n >= need and re.search(r"[^\W\d_]", k[1])}
    if not furniture:
        return pages, 0
    out, removed = [], 0
    for lines in split:
        drop = {i for place, i in _edges(lines) if (place, _key(lines[i])) in furniture
                and not is_label_line(lines[i])}
        removed += len(drop)
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return out, removed
