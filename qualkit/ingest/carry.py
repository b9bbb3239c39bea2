"""Codings follow their text when a document is segmented again.

Segments change when the unit changes (sentence ⇄ turn), when segmentation improves, or when
the file is edited. A coding was applied to a stretch of text, so it goes wherever that text
now is:
- the coded stretch is the segment's text, or the parts of it the coding is anchored to (a
  coding moved from a sentence to its turn remembers the sentence, so it comes back to
  exactly that sentence when the unit changes back);
- it is found in the new text at the same offsets when the text there is unchanged, else as
  the nearest exact occurrence, else ignoring differences of white space; failing that, each
  of its sentences is looked for on its own, and the coding follows those found ("part of its
  text is gone");
- it goes to every new segment that holds at least half of the found stretch or is at least
  half inside it, with the found stretch as its anchors on each;
- a coding none of whose text is found stays on its old segment, which is retired: only text
  that is truly gone retires a coding.
"""
from __future__ import annotations

import re
from typing import Any

from qualkit.models import Segment

_SENTENCE_END = re.compile(r"(?<=[.?!…])\s+|\n+")


def locate(snippet: str, hint: int, text: str) -> tuple[int, int] | None:
    """Where ``snippet`` is in ``text``: at ``hint`` if still there, else nearest to it."""
    if not snippet.strip():
        return None
    if text[hint:hint + len(snippet)] == snippet:
        return hint, hint + len(snippet)
    hits, pos = [], text.find(snippet)
    while pos >= 0:
        hits.append((pos, pos + len(snippet)))
        pos = text.find(snippet, pos + 1)
    if not hits:
        pattern = r"\s+".join(re.escape(w) for w in snippet.split())
        hits = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    return min(hits, key=lambda h: abs(h[0] - hint)) if hits else None


def _found_spans(k: dict[str, Any], text: str) -> tuple[list[tuple[int, int]], bool]:
    """The coded stretches of one coding, found in the new text; and whether all were."""
    pieces = k["anchors"] or [[0, len(k["text"])]]
    found: list[tuple[int, int]] = []
    whole = True
    for a, b in pieces:
        snippet, hint = k["text"][a:b], k["start"] + a
        span = locate(snippet, hint, text)
        if span is not None:
            found.append(span)
            continue
        whole = False
        offset = 0
        for part in _SENTENCE_END.split(snippet):
            at = snippet.find(part, offset)
            offset = at + len(part)
            if len(part.split()) >= 3 and (span := locate(part, hint + at, text)):
                found.append(span)
    return found, whole


def _targets(spans: list[tuple[int, int]], segments: list[Segment]
             ) -> list[tuple[str, list[list[int]] | None]]:
    out = []
    for s in segments:
        pieces = []
        for a, b in spans:
            overlap = min(b, s.end) - max(a, s.start)
            if overlap > 0 and (overlap * 2 >= (s.end - s.start) or overlap * 2 >= (b - a)):
                pieces.append([max(a, s.start) - s.start, min(b, s.end) - s.start])
        if pieces:
            whole = len(pieces) == 1 and pieces[0] == [0, s.end - s.start]
            out.append((s.id, None if whole else sorted(pieces)))
    return out


def relocate(text: str, segments: list[Segment], codings: list[dict[str, Any]]
             ) -> dict[int, tuple[list[tuple[str, list[list[int]] | None]], str]]:
    """Where each coding of a vanished segment goes in the new ``segments`` of ``text``
    (the plan ``Store.replace_segments`` takes)."""
    speech = [s for s in segments if s.flags != "nonspeech"]
    plan = {}
    for k in codings:
        spans, whole = _found_spans(k, text)
        targets = _targets(spans, speech) or _targets(spans, segments)
        if targets:
            plan[k["coding_id"]] = (targets, "" if whole else "part of its text is gone")
    return plan
