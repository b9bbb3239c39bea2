"""Readers for the answer block of one question, whatever the letter's layout.

``foi.py`` finds the questions and hands each reader the *pieces* of a block: spans of the
normalised letter text, one per line (or table cell, or ``<br>`` part), already stripped of
quote marks, bullets, pipes and "A1." prefixes. A reader returns a ``Reading``: the answer, the
selected options, a qualifier, a confidence, the span of its evidence and the free-text spans.

Layouts handled by the multi-select reader (one piece at a time, then per block):

- ``Option  Yes`` / ``Option - Yes`` / ``Option: No`` / ``| Option | Yes |`` -- *marked* lines;
  in a block with marked lines, bare options are the echoed request and are not selected;
- ``Option - explanation`` -- *explained*: selected unless the explanation is a negation;
- bullet lists of bare options -- selected, unless the list holds every option of the question
  bare (the whole request echoed back, as in Barnet's health question);
- lists in one line or cell ("School census; CiN census", "SEND, CLA and FSM");
- prose ("We usually link our school census data with ...") -- options mentioned in sentences
  without a negation, lowest confidence, used only when nothing structured was found.

Confidences: 0.95 marked, 0.9 bullet list, 0.85 explained or unbulleted list, 0.8 list in a
line, 0.6 prose; yes/no: 0.95 answer starting with the word, 0.8 "in development" in prose,
0.7 negation in prose, 0.6 affirmation in prose; 0 unclear.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from . import wording as W
from .options import ECHO_TOKEN, OPTIONS

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


# --- multi-select -----------------------------------------------------------------------------
_YES = re.compile(r"[\s:|=\-(*_]*(?:yes|y|ticked|selected|linked|\u2713|\u2714|\u2611|\u2612|\[x\]|"
                  r"x(?!-))(?![\w/])[\s*_]*\)?[.!]?", re.I)
_NO = re.compile(r"[\s:|=\-(*_]*(?:not\s+linked|not\s+applicable|n/a|no|n|not\s+currently|"
                 r"\u2717|\u2718|\u2610|\[\s?\])(?![\w/])[\s*_]*\)?[.!]?", re.I)
_EXPLAIN = re.compile(r"\s*[:|=\-]\s*(?=\S)|\s{2,}(?=\S)|\t\s*(?=\S)|\s*(?=\()")
_NEGATION = re.compile(r"^(?:no|not|none|n/a|never|we\s+(?:do\s+not|don't|are\s+not|aren't))\b",
                       re.I)
_ANY_NEG = re.compile(r"\b(?:not|no|never|neither|nor|none|without|except|excluding|"
                      r"other\s+than)\b|"
                      r"n't\b", re.I)
_SEP = re.compile(r"(?:[\s,;/&+.]|\band\b|\bor\b|\bthe\b|\bour\b|\bplus\b|\bboth\b|\balso\b|"
                  r"\bonly\b|\bas\s+well\s+as\b|<br\s*/?>)*", re.I)
_NONE = re.compile(r"(?:none|nil|n/?a|not\s+applicable|no\b(?![/'])|"
                   r"we\s+(?:do\s+not|don't|are\s+not|"
                   r"aren't)\s+(?:currently\s+)?(?:link|use)|not\s+(?:currently\s+)?link|"
                   r"no\s+(?:\w+\s+){0,2}data\s*sets?\s+(?:are\s+)?(?:currently\s+)?linked)", re.I)
_REFER = re.compile(r"(?:please\s+)?see\s+(?:our\s+)?(?:answer|response|reply)\s+to\s+"
                    r"(?:question\s+|q)?\d", re.I)
_ALL_ABOVE = re.compile(r"all\s+(?:of\s+)?(?:the\s+)?(?:above|listed|options)\b", re.I)
_FILLER = set("""we our the and or link links linking linked are is currently data datasets
dataset sets set following also both with for on of in to all only census yes confirm that these
those this include includes including a an as well which us it its council""".split())


def option_at(norm: str, qid: str, pos: int, end: int) -> tuple[str, int] | None:
    best = None
    for opt, rx in OPTIONS[qid].items():
        m = rx.match(norm, pos, end)
        if m and (best is None or m.end() > best[1]):
            best = (opt, m.end())
    return best


def find_options(norm: str, qid: str, s: int, e: int) -> list[tuple[str, int, int]]:
    """Every option mention in ``norm[s:e]``, overlaps resolved longest-first.

    "Other" counts only as "Other (please specify)": the bare word is too common in prose."""
    hits = []
    for opt, rx in OPTIONS[qid].items():
        if opt == "other":
            hits += [(opt, m.start(), m.end()) for m in rx.finditer(norm, s, e)
                     if "specify" in m.group(0).lower()]
            continue
        hits += [(opt, m.start(), m.end()) for m in rx.finditer(norm, s, e)]
    hits.sort(key=lambda h: (h[1], -(h[2] - h[1])))
    out, last = [], -1
    for h in hits:
        if h[1] >= last:
            out.append(h)
            last = h[2]
    return out


def parse_sequence(norm: str, qid: str, s: int, e: int) -> tuple[list[str], Span | None] | None:
    """A piece that is nothing but options and separators, maybe ending in an explanation."""
    opts, pos = [], s
    while True:
        pos = _SEP.match(norm, pos, e).end()
        if pos >= e:
            return (opts, None) if opts else None
        hit = option_at(norm, qid, pos, e)
        if hit is None:
            if opts and opts[-1] == "other":
                return opts, (pos, e)
            return None
        opts.append(hit[0])
        pos = hit[1]
        m = _EXPLAIN.match(norm, pos, e)
        if (m and hit[0] == "other" and norm[pos:e].strip(" ,;.")
                and not _SEP.fullmatch(norm, pos, e)):
            return opts, trim(norm, m.end(), e)


@dataclass
class _Item:
    # marked | unmarked | explained | bare | list | prose | none | refer | leadin | marker | echo
    # | planned (an option named as planned or in development: not selected)
    kind: str
    piece: Piece
    options: tuple[str, ...] = ()
    free: Span | None = None


def _classify(norm: str, qid: str, p: Piece) -> _Item:
    s, e = p.start, p.end
    hit = option_at(norm, qid, s, e)
    if hit:
        opt, oe = hit
        rest = norm[oe:e]
        if not rest.strip(" .;,:|-"):
            return _Item("bare", p, (opt,))
        for rx, kind in ((_YES, "marked"), (_NO, "unmarked")):
            m = rx.match(norm, oe, e)
            if m:
                fs, fe = trim(norm, m.end(), e, _WS + ",.;:-*_")
                return _Item(kind, p, (opt,), (fs, fe) if fe - fs > 2 else None)
        m = _EXPLAIN.match(norm, oe, e)
        seq = parse_sequence(norm, qid, s, e)
        if seq and len(seq[0]) > 1:
            return _Item("list", p, tuple(seq[0]), seq[1])
        if m:
            fs, fe = trim(norm, m.end(), e, _WS + ",.;:-*_()")
            if W.PLANNED.search(norm, fs, fe):  # "Primary care (GP data) - planned for 2024"
                if find_options(norm, qid, fs, fe):  # "GP data (planned), Births": a sentence
                    return _Item("prose", p)
                if W.PLANNED.match(norm, fs, fe):
                    return _Item("planned", p, (opt,))
            neg = bool(_NEGATION.match(norm, fs, fe))
            return _Item("unmarked" if neg else "explained", p, (opt,), (fs, fe))
    if _YES.fullmatch(norm, s, e) or _NO.fullmatch(norm, s, e):
        return _Item("marker", p, ("yes",) if _YES.fullmatch(norm, s, e) else ("no",))
    seq = parse_sequence(norm, qid, s, e)
    if seq:
        return _Item("list", p, tuple(seq[0]), seq[1])
    if _ALL_ABOVE.match(norm, s, e):
        listed = tuple(o for o in OPTIONS[qid] if o not in ("other", "not_using"))
        return _Item("list", p, listed)
    if _REFER.match(norm, s, e):
        return _Item("refer", p)
    if _NONE.match(norm, s, e) and not find_options(norm, qid, s, e):
        return _Item("none", p)
    if norm[e - 1] == ":":
        return _Item("leadin", p)
    return _Item("prose", p)


def read_multi(norm: str, qid: str, pieces: list[Piece]) -> Reading:
    pieces = join_wrapped(norm, [q for q in (strip_echo(norm, p) for p in pieces) if q is not None])
    items = [_classify(norm, qid, p) for p in pieces]
    _pair_cells(norm, items)
    _planned_lists(norm, items)
    r = Reading()
    evidence: list[tuple[Piece, float]] = []
    selected: list[str] = []
    planned: list[Span] = []  # wording naming planned / in-development items

    def take(item: _Item, conf: float) -> None:
        for o in item.options:
            if o not in selected:
                selected.append(o)
        evidence.append((item.piece, conf))

    every = set(OPTIONS[qid]) - {"not_using"}
    for i in items:  # the whole option list echoed back in one line is not an answer
        if i.kind == "list" and len(i.options) > 2 and set(i.options) >= every:
            i.kind = "echo"
    marked = any(i.kind in ("marked", "unmarked", "planned") for i in items)
    listed = {o for i in items if i.kind in ("bare", "explained") for o in i.options}
    echoed = len(listed) > 2 and listed >= every
    structured = False
    for i in items:
        if i.kind == "marked":
            take(i, 0.95)
        elif i.kind == "explained":
            take(i, 0.85)
        elif i.kind == "list":
            take(i, 0.8)
        elif i.kind == "bare" and not marked and not echoed:
            take(i, 0.9 if i.piece.bullet else 0.85)
        elif i.kind == "planned":
            planned.append((i.piece.start, i.piece.end))
        if i.kind in ("marked", "unmarked", "explained", "list", "bare", "planned") \
                and not echoed:
            structured = True
        if i.free and i.free[1] > i.free[0]:
            r.free.append(i.free)
    for i in items:
        if i.kind == "prose":
            _read_prose(norm, qid, i, structured, take, r, planned)
    _finish(norm, qid, r, items, selected, evidence, planned)
    return r


def _pair_cells(norm: str, items: list[_Item]) -> None:
    """"School census" then "Yes" on the next line (a table cell per line, as in .docx)."""
    for a, b in zip(items, items[1:]):
        if a.kind != "bare" or b.kind not in ("marker", "prose"):
            continue
        for rx, kind in ((_YES, "marked"), (_NO, "unmarked")):
            m = rx.match(norm, b.piece.start, b.piece.end)
            if m and (b.kind == "marker" or norm[m.end() - 1] in " \t.!)" or
                      norm[m.end()] in ",;:-"):
                a.kind, b.kind = kind, "used"
                fs, fe = trim(norm, m.end(), b.piece.end, _WS + ",.;:-*_")
                a.free = (fs, fe) if fe - fs > 2 else None
                a.piece = Piece(a.piece.start, b.piece.end, a.piece.bullet)
                break


def _planned_lists(norm: str, items: list[_Item]) -> None:
    """Options listed under a lead-in that calls them planned ("The following are planned:")
    are planned, not selected; the lead-in is kept as free text."""
    under = False
    for i in items:
        text_end = i.piece.end
        if norm[text_end - 1] == ":" and i.kind in ("leadin", "none", "prose") and \
                W.planned_text(norm, i.piece.start, text_end):
            under, i.kind = True, "prose"
            continue
        if under and i.kind in ("bare", "list"):
            i.kind = "planned"
        elif under and not (i.kind == "prose" and i.piece.bullet):
            under = False


def _read_prose(norm, qid, i: _Item, structured: bool, take, r: Reading,
                planned: list[Span]) -> None:
    """Options named in sentences (not negated, not planned); "Other" when the sentence names
    datasets or uses beyond the list (``foi.wording``)."""
    mentions = find_options(norm, qid, i.piece.start, i.piece.end)  # sorted by start
    starts = [m[1] for m in mentions]
    words = norm[i.piece.start:i.piece.end].split()
    if structured:
        extra = W.extra_items(norm, qid, i.piece.start, i.piece.end, mentions)
        if i.piece.bullet and not mentions and W.listed_item(norm, qid, i.piece.start,
                                                             i.piece.end):
            take(_Item("prose", i.piece, ("other",)), 0.85)  # a listed item not in the list
            extra = (i.piece.start, i.piece.end)
        elif extra and not i.piece.bullet:
            take(_Item("prose", i.piece, ("other",)), 0.8)
        elif W.planned_text(norm, i.piece.start, i.piece.end):
            planned.append((i.piece.start, i.piece.end))
        if not (mentions and len(words) <= 10) or extra:  # short echo with a name merged in
            r.free.append((i.piece.start, i.piece.end))
        return
    talk = []  # sentences that say more than which options
    for s, e in _sentences(norm, i.piece):
        seq = parse_sequence(norm, qid, s, e)
        if seq and not seq[1]:
            take(_Item("list", i.piece, tuple(seq[0])), 0.8)
            continue
        cuts = [c.start() for c in _CLAUSE.finditer(norm, s, e)]
        pcuts = W.clause_cuts(norm, s, e)
        inside = mentions[bisect_left(starts, s):bisect_left(starts, e)]
        later = [m for m in inside if W.is_planned(norm, s, e, m, pcuts)]
        sent = [m for m in inside if m not in later and not _negated(norm, s, e, m, cuts)]
        if sent:
            take(_Item("prose", i.piece, tuple(m[0] for m in sent)), 0.6)
        extra = W.extra_items(norm, qid, s, e, inside)
        if extra and not W.planned_text(norm, *extra):
            take(_Item("prose", i.piece, ("other",)), 0.6)
        if later and sent:  # "We link births and deaths and plan to add CAMHS": the plan
            cs = max([c for c in pcuts if c <= later[0][1]] or [s])
            m = re.match(r"[\s,;:(]*(?:(?:and|but)\s+)?", norm[cs:e])
            planned.append((cs + m.end(), e))
        elif later or (not inside and W.planned_text(norm, s, e)):
            planned.append((s, e))
        if not _is_pure(norm, Piece(s, e), inside):
            talk.append((s, e))
    if talk:
        r.free.append((talk[0][0], talk[-1][1]))


def _finish(norm, qid, r: Reading, items, selected, evidence, planned: list[Span]) -> None:
    """The answer from what was taken: selected, none (explicitly, or only planned items),
    or unclear; planned wording becomes the qualifier."""
    if selected:
        only_not_using = selected == ["not_using"]
        r.answer = "none" if only_not_using else "selected"
        r.options = tuple(o for o in OPTIONS[qid] if o in selected)  # vocabulary order
        r.confidence = min(c for _, c in evidence)
    else:
        nones = [i for i in items
                 if i.kind == "none" or (i.kind == "marker" and i.options == ("no",))]
        if nones:
            r.answer, r.confidence = "none", 0.9
            evidence = [(nones[0].piece, 0.9)]
            s, e = trim(norm, nones[0].piece.start, nones[0].piece.end, _WS + ",.;:-*_")
            m = re.match(r"(?:none|nil|n/?a|not\s+applicable|no)\b[\s,.;:-]*", norm[s:e], re.I)
            if m and m.end() < e - s and not planned:
                _qualify(norm, r, s + m.end(), e)
                if _REFER.match(norm, s + m.end(), e):  # "N/A - see answer to question 5"
                    r.free = [f for f in r.free if f != (s + m.end(), e)]
                r.free = [f for f in r.free if f != (nones[0].piece.start, nones[0].piece.end)]
        elif planned:  # nothing current, only plans: "none", the plans as qualifier
            r.answer, r.confidence = "none", 0.6
            evidence = [(Piece(*planned[0]), 0.6)]
    if planned:
        spans = sorted(trim(norm, a, b) for a, b in planned)
        if len(spans) == 1:
            r.qualifier, r.qualifier_span = norm[spans[0][0]:spans[0][1]], spans[0]
        else:
            r.qualifier, r.qualifier_span = "; ".join(norm[a:b] for a, b in spans), None
        r.free += [sp for sp in spans if not any(f[0] <= sp[0] and sp[1] <= f[1] for f in r.free)]
    if evidence:
        r.span = (min(p.start for p, _ in evidence), max(p.end for p, _ in evidence))


_CLAUSE = re.compile(r"[,;:()]|\b(?:but|however|whereas|although|while)\b", re.I)


def _negated(norm: str, s: int, e: int, mention: tuple[str, int, int], cuts: list[int]) -> bool:
    """Is the option mention in a clause that negates it ("..., but not on all children")?

    ``cuts`` are the sorted clause boundaries of the sentence ``norm[s:e]``."""
    i = bisect_right(cuts, mention[1])
    cs = cuts[i - 1] if i else s
    j = bisect_left(cuts, mention[2])
    ce = cuts[j] if j < len(cuts) else e
    return bool(_ANY_NEG.search(norm, cs, mention[1]) or _ANY_NEG.search(norm, mention[2], ce))


def _is_pure(norm: str, p: Piece, mentions: list[tuple[str, int, int]]) -> bool:
    """True when a sentence says nothing beyond the options it names."""
    chars = list(norm[p.start:p.end])
    for _, s, e in mentions:
        chars[s - p.start:e - p.start] = " " * (e - s)
    words = re.findall(r"[A-Za-z']+", "".join(chars).lower())
    return bool(mentions) and all(w in _FILLER or len(w) < 3 for w in words)


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
