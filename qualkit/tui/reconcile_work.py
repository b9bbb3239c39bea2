"""What the reconcile screen works on, kept apart from the widgets: the queue of disagreements.

Each item is a segment where the coders' codes differ (``Project.reconcile_queue``), with each
coder's own codings on it (as applied, not rolled up to parents: "take ana's codes" copies what
ana applied), each coder's memo on it, and the decision already made, if any. A decision goes
through the ``Project`` first and is mirrored here only after it was committed, so a restart
resumes exactly where the store says the team is.

A discussion note belongs to a decision (it is stored with it); a note written before the
segment is settled is held here and saved with the decision, and the screen says so.
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
    pending_note: str = ""  # written before the decision; saved with it


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
    session: Session | None = None
    items: list[Item] = field(default_factory=list)

    def load(self) -> "Reconcile":
        """Read the queue, the codings, memos and the segments' context (run in a worker)."""
        p = self.project
        self.coders = check_request(p, self.coders, self.into)
        queue = p.reconcile_queue(self.coders, self.into, require_done=self.require_done)
        self.session = Session(p, self.into).load()
        applied = _codes_by(p.codings(), set(self.coders) | {self.into})
        memos = p.memos("segment")
        memo = {(r.target_id, r.coder): r.text for r in memos.itertuples(index=False)}
        self.items = []
        for r in queue.to_dict("records"):
            sid = r["segment_id"]
            self.items.append(Item(
                sid, r["document"], self.session.index.get(sid, 0),
                {c: applied.get((sid, c), []) for c in self.coders}, list(r["codes_differ"]),
                bool(r["decided"]), r["choice"] or "", r["note"] or "",
                applied.get((sid, self.into), []) if r["decided"] else [],
                {c: memo[(sid, c)] for c in self.coders if (sid, c) in memo}))
        return self

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
        item.note, item.pending_note = note, ""

    def set_note(self, pos: int, note: str) -> bool:
        """Save the note with the decision (True), or hold it until there is one (False)."""
        item = self.items[pos]
        if not item.decided:
            item.pending_note = note
            return False
        self.project.reconcile(item.segment_id, item.settled, into=self.into,
                               choice=item.choice, note=note)
        item.note = note
        return True

    def undo(self, pos: int) -> bool:
        item = self.items[pos]
        if not self.project.undo_reconcile(item.segment_id, self.into):
            return False
        item.decided, item.choice, item.settled, item.note = False, "", [], ""
        return True


def _codes_by(codings: Any, coders: set[str]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for sid, coder, code in zip(codings["segment_id"], codings["coder"], codings["code_id"]):
        if coder in coders:
            out.setdefault((sid, coder), []).append(code)
    return {k: sorted(v) for k, v in out.items()}
