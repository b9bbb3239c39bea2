"""Teams in the store: memos and done marks for bundles, applying a merge plan, what was kept
aside, and reconcile decisions written as a consensus coder's codings.

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
        (and the codes it replaced, for undo) in one transaction."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
                raise StoreError(f"no segment with id {segment_id!r}")
            coder_id = self._consensus_id(c, consensus)
            before = [r[0] for r in c.execute(
                "SELECT code_id FROM codings WHERE segment_id = ? AND coder_id = ? "
                "ORDER BY code_id", (segment_id, coder_id))]
            prior = c.execute("SELECT before FROM reconciliations WHERE segment_id = ? AND "
                              "coder_id = ?", (segment_id, coder_id)).fetchone()
            if prior is not None:  # a second decision keeps the state before the first one
                before = json.loads(prior[0])
            self._set_codes(c, segment_id, coder_id, codes, "reconcile")
            c.execute("""INSERT OR REPLACE INTO reconciliations(segment_id, coder_id, choice,
                                 codes, before, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                      (segment_id, coder_id, choice, json.dumps(sorted(codes)),
                       json.dumps(before), note, now()))

    def undo_reconcile(self, segment_id: str, consensus: str) -> bool:
        with self.transaction() as c:
            coder_id = self._consensus_id(c, consensus)
            row = c.execute("SELECT before FROM reconciliations WHERE segment_id = ? AND "
                            "coder_id = ?", (segment_id, coder_id)).fetchone()
            if row is None:
                return False
            self._set_codes(c, segment_id, coder_id, json.loads(row[0]), "undo-reconcile")
            c.execute("DELETE FROM reconciliations WHERE segment_id = ? AND coder_id = ?",
                      (segment_id, coder_id))
            return True

    def reconciliations(self, consensus: str) -> list[sqlite3.Row]:
        return self.conn.execute(
            """SELECT r.segment_id, r.choice, r.codes, r.note, r.at FROM reconciliations r
               JOIN coders c ON c.id = r.coder_id WHERE c.name = ? ORDER BY r.at""",
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
        """Reconcile decisions have their own undo (``undo_reconcile``), not the app's."""
        self._log(c, coder_id, action, segment_id, code_id, {}, undo_state=NOT_UNDOABLE)
