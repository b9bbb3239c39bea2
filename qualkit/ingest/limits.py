"""Size limits on what ingest reads, so one odd file cannot take the machine (issue #9).

A 520 KB .docx once expanded to 3,000,000 segments (191 s, 4.5 GB of memory, a 442 MB store)
and a 1,160,000-character paragraph stopped the whole batch inside spaCy. Four limits, each
settable under ``limits:`` in qualkit.yaml, each refusing one file with a message that names
the setting:

- ``file_mb``: the size of a file on disk.
- ``docx_expansion``: how many times a .docx may expand when unzipped. Word text compresses
  about 5-30 times; a zip bomb, hundreds of times. Files that unzip to under
  ``DOCX_EXPANSION_FLOOR`` bytes are never refused: they cannot hurt.
- ``paragraph_chars``: the longest stretch of text cut into sentences in one go. A longer turn
  (or a document without speaker labels and blank lines) is not refused but cut into parts at
  blank lines, else line breaks, else sentence ends, else spaces, and the cut is reported;
  text with no space at all over that length is not prose and is refused. spaCy's own ceiling
  is 1,000,000 characters, so the setting cannot go above it.
- ``segments_per_document``: checked on the number of turns before segmenting (a cheap lower
  bound, so a bomb is refused before the work) and on the segments after; a .docx with over
  twice as many paragraphs is refused before it is parsed (its tags counted in a stream).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from qualkit.models import QualkitError, ReadError, Turn

DOCX_EXPANSION_FLOOR = 10 * 1024 * 1024
SPACY_MAX_CHARS = 1_000_000
_CHUNK = 1 << 20  # bytes of document.xml read at a time when counting paragraphs
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")


@dataclass(frozen=True)
class Limits:
    file_mb: int = 100
    docx_expansion: int = 100
    paragraph_chars: int = 100_000
    segments_per_document: int = 50_000

    _RANGES = {"file_mb": (1, 100_000), "docx_expansion": (2, 1_000_000),
               "paragraph_chars": (1_000, SPACY_MAX_CHARS),
               "segments_per_document": (10, 100_000_000)}

    def __post_init__(self) -> None:
        for f in fields(self):
            value, (low, high) = getattr(self, f.name), self._RANGES[f.name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise QualkitError(f"qualkit.yaml: limits.{f.name} must be a whole number from "
                                   f"{low:,} to {high:,} (got {value!r})")

    @classmethod
    def from_settings(cls, block: dict[str, Any] | None) -> "Limits":
        return cls(**{k: v for k, v in (block or {}).items() if v is not None})


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.file_mb * 1024 * 1024:
        raise ReadError(f"file is {size / 1024 / 1024:,.1f} MB, over the limit of "
                        f"{limits.file_mb:,} MB (limits.file_mb in qualkit.yaml)")


def check_docx_expansion(data: bytes, limits: Limits) -> None:
    """Refuse a .docx whose parts unzip to too many times its size (a zip bomb).

    The sizes are the ones the zip declares; Python's zipfile never returns more than the
    declared size of a part (it stops there and checks the CRC), so they bound the real work.
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            expanded = sum(max(0, i.file_size) for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip: the Word reader says so
    ratio = expanded / max(1, len(data))
    if expanded > DOCX_EXPANSION_FLOOR and ratio > limits.docx_expansion:
        raise ReadError(f"Word file would expand from {len(data) / 1024:,.0f} KB to "
                        f"{expanded / 1024 / 1024:,.0f} MB ({ratio:,.0f} times, over the limit "
                        f"of {limits.docx_expansion:,}; a zip bomb?); if it is genuine, raise "
                        "limits.docx_expansion in qualkit.yaml")


def check_docx_paragraphs(data: bytes, limits: Limits) -> None:
    """Refuse a .docx with over twice ``segments_per_document`` paragraphs (empty ones count
    too) by counting ``<w:p>`` tags in a stream, before python-docx builds the whole tree: a
    barely compressed bomb passes the expansion check but not this one."""
    import zipfile

    limit = 2 * limits.segments_per_document
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("word/document.xml") as xml:
            count, tail = 0, b""
            while count <= limit and (chunk := xml.read(_CHUNK)):
                block = tail + chunk  # a 5-byte tag cannot lie wholly in the 4-byte tail
                count += block.count(b"<w:p>") + block.count(b"<w:p ")
                tail = block[-4:]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return  # not a Word file, or a damaged one: the Word reader says so
    if count > limit:
        raise ReadError(f"Word file has over {limit:,} paragraphs, more than twice the limit "
                        f"of {limits.segments_per_document:,} segments per document "
                        "(limits.segments_per_document in qualkit.yaml); is this one transcript?")


def check_segment_count(n: int, limits: Limits, what: str = "segments") -> None:
    if n > limits.segments_per_document:
        raise ReadError(f"{n:,} {what}, over the limit of {limits.segments_per_document:,} "
                        "segments per document (limits.segments_per_document in qualkit.yaml); "
                        "is this one transcript?")


def split_long_units(text: str, turns: list[Turn], limits: Limits
                     ) -> tuple[list[Turn], list[str]]:
    """Turns (or the speakerless document) cut so none is longer than ``paragraph_chars``.

    Returns ``turns`` itself when nothing is too long, and one warning per cut unit."""
    units = turns or [Turn(0, len(text))]
    if all(u.end - u.start <= limits.paragraph_chars for u in units):
        return turns, []
    out: list[Turn] = []
    warnings: list[str] = []
    for unit in units:
        if unit.end - unit.start <= limits.paragraph_chars:
            out.append(unit)
            continue
        pieces = _cut(text, unit.start, unit.end, limits.paragraph_chars)
        out.extend(replace(unit, start=a, end=b) for a, b in pieces)
        line = text.count("\n", 0, unit.start) + 1
        warnings.append(f"line {line}: {unit.end - unit.start:,} characters without a speaker "
                        f"change were cut into {len(pieces)} parts of at most "
                        f"{limits.paragraph_chars:,} at paragraph, line or sentence ends "
                        "(limits.paragraph_chars in qualkit.yaml)")
    return out, warnings


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    pos = start
    while end - pos > limit:
        cut = _boundary(text, pos, pos + limit)
        if cut is None:
            line = text.count("\n", 0, pos) + 1
            raise ReadError(f"line {line}: over {limit:,} characters with no space or line "
                            "break (not prose; limits.paragraph_chars in qualkit.yaml)")
        pieces.append((pos, cut))
        pos = cut
    pieces.append((pos, end))
    return [p for p in (_strip(text, a, b) for a, b in pieces) if p[1] > p[0]]


def _boundary(text: str, lo: int, hi: int) -> int | None:
    """The best place to cut in ``text[lo:hi]``: late in the window, at the strongest break."""
    for low in (lo + (hi - lo) // 2, lo + 1):
        for find in (_last_blank_line, _last_newline, _last_sentence_end, _last_space):
            cut = find(text, low, hi)
            if cut is not None:
                return cut
    return None


def _last_blank_line(text: str, lo: int, hi: int) -> int | None:
    last = None
    for m in _BLANK_LINE.finditer(text, lo, hi):
        last = m.end()
    return last


def _last_newline(text: str, lo: int, hi: int) -> int | None:
    i = text.rfind("\n", lo, hi)
    return i + 1 if i >= 0 else None


def _last_sentence_end(text: str, lo: int, hi: int) -> int | None:
    last = None
    for m in _SENTENCE_END.finditer(text, lo, hi):
        last = m.end()
    return last


def _last_space(text: str, lo: int, hi: int) -> int | None:
    for i in range(hi - 1, lo - 1, -1):
        if text[i].isspace():
            return i + 1
    return None


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
