"""Two kinds of wording a multi-select answer needs read beyond its listed options.

1. **Planned, not current.** "Nothing is linked at present; we plan to link CAMHS and GP data
   next year", "Primary care (GP data) - planned for 2024", a list under "The following are
   planned:". Options named as planned, in development or future work are *not* selected:
   the wording is kept as the answer's qualifier and as free text. A clause is planned when
   it holds a ``PLANNED`` marker; a sentence is cut into clauses at commas, semicolons,
   brackets, "but"/"however", and at "and" before a planning verb, so "We link births and
   deaths data and plan to add CAMHS" selects births and deaths only.
2. **More than the list.** "We link the school census and the CiN census, and also our early
   help and youth offending records": datasets or uses named beyond the listed options mean
   "Other" was chosen, and the sentence is kept as its free text. Found by ``extra_items``:
   a phrase after "also" / "as well as" / "in addition" / "other" naming a dataset (a phrase
   ending in data, records, register... whose words are not just "social care" or
   "educational"), or a use ("for"/"to" + what it is for); or an item of a plain list
   ("School census, CiN census, early help data") that is not an option. A dataset that is the
   other side of the linkage ("with social care data", "to educational data sets") is not an
   extra item.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

Span = tuple[int, int]

PLANNED = re.compile(
    r"\b(?:plan(?:s|ning)?\s+(?:to|on)\b|planned|(?:is|are|we're)\s+planning\b|in\s+development|being\s+developed|"
    r"under\s+development|developing|in\s+progress|working\s+towards|will\s+(?:be\s+)?"
    r"(?:link|add|includ|start|begin|follow|expand|extend)\w*|intend\w*|aim(?:s|ing)?\s+to|"
    r"hope\s+to|in\s+(?:the\s+)?future|next\s+(?:year|financial\s+year|phase|stage)|"
    r"from\s+(?:april|september|january|next|\d{4})|by\s+(?:the\s+end\s+of\s+)?\d{4}|not\s+yet|"
    r"piloting|being\s+(?:explored|scoped|considered|set\s+up)|propos(?:ed|e\s+to)|"
    r"expected\s+to|due\s+to\s+(?:start|begin|go\s+live)|(?:is|are)\s+to\s+be\s+(?:linked|added))\b",
    re.IGNORECASE)
# "and" before a planning verb starts a new clause: "... data and plan to add CAMHS"
_AND_PLAN = re.compile(r"\band\s+(?=(?:we\s+|are\s+|is\s+|will\s+)?(?:also\s+)?(?:plan|intend|"
                       r"aim|hope|will|expect|propose|are\s+(?:planning|developing|working)))",
                       re.IGNORECASE)
_CUT = re.compile(r"[,;:()]|\b(?:but|however|whereas|although|while)\b", re.IGNORECASE)
_PAREN_AFTER = re.compile(r"\s*\(\s*([^()\n]{1,40})\)")

_DATA_NOUN = r"(?:data(?:\s*sets?)?|records?|databases?|registers?|returns?|census|information)"
_ALSO = r"(?:also|as\s+well\s+as|in\s+addition(?:\s+to)?|additionally|plus|other|further|together\s+with)"
_EXTRA_DATA = re.compile(rf"\b{_ALSO}\b(?P<items>[^.;:]{{2,120}}?\b{_DATA_NOUN})\b", re.IGNORECASE)
_EXTRA_USE = re.compile(rf"\b{_ALSO}\b[^.;:]{{0,60}}?\b(?:for|to)\s+(?P<items>[^.;:]{{3,100}})",
                        re.IGNORECASE)
_FOR_USE = re.compile(r"\bfor\s+(?P<items>(?:the\s+|our\s+|an?\s+)?[^.;:,]{3,100})", re.IGNORECASE)
_PARTNER = re.compile(r"\b(?:with|to|into|against|onto)\s+(?:the\s+|our\s+|their\s+|its\s+)?"
                      rf"(?:[\w'-]+\s+){{0,3}}{_DATA_NOUN}$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bor\b|&|\+|/)\s*", re.IGNORECASE)
# words that say nothing about *which* dataset or use
_GENERIC = set("""a an the our their its we us it this that these those and or of with to for in on
at by from also as well other further additional additionally plus include includes including
link links linking linked use uses using used data dataset datasets sets set record records
database databases information system systems register registers return returns census social
care education educational health local authority authorities council councils internal
internally external children child childrens young people pupils purposes purpose basis
weekly monthly daily annually annual regularly routinely usually currently other's together
which who where when is are be been being was were has have had there all some any each various
number range variety existing own sources source""".split())


def _content(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'&-]+", text.lower())
    return [w for w in words if w.strip("'") not in _GENERIC and len(w) > 2]


def clause_cuts(norm: str, s: int, e: int) -> list[int]:
    """Sorted clause boundaries in ``norm[s:e]`` for the planned test."""
    cuts = [m.start() for m in _CUT.finditer(norm, s, e)]
    cuts += [m.start() for m in _AND_PLAN.finditer(norm, s, e)]
    return sorted(cuts)


def is_planned(norm: str, s: int, e: int, mention: tuple[str, int, int],
               cuts: list[int]) -> bool:
    """Is this option mention named as planned or in development, not current?"""
    m = _PAREN_AFTER.match(norm, mention[2], e)  # "GP data (planned)"
    if m and PLANNED.search(m.group(1)):
        return True
    i = bisect_right(cuts, mention[1])
    cs = cuts[i - 1] if i else s
    j = bisect_left(cuts, mention[2])
    ce = cuts[j] if j < len(cuts) else e
    if norm[cs:cs + 1] == "(":  # inside brackets: the clause the bracket belongs to
        cs = cuts[i - 2] if i >= 2 else s
    return bool(PLANNED.search(norm, cs, ce))


def planned_text(norm: str, s: int, e: int) -> bool:
    return bool(PLANNED.search(norm, s, e))


def extra_items(norm: str, qid: str, s: int, e: int,
                mentions: list[tuple[str, int, int]]) -> Span | None:
    """The span of datasets/uses named in ``norm[s:e]`` beyond the listed options, or None."""
    text = norm[s:e]
    blank = list(text)
    for _, ms, me in mentions:
        blank[ms - s:me - s] = " " * (me - ms)
    rest = "".join(blank)
    data = qid in ("q2_datasets", "q6_health_datasets")
    rx = _EXTRA_DATA if data else _EXTRA_USE
    for m in rx.finditer(rest):
        items = m.group("items")
        if data and _PARTNER.search(items):
            continue  # "... to educational data sets": the other side of the linkage
        if not data and any(m.start() <= ms - s < m.start("items") for _, ms, _ in mentions):
            continue  # "also produce a dashboard for the virtual school": about an option
        if _content(items) and not PLANNED.search(items):
            return s + m.start(), s + m.end()
    if not mentions:
        return None
    if not data:  # "for strategic planning and for the sufficiency review"
        ends = [me - s for _, _, me in mentions]
        for at in (m.start() for m in re.finditer(r"\bfor\b", rest, re.IGNORECASE)):
            m = _FOR_USE.match(rest, at)
            before = [x for x in ends if x <= at]
            # coordinated with an option ("planning and for X"), not attached to one
            if m and before and re.search(r"\band\b|[,;]", rest[before[-1]:at]) \
                    and len(_content(m.group("items"))) >= 2 \
                    and not PLANNED.search(m.group("items")):
                return s + m.start(), s + m.end()
    return _extra_in_list(text, rest, s, data)


def listed_item(norm: str, qid: str, s: int, e: int) -> bool:
    """A short bullet in a list of options that names a dataset or use not in the list."""
    text = norm[s:e].strip(" .")
    words = _content(text)
    if not words or len(text.split()) > 10 or PLANNED.search(text) or re.search(
            r"\b(?:we|our|not|no|none|n/a)\b", text, re.IGNORECASE):
        return False
    if qid in ("q2_datasets", "q6_health_datasets"):
        return bool(re.search(rf"\b{_DATA_NOUN}$", text, re.IGNORECASE)) or len(words) >= 2
    return len(words) >= 2


_VERB = re.compile(r"\b(?:we|our|link\w*|us(?:e|es|ed|ing)|add\w*|provid\w*|hold\w*|shar\w*|"
                   r"is|are|was|were|have|has)\b", re.IGNORECASE)


def _extra_in_list(text: str, rest: str, s: int, data: bool) -> Span | None:
    """A plain list ("School census, CiN census, early help data") with a non-option item:
    every part short, no verbs or "we" (a sentence is not a list), some part an option."""
    if _VERB.search(rest) or PLANNED.search(rest):
        return None
    parts, pos = [], 0
    for m in list(_LIST_SPLIT.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        parts.append((pos, end))
        pos = m.end() if m else pos
    if len(parts) < 2 or any(len(text[a:b].split()) > 6 for a, b in parts):
        return None
    if not any(not rest[a:b].strip() and text[a:b].strip() for a, b in parts):
        return None  # no part is wholly an option
    for a, b in parts:
        p = rest[a:b].strip(" .")
        words = _content(p)
        if words and (re.search(rf"\b{_DATA_NOUN}$", p, re.IGNORECASE) if data
                      else len(words) >= 2):
            return s + a, s + b
    return None
