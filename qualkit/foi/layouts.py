"""Readers for the answer block of one question, whatever the letter's layout: the pieces,
yes/no and free-text questions here, multi-select questions in ``foi.multi``.

``foi.py`` finds the questions and hands each reader the *pieces* of a block: spans of the
normalised letter text, one per line (or table cell, or ``<br>`` part), already stripped of
quote marks, bullets, pipes and "A1." prefixes. A reader returns a ``Reading``: the answer, the
selected options, a qualifier, a confidence, the span of its evidence and the free-text spans.

Confidences (multi-select in ``foi.multi``): 0.95 marked, 0.9 bullet list, 0.85 explained or
unbulleted list, 0.8 list in a line, 0.6 prose; yes/no: 0.95 answer starting with the word, 0.8 "in development" in prose,
0.7 negation in prose, 0.6 affirmation in prose; 0 unclear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .options import ECHO_TOKEN

Span = tuple[int, int]


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    bullet: bool = False


@dataclass
class Reading:
    answer: str = "unclear"
    options: tuple[str, ...] = ()
    qualifier: str = ""  # normalised text; foi.py re-slices the original via qualifier_span
    qualifier_span: Span | None = None
    confidence: float = 0.0
    span: Span | None = None
    free: list[Span] = field(default_factory=list)


_BULLET = re.compile(r"(?:[\u2022*\u25a0\u2666\u27a2\u2192>-]|o(?=\s+[A-Z])|\(?[a-hivx]{1,4}\)"
                     r"|[a-h][.)](?=\s)|\d{1,2}[.)](?=\s))\s+", re.IGNORECASE)
_ANSWER_PREFIX = re.compile(r"(?:(?:A|R)|(?:Ans|Answer|Response|Reply)\s*)\d{1,2}[a-z]?\s*"
                            r"(?:[.):\-]\s*|\s)|(?:Answer|Response|Reply|A)\s*[.:)]\s*",
                            re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WS = " \t\u2022|"
_CONTENT = re.compile(r"[A-Za-z0-9\u2612\u2611\u2713\u2714\u2717\u2718\u2610]")  # words or ticks


def trim(norm: str, s: int, e: int, chars: str = _WS + ":;,") -> Span:
    while s < e and (norm[s] in chars or norm[s].isspace()):
        s += 1
    while e > s and (norm[e - 1] in chars or norm[e - 1].isspace()):
        e -= 1
    return s, e


def make_pieces(norm: str, s: int, e: int) -> list[Piece]:
    """Pieces of one line's content span: ``<br>`` splits; bullets and answer prefixes go."""
    out = []
    for part_s, part_e in _split(norm, s, e, _BR):
        part_s, part_e = trim(norm, part_s, part_e, _WS.replace("\u2022", ""))
        bullet = False
        m = _BULLET.match(norm, part_s, part_e)
        if m:
            bullet, part_s = True, m.end()
        m = _ANSWER_PREFIX.match(norm, part_s, part_e)
        if m and m.end() < part_e:
            part_s = m.end()
        part_s, part_e = trim(norm, part_s, part_e, _WS + "*_")  # **bold** markup
        if part_e > part_s and _CONTENT.search(norm, part_s, part_e):
            out.append(Piece(part_s, part_e, bullet))
    return out


_CONNECTOR = re.compile(r"(?:\b(?:and|or|of|with|for|the|to|in|on|by|from|also|known|as)|[,(&/-])$",
                        re.IGNORECASE)


def join_wrapped(norm: str, pieces: list[Piece]) -> list[Piece]:
    """Join a line wrapped mid-phrase (PDF text, e-mail) to the line that continues it."""
    out: list[Piece] = []
    for q in pieces:
        if out:
            p = out[-1]
            gap = norm[p.end:q.start]
            wrapped = (_CONNECTOR.search(norm, p.start, p.end) or norm[q.start].islower()) and \
                norm[p.end - 1] not in ".!?:" and not q.bullet
            if wrapped and gap.count("\n") == 1 and not gap.strip(" \t\n>"):
                out[-1] = Piece(p.start, q.end, p.bullet)
                continue
        out.append(q)
    return out


def _split(norm: str, s: int, e: int, rx: re.Pattern[str]) -> list[Span]:
    out, pos = [], s
    for m in rx.finditer(norm, s, e):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, e))
    return out


def strip_echo(norm: str, p: Piece) -> Piece | None:
    """Drop an echoed "Y/N/in development" or "Select all that apply" from a piece's start."""
    s = p.start
    while True:
        m = ECHO_TOKEN.match(norm, s, p.end)
        if not m or m.end() == s:
            break
        s = m.end()
    s, e = trim(norm, s, p.end, _WS + ":-.")
    if s >= e or not _CONTENT.search(norm, s, e):
        return None
    if s == p.start:
        return p
    return Piece(s, e, p.bullet)


