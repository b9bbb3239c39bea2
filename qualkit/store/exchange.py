"""Teams in the store: memos and done marks for bundles, applying a merge plan, what was kept
aside, and reconcile decisions written as a consensus coder's codings.

A reconcile decision is one row per segment and consensus coder. Undo keeps the row, marked
``undone`` with a rising number, so redo (newest undo first) survives a restart; deciding the
segment again replaces it. A note written before the decision is a draft row of its own,
saved at once and folded into the decision when it is made.

A merge is one transaction: it lands whole or not at all, and merging the same bundle twice
changes nothing (codings and done marks are keyed, memos and aside items deduplicated).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from qualkit.store.coding import CodingMixin
from qualkit.store.connection import StoreError, now
from qualkit.store.memos import merge_memo

NOT_UNDOABLE = 2  # coding_log.undo_state: audit only


class ExchangeMixin(CodingMixin):
    def coder_kind(self, name: str) -> str | None:
        row = self.conn.execute("SELECT kind FROM coders WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def apply_merge(self, plan: Any, source: str, item_hash: Any) -> dict[str, int]:
        """Write a MergePlan (qualkit.agreement.bundle) as its coder; returns what was new."""
        with self.transaction() as c:
            coder_id = self._coder_in(c, plan.coder, plan.kind)
            added = 0
            for sid, code_id, created, memo, src in plan.codings:
                n = c.execute(
                    """INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, created, memo,
                                                     source) VALUES (?, ?, ?, ?, ?, ?)""",
                    (sid, code_id, coder_id, created, memo, f"merge:{src}")).rowcount
                if n:  # logged for the audit trail; a merge is not an undo step
                    self._log(c, coder_id, "merge", sid, code_id, {"from": source},
                              undo_state=NOT_UNDOABLE)
                added += n
            memos = sum(merge_memo(c, t, target, coder_id, text, at)
                        for t, target, text, at in plan.memos)
            done = 0
            for document, at in plan.done:
                done += c.execute("""INSERT OR IGNORE INTO documents_done(document_id, coder_id,
                                                                     at)
                                     SELECT id, ?, ? FROM documents WHERE name = ?""",
                                  (coder_id, at, document)).rowcount
            aside = 0
            for kind, reason, item in plan.aside:
                aside += c.execute(
                    """INSERT OR IGNORE INTO merge_aside(source, coder, kind, reason, item,
                                                         item_hash, at)
                       VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (source, plan.coder, kind, reason, json.dumps(item, default=str),
                     item_hash(kind, item), now())).rowcount
        return {"codings": added, "memos": memos, "done": done, "aside": aside}

    @staticmethod
    def _coder_in(c: sqlite3.Connection, name: str, kind: str) -> int:
        c.execute("INSERT OR IGNORE INTO coders(name, kind, created) VALUES (?, ?, ?)",
                  (name, kind, now()))
        return c.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()[0]

    def aside(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT source, coder, kind, reason, item, at FROM merge_aside ORDER BY id"
        ).fetchall()

    # -- reconcile ----------------------------------------------------------------------------
    def reconcile(self, segment_id: str, consensus: str, codes: list[str], choice: str,
                  note: str = "") -> None:
        """Make ``codes`` the consensus coder's codes on the segment, recording the decision
        (and the codes it replaced, for undo) in one transaction; the note is stored with it
        and the segment's draft note, now used, goes."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
                raise StoreError(f"no segment with id {segment_id!r}")
            coder_id = self._consensus_id(c, consensus)
            before = self._consensus_codes(c, segment_id, coder_id)
            prior = c.execute("SELECT before FROM reconciliations WHERE segment_id = ? AND "
                              "coder_id = ? AND undone IS NULL", (segment_id, coder_id)
                              ).fetchone()
            if prior is not None:  # a second decision keeps the state before the first one
                before = json.loads(prior[0])
            self._set_codes(c, segment_id, coder_id, codes, "reconcile")
            c.execute("""INSERT OR REPLACE INTO reconciliations(segment_id, coder_id, choice,
                                 codes, before, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                      (segment_id, coder_id, choice, json.dumps(sorted(codes)),
                       json.dumps(before), note, now()))
            c.execute("DELETE FROM reconcile_drafts WHERE segment_id = ? AND coder_id = ?",
                      (segment_id, coder_id))

    def undo_reconcile(self, segment_id: str, consensus: str) -> bool:
        """Put back the codes the segment's decision replaced. The decision is kept, marked
        undone (numbered: the newest undo is redone first), and its note becomes the
        segment's draft note, so nothing the screen showed is lost."""
        with self.transaction() as c:
            coder_id = self._consensus_id(c, consensus)
            row = c.execute("SELECT before, note FROM reconciliations WHERE segment_id = ? AND "
                            "coder_id = ? AND undone IS NULL", (segment_id, coder_id)).fetchone()
            if row is None:
                return False
            self._set_codes(c, segment_id, coder_id, json.loads(row["before"]), "undo-reconcile")
            c.execute("""UPDATE reconciliations SET undone = (SELECT COALESCE(MAX(undone), 0) + 1
                             FROM reconciliations WHERE coder_id = ?)
                         WHERE segment_id = ? AND coder_id = ?""",
                      (coder_id, segment_id, coder_id))
            if row["note"]:
                self._draft(c, segment_id, coder_id, row["note"])
            return True

    def redo_reconcile(self, segment_id: str, consensus: str) -> bool:
        """Make the segment's undone decision stand again (False when it has none), with the
        segment's draft note as its note."""
        with self.transaction() as c:
            coder_id = self._consensus_id(c, consensus)
            row = c.execute("SELECT codes FROM reconciliations WHERE segment_id = ? AND "
                            "coder_id = ? AND undone IS NOT NULL", (segment_id, coder_id)
                            ).fetchone()
            if row is None:
                return False
            draft = c.execute("SELECT note FROM reconcile_drafts WHERE segment_id = ? AND "
                              "coder_id = ?", (segment_id, coder_id)).fetchone()
            before = self._consensus_codes(c, segment_id, coder_id)
            self._set_codes(c, segment_id, coder_id, json.loads(row["codes"]), "redo-reconcile")
            c.execute("""UPDATE reconciliations SET undone = NULL, before = ?, note = ?, at = ?
                         WHERE segment_id = ? AND coder_id = ?""",
                      (json.dumps(before), draft[0] if draft else "", now(), segment_id,
                       coder_id))
            c.execute("DELETE FROM reconcile_drafts WHERE segment_id = ? AND coder_id = ?",
                      (segment_id, coder_id))
            return True

    def set_reconcile_note(self, segment_id: str, consensus: str, note: str) -> bool:
        """The discussion note on a segment: stored with its decision (True), or, before there
        is one, kept as the segment's draft (False; an empty note deletes the draft)."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
                raise StoreError(f"no segment with id {segment_id!r}")
            coder_id = self._consensus_id(c, consensus)
            if c.execute("UPDATE reconciliations SET note = ? WHERE segment_id = ? AND "
                         "coder_id = ? AND undone IS NULL",
                         (note, segment_id, coder_id)).rowcount:
                return True
            if note.strip():
                self._draft(c, segment_id, coder_id, note)
            else:
                c.execute("DELETE FROM reconcile_drafts WHERE segment_id = ? AND coder_id = ?",
                          (segment_id, coder_id))
            return False

    @staticmethod
    def _draft(c: sqlite3.Connection, segment_id: str, coder_id: int, note: str) -> None:
        c.execute("INSERT OR REPLACE INTO reconcile_drafts(segment_id, coder_id, note, at) "
                  "VALUES (?, ?, ?, ?)", (segment_id, coder_id, note, now()))

    @staticmethod
    def _consensus_codes(c: sqlite3.Connection, segment_id: str, coder_id: int) -> list[str]:
        return [r[0] for r in c.execute(
            "SELECT code_id FROM codings WHERE segment_id = ? AND coder_id = ? "
            "ORDER BY code_id", (segment_id, coder_id))]

    def reconciliations(self, consensus: str) -> list[sqlite3.Row]:
        """The decisions that stand (not undone)."""
        return self.conn.execute(
            """SELECT r.segment_id, r.choice, r.codes, r.note, r.at FROM reconciliations r
               JOIN coders c ON c.id = r.coder_id WHERE c.name = ? AND r.undone IS NULL
               ORDER BY r.at""", (consensus,)).fetchall()

    def undone_reconciliations(self, consensus: str) -> list[sqlite3.Row]:
        """Decisions undone and not made again: what redo can put back (``undone``: the
        higher, the more recently undone)."""
        return self.conn.execute(
            """SELECT r.segment_id, r.choice, r.codes, r.undone FROM reconciliations r
               JOIN coders c ON c.id = r.coder_id WHERE c.name = ? AND r.undone IS NOT NULL
               ORDER BY r.undone""", (consensus,)).fetchall()

    def reconcile_drafts(self, consensus: str) -> list[sqlite3.Row]:
        """Discussion notes written on segments not settled yet."""
        return self.conn.execute(
            """SELECT d.segment_id, d.note, d.at FROM reconcile_drafts d
               JOIN coders c ON c.id = d.coder_id WHERE c.name = ? ORDER BY d.at""",
            (consensus,)).fetchall()

    def _consensus_id(self, c: sqlite3.Connection, name: str) -> int:
        row = c.execute("SELECT id, kind FROM coders WHERE name = ?", (name,)).fetchone()
        if row is not None and row["kind"] != "consensus":
            raise StoreError(f"{name!r} is a human coder; choose another name for the "
                             "consensus (e.g. --into consensus)")
        if row is None:
            c.execute("INSERT INTO coders(name, kind, created) VALUES (?, 'consensus', ?)",
                      (name, now()))
            return c.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()[0]
        return row["id"]

    def _set_codes(self, c: sqlite3.Connection, segment_id: str, coder_id: int,
                   codes: list[str], action: str) -> None:
        have = {r[0] for r in c.execute("SELECT code_id FROM codings WHERE segment_id = ? AND "
                                        "coder_id = ?", (segment_id, coder_id))}
        for code_id in sorted(have - set(codes)):
            c.execute("DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ?",
                      (segment_id, code_id, coder_id))
            self._log_action(c, coder_id, f"{action}:uncode", segment_id, code_id)
        for code_id in sorted(set(codes) - have):
            if c.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
                raise StoreError(f"no code with id {code_id!r} in the codeframe")
            c.execute("INSERT INTO codings(segment_id, code_id, coder_id, created, source) "
                      "VALUES (?, ?, ?, ?, 'reconcile')", (segment_id, code_id, coder_id, now()))
            self._log_action(c, coder_id, f"{action}:code", segment_id, code_id)

    def _log_action(self, c: sqlite3.Connection, coder_id: int, action: str, segment_id: str,
                    code_id: str) -> None:
        """Reconcile decisions have their own undo and redo (``undo_reconcile``,
        ``redo_reconcile``), not the coding app's."""
        self._log(c, coder_id, action, segment_id, code_id, {}, undo_state=NOT_UNDOABLE)
