"""Freedom of Information letters: find each question, read the authority's answers.

``parse_letter(text)`` returns a ``FoiLetter``: one ``FoiAnswer`` per question the questionnaire
asks (``unclear`` with confidence 0 when it could not be read -- never guessed), the free text
to code (explanations, caveats, "Other (please specify)" notes) tagged with its question, and
human-readable ``problems``. ``looks_like_foi(text)`` is the cheap detector ingest uses.

How a letter is read:

1. The text is normalised character for character (``foi_options.normalise``), so every offset
   found indexes the original letter.
2. Questions are found by their wording, not their number ("1."-"7.", "Q3", "Question 4:",
   table rows, ``>``-quoted lines). A letter may hold a question twice: the echoed request and
   the answer. When a "Response"/"Our response"/"Answers" heading separates them, only the
   occurrences after it are read; otherwise the last occurrence with a readable answer wins.
3. A question's block runs to the next question, the response heading or the closing
   boilerplate (re-use licence, complaint rights, ICO). ``>``-quoted lines, addresses and
   references inside a block are skipped: they are the echo, not the answer.
4. ``foi.layouts`` reads the block (yes/no, free text); ``foi.multi`` multi-select
   answers in every layout, with ``foi.wording`` for planned items and items beyond the list.
5. A multi-select question with nothing selected whose gate question (q1 for q2-q4, q5 for q6)
   was answered "no" is ``none`` -- nothing linked, so nothing to select.
6. When no question block answers, numbered answer lines ("1. Yes", "A2: School census") are
   matched to the question numbers of the echoed request.

Answer conventions:

- yes/no questions (q1, q5) answer ``yes``/``no``/``in development``/``unclear``; the rest of
  the answer is the ``qualifier`` ("Yes, on an ad-hoc basis" -> "on an ad-hoc basis");
- multi-select questions answer ``selected`` (``options`` non-empty, in vocabulary order),
  ``none`` (explicitly none / not applicable / only "We aren't using linked data", which keeps
  the option ``not_using`` / nothing selected after the gate question was answered no) or
  ``unclear``; their ``qualifier`` is the rest of a "None - ..." answer, else empty (option
  explanations are free text);
- ``unclear`` answers have confidence 0, no options, and the span of the question's block when
  the question was found ((0, 0) when it was not);
- ICB letters (variant ``"icb"``) answer q2-q6 plus ``icb_partners`` (multi-select:
  local_authority, nhs_provider, primary_care, public_health, police, schools, other) and
  ``icb_barriers`` (free text: ``given``/``none``/``unclear``); see ``foi_options``.

Free text (``FoiFreeText``) is every explanation, caveat and "Other (please specify)" note,
tagged with its question; notes in the response section outside any question are tagged None.
Addresses, references, re-use licences, complaint rights and ICO contacts are never free text.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from . import options as O
from .layouts import Piece, Reading, make_pieces, read_free, read_yes_no, trim
from .multi import read_multi

__all__ = ["FoiAnswer", "FoiFreeText", "FoiLetter", "looks_like_foi", "parse_letter",
           "stored_answers"]


@dataclass(frozen=True)
class FoiAnswer:
    question: str
    answer: str
    options: tuple[str, ...]
    qualifier: str
    confidence: float
    start: int
    end: int


@dataclass(frozen=True)
class FoiFreeText:
    question: str | None
    start: int
    end: int
    text: str  # == letter[start:end]


@dataclass
class FoiLetter:
    variant: str  # "la" | "icb"
    answers: list[FoiAnswer] = field(default_factory=list)
    free_text: list[FoiFreeText] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # a refusal of the whole request: (reason, start, end of the sentence that says so)
    refusal: tuple[str, int, int] | None = None


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    cstart: int  # after any ">" quote marks
    depth: int  # quote depth relative to the least-quoted line


@dataclass(frozen=True)
class _Heading:
    qid: str
    line: int
    start: int
    end: int  # where the answer may begin (after "?", or the question's cell)
    number: int | None
    strict: bool


# --- public ---------------------------------------------------------------------------------
def looks_like_foi(text: str) -> bool:
    """Cheap guess: FOI wording plus questionnaire questions or FOI boilerplate."""
    if not text or not text.strip():
        return False
    head = O.normalise(text[:30000])
    score = 2 if O.FOI_MARKER.search(head) else 0
    score += min(3, len({h.qid for h in _find_headings(head, _lines(head))}))
    if re.search(r"information\s+commissioner|internal\s+review|request\s+(?:id|ref)|our\s+ref|"
                 r"section\s+1[24]\b|\bFOI\s*[-/]?\s*\d", head, re.IGNORECASE):
        score += 1
    report = len(re.findall(r"\b(?:Figure|Table)\s+\d|\bet\s+al\b", head))
    letter = re.search(r"\bdear\b|\byours\s+(?:sincerely|faithfully)|\b(?:our|your)\s+ref|"
                       r"request\s+(?:id|ref)|\bsubject:", head, re.IGNORECASE)
    if report >= 3 and not letter:  # a research report or policy brief about FOI responses
        return False
    speakers = len(re.findall(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?[A-Z][\w .'-]{0,25}:\s",
                              head, re.MULTILINE))
    lines = max(1, head.count("\n"))
    if speakers >= 5 and speakers / lines > 0.2 and score < 4:
        return False
    return score >= 3


def stored_answers(letter: FoiLetter) -> list[FoiAnswer]:
    """The answers as the project stores them: when the authority refused the whole request,
    each unread answer is ``refused`` (qualifier: the reason; span: where it says so) --
    a status of its own, counted apart from ``unclear`` in tallies."""
    if letter.refusal is None:
        return list(letter.answers)
    why, start, end = letter.refusal
    return [FoiAnswer(a.question, "refused", (), why, 0.9, start, end) if a.answer == "unclear"
            else a for a in letter.answers]


def parse_letter(text: str) -> FoiLetter:
    """Read one letter. Never raises: anything odd ends up in ``problems``."""
    try:
        return _parse(text if isinstance(text, str) else str(text or ""))
    except Exception as exc:  # pragma: no cover - a safety net, not a code path
        letter = _empty("la")
        letter.problems.append(f"the letter could not be parsed ({type(exc).__name__}: {exc})")
        return letter


# --- the parser -----------------------------------------------------------------------------
def _empty(variant: str) -> FoiLetter:
    qids = O.ICB_QUESTIONS if variant == "icb" else O.LA_QUESTIONS
    return FoiLetter(variant, [FoiAnswer(q, "unclear", (), "", 0.0, 0, 0) for q in qids])


def _parse(text: str) -> FoiLetter:
    if not text.strip():
        letter = _empty("la")
        letter.problems.append("empty letter: no text to read")
        return letter
    norm = O.normalise(text)
    lines = _lines(norm)
    headings = _find_headings(norm, lines)
    variant = _variant(norm, headings)
    qids = O.ICB_QUESTIONS if variant == "icb" else O.LA_QUESTIONS
    headings = [h for h in headings if h.qid in qids]
    if not headings:
        letter = _empty(variant)
        letter.problems.append("no recognisable questions")
        if looks_like_foi(text):
            _refusal(norm, letter)
        else:
            letter.problems.append("the text does not look like an FOI letter")
        return letter
    boundary = _boundary(norm, lines, headings)
    stops = [i for i, ln in enumerate(lines) if O.BOILERPLATE_START.search(norm[ln.cstart:ln.end])
             or (ln.depth == 0 and _refuses(norm[ln.cstart:ln.end]))]
    readings: dict[str, tuple[Reading, tuple[int, int]]] = {}  # reading, block span
    for qid in qids:
        cands = [h for h in headings if h.qid == qid]
        if boundary is not None and any(h.line > boundary for h in cands):
            cands = [h for h in cands if h.line > boundary]
        for h in cands:
            pieces, span = _block(norm, lines, headings, h, boundary, stops)
            r = _read(norm, qid, pieces)
            if qid not in readings or r.answer != "unclear" or readings[qid][0].answer == "unclear":
                readings[qid] = (r, span)
    notes = _numbered_fallback(norm, lines, headings, boundary, stops, qids, readings)
    letter = _assemble(text, norm, lines, variant, qids, readings, headings, boundary)
    if not looks_like_foi(text):
        letter.problems.insert(0, "the text does not look like an FOI letter")
        if all(a.answer == "unclear" for a in letter.answers):
            letter.free_text = []  # nothing read: its text is not an answer to code
    seen = {(f.start, f.end) for f in letter.free_text}
    for s, e in notes:
        _add_free(letter, text, norm, None, s, e, seen)
    letter.free_text.sort(key=lambda f: f.start)
    return letter


def _refuses(line: str) -> bool:
    """A refusal line ends an answer block; exemptions for parts (s.40 names) do not."""
    m = O.REFUSAL.search(line)
    return bool(m) and (m.group(1) or m.group(2) or "12") in ("12", "14")


def _lines(norm: str) -> list[_Line]:
    raw, pos = [], 0
    for chunk in norm.split("\n"):
        m = re.match(r"[ \t]*((?:>[ \t]?)*)", chunk)
        raw.append((pos, pos + len(chunk), pos + m.end(), m.group(1).count(">")))
        pos += len(chunk) + 1
    depths = [d for s, e, c, d in raw if norm[c:e].strip()]
    base = min(depths) if depths else 0
    return [_Line(s, e, c, max(0, d - base)) for s, e, c, d in raw]


def _find_headings(norm: str, lines: list[_Line]) -> list[_Heading]:
    out = []
    for i, ln in enumerate(lines):
        if ln.end - ln.cstart < 8:
            continue
        wrap_end = lines[i + 1].end if i + 1 < len(lines) else ln.end
        best = None
        for strict, table in ((True, O.QUESTION_STRICT), (False, O.QUESTION_LOOSE)):
            for qid, rx in table.items():
                m = rx.search(norm, ln.cstart, wrap_end if strict else ln.end)
                if not m or m.start() >= ln.end:
                    continue
                prefix = norm[ln.cstart:m.start()]
                pm = O.QUESTION_PREFIX.fullmatch(prefix)
                if strict:
                    if "?" in prefix or len(prefix.split()) > 8:
                        continue
                elif not (pm and (pm.group(1) or "|" in prefix or re.search(r"q", prefix, re.I))):
                    continue
                if best is None or (strict, -m.start()) > (best[0], -best[1].start()):
                    number = int(pm.group(1)) if pm and pm.group(1) else _number(prefix)
                    best = (strict, m, qid, number)
            if best is not None:
                break
        if best is not None:
            strict, m, qid, number = best
            out.append(_Heading(qid, i, m.start(), _heading_end(norm, lines, i, m.end(), strict),
                                number, strict))
    return out


def _number(prefix: str) -> int | None:
    m = re.search(r"(\d{1,2})\D*$", prefix)
    return int(m.group(1)) if m else None


def _heading_end(norm: str, lines: list[_Line], i: int, pos: int, strict: bool) -> int:
    line = lines[i]
    if pos > line.end:  # the question wrapped onto the next line
        for j in range(i + 1, len(lines)):
            if lines[j].start <= pos <= lines[j].end:
                line = lines[j]
                break
    cands = [norm.find(ch, pos, line.end) for ch in "?|\t"]
    cands = [c + (1 if norm[c] == "?" else 0) for c in cands if c >= 0]
    if not cands and not strict:
        c = norm.find(":", pos, line.end)
        cands = [c + 1] if c >= 0 else []
    if cands:
        return min(cands)
    limit = min(len(norm), pos + 200)
    blank = norm.find("\n\n", pos, limit)
    q = norm.find("?", pos, blank if blank >= 0 else limit)
    if q >= 0 and "|" not in norm[pos:q]:
        return q + 1
    return line.end


def _variant(norm: str, headings: list[_Heading]) -> str:
    found = {h.qid for h in headings if h.strict}
    if found & {O.ICB_PARTNERS, O.ICB_BARRIERS} and O.Q1 not in found:
        return "icb"
    if any(h.qid == O.Q5 and O.ICB_WORDING.match(norm, h.start) for h in headings):
        return "icb"
    letterhead = norm[:min(h.start for h in headings)] if headings else ""
    if O.ICB_MARKER.search(letterhead) and O.Q1 not in {h.qid for h in headings}:
        return "icb"  # an ICB's letter whose own wording was not recognised
    return "la"


def _boundary(norm: str, lines: list[_Line], headings: list[_Heading]) -> int | None:
    """The "Response" heading between an echoed request and the answers, if there is one.

    It counts only when a question asked before it is asked again after it, or when no
    question follows it (answers listed by number); an "Answer" line inside Q/A pairs is not
    a boundary."""
    first = min(h.line for h in headings)
    for i, ln in enumerate(lines):
        if first < i and ln.depth == 0:
            content = norm[ln.cstart:ln.end].strip(" \t#*_:.-")
            if content and O.RESPONSE_HEADING.fullmatch(content):
                before = {h.qid for h in headings if h.line < i}
                after = {h.qid for h in headings if h.line > i}
                nxt = next((x for x in lines[i + 1:] if norm[x.cstart:x.end].strip()), None)
                numbered = nxt is not None and _NUMBERED.match(norm, nxt.cstart, nxt.end)
                if before & after or (not after and numbered):
                    return i
    return None


def _block(norm: str, lines: list[_Line], headings: list[_Heading], h: _Heading,
           boundary: int | None, stops: list[int]) -> tuple[list[Piece], tuple[int, int]]:
    """The pieces a question's answer can come from, and the block's whole span."""
    ends = [len(lines)]
    for rows in ([g.line for g in headings], stops):  # both sorted
        k = bisect_right(rows, h.line)
        if k < len(rows):
            ends.append(rows[k])
    if boundary is not None and boundary > h.line:
        ends.append(boundary)
    end_line = min(ends)
    pieces = []
    for ln in lines[h.line:end_line]:
        if ln.end <= h.end or ln.depth > 0:
            continue
        s = max(ln.cstart, h.end)
        content = norm[s:ln.end].strip()
        if O.BOILERPLATE_LINE.search(content) or O.RESPONSE_HEADING.fullmatch(
                content.strip(" \t#*_:.-")):  # a bare "Answer:" label
            continue
        pieces += make_pieces(norm, s, ln.end)
    block_end = lines[end_line - 1].end if end_line > h.line else h.end
    return pieces, (h.start, max(h.end, block_end))


def _read(norm: str, qid: str, pieces: list[Piece]) -> Reading:
    if qid in O.YES_NO:
        return read_yes_no(norm, pieces)
    if qid in O.FREE_TEXT_ONLY:
        return read_free(norm, pieces)
    return read_multi(norm, qid, pieces)


_NUMBERED = re.compile(r"(?:A(?:nswer)?|Q(?:uestion)?|Response)?\s*(\d{1,2})\s*[.):\-]\s+(?=\S)",
                       re.IGNORECASE)


def _numbered_fallback(norm, lines, headings, boundary, stops, qids,
                       readings) -> list[tuple[int, int]]:
    """Answers listed by number ("1. Yes") away from the questions they answer.

    Returns the spans of other lines in that answer list (general notes, free text)."""
    todo = [q for q in qids if q not in readings or readings[q][0].answer == "unclear"]
    numbers = {h.number: h.qid for h in headings if h.number is not None}
    if not todo or not numbers:
        return []
    heading_lines = {h.line for h in headings}
    start = boundary + 1 if boundary is not None else 0
    end = min([i for i in stops if i >= start] + [len(lines)])
    chunks: dict[int, list[Piece]] = {}
    notes: list[tuple[int, int]] = []
    current = None
    for i in range(start, end):
        ln = lines[i]
        content = norm[ln.cstart:ln.end].strip()
        if i in heading_lines or ln.depth > 0 or not content:
            current = None
            continue
        m = _NUMBERED.match(norm, ln.cstart, ln.end)
        if m:
            current = int(m.group(1))
            chunks.setdefault(current, [])
            chunks[current] += make_pieces(norm, m.end(), ln.end)
        elif current is not None:
            chunks[current] += make_pieces(norm, ln.cstart, ln.end)
        elif boundary is not None and len(content.split()) >= 4 and not (
                O.BOILERPLATE_LINE.search(content) or O.BOILERPLATE_START.search(content)):
            notes.append((ln.cstart, ln.end))
    if not any(numbers.get(n) in todo for n in chunks):
        return []
    for number, pieces in chunks.items():
        qid = numbers.get(number)
        if qid in todo and pieces:
            r = _read(norm, qid, pieces)
            if r.answer != "unclear":
                r.confidence = round(r.confidence * 0.9, 2)
                readings[qid] = (r, (pieces[0].start, pieces[-1].end))
    return notes


def _assemble(text, norm, lines, variant, qids, readings, headings, boundary) -> FoiLetter:
    letter = FoiLetter(variant)
    final: dict[str, Reading] = {}
    for qid in qids:
        final[qid] = readings[qid][0] if qid in readings else Reading()
    gates = O.GATES[variant]
    for qid, gate in gates.items():
        r, g = final.get(qid), final.get(gate)
        if r is None or g is None or g.answer != "no":
            continue
        if r.answer == "unclear":  # nothing linked, so nothing to select: evidence is the gate
            r.answer, r.confidence, r.span = "none", 0.7, g.span
        elif r.answer == "selected":
            letter.problems.append(f"{qid}: options selected although {gate} was answered no")
    seen: set[tuple[int, int]] = set()
    for qid in qids:
        r = final[qid]
        s, e = r.span or (readings[qid][1] if qid in readings else (0, 0))
        qual = text[r.qualifier_span[0]:r.qualifier_span[1]] if r.qualifier_span else r.qualifier
        letter.answers.append(FoiAnswer(qid, r.answer, tuple(r.options), qual.strip(),
                                        round(float(r.confidence), 2), s, e))
        if r.answer == "unclear":
            found = qid in readings
            letter.problems.append(f"{qid}: " + ("answer unclear" if found else
                                                 "question not found"))
        for fs, fe in r.free:
            _add_free(letter, text, norm, qid, fs, fe, seen)
    if boundary is not None and any(h.line > boundary for h in headings):
        first = min(h.line for h in headings if h.line > boundary)
        for ln in lines[boundary + 1:first]:
            content = norm[ln.cstart:ln.end].strip()
            if ln.depth == 0 and len(content.split()) >= 4 and not (
                    O.BOILERPLATE_LINE.search(content) or O.BOILERPLATE_START.search(content)):
                _add_free(letter, text, norm, None, *trim(norm, ln.cstart, ln.end), seen)
    letter.free_text.sort(key=lambda f: f.start)
    if all(a.answer == "unclear" for a in letter.answers):
        _refusal(norm, letter)
    return letter


def _add_free(letter, text, norm, qid, s, e, seen) -> None:
    s, e = trim(norm, s, e, " \t|\u2022-")
    if e - s < 3 or (s, e) in seen or not re.search(r"[A-Za-z]{2}", norm[s:e]):
        return
    seen.add((s, e))
    letter.free_text.append(FoiFreeText(qid, s, e, text[s:e]))


def _refusal(norm: str, letter: FoiLetter) -> None:
    m = O.REFUSAL.search(norm)
    if not m:
        return
    section = m.group(1) or m.group(2)
    held = re.search(r"\bhel?d\b|\bhold\b", m.group(0), re.IGNORECASE)
    why = O.REFUSAL_REASONS.get(section or "",
                                "information not held" if held else "request refused")
    letter.problems.insert(0, f"the authority declined to answer: {why}")
    start = max(norm.rfind("\n", 0, m.start()) + 1, norm.rfind(". ", 0, m.start()) + 2)
    stop, nl = norm.find(". ", m.end()), norm.find("\n", m.end())
    ends = [i for i in (stop + 1 if stop >= 0 else -1, nl) if i >= 0]
    letter.refusal = (why, start, min(ends) if ends else len(norm))
