"""The segment filter: a short line a coder types, e.g. ``doc:northmere role:participant uncoded``.

One text field beats a form of ten drop-downs for a keyboard user, and the same words appear
in the status bar so the coder always sees why rows are hidden. Every term must hold (AND):

  doc:NAME  speaker:NAME  role:NAME  attr:NAME=VALUE  code:ID  uncoded  coded
  theme:N (latest themes run) or theme:RUN:N   suggested:ID>SCORE   text:WORDS (also `/`)

``doc:`` matches part of a name, unless it is some document's whole name: then that document
alone (the documents screen and ``--doc`` filter by the whole name).

Terms that need work the screen does in a worker (theme members, suggestion scores) say so
in ``needs``; the matching itself is a plain loop over row indices.
"""
from __future__ import annotations

import math
import shlex
from dataclasses import dataclass, field

from qualkit.models import QualkitError

KEYS = ("doc", "speaker", "role", "attr", "code", "theme", "suggested", "text")
FLAGS = ("uncoded", "coded")
HELP = ("doc:NAME  speaker:NAME  role:NAME  attr:NAME=VALUE  code:ID  uncoded  coded  "
        "theme:N  suggested:ID>SCORE  text:WORDS")


class FilterError(QualkitError):
    pass


@dataclass
class Filter:
    terms: list[tuple[str, str]] = field(default_factory=list)
    theme_members: set[str] | None = None  # filled by the screen's worker
    scores: dict[str, float] | None = None  # segment id -> score of the suggested code

    @property
    def empty(self) -> bool:
        return not self.terms

    def describe(self) -> str:
        return " ".join(k if not v else f"{k}:{shlex.quote(v)}" for k, v in self.terms)

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.terms if k == key), None)

    @property
    def suggested(self) -> tuple[str, float] | None:
        spec = self.get("suggested")
        if spec is None:
            return None
        code, _, score = spec.partition(">")
        return code, float(score)

    def suggest_k(self, n_codes: int) -> int:
        """Enough ranks that a code scoring above the threshold is always among them (a
        segment's scores add up to at most 1)."""
        _, score = self.suggested or ("", 1.0)
        return max(1, min(n_codes, math.ceil(1 / max(score, 1e-3)) + 1))

    def with_text(self, words: str) -> "Filter":
        terms = [(k, v) for k, v in self.terms if k != "text"]
        if words.strip():
            terms.append(("text", words.strip()))
        return Filter(terms, self.theme_members, self.scores)

    def rows(self, s) -> list[int]:
        """The session rows that pass every term, in order."""
        preds = [self._pred(k, v, s) for k, v in self.terms]
        return [i for i in range(len(s.ids)) if all(p(i) for p in preds)]

    def _pred(self, key: str, value: str, s):  # noqa: C901 (one branch per term)
        low = value.lower()
        if key == "doc":  # a document's whole name picks it alone ("Document 1", not 10-19)
            known = set(s.docs)
            names = {d for d in known if d.lower() == low} or \
                {d for d in known if low in d.lower()}
            return lambda i: s.docs[i] in names
        if key == "speaker":
            return lambda i: s.speakers[i].lower() == low
        if key == "role":
            return lambda i: s.roles[i].lower() == low
        if key == "attr":
            name, _, want = value.partition("=")
            docs = {d for d, a in s.attributes.items() if a.get(name, "").lower() == want.lower()}
            return lambda i: s.docs[i] in docs
        if key == "code":
            return lambda i: any(c == value or c.startswith(value + ".") for c in s.applied[i])
        if key == "uncoded":
            return lambda i: not s.applied[i]
        if key == "coded":
            return lambda i: bool(s.applied[i])
        if key == "text":
            return lambda i: low in s.texts[i].lower()
        if key == "theme":
            members = self.theme_members or set()
            return lambda i: s.ids[i] in members
        if key == "suggested":
            code, threshold = self.suggested  # type: ignore[misc]
            scores = self.scores or {}
            return lambda i: scores.get(s.ids[i], 0.0) >= threshold
        raise FilterError(f"unknown filter {key!r}")


def parse_filter(line: str, code_ids: list[str] | None = None) -> Filter:
    """Read a filter line; a mistake raises FilterError naming the term and what is expected."""
    try:
        words = shlex.split(line)
    except ValueError as e:
        raise FilterError(f"filter: {e} (close the quote)") from None
    terms: list[tuple[str, str]] = []
    for w in words:
        if w in FLAGS:
            terms.append((w, ""))
            continue
        key, sep, value = w.partition(":")
        if not sep or key not in KEYS:
            raise FilterError(f"filter: {w!r} is not a filter term; use {HELP}")
        if not value:
            raise FilterError(f"filter: {key}: needs a value")
        _check(key, value, code_ids)
        terms.append((key, value))
    return Filter(terms)


def _check(key: str, value: str, code_ids: list[str] | None) -> None:
    if key == "attr" and "=" not in value:
        raise FilterError("filter: attr: takes NAME=VALUE, e.g. attr:authority_type=unitary")
    if key == "theme":
        parts = value.split(":")
        if not all(p.lstrip("-").isdigit() for p in parts) or len(parts) > 2:
            raise FilterError("filter: theme: takes a theme number (theme:3) or RUN:N")
    if key == "suggested":
        code, sep, score = value.partition(">")
        try:
            ok = bool(sep) and 0 <= float(score) <= 1
        except ValueError:
            ok = False
        if not ok:
            raise FilterError("filter: suggested: takes CODE>SCORE with a score from 0 to 1, "
                              "e.g. suggested:barrier.culture>0.5")
        if code_ids is not None and code not in code_ids:
            raise FilterError(f"filter: no code {code!r} in the codeframe")
    if key == "code" and code_ids is not None and not any(
            c == value or c.startswith(value + ".") for c in code_ids):
        raise FilterError(f"filter: no code {value!r} in the codeframe")
