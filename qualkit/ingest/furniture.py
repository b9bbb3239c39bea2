"""Page furniture of a PDF (the running header and footer printed on every page) and its page
breaks.

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

A page break is not a paragraph break: a sentence (or a speaker's turn) runs across it. Pages
are joined by a blank line -- which ends a segment -- unless the page ends mid-sentence: its
last line is not a speaker label and ends without sentence-final punctuation, the next page
does not open with a label, and the next page opens lower-case (or with ``,;)`` or the pronoun
"I"), or the page ends on a comma, semicolon or dash. Such a page runs on into the next with a
single line break, as lines inside a page are joined. Whitespace at the break is dropped only
there; the text is built here, so offsets into it stay exact.
"""
from __future__ import annotations

import re
from collections import Counter

from qualkit.ingest.speakers import is_label_line

EDGE = 3  # lines at the top and at the bottom of a page that may be furniture
MIN_PAGES = 3

_FINAL = re.compile(r"[.!?…:][\"'”’)\]]*$")  # a sentence (or a heading's colon) ends here
_OPEN_ON = re.compile(r"[,;)\]]|I(?:['’][a-z]+)?\b")
_CLOSE_ON = re.compile(r"[,;\-–—]$")


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


def runs_on(page: str, following: str) -> bool:
    """True when ``page`` ends mid-sentence and ``following`` carries the sentence on."""
    last = page.rstrip().rsplit("\n", 1)[-1].strip()
    first = following.lstrip().split("\n", 1)[0].strip()
    if not last or not first or _FINAL.search(last):
        return False
    if is_label_line(last) or is_label_line(first):
        return False
    return first[0].islower() or bool(_OPEN_ON.match(first) or _CLOSE_ON.search(last))


def join_pages(pages: list[str]) -> str:
    """The pages' text: a blank line between pages, one line break where a sentence runs on."""
    text = ""
    for i, page in enumerate(pages):
        if i == 0:
            text = page
        elif runs_on(text, page) and page.strip():
            text = text.rstrip() + "\n" + page.lstrip()
        else:
            text += "\n\n" + page
    return text