# --- yes / no ---------------------------------------------------------------------------------
_START = [
    ("in development",
     re.compile(r"(?:(?:currently|partially|partly)\s+)?in[\s-]+development\b", re.I)),
    ("yes", re.compile(r"(?:yes|y)\b(?![/'])", re.I)),
    ("no", re.compile(r"(?:no|n)\b(?![/'])", re.I)),
]
_TICK = r"(?:\[\s*x\s*\]|[\u2612\u2611\u2713\u2714])"
_CHECKED = re.compile(rf"{_TICK}\s*(yes|no|in\s+development)|(yes|no|in\s+development)\s*{_TICK}",
                      re.I)
_DEV = re.compile(r"\b(?:in\s+development|being\s+developed|under\s+development|developing|"
                  r"in\s+progress|working\s+towards|(?:plan|plans|planning)\s+to\s+link|"
                  r"piloting)\b",
                  re.I)
_NEG = re.compile(r"\b(?:do(?:es)?\s+not|don't|doesn't|are\s+not|aren't|is\s+not|isn't|"
                  r"not\s+currently|cannot|can't|never)\b[^.]{0,60}\blink", re.I)
_POS = re.compile(r"\bwe\s+(?:can\s+)?(?:confirm\s+(?:that\s+)?(?:we\s+)?)?(?:do\s+|currently\s+|"
                  r"routinely\s+|regularly\s+|already\s+)*link|\b(?:is|are)\s+(?:currently\s+|"
                  r"routinely\s+)?linked\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_NOT_YET = re.compile(r"not\s+(?:yet|currently|at\s+(?:present|this\s+time))\b", re.I)
_NA = re.compile(r"(?:n/?a|not\s+applicable)\b", re.I)


def read_yes_no(norm: str, pieces: list[Piece]) -> Reading:
    pieces = join_wrapped(norm, [q for q in (strip_echo(norm, p) for p in pieces) if q is not None])
    r = Reading()
    for i, p in enumerate(pieces):
        hit = _start_token(norm, p)
        if hit:
            r.answer, tok_end, r.confidence = hit
            r.span = (p.start, p.end)
            qs, qe = trim(norm, tok_end, p.end, _WS + ",.;:-*_")
            _qualify(norm, r, qs, qe)
            r.free += [(q.start, q.end) for j, q in enumerate(pieces) if j != i]
            return r
    for i, p in enumerate(pieces):
        for s, e in _sentences(norm, p):
            sent = norm[s:e]
            for rx, answer, conf in ((_DEV, "in development", 0.8), (_NEG, "no", 0.7),
                                     (_POS, "yes", 0.6)):
                if rx.search(sent):  # prose: the whole piece is free text
                    r.answer, r.confidence, r.span = answer, conf, (p.start, p.end)
                    qs, qe = trim(norm, e, p.end)
                    if qe - qs >= 2:
                        r.qualifier, r.qualifier_span = norm[qs:qe], (qs, qe)
                    r.free += [(q.start, q.end) for q in pieces]
                    return r
    r.free = [(p.start, p.end) for p in pieces if not _NA.match(norm, p.start, p.end)]
    return r


def _start_token(norm: str, p: Piece) -> tuple[str, int, float] | None:
    m = _CHECKED.search(norm, p.start, p.end)
    if m:
        word = (m.group(1) or m.group(2)).lower()
        return ("in development" if word.startswith("in") else word), p.end, 0.9
    if _NA.match(norm, p.start, p.end):
        return None
    m = _NOT_YET.match(norm, p.start, p.end)
    if m:
        dev = _DEV.search(norm, p.start, p.end)  # "Not yet, but ... in development"
        return ("in development" if dev else "no"), m.end(), 0.85
    for answer, rx in _START:
        m = rx.match(norm, p.start, p.end)
        if m:
            return answer, m.end(), 0.95
    return None


def _qualify(norm: str, r: Reading, s: int, e: int) -> None:
    """Keep the rest of an answer as its qualifier; two words or more are also free text."""
    if e - s >= 2 and re.search(r"[A-Za-z]{2}", norm[s:e]):
        r.qualifier, r.qualifier_span = norm[s:e], (s, e)
        if len(norm[s:e].split()) >= 2:
            r.free.append((s, e))


def _sentences(norm: str, p: Piece) -> list[Span]:
    out = _split(norm, p.start, p.end, _SENTENCE_END)
    return [trim(norm, s, e) for s, e in out if e > s]


def read_free(norm: str, pieces: list[Piece]) -> Reading:
    """A free-text question (ICB barriers): ``given`` when there is text, or ``none``."""
    pieces = join_wrapped(norm, [q for q in (strip_echo(norm, p) for p in pieces) if q is not None])
    r = Reading()
    if not pieces:
        return r
    r.span = (pieces[0].start, pieces[-1].end)
    first = norm[pieces[0].start:pieces[0].end]
    if len(pieces) == 1 and re.match(r"(?:none|n/?a|not\s+applicable|no\s+barriers)\b", first,
                                     re.I):
        r.answer, r.confidence = "none", 0.9
        return r
    r.free = [(p.start, p.end) for p in pieces]
    r.answer, r.confidence = "given", 0.9
    return r
