"""What every quote and report writer calls to hide who said what: a small ``Redactor``.

Writers take plain data and an optional redactor, so one rule holds everywhere: nothing that
names a child, a family or a participant leaves qualkit unless the caller chose not to redact.

* ``Redactor`` is a Protocol with three methods - ``text`` (identifiers in a passage become
  tags and stable pseudonyms), ``speaker`` (a name becomes "Interviewer", "Participant N" or
  the written role) and ``document`` (a file name becomes "Document N"). ``NO_REDACTION`` is
  the default and changes nothing.
* ``make_redactor`` builds one on ``qualkit.privacy``: ``find_identifiers`` + ``redact`` for
  text, ``pseudonymise_speaker`` for speakers, and numbers documents in the order given (pass
  every document of the project, not only the quoted ones, so "Document 3" is the same file in
  every export). Its ``RedactionReport`` counts what was replaced per pseudonymised document,
  never the original strings, so the report itself can be shared.
* A redactor applied twice changes nothing the second time ("Document 3" stays "Document 3").

The ``PseudonymMap`` is the caller's: pass the project's map to keep "[Person 2]" the same
person across exports (today the Project keeps one per call; the store will keep it).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..ingest.speakers import infer_role
from ..privacy import (PseudonymMap, Redaction, RedactionReport, find_identifiers,
                       pseudonymise_speaker, redact)

_WORD = re.compile(r"\w+")

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Redactor(Protocol):
    active: bool

    def text(self, text: str, document: str = "") -> str: ...

    def speaker(self, speaker: str | None, party: str | None = None) -> str | None: ...

    def document(self, name: str) -> str: ...


@dataclass(frozen=True)
class NoRedaction:
    """The default: everything shown as written."""

    active: bool = False

    def text(self, text: str, document: str = "") -> str:
        return text

    def speaker(self, speaker: str | None, party: str | None = None) -> str | None:
        return speaker

    def document(self, name: str) -> str:
        return name


NO_REDACTION = NoRedaction()


@dataclass
class PrivacyRedactor:
    """Identifiers, names, speakers and document names replaced (see the module docstring)."""

    names: list[Any] = field(default_factory=list)
    pmap: PseudonymMap = field(default_factory=PseudonymMap)
    documents: dict[str, str] = field(default_factory=dict)
    report: RedactionReport = field(default_factory=RedactionReport)
    active: bool = True
    seen: dict[str, str] = field(default_factory=dict)  # word of a replaced identifier -> tag
    _name_tokens: dict[str, str] = field(default_factory=dict)

    def document(self, name: str) -> str:
        name = str(name)
        if name in self.documents.values():
            return name
        if name not in self.documents:
            self.documents[name] = f"Document {len(self.documents) + 1}"
        return self.documents[name]

    def text(self, text: str, document: str = "") -> str:
        if not text:
            return text
        return self.redaction(text, document).text

    def redaction(self, text: str, document: str = "") -> Redaction:
        """The full ``Redaction`` (replacements, for ``map_span``), counted in the report."""
        done = redact(text, find_identifiers(text, names=self.names), self.pmap)
        self.report.add(self.document(document) if document else "(no document)", done)
        for r in done.replacements:
            for token in _WORD.findall(r.original.casefold()):
                self.seen.setdefault(token, r.tag)
        return done

    def keyword(self, word: str) -> str:
        """A theme keyword as it may be shown. Keywords are pieces of the texts ("476 5919"
        of an NHS number, "okafor" of a speaker's name), which text redaction cannot see, so
        a keyword sharing a word with an identifier met so far (redact the texts first) or
        with a listed or speaker's name becomes that identifier's tag."""
        if not self._name_tokens and self.names:
            for entry in self.names:
                for name in [entry] if isinstance(entry, str) else entry:
                    tag = f"[{self.pmap.pseudonym(name)}]"
                    for token in _WORD.findall(str(name).casefold()):
                        self._name_tokens.setdefault(token, tag)
        for token in _WORD.findall(word.casefold()):
            tag = self.seen.get(token) or self._name_tokens.get(token)
            if tag:
                return tag
        return self.text(word)

    def keywords(self, words: Iterable[str]) -> list[str]:
        """``keyword`` of each, once each, in order."""
        return list(dict.fromkeys(self.keyword(str(w)) for w in words))

    def speaker(self, speaker: str | None, party: str | None = None) -> str | None:
        if speaker in self.pmap.speakers.values():
            return speaker  # a label this map gave out: already redacted
        return pseudonymise_speaker(speaker, party, self.pmap)


def make_redactor(names: Iterable[str | Sequence[str]] = (), pmap: PseudonymMap | None = None,
                  documents: Iterable[str] = ()) -> tuple[PrivacyRedactor, RedactionReport]:
    """A redactor for ``names`` (a tuple entry lists one person's aliases) and every
    identifier kind, numbering ``documents`` in order; and the report it fills as it runs.
    The names are registered in the map first, in order, so "[Person N]" does not depend on
    which quotes happen to be redacted first."""
    red = PrivacyRedactor(names=list(names), pmap=pmap if pmap is not None else PseudonymMap())
    red.pmap.register(red.names)
    for name in documents:
        red.document(name)
    return red, red.report


def redact_quotes(quotes: "pd.DataFrame", redactor: Redactor | None) -> "pd.DataFrame":
    """A copy of a quotes frame with text, context, speaker and document redacted."""
    if redactor is None or not redactor.active or len(quotes) == 0:
        return quotes.copy()
    out = quotes.copy()
    docs = [str(d) for d in out["document"]]
    for col in ("text", "context_before", "context_after"):
        if col in out.columns:
            out[col] = [redactor.text(str(t), d) if isinstance(t, str) else t
                        for t, d in zip(out[col], docs)]
    party = out["party"] if "party" in out.columns else out.get("role")
    parties = list(party) if party is not None else [None] * len(out)
    out["speaker"] = [redactor.speaker(s if isinstance(s, str) else None,
                                       p if isinstance(p, str) else None)
                      for s, p in zip(out["speaker"], parties)]
    out["document"] = [redactor.document(d) for d in docs]
    return out


TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "cllr", "sir",
                    "dame", "rev", "revd"})
# first names that are also everyday words: matched case-insensitively they would redact
# "will", "hope" or "may" everywhere, so they are never taken as an alias on their own
COMMON_WORD_NAMES = frozenset(
    "will hope grace joy faith mark rob bill pat sue dawn april may june august summer rose "
    "lily ruby amber holly iris ivy jack frank guy ray dean don drew gene max miles penny "
    "robin sandy victor chase hunter art bob carol rich sunny sky star jean reed norman "
    "young".split())


def speaker_names(speakers: Iterable[object]) -> list[tuple[str, ...]]:
    """The people among transcript speakers, for ``make_redactor``: each named speaker's name
    and, for a name of two words or more, the first name as an alias - unless another speaker
    shares it or it is also an everyday word. Labels such as "Interviewer" or "P3" are not
    names and are skipped."""
    full: dict[str, str] = {}
    for s in speakers:
        name = " ".join(s.split()) if isinstance(s, str) else ""
        if name and infer_role(name) is None:
            full.setdefault(name.casefold(), name)
    firsts: dict[str, list[str]] = {}
    for name in full.values():
        words = [w for w in name.split() if w.casefold().rstrip(".") not in TITLES]
        if len(words) >= 2 and len(words[0]) >= 3 and words[0].isalpha():
            firsts.setdefault(words[0].casefold(), []).append(name)
    out = []
    for name in full.values():
        first = next((f for f, owners in firsts.items() if owners == [name]), None)
        if first and first not in COMMON_WORD_NAMES and first not in full:
            out.append((name, name.split()[[w.casefold() for w in name.split()].index(first)]))
        else:
            out.append((name,))
    return out
