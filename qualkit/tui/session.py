"""What the coding screen works on, kept apart from the widgets: rows, codings, the view.

The segment list must stay fast on 50,000 segments, so the project's segments frame is turned
once into plain column lists (``texts[i]``, ``docs[i]``...) and everything the screen asks for
per key press is an index lookup: the codes this coder applied (a set per row), counts per
code, coded/total overall and per document, and the *view* (row indices that pass the
filter, in document order). Every change goes through the ``Project`` first and is mirrored
here only after it was committed, so what the screen shows as saved is saved.

No textual import here: tests drive this model directly, and the screens stay thin.

Redacted screens (``redact``, or ``privacy.redact_screens``): ``load`` is the one place text,
speakers and document names are read, so it redacts them there with the project's redactor
(``Project.screen_redactor``); every widget then shows only pseudonyms. Segment ids are
untouched, so codings still go to the real segments; ``real_docs`` maps a "Document N" label
back for the few calls that name a document (done marks).
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qualkit.models import Codeframe, QualkitError
from qualkit.tui.labels import short_labels

STRONG = 0.5  # a suggestion scoring at least this is marked in the list (not on interviewer
# turns: questions are rarely coded, and on a real interview half the stars they got were noise)
NONE: frozenset[str] = frozenset()
BUILT_IN = ("document", "kind", "path", "n_segments", "format")  # not attributes


@dataclass(frozen=True)
class Suggestion:
    code_id: str
    score: float
    evidence: str


@dataclass
class Problem:
    """Something wrong with the project that the screen shows instead of failing."""

    title: str
    detail: str = ""


@dataclass
class Session:
    project: Any
    coder: str
    ids: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)  # interviewer | participant | unknown | ""
    questions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    applied: list[frozenset[str]] = field(default_factory=list)
    turn: list[int] = field(default_factory=list)  # rows of one turn share a number
    frame: Codeframe | None = None
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    doc_total: Counter = field(default_factory=Counter)
    doc_coded: Counter = field(default_factory=Counter)
    coded: int = 0
    done: set[str] = field(default_factory=set)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    view: list[int] = field(default_factory=list)
    last_saved: float | None = None
    retired: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    redact: bool = False
    redactor: Any = None  # the project's redactor when the screens are redacted
    real_docs: dict[str, str] = field(default_factory=dict)  # shown name -> stored name
    doc_short: dict[str, str] = field(default_factory=dict)  # shown name -> list label

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> "Session":
        """Read everything the screen needs (run in a worker: 50k rows take a moment)."""
        p = self.project
        cols = p.segment_lists(["segment_id", "document", "text", "speaker", "role",
                                "question", "party"])  # plain lists: no pandas on this path
        self.ids, self.docs, self.texts = cols["segment_id"], cols["document"], cols["text"]
        self.speakers = [s or "" for s in cols["speaker"]]
        self.roles = [r or "" for r in cols["role"]]
        self.questions = [q or "" for q in cols["question"]]
        self.index = {sid: i for i, sid in enumerate(self.ids)}
        self.parties = [x or "" for x in cols["party"]]
        self._redact(p.screen_redactor(self.redact), cols["party"])
        self._turns()
        self.doc_total = Counter(self.docs)
        self.doc_short = short_labels(self.doc_total)
        self.load_codeframe()
        self.reload_codings()
        shown = self.doc_label
        records = p.document_records()
        self.attributes = {shown(r["document"]): {c: str(v) for c, v in r.items()
                                                  if c not in BUILT_IN and isinstance(v, str)}
                           for r in records}
        self.kinds = {shown(r["document"]): r["kind"] for r in records}
        self.done = {shown(d) for d in p.done_documents(self.coder)}
        self.view = list(range(len(self.ids)))
        if not self.ids:
            self.problems.append(Problem(
                "This project has no segments yet.",
                "Put transcripts in transcripts/ (FOI letters in foi/) and run `qualkit ingest`"
                " (or `qualkit analyse`), then open the app again."))
        return self

    def _redact(self, red: Any, parties: list[str | None]) -> None:
        """Texts, speakers and documents as the redactor shows them (nothing when None)."""
        self.redactor = red
        if red is None:
            return
        self.texts = [red.text(t, d) for t, d in zip(self.texts, self.docs)]
        self.speakers = [red.speaker(sp, party) or "" if sp else ""
                         for sp, party in zip(self.speakers, parties)]
        self.real_docs = {red.document(d): d for d in dict.fromkeys(self.docs)}
        self.docs = [red.document(d) for d in self.docs]
        self.project.save_pseudonym_map(red.pmap)

    def doc_label(self, document: str) -> str:
        """A stored document's name as this session shows it ("Document 3" when redacted)."""
        return self.redactor.document(document) if self.redactor is not None else document

    def keywords(self, words: Iterable[str]) -> str:
        """Theme keywords for the screen, joined: pieces of identifiers and names hidden
        when the session is redacted (see ``PrivacyRedactor.keyword``)."""
        words = [str(w) for w in words]
        return ", ".join(self.redactor.keywords(words) if self.redactor is not None else words)

    def load_codeframe(self) -> None:
        self.problems = [x for x in self.problems if not x.title.startswith("Codeframe")]
        try:
            self.frame = self.project.codeframe()
        except QualkitError as e:
            self.frame = None
            self.problems.append(Problem("Codeframe problem: coding is paused until the file "
                                         "is fixed.", str(e)))
            return
        if not self.frame.codes:
            self.problems.append(Problem("Codeframe has no codes.", "Add codes with `e` "
                                         "(codeframe screen) or in the YAML file."))
        self.retired = self.project.retired_codes()

    def _turns(self) -> None:
        self.turn, n = [], -1
        prev: tuple[str, str, str] | None = None
        for key in zip(self.docs, self.speakers, self.questions):
            if key != prev:
                n += 1
                prev = key
            self.turn.append(n)

    def reload_codings(self) -> None:
        # one shared empty set for the (many) uncoded rows; a row gets its own set when coded
        self.applied = [NONE] * len(self.ids)
        for sid, code in self.project.coding_pairs(self.coder):
            i = self.index.get(sid)
            if i is not None:
                self.applied[i] = self.applied[i] | {code}
        self._recount()

    def _recount(self) -> None:
        self.counts = Counter(c for s in self.applied for c in s)
        self.doc_coded = Counter(self.docs[i] for i, s in enumerate(self.applied) if s)
        self.coded = sum(self.doc_coded.values())

    # -- reading --------------------------------------------------------------------------
    def code_name(self, code_id: str) -> str:
        if self.frame is not None:
            for c in self.frame.codes:
                if c.id == code_id:
                    return c.name
        return "(not in the codeframe)"

    def code_ids(self) -> list[str]:
        return self.frame.ids if self.frame is not None else []

    def strong(self, row: int) -> Suggestion | None:
        got = self.suggestions.get(self.ids[row])
        if not got or got[0].score < STRONG or self.parties[row] == "interviewer":
            return None
        return got[0]

    def turn_rows(self, row: int) -> list[int]:
        """Every row of the turn ``row`` belongs to, in order."""
        t, lo, hi = self.turn[row], row, row
        while lo > 0 and self.turn[lo - 1] == t:
            lo -= 1
        while hi + 1 < len(self.turn) and self.turn[hi + 1] == t:
            hi += 1
        return list(range(lo, hi + 1))

    def next_uncoded(self, pos: int, step: int = 1) -> int | None:
        """The view position of the next uncoded row after ``pos`` (wrapping round)."""
        n = len(self.view)
        for k in range(1, n + 1):
            q = (pos + step * k) % n
            if not self.applied[self.view[q]]:
                return q
        return None

    # -- changing (through the Project, mirrored after the commit) -------------------------
    def toggle(self, code_id: str, rows: Iterable[int], source: str = "manual") -> tuple[bool, int]:
        """Apply ``code_id`` to the rows lacking it; when every row has it, take it off
        (one undo step either way). Returns (applied, codings changed)."""
        rows = list(rows)
        remove = all(code_id in self.applied[r] for r in rows)
        return (not remove, self.set_code(code_id, rows, remove, source))

    def set_code(self, code_id: str, rows: list[int], remove: bool = False,
                 source: str = "manual") -> int:
        changed = self.project.code_segments([self.ids[r] for r in rows], code_id,
                                             coder=self.coder, remove=remove, source=source)
        for r in rows:
            had = bool(self.applied[r])
            self.applied[r] = (self.applied[r] - {code_id}) if remove else \
                (self.applied[r] | {code_id})
            self._row_changed(r, had)
        self.counts[code_id] += -changed if remove else changed
        self.last_saved = time.time()
        return changed

    def _row_changed(self, r: int, had: bool) -> None:
        has = bool(self.applied[r])
        if has != had:
            delta = 1 if has else -1
            self.coded += delta
            self.doc_coded[self.docs[r]] += delta

    def replay(self, redo: bool) -> list[int] | None:
        """Undo (or redo) this coder's last action; returns the rows it touched."""
        rows = (self.project.redo if redo else self.project.undo)(self.coder)
        if rows is None:
            return None
        if any(r["action"] == "codeframe" for r in rows):
            self.load_codeframe()
        self.reload_codings()
        self.last_saved = time.time()
        return sorted({self.index[r["segment_id"]] for r in rows if r["segment_id"] in self.index})

    def toggle_done(self, document: str) -> bool:
        real = self.real_docs.get(document, document)
        if document in self.done:
            self.project.unmark_done(real, coder=self.coder)
            self.done.discard(document)
        else:
            self.project.mark_done(real, coder=self.coder)
            self.done.add(document)
        self.last_saved = time.time()
        return document in self.done
