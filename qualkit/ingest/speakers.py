"""Speaker turns in plain text: labels such as ``Interviewer:``, ``P3:`` or ``[00:01:02] Sam:``.

Conventions
- A label starts a line (after optional spaces/tabs) and ends with a colon. Recognised forms:
  ``Interviewer:``, ``I:``, ``Int:``, ``Q:``/``A:``, ``P3:``, ``Participant 3:``, ``Respondent 2:``,
  ``R2:``, ``Dr Jane Smith:``, ``NAME (Role):``, ``Name Surname (Role):``, ``**Name:**`` or
  ``**Name**:``, each optionally after a timestamp ``[00:01:02]``, ``(00:01:02)`` or ``00:01:02``
  (a ``-`` after the timestamp is allowed); ``Name (00:01:02):`` also works. A colon that
  starts a time is not a label's colon (``Emma  0:00`` is not the speaker "Emma 0").
- Headings of exported transcripts, a label on its own line with the text below it: Otter,
  Teams .docx and Descript write ``Name  0:03`` or ``**Name**  0:03`` (a time alone after the
  name, after two spaces or a tab -- or one, when that name heads a turn twice); Markdown
  exports also put the text after a bold name and a time on the same line
  (``**Name** [0:03] text``). A role label alone on its line (``Interviewer 1`` then the text
  below, as transcription tools print to PDF) counts when the document has two such lines
  (of any roles). So does a name alone on its line (``Jane Smith``, an un-anonymised export)
  when it is 2-4 capitalised words without final punctuation, heads at least two turns, the
  document has at least two speakers written that way (names or roles), and such lines
  outnumber the document's ``Name:`` labels -- so a title or a heading is not a speaker.
- ``Turn.speaker`` is the name as written (whitespace collapsed, ``**`` removed).
  ``Turn.role`` is the role written in brackets, verbatim; otherwise it is inferred:
  "interviewer" for Interviewer/Int/I/Q/Question/Facilitator/Researcher/Moderator (optionally
  numbered), "participant" for Participant/Respondent/Interviewee/Answer (optionally numbered),
  P<n>, R/R<n> and A; otherwise None. ``Turn.timestamp`` is the timestamp as written.
- A turn's text runs from the first non-space character after the label to the end of the turn
  (the start of the next label's line), trailing whitespace excluded. Lines without a label
  continue the previous turn; text before the first label (a header) is in no turn. A label
  with nothing after it gives no turn.
- False positives: a label that is not a known role form counts only if it looks like a name
  (at most 5 words, each capitalised except particles like "de"/"van", no sentence punctuation
  except title abbreviations and initials such as "Dr." or "J.", first word not in a stoplist
  such as Note/Date/Area/Re) AND it either appears at line start at least twice in the document
  or carries a timestamp or a ``(Role)``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from qualkit.models import Turn

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"

_LABEL_RE = re.compile(
    rf"""
    ^[ \t]*
    (?:(?:\[(?P<ts1>{_TS})\]|\((?P<ts2>{_TS})\)|(?P<ts3>{_TS}))[ \t]*(?:[-–—][ \t]*)?)?
    (?P<bold>\*\*)?
    (?P<name>[^\W\d_][^:()\[\]*\n]{{0,59}}?)
    [ \t]*
    (?:\((?:(?P<ts4>{_TS})|(?P<role>[^()\n:]{{1,80}}))\)[ \t]*)?
    (?(bold)(?:\*\*[ \t]*:|:[ \t]*\*\*)|:)(?!\d\d)
    """,
    re.MULTILINE | re.VERBOSE,
)
# a heading: ``Name  0:03`` alone on its line, or ``**Name** [0:03]`` with text after it
_HEADING_RE = re.compile(
    rf"""
    ^[ \t]*(?P<bold>\*\*)?
    (?P<name>[^\W\d_][^:()\[\]*\n]{{0,59}}?)
    (?(bold)\*\*)
    (?P<gap>[ \t]+)
    (?:\[(?P<ts1>{_TS})\]|\((?P<ts2>{_TS})\)|(?P<ts3>{_TS}))
    (?(bold)[ \t]*|[ \t]*$)
    """,
    re.MULTILINE | re.VERBOSE,
)
# a role label alone on its line (``Interviewer 1``), the text on the lines below
_ROLE_LINE_RE = re.compile(
    r"^[ \t]*(?P<name>(?i:interviewer|interviewee|participant|respondent|facilitator|"
    r"moderator|researcher)(?:[ \t]+\d{1,2})?)[ \t]*$", re.MULTILINE)

# a line that may be a name alone (checked further by ``_bare_names``)
_NAME_LINE_RE = re.compile(r"^[ \t]*(?P<name>[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?"
                           r"(?:[ \t]+[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?){1,3})"
                           r"[ \t]*\n(?=\s*\S)", re.MULTILINE)
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")

_INTERVIEWER_RE = re.compile(
    r"(?i:interviewer|int|facilitator|researcher|moderator|question)(?:[ \t]*\d+)?|I\d*|Q\d*"
)
_PARTICIPANT_RE = re.compile(
    r"(?i:participant|respondent|interviewee|answer)(?:[ \t]*\d+)?|P[ \t]?\d+|R\d*|A\d*"
)

# First words that are never a speaker's name (header fields, e-mail headers, discourse words).
STOPLIST = frozenset(
    """note notes date time area location re subject from to cc bcc sent ref tel telephone email
    e-mail website page source fw fwd duration venue transcriber project title keywords summary
    so and but well yes no ok okay example because also then""".split()
)
_PARTICLES = frozenset("de da del della di du van von der den la le bin al el y ten ter".split())
_ABBREV_RE = re.compile(r"(?:Dr|Mr|Mrs|Ms|Mx|Prof|Rev|St|Sr|Jr)\.|[^\W\d_]\.")
_SENTENCE_PUNCT = set(".,;!?…\"“”")


@dataclass(frozen=True)
class Label:
    """A candidate speaker label found at the start of a line."""

    speaker: str
    role: str | None
    timestamp: str | None
    known: bool  # a role form, a timestamp or a (Role): counts even if it appears once
    start: int  # where the label's line starts
    end: int  # just past the label (before any spaces)


def infer_role(speaker: str) -> str | None:
    """'interviewer' or 'participant' for the conventional labels, else None."""
    if _INTERVIEWER_RE.fullmatch(speaker):
        return "interviewer"
    if _PARTICIPANT_RE.fullmatch(speaker):
        return "participant"
    return None


def looks_like_name(name: str) -> bool:
    """True for ``Sam``, ``Dr Jane Smith``, ``Maria de Souza``; False for ``Note`` or phrases."""
    words = name.split()
    if not words or len(words) > 5 or not words[0][0].isupper():
        return False
    if words[0].lower().rstrip(".") in STOPLIST:
        return False
    for word in words:
        if _ABBREV_RE.fullmatch(word):
            continue
        if any(c in _SENTENCE_PUNCT for c in word):
            return False
        if not (word[0].isupper() or word[0].isdigit() or word.lower() in _PARTICLES):
            return False
    return True


def _label_from_match(m: re.Match[str], text: str) -> Label | None:
    if text.startswith("//", m.end()):  # http://, https://
        return None
    speaker = " ".join(m["name"].split())
    timestamp = m["ts1"] or m["ts2"] or m["ts3"] or m["ts4"]
    role = " ".join(m["role"].split()) if m["role"] else None
    inferred = infer_role(speaker)
    if inferred is None and not looks_like_name(speaker):
        return None
    known = inferred is not None or timestamp is not None or role is not None
    return Label(speaker, role or inferred, timestamp, known, m.start(), m.end())


def match_label(line: str) -> Label | None:
    """The speaker label at the start of one line, or None (repetition is not checked)."""
    m = _LABEL_RE.match(line)
    return _label_from_match(m, line) if m else None


def is_label_line(line: str) -> bool:
    """True when ``line`` opens with a speaker label of any form (repetition not checked)."""
    line = line.rstrip("\n")
    return bool(match_label(line) or _ROLE_LINE_RE.fullmatch(line)
                or ((m := _HEADING_RE.match(line)) and _heading_label(m)))


def accepted(labels: list[Label]) -> list[bool]:
    """Which candidate labels count: known forms, or names used as a label at least twice."""
    counts = Counter(label.speaker for label in labels)
    return [label.known or counts[label.speaker] >= 2 for label in labels]


def _heading_label(m: re.Match[str]) -> Label | None:
    speaker = " ".join(m["name"].split())
    if infer_role(speaker) is None and not looks_like_name(speaker):
        return None
    # two spaces, a tab or bold: the layout of an export; one space: only if used twice
    known = bool(m["bold"]) or "\t" in m["gap"] or len(m["gap"]) >= 2
    timestamp = m["ts1"] or m["ts2"] or m["ts3"]
    return Label(speaker, infer_role(speaker), timestamp, known, m.start(), m.end())


def _role_line_label(m: re.Match[str], known: bool) -> Label:
    speaker = " ".join(m["name"].split())
    return Label(speaker, infer_role(speaker), None, known, m.start(), m.end())


def find_labels(text: str) -> list[Label]:
    """All accepted speaker labels in ``text``, in order."""
    found: dict[int, Label] = {}
    for m in _LABEL_RE.finditer(text):
        label = _label_from_match(m, text)
        if label is not None:
            found[label.start] = label
    for m in _HEADING_RE.finditer(text):
        label = _heading_label(m)
        if label is not None and label.start not in found:
            found[label.start] = label
    role_lines = {m.start() for m in _ROLE_LINE_RE.finditer(text) if m.start() not in found}
    for start in role_lines:  # the document's convention once two lines follow it
        found[start] = _role_line_label(_ROLE_LINE_RE.match(text, start), len(role_lines) >= 2)
    candidates = [found[k] for k in sorted(found)]
    ok = accepted(candidates)
    labels = [label for label, keep in zip(candidates, ok) if keep]
    roles = {_fold(label.speaker) for label in labels if label.start in role_lines}
    bare = _bare_names(text, set(found), roles)
    if len(bare) > sum(label.start not in role_lines for label in labels):
        labels = sorted(labels + bare, key=lambda label: label.start)
    return labels


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _bare_names(text: str, taken: set[int], roles: set[str]) -> list[Label]:
    """Names alone on their line above speech, each heading two turns or more, two speakers
    or more (with the role lines): see the module docstring."""
    found: list[Label] = []
    for m in _NAME_LINE_RE.finditer(text):
        name = " ".join(m["name"].split())
        words = name.split()
        if m.start() in taken or infer_role(name) is not None or not looks_like_name(name):
            continue
        if not all(len(w.rstrip(".")) >= 2 or w.endswith(".") for w in words):
            continue
        below = _BLANK_LINES.match(text, m.end()).end()  # the next line with text
        if _LABEL_RE.match(text, below) or _ROLE_LINE_RE.match(text, below):
            continue  # the line below is a label too: this one heads nothing
        found.append(Label(name, None, None, True, m.start(), m.end("name")))
    counts = Counter(_fold(label.speaker) for label in found)
    found = [label for label in found if counts[_fold(label.speaker)] >= 2]
    speakers = {_fold(label.speaker) for label in found} | roles
    return found if len(speakers) >= 2 else []


def find_turns(text: str) -> list[Turn]:
    """Speaker turns in ``text``; ``text[t.start:t.end]`` is the utterance. [] if no labels."""
    labels = find_labels(text)
    turns = []
    for i, label in enumerate(labels):
        limit = labels[i + 1].start if i + 1 < len(labels) else len(text)
        start, end = label.end, limit
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            turns.append(Turn(start, end, label.speaker, label.role, label.timestamp))
    return turns
