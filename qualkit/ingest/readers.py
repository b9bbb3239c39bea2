"""Read a transcript file into a ``ReadResult``: the document text, its speaker turns, and meta.

Conventions
- .txt/.md (and subtitles): decoded by ``decode.py`` (UTF-8 with or without BOM, UTF-16,
  else Windows-1252 told apart from damaged UTF-8) with line endings normalised to ``\\n``;
  stray control characters are removed and reported in ``ReadResult.warnings``; nothing else
  changes. ``.md`` gives format "txt".
- .docx: every paragraph of the body in document order, including paragraphs inside table cells
  and content controls where they appear, joined with ``\\n`` (an empty paragraph is a blank
  line). Headers, footers, footnotes and comments are not read.
- .pdf: the text layer, pages joined with ``\\n\\n`` -- or ``\\n`` where a sentence runs on
  across the break -- without the running header and footer lines every page repeats
  (``furniture.py``; ``meta["furniture_lines"]`` counts them).
- .vtt/.srt: rebuilt as a readable transcript, one line per turn, ``[HH:MM:SS] Speaker: utterance``
  (``[HH:MM:SS] utterance`` without a speaker), lines joined with ``\\n``. Consecutive cues by the
  same speaker are merged (utterances joined with a space); cues without a speaker are one turn
  each. A ``Name:`` at the start of a cue line is a speaker once any such label counts by the
  plain-text rules (a role form, or a name used twice), so a one-off speaker is not lost.
  ``Turn.timestamp`` is the ``HH:MM:SS`` shown; ``meta["turn_times"]`` holds each turn's
  [first cue start, last cue end] in seconds and ``meta["notes"]`` the text of NOTE blocks.
- Speaker turns in txt/md/docx/pdf come from ``speakers.find_turns``.
- Every problem is a ``ReadError`` with a short reason and no path; a result's text is never empty.
- ``limits.py`` guards size: a file over ``limits.file_mb`` and a .docx that would expand more
  than ``limits.docx_expansion`` times are refused before they are parsed.
"""
from __future__ import annotations

import html
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Callable

from qualkit.ingest.decode import decode, decode_text
from qualkit.ingest.furniture import join_pages, strip_furniture
from qualkit.ingest.limits import (Limits, check_docx_expansion, check_docx_paragraphs,
                                   check_file_size)
from qualkit.ingest.speakers import Label, accepted, find_turns, infer_role, match_label
from qualkit.models import ReadError, ReadResult, Turn

__all__ = ["decode_text", "read_file"]
_BAD_DOCX = "not a valid Word file (truncated or corrupt?)"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_file(path: Path, limits: Limits | None = None, data: bytes | None = None) -> ReadResult:
    """Read one transcript file; raise ``ReadError`` with a reason a researcher understands.

    ``data`` is the file's bytes when the caller has read them already (ingest hashes them)."""
    path = Path(path)
    limits = limits or Limits()
    if path.is_dir():
        raise ReadError("is a folder, not a file")
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise ReadError(f"unsupported file type {suffix or '(no extension)'}")
    data = _read_bytes(path, limits) if data is None else data
    if not data:
        raise ReadError("file is empty")
    if suffix == ".docx":
        check_docx_expansion(data, limits)
        check_docx_paragraphs(data, limits)
    return reader(data)


def _read_bytes(path: Path, limits: Limits) -> bytes:
    try:
        check_file_size(path.stat().st_size, limits)
        return path.read_bytes()
    except IsADirectoryError:
        raise ReadError("is a folder, not a file") from None
    except PermissionError:
        raise ReadError("permission denied: cannot open the file") from None
    except FileNotFoundError:
        raise ReadError("file not found") from None
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from None


# ---------------------------------------------------------------- plain text


def _read_txt(data: bytes) -> ReadResult:
    d = decode(data)
    return ReadResult(text=d.text, turns=find_turns(d.text), format="txt", encoding=d.encoding,
                      warnings=d.warnings)


# ---------------------------------------------------------------- Word and PDF


def _read_docx(data: bytes) -> ReadResult:
    if data.startswith(_OLE_MAGIC):
        raise ReadError("password-protected or encrypted Word file (or an old .doc renamed .docx)")
    if not data.startswith(b"PK"):
        raise ReadError(_BAD_DOCX)
    import docx
    from docx.oxml.ns import qn

    try:
        body = docx.Document(io.BytesIO(data)).element.body
        paragraphs = [_paragraph_text(p, qn) for p in body.iter(qn("w:p")) if not _in_fallback(p)]
    except Exception:  # zipfile, lxml and python-docx all raise their own kinds
        raise ReadError(_BAD_DOCX) from None
    text = "\n".join(paragraphs).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("Word file has no text")
    return ReadResult(text=text, turns=find_turns(text), format="docx",
                      meta={"paragraphs": len(paragraphs)})


