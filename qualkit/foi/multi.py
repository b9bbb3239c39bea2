"""The multi-select reader: which listed options an answer block selects, in any layout.

Split from ``foi.layouts`` (pieces, yes/no); the wording rules for planned items and items
beyond the list live in ``foi.wording``. Layouts read here:

- ``Option  Yes`` / ``Option - Yes`` / ``Option: No`` / ``| Option | Yes |`` -- *marked* lines;
  in a block with marked lines, bare options are the echoed request and are not selected;
- ``Option - explanation`` -- *explained*: selected unless the explanation is a negation, or
  names the option as planned ("planned for 2024", "in development");
- bullet lists of bare options -- selected, unless the list holds every option of the question
  bare (the whole request echoed back); a bullet naming a dataset or use not in the list
  selects "Other"; bullets under a lead-in that calls them planned are planned;
- lists in one line or cell ("School census; CiN census", "SEND, CLA and FSM");
- prose -- options mentioned in sentences without a negation and not planned, lowest
  confidence, used only when nothing structured was found; "Other" when a sentence names
  datasets or uses beyond the list.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from . import wording as W
from .layouts import (_WS, Piece, Reading, Span, _qualify, _sentences, join_wrapped,
                      strip_echo, trim)
from .options import OPTIONS

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


