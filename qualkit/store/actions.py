"""Coding actions as undo steps: bulk coding, codeframe edits, and undo/redo from the log.

Decided for the coding app (issue #10): ``coding_log`` is both the audit trail and the undo
history, so undo survives a restart and a crash. Every user action (one key press, a range, a
theme applied to 200 segments, a merge) is one ``action_id``; undo and redo work on whole
actions, per coder, newest first. ``undo_state`` says where each row stands: 0 done, 1 undone
(redoable), 2 not undoable (the audit rows an undo or redo writes, and redo history that a
newer action dropped). Log rows name the *acting* coder; a row about another coder's coding
(a merge moves everyone's codings) carries that coder's id as ``owner`` in its payload.

Codeframe edits add one ``codeframe`` row to their action with the file's text before and
after; the store does not touch files, so the caller puts the file back before asking the
store to restore the codings (the codes must exist again first).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from qualkit.store.coding import CodingMixin
from qualkit.store.connection import StoreError, now

UNDOABLE = ("code", "uncode", "codeframe")


class ActionsMixin(CodingMixin):
    # -- actions --------------------------------------------------------------------------
    def code_many(self, pairs: list[tuple[str, str]], coder: str, remove: bool = False,
                  source: str = "manual") -> tuple[int, int | None]:
        """Apply (or with ``remove`` take off) codes on segments as ONE undoable action.

        Returns (codings changed, action id); nothing changed gives (0, None) and no action."""
        coder_id = self.coder_id(coder)
        changed, action = 0, None
        with self.transaction() as c:
            for segment_id, code_id in dict.fromkeys(pairs):
                if remove:
                    row = c.execute(
                        "SELECT memo, source, created FROM codings WHERE segment_id = ? AND "
                        "code_id = ? AND coder_id = ?", (segment_id, code_id, coder_id)).fetchone()
                    if row is None:
                        continue
                    c.execute("DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND "
                              "coder_id = ?", (segment_id, code_id, coder_id))
                    payload = dict(row)
                else:
                    self._check_coding_targets(c, segment_id, code_id)
                    if not c.execute(
                            "INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, created, "
                            "memo, source) VALUES (?, ?, ?, ?, NULL, ?)",
                            (segment_id, code_id, coder_id, now(), source)).rowcount:
                        continue
                    payload = {"source": source}
                action = self._log(c, coder_id, "uncode" if remove else "code", segment_id,
                                   code_id, payload, action)
                changed += 1
        return changed, action

    def codeframe_action(self, coder: str, before: str, after: str,
                         move: tuple[str, str] | None = None, drop: str | None = None
                         ) -> tuple[int, int]:
        """Log a codeframe edit as one action, moving (merge: ``move=(from, to)``) or dropping
        (delete: ``drop=code``) every coder's codings of a code in the same transaction.
        Returns (action id, codings moved or dropped)."""
        coder_id = self.coder_id(coder)
        with self.transaction() as c:
            action = self._log(c, coder_id, "codeframe", "", None,
                               {"before": before, "after": after})
            source = move[0] if move else drop
            if source is None:
                return action, 0
            rows = c.execute("SELECT segment_id, coder_id, created, memo, source FROM codings "
                             "WHERE code_id = ? ORDER BY id", (source,)).fetchall()
            for r in rows:
                payload = {"owner": r["coder_id"], "created": r["created"], "memo": r["memo"],
                           "source": r["source"]}
                c.execute("DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND "
                          "coder_id = ?", (r["segment_id"], source, r["coder_id"]))
                self._log(c, coder_id, "uncode", r["segment_id"], source, payload, action)
                if move and c.execute(
                        "INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, created, "
                        "memo, source) VALUES (?, ?, ?, ?, ?, ?)",
                        (r["segment_id"], move[1], r["coder_id"], r["created"], r["memo"],
                         r["source"])).rowcount:
                    self._log(c, coder_id, "code", r["segment_id"], move[1], payload, action)
            return action, len(rows)

    # -- undo and redo --------------------------------------------------------------------
    def peek_action(self, coder: str, redo: bool = False) -> tuple[int | None, list[dict]]:
        """The action undo (or redo) would act on next, and its rows (oldest first)."""
        coder_id = self.coder_id(coder)
        pick = "MIN" if redo else "MAX"
        row = self.conn.execute(
            f"SELECT {pick}(action_id) FROM coding_log WHERE coder_id = ? AND undo_state = ?",
            (coder_id, 1 if redo else 0)).fetchone()
        if row[0] is None:
            return None, []
        return row[0], self._action_rows(self.conn, row[0], 1 if redo else 0)

    @staticmethod
    def _action_rows(c: sqlite3.Connection, action: int, state: int) -> list[dict]:
        rows = c.execute(
            "SELECT id, coder_id, action, segment_id, code_id, payload FROM coding_log "
            "WHERE action_id = ? AND undo_state = ? ORDER BY id", (action, state)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["payload"] = json.loads(d["payload"] or "{}")
            out.append(d)
        return out

    def undo_action(self, coder: str, action: int) -> list[dict]:
        """Undo one action (as returned by ``peek_action``): its codings are put back as they
        were. Returns the action's rows; [] when it was no longer undoable."""
        return self._replay(coder, action, undo=True)

    def redo_action(self, coder: str, action: int) -> list[dict]:
        return self._replay(coder, action, undo=False)

    def _replay(self, coder: str, action: int, undo: bool) -> list[dict]:
        coder_id = self.coder_id(coder)
        state_from, state_to = (0, 1) if undo else (1, 0)
        with self.transaction() as c:
            rows = self._action_rows(c, action, state_from)
            if not rows or any(r["coder_id"] != coder_id for r in rows):
                return []
            for r in (reversed(rows) if undo else rows):
                if r["action"] in ("code", "uncode"):
                    insert = (r["action"] == "uncode") == undo
                    self._set_coding(c, r, insert)
                    self._log(c, coder_id, "undo" if undo else "redo", r["segment_id"],
                              r["code_id"], {"of": r["id"]}, action, undo_state=2)
            c.execute("UPDATE coding_log SET undo_state = ? WHERE action_id = ? AND "
                      "undo_state = ?", (state_to, action, state_from))
            return rows

    @staticmethod
    def _set_coding(c: sqlite3.Connection, r: dict[str, Any], insert: bool) -> None:
        p = r["payload"]
        owner = p.get("owner", r["coder_id"])
        if not insert:
            c.execute("DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ?",
                      (r["segment_id"], r["code_id"], owner))
            return
        try:
            c.execute("INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, created, memo,"
                      " source) VALUES (?, ?, ?, ?, ?, ?)",
                      (r["segment_id"], r["code_id"], owner, p.get("created") or now(),
                       p.get("memo"), p.get("source") or "manual"))
        except sqlite3.IntegrityError:
            raise StoreError(f"cannot restore the coding of segment {r['segment_id']} with "
                             f"{r['code_id']!r}: the code or the segment is gone") from None