def _paragraph_text(p, qn) -> str:
    """Runs anywhere in the paragraph (links, tracked insertions, content controls), but not
    those of a text box nested in it, which is a paragraph of its own."""
    w_p = qn("w:p")
    return "".join(r.text for r in p.iter(qn("w:r")) if next(r.iterancestors(w_p)) is p)


def _in_fallback(element) -> bool:
    """True inside ``mc:Fallback`` (a duplicate of a text box Word also stores as mc:Choice)."""
    return any(str(a.tag).endswith("}Fallback") for a in element.iterancestors())


def _read_pdf(data: bytes) -> ReadResult:
    if b"%PDF" not in data[:1024]:
        raise ReadError("not a valid PDF file")
    import pypdf

    try:
        with _quiet("pypdf"):  # "EOF marker not found" and the like: the reason below says it
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _decrypt_without_password(reader):
                raise ReadError("password-protected or encrypted PDF — remove the password "
                                "first")
            pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except Exception:  # pypdf raises many kinds on damaged files
        raise ReadError("not a valid PDF file (truncated or corrupt?)") from None
    pages = [p.replace("\r\n", "\n").replace("\r", "\n") for p in pages]
    kept, furniture = strip_furniture(pages)
    text = join_pages(kept)
    if not text.strip():
        raise ReadError("PDF has no text layer (scanned?) — run OCR first")
    meta = {"pages": len(pages), **({"furniture_lines": furniture} if furniture else {})}
    return ReadResult(text=text, turns=find_turns(text), format="pdf", meta=meta)


@contextmanager
def _quiet(logger_name: str):
    """A library's own warnings off while it reads: a damaged file is one line from qualkit."""
    import logging
    import warnings

    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _decrypt_without_password(reader) -> bool:
    """PDFs locked only against editing open with an empty password."""
    from pypdf import PasswordType

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # e.g. AES without a crypto library installed
        return False


# ---------------------------------------------------------------- subtitles (WebVTT, SRT)

_CUE_TS = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING_RE = re.compile(rf"\s*({_CUE_TS})\s*-->\s*({_CUE_TS})(?:\s.*)?")
_TIMING_LIKE_RE = re.compile(r"\s*\d+:[\w:.,]+\s*(?:-+>?|[–—→])\s*\d")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG_RE = re.compile(r"<[^>\n]*>")


@dataclass
class _Piece:
    """What one speaker says inside one cue."""

    start: float
    end: float
    voice: str | None = None
    label: Label | None = None  # found at the start of the text
    full: str = ""  # text as written, label included
    rest: str = ""  # text after the label


def _read_subtitles(data: bytes, fmt: str) -> ReadResult:
    decoded = decode(data)
    text, encoding = decoded.text, decoded.encoding
    cues, notes, title = _parse_cues(text, webvtt=fmt == "vtt")
    merged = _merge_pieces([p for start, end, lines in cues for p in _cue_pieces(start, end, lines)])
    if not merged:
        raise ReadError("no subtitle cues with text found")
    out, turns, pos = [], [], 0
    for speaker, role, said, start, _end in merged:
        stamp = _hhmmss(start)
        prefix = f"[{stamp}] " + (f"{speaker}: " if speaker else "")
        turns.append(Turn(pos + len(prefix), pos + len(prefix) + len(said), speaker, role, stamp))
        out.append(prefix + said)
        pos += len(prefix) + len(said) + 1
    meta = {"cues": len(cues), "notes": notes, "turn_times": [[t[3], t[4]] for t in merged]}
    if title:
        meta["title"] = title
    return ReadResult(text="\n".join(out), turns=turns, format=fmt, encoding=encoding, meta=meta,
                      warnings=decoded.warnings)


