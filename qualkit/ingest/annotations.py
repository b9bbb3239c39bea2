"""Non-speech in transcripts: what transcribers write that nobody said.

Decided:
- Square brackets are the transcriber's: every ``[...]`` in a transcript is an annotation,
  whatever it says (``[laughs]``, ``[inaudible 00:12:31]``, ``[name redacted]``, ``[school]``,
  ``[/]``). Round brackets are speakers' asides too, so ``(...)`` counts only when it names an
  event or inaudible speech (``(laughs)``, ``(pause)``, ``(inaudible)``).
- Each annotation has a kind: ``inaudible``, ``redaction``, ``event`` (laughter, pauses,
  interruptions, recording paused), ``end`` (end of transcript or recording), ``timestamp``
  (a time opening or closing a line) or ``note`` (any other editorial mark, e.g. ``[/]``).
- Inside speech an annotation stays in the segment's text: the analyst reads it there. A line
  that holds nothing but annotations, an end mark, a time or a transcription service's
  signature (``Transcribed by https://otter.ai``) is non-speech: it is kept in the
  document with its offsets but never themed, embedded or suggested.
- A section or slide marker on a line of its own (``--Title page--``, ``-- Slide 3 --``, as a
  lecture script heads each slide) is a ``note``, once the document has two such lines: a
  convention, not a speaker's aside; a dash inside a line of speech is never one.
- A time opening a line inside a turn (``[00:01:40] Which I understand``) or closing one is cut
  out of the speech: the text after it is a new piece with that time as its timestamp.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("inaudible", "redaction", "event", "end", "timestamp", "note")

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_INAUDIBLE = re.compile(r"inaudible|unclear|indistinct|unintelligible|cross-?talk|overlapping|"
                        r"\?{2,}|garbled|audio (?:drops|cuts|lost)", re.I)
_EVENT = re.compile(r"laugh|pause|sigh|cough|interrupt|phone|door|knock|noise|silence|"
                    r"recording (?:paused|resumed|stopped|restarted)|break|leaves|joins|"
                    r"enters|returns|background|tearful|cries|crying|clears throat|gestur", re.I)
_END = re.compile(r"^\W*(?:end\s+of\s+(?:the\s+)?(?:transcript|transcription|interview|recording|"
                  r"tape|session|focus\s+group|group\s+discussion|discussion)|(?:recording|"
                  r"interview|transcript|tape)\s+(?:ends|ended|stops|stopped|finishes)|"
                  r"ends?|the\s+end)\b[^A-Za-z]*(?:\d|$)", re.I)
_REDACTION = re.compile(r"redact|remov|anonymi|withheld|name|school|place|town|city|village|"
                        r"area|council|authority|\bLA\b|trust|hospital|organi[sz]ation|"
                        r"employer|colleague|person|child|son|daughter|job|role|title|address|"
                        r"street|date|^[X*_.-]+$", re.I)
# the line a transcription service signs its export with ("Transcribed by https://otter.ai")
_SERVICE_LINE = re.compile(r"^(?:transcribed|transcription|generated|created|exported|produced)"
                           r"\s+(?:by|with|using|in)\s+[^\n]{0,80}?(?:https?://|www\.)\S+$", re.I)
# one bracketed tag; round brackets only when they hold an event or inaudible speech
_SQUARE = re.compile(r"\[[^\[\]\n]{0,120}\]")
_ROUND = re.compile(r"\((?:[^()\n]{0,60})\)")
_LINE_TS = re.compile(rf"[ \t]*(?:\[{_TS}\]|\({_TS}\)|#{_TS}(?:-\d+)?#|{_TS}(?=[ \t]|$))[ \t]*")
_WORD = re.compile(r"[^\W\d_]+")
# a line wholly "--Title--": two or more dashes each side of a short title with a word in it
_SECTION = re.compile(r"^[ \t]*(?P<mark>[-–—]{2,}[ \t]*(?=[^\n]*?[^\W_])[^\n]{1,100}?"
                      r"[ \t]*[-–—]{2,})[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Annotation:
    start: int
    end: int
    kind: str
    text: str  # == document_text[start:end]


def kind_of(tag: str) -> str | None:
    """The kind of one bracketed tag (brackets included), or None for a speaker's aside."""
    inner = tag[1:-1].strip()
    square = tag.startswith("[")
    if re.fullmatch(_TS, inner):
        return "timestamp"
    if _END.search(inner):
        return "end"
    if _INAUDIBLE.search(inner):
        return "inaudible"
    if _EVENT.search(inner):
        return "event"
    if not square:
        return None
    if _REDACTION.search(inner) or (inner and inner.upper() == inner and _WORD.search(inner)):
        return "redaction"
    return "note"


def inline(text: str, start: int = 0, end: int | None = None) -> list[Annotation]:
    """Bracketed annotations inside ``text[start:end]``."""
    end = len(text) if end is None else end
    found: list[Annotation] = []
    for rx in (_SQUARE, _ROUND):
        for m in rx.finditer(text, start, end):
            kind = kind_of(m.group())
            if kind is not None:
                found.append(Annotation(m.start(), m.end(), kind, m.group()))
    return sorted(found, key=lambda a: a.start)


def strip_annotations(text: str) -> str:
    """``text`` with its annotations blanked out (same length)."""
    out = list(text)
    for a in inline(text):
        out[a.start:a.end] = " " * (a.end - a.start)
    return "".join(out)


def is_speech(text: str) -> bool:
    """True when ``text`` holds a word outside annotations and is not an end mark."""
    return line_kind(text) is None and bool(_WORD.search(strip_annotations(text)))


def line_kind(line: str) -> str | None:
    """None for a line with speech in it; else the kind of what it holds ("end", "event"...)."""
    s = line.strip()
    if not s:
        return None
    rest = strip_annotations(s).strip()
    if _END.match(rest) and len(s.split()) <= 10:
        return "end"
    if _SERVICE_LINE.match(s):
        return "note"
    if _WORD.search(rest):
        return None
    tags = inline(s)
    if any(a.kind == "end" for a in tags):
        return "end"
    if tags:
        return tags[0].kind
    return "timestamp" if _LINE_TS.fullmatch(s) else "note"


def section_marks(text: str) -> set[int]:
    """Where the section/slide marker lines of ``text`` start (their first dash); none
    unless there are at least two."""
    found = {m.start("mark") for m in _SECTION.finditer(text)}
    return found if len(found) >= 2 else set()


def leading_time(text: str, pos: int, end: int) -> tuple[int, str] | None:
    """A time opening the line at ``pos``: (where the text after it starts, the time)."""
    m = _LINE_TS.match(text, pos, end)
    if not m or not m.group().strip():
        return None
    return m.end(), re.search(_TS, m.group()).group()


def trailing_time(text: str, pos: int, end: int) -> int | None:
    """Where a time closing the line ``text[pos:end]`` starts (``[00:01:22]``, ``#00:01:22-5#``)."""
    m = re.search(rf"[ \t]+(?:\[{_TS}\]|#{_TS}(?:-\d+)?#)[ \t]*$", text[pos:end])
    return pos + m.start() if m else None
