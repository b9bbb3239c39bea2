"""What the reconcile screen works on, kept apart from the widgets: the queue of disagreements.

Each item is a segment where the coders' codes differ (``Project.reconcile_queue``), with each
coder's own codings on it (as applied, not rolled up to parents: "take ana's codes" copies what
ana applied), each coder's memo on it, and the decision already made, if any. A decision goes
through the ``Project`` first and is mirrored here only after it was committed, so a restart
resumes exactly where the store says the team is.

A discussion note belongs to a decision (it is stored with it); a note written before the
segment is settled is saved at once as the segment's draft (``Project.set_reconcile_note``),
so quitting before deciding loses nothing, and the decision takes it as its note. Undo keeps
the decision in the store, marked undone; redo (newest undo first) puts it back, also after a
restart, as the coding screen's undo/redo do.

Redacted screens (``redact``, or ``privacy.redact_screens``): the ``Session`` redacts texts and
speakers; the documents and the coders' memos named here are shown through the same redactor.
Coder names are not redacted (they are the team's own names).
No textual import here: tests drive this model directly, and the screen stays thin.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qualkit.models import QualkitError
from qualkit.tui.session import Session

NOTHING = "nothing to reconcile: the coders agree on every segment they both finished"


@dataclass
class Item:
    segment_id: str
    document: str
    row: int  # the segment's row in the Session (for the context view)
    codes: dict[str, list[str]]  # per coder, as applied
    differ: list[str]
    decided: bool = False
    choice: str = ""
    note: str = ""
    settled: list[str] = field(default_factory=list)  # the consensus codes once decided
    memos: dict[str, str] = field(default_factory=dict)
    pending_note: str = ""  # written before the decision: the stored draft, saved with it
    undone: int = 0  # an undone decision redo can put back: its order (newest highest), or 0


def check_request(project: Any, coders: list[str] | None, into: str) -> list[str]:
    """The coders to reconcile, or a one-line QualkitError the user can act on."""
    chosen = list(dict.fromkeys(coders or []))
    if len(chosen) < 2:
        known = ", ".join(project.coders(kind="human")) or "none yet"
        raise QualkitError("reconcile needs two coders or more: give --coders A --coders B "
                           f"(coders in this project: {known})")
    if into in chosen:
        raise QualkitError(f"--into {into!r} is one of the coders being reconciled; the "
                           "decisions go to a separate consensus coder (e.g. --into consensus)")
    if into in project.coders(kind="human"):
        raise QualkitError(f"--into {into!r} is a human coder; choose another name for the "
                           "consensus (e.g. --into consensus)")
    return chosen


@dataclass
class Reconcile:
    project: Any
    coders: list[str]
    into: str = "consensus"
    require_done: bool = True
    redact: bool = False
    session: Session | None = None
    items: list[Item] = field(default_factory=list)

    def load(self) -> "Reconcile":
        """Read the queue, the codings, memos and the segments' context (run in a worker)."""
        p = self.project
        self.coders = check_request(p, self.coders, self.into)
        queue = p.reconcile_queue(self.coders, self.into, require_done=self.require_done)
        self.session = Session(p, self.into, redact=self.redact).load()
        applied = _codes_by(p.codings(), set(self.coders) | {self.into})
        memos = p.memos("segment")
        memo = {(r.target_id, r.coder): r.text for r in memos.itertuples(index=False)}
        self.items = []
        for r in queue.to_dict("records"):
            sid, doc, decided = r["segment_id"], r["document"], bool(r["decided"])
            self.items.append(Item(
                sid, self.session.doc_label(doc), self.session.index.get(sid, 0),
                {c: applied.get((sid, c), []) for c in self.coders}, list(r["codes_differ"]),
                decided, r["choice"] if decided else r["undone_choice"], r["note"] or "",
                applied.get((sid, self.into), []) if decided else list(r["undone_codes"]),
                {c: self.shown(memo[(sid, c)], doc) for c in self.coders if (sid, c) in memo},
                r["draft"] or "", int(r["undone"])))
        return self

    def shown(self, text: str, document: str) -> str:
        """Free text as this screen may show it (redacted when the session is), ``document``
        being the stored name or the label shown for it."""
        red = self.session.redactor if self.session is not None else None
        if red is None or not text:
            return text
        return red.text(text, self.session.real_docs.get(document, document))

    # -- reading -----------------------------------------------------------------------------
    @property
    def settled(self) -> int:
        return sum(i.decided for i in self.items)

    def progress(self) -> str:
        n = len(self.items)
        return f"{self.settled} of {n} settled, {n - self.settled} remain"

    def next_undecided(self, pos: int, step: int = 1) -> int | None:
        """The position of the next undecided item after ``pos`` (wrapping round)."""
        n = len(self.items)
        for k in range(1, n + 1):
            q = (pos + step * k) % n
            if not self.items[q].decided:
                return q
        return None

    def first(self) -> int:
        """Where to start (or resume): the first undecided item, else the first."""
        if not self.items or not self.items[0].decided:
            return 0
        got = self.next_undecided(0)
        return 0 if got is None else got

    def choice_codes(self, key: str, pos: int) -> tuple[list[str], str]:
        """The codes and the recorded choice for a key: a/b a coder's, o all, x none."""
        item = self.items[pos]
        if key in ("a", "b"):
            coder = self.coders["ab".index(key)]
            return list(item.codes[coder]), coder
        if key == "o":
            union = sorted({c for codes in item.codes.values() for c in codes})
            return union, "both" if len(self.coders) == 2 else "all"
        if key == "x":
            return [], "neither"
        raise ValueError(key)

    def draft(self, pos: int) -> set[str]:
        """Where an edit starts: the decision made, else the codes every coder applied."""
        item = self.items[pos]
        if item.decided:
            return set(item.settled)
        return set.intersection(*(set(c) for c in item.codes.values()))

    # -- changing (through the Project, mirrored after the commit) ---------------------------
    def decide(self, pos: int, codes: list[str], choice: str) -> None:
        item = self.items[pos]
        note = item.pending_note if not item.decided else item.note
        self.project.reconcile(item.segment_id, sorted(codes), into=self.into, choice=choice,
                               note=note)
        item.decided, item.choice, item.settled = True, choice, sorted(codes)
        item.note, item.pending_note, item.undone = note, "", 0

    def set_note(self, pos: int, note: str) -> bool:
        """Save the note at once: with the decision (True), or as the draft (False)."""
        item = self.items[pos]
        with_decision = self.project.set_reconcile_note(item.segment_id, note, into=self.into)
        if item.decided:
            item.note = note
        else:
            item.pending_note = note
        return with_decision

    def undo(self, pos: int) -> bool:
        """Undo the decision on ``pos``; its note becomes the draft, and redo can put it
        back (the codes and choice stay on the item for that)."""
        item = self.items[pos]
        if not self.project.undo_reconcile(item.segment_id, self.into):
            return False
        item.decided, item.undone = False, max(i.undone for i in self.items) + 1
        item.pending_note, item.note = item.note, ""
        return True

    def redo(self, pos: int) -> int | None:
        """Redo the undone decision on ``pos``, else the most recently undone one in the
        queue; returns where it is (None when there is nothing to redo)."""
        undone = [q for q, i in enumerate(self.items) if i.undone]
        if not undone:
            return None
        q = pos if self.items[pos].undone else max(undone, key=lambda k: self.items[k].undone)
        item = self.items[q]
        if not self.project.redo_reconcile(item.segment_id, self.into):
            item.undone = 0  # decided again elsewhere (another app): nothing left to redo
            return None
        item.decided, item.undone = True, 0
        item.note, item.pending_note = item.pending_note, ""
        return q


def _codes_by(codings: Any, coders: set[str]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for sid, coder, code in zip(codings["segment_id"], codings["coder"], codings["code_id"]):
        if coder in coders:
            out.setdefault((sid, coder), []).append(code)
    return {k: sorted(v) for k, v in out.items()}