def _merge_pieces(pieces: list[_Piece]) -> list[list]:
    """[speaker, role, utterance, start s, end s] per turn; a speaker's consecutive cues merge."""
    labels = [p.label for p in pieces if p.label is not None]
    use_labels = any(accepted(labels))  # the file follows the "Name: text" convention
    merged: list[list] = []
    for p in pieces:
        if p.voice:
            speaker, role, said = p.voice, infer_role(p.voice), p.full
        elif p.label is not None and use_labels:
            speaker, role, said = p.label.speaker, p.label.role, p.rest
        else:
            speaker, role, said = None, None, p.full
        if not said:
            continue
        if speaker and merged and merged[-1][:2] == [speaker, role]:
            merged[-1][2] += " " + said
            merged[-1][4] = p.end
        else:
            merged.append([speaker, role, said, p.start, p.end])
    return merged


def _parse_cues(text: str, webvtt: bool) -> tuple[list, list[str], str | None]:
    """Cues as (start s, end s, payload lines), NOTE texts, and the WEBVTT title."""
    cues: list[tuple[float, float, list[str]]] = []
    notes: list[str] = []
    title = None
    for first, lines in _blocks(text):
        head = lines[0].strip()
        if first == 1 and re.match(r"WEBVTT(?:[ \t]|$)", head):
            title = head[6:].strip(" \t-") or None
            continue
        if webvtt and re.match(r"NOTE(?:[ \t]|$)", head):
            notes.append("\n".join([head[4:].strip(), *lines[1:]]).strip())
            continue
        if webvtt and head in ("STYLE", "REGION"):
            continue
        k = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if k is None:
            bad = next((i for i, line in enumerate(lines[:2]) if _TIMING_LIKE_RE.match(line)), None)
            if bad is not None:
                raise _malformed(first + bad, lines[bad])
            if cues and not (len(lines) == 1 and head.isdigit()):
                cues[-1][2].extend(lines)  # a blank line inside a cue's text
            continue
        m = _TIMING_RE.fullmatch(lines[k])
        start, end = (_seconds(m[1]), _seconds(m[2])) if m else (None, None)
        if start is None or end is None:
            raise _malformed(first + k, lines[k])
        cues.append((start, end, lines[k + 1:]))
    return cues, notes, title


def _blocks(text: str):
    """(first line number, lines) for each run of non-blank lines."""
    numbered = enumerate(text.split("\n"), start=1)
    for blank, run in groupby(numbered, key=lambda item: not item[1].strip()):
        if not blank:
            run = list(run)
            yield run[0][0], [line for _, line in run]


def _malformed(number: int, line: str) -> ReadError:
    shown = line.strip()
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return ReadError(f"malformed timestamp on line {number}: '{shown}'")


def _seconds(stamp: str) -> float | None:
    """'01:02:03.500' or '02:03,5' -> seconds; None if minutes or seconds are out of range."""
    main, frac = re.split(r"[.,]", stamp)
    parts = [int(x) for x in main.split(":")]
    hours, minutes, secs = ([0] + parts)[-3:]
    if minutes >= 60 or secs >= 60:
        return None
    return hours * 3600 + minutes * 60 + secs + int(frac) / 10 ** len(frac)


def _hhmmss(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _clean(line: str) -> str:
    """Cue text without tags or entities, whitespace collapsed."""
    return " ".join(html.unescape(_TAG_RE.sub("", line)).split())


def _cue_pieces(start: float, end: float, lines: list[str]) -> list[_Piece]:
    """Split a cue's text at voice tags and at ``Name:`` labels starting a line."""
    raw = "\n".join(lines)
    spans, voice, pos = [], None, 0
    for m in _VOICE_RE.finditer(raw):
        spans.append((voice, raw[pos:m.start()]))
        voice, pos = " ".join(html.unescape(m[1]).split()) or None, m.end()
    spans.append((voice, raw[pos:]))
    pieces: list[_Piece] = []
    for voice, chunk in spans:
        current = None
        for line in filter(None, map(_clean, chunk.split("\n"))):
            label = None if voice else match_label(line)
            if current is None or label is not None:
                current = _Piece(start, end, voice, label)
                pieces.append(current)
                if label is not None:
                    current.rest = line[label.end:].strip()
                    current.full = line
                    continue
            current.full = f"{current.full} {line}".strip()
            current.rest = f"{current.rest} {line}".strip()
    return pieces


_READERS: dict[str, Callable[[bytes], ReadResult]] = {
    ".txt": _read_txt, ".md": _read_txt, ".docx": _read_docx,
    ".pdf": _read_pdf, ".vtt": partial(_read_subtitles, fmt="vtt"),
    ".srt": partial(_read_subtitles, fmt="srt"),
}
