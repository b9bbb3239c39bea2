"""A transcript as researchers write it: a header, speaker turns, and the transcriber's marks.

A reader gives the text and the turns its labels suggest; this step makes them the units that
are segmented:
- the header (``header.find_header``, or a WebVTT file's NOTE blocks) is dropped from the
  turns and its fields become document attributes;
- each turn is cut at the lines that are not speech (``[Interruption – phone rings]``,
  ``END OF TRANSCRIPT``, ``[Recording ends 00:41:07]``, a lecture's ``--Slide 3--``): those
  become units of their own, flagged non-speech, with no speaker unless the whole turn was
  that mark (``Interviewer: [laughs]``);
- a time opening or closing a line inside a turn is cut out of the speech; the text after it
  is a new unit that carries that time as its timestamp;
- speaker labels get one name per speaker (``parties.canonical_names``).
Every unit still indexes the document text, so ``text[start:end]`` holds for every segment.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from qualkit.ingest.annotations import (Annotation, inline, leading_time, line_kind,
                                        section_marks, trailing_time)
from qualkit.ingest.header import Header, fields_from_notes, find_header
from qualkit.ingest.parties import canonical_names
from qualkit.models import ReadResult, Turn


@dataclass
class Transcript:
    units: list[Turn]
    header: Header
    annotations: list[Annotation] = field(default_factory=list)
    labels: dict[str, set[str]] = field(default_factory=dict)  # speaker -> labels/roles written


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def build_transcript(result: ReadResult) -> Transcript:
    """Header, units and annotations of a transcript (see the module docstring)."""
    text = result.text
    if result.format in ("vtt", "srt"):
        header, turns = fields_from_notes(result.meta.get("notes", [])), list(result.turns)
    else:
        header = find_header(text, result.turns)
        turns = [t for t in result.turns if t.start >= header.end]
    if not turns:
        s, e = _strip(text, header.end, len(text))
        turns = [Turn(s, e)] if e > s else []
    units: list[Turn] = []
    marks: list[Annotation] = []
    sections = section_marks(text)
    for turn in turns:
        pieces, found = _split_turn(text, turn, sections)
        units.extend(pieces)
        marks.extend(found)
    for u in units:
        if not u.nonspeech:
            marks.extend(inline(text, u.start, u.end))
    names = canonical_names([u.speaker for u in units if u.speaker])
    labels: dict[str, set[str]] = {}
    for u in units:
        if u.speaker:
            labels.setdefault(names[u.speaker], set()).update({u.speaker, u.role} - {None})
    units = [replace(u, speaker=names[u.speaker]) if u.speaker else u for u in units]
    marks = sorted(set(marks), key=lambda a: (a.start, a.end))
    return Transcript(units, header, marks, labels)


def _split_turn(text: str, turn: Turn, sections: set[int] = frozenset()
                ) -> tuple[list[Turn], list[Annotation]]:
    """A turn cut at non-speech lines (and section markers starting at ``sections``) and at
    times opening or closing a line."""
    units: list[Turn] = []
    marks: list[Annotation] = []
    piece: list[int] = []  # [start, end] of the speech piece being built
    stamp = turn.timestamp

    def close() -> None:
        if piece:
            units.append(replace(turn, start=piece[0], end=piece[1], timestamp=stamp))
            piece.clear()

    pos, first = turn.start, True
    while pos < turn.end:
        nl = text.find("\n", pos, turn.end)
        line_end = turn.end if nl < 0 else nl
        start = pos
        lead = leading_time(text, start, line_end)
        if lead is not None:
            close()
            s, e = _strip(text, start, lead[0])
            marks.append(Annotation(s, e, "timestamp", text[s:e]))
            start, stamp = lead[0], lead[1]
        cut = trailing_time(text, start, line_end)
        content_end = line_end if cut is None else cut
        s, e = _strip(text, start, content_end)
        if e > s:
            kind = "note" if s in sections else line_kind(text[s:e])
            if kind is not None:
                close()
                whole = first and nl < 0
                units.append(Turn(s, e, turn.speaker if whole else None,
                                  turn.role if whole else None, stamp, nonspeech=True))
                found = inline(text, s, e)
                marks.extend(found or [Annotation(s, e, kind, text[s:e])])
            elif piece:
                piece[1] = e
            else:
                piece[:] = [s, e]
        if cut is not None:
            close()
            cs, ce = _strip(text, cut, line_end)
            marks.append(Annotation(cs, ce, "timestamp", text[cs:ce]))
        pos, first = line_end + 1, False
    close()
    return units, marks
