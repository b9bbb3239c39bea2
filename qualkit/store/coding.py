"""Codes, coders, codings with their log (for undo and audit), and documents marked done."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from qualkit.models import Code
from qualkit.store.connection import Connection, StoreError, now


class CodingMixin(Connection):
    # -- codes ----------------------------------------------------------------------------
    def sync_codes(self, codes: list[Code]) -> list[str]:
        """Make the store's codes match a codeframe. Returns ids retired because coded.

        A code that left the codeframe is deleted when nobody used it, else kept inactive so
        its codings stay readable (and are reported by the caller).
        """
        retired: list[str] = []
        with self.transaction() as c:
            for pos, code in enumerate(codes):
                c.execute(
                    """INSERT INTO codes(id, parent_id, name, description, include, exclude,
                                         examples, color, position, active)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                       ON CONFLICT(id) DO UPDATE SET parent_id = excluded.parent_id,
                           name = excluded.name, description = excluded.description,
                           include = excluded.include, exclude = excluded.exclude,
                           examples = excluded.examples, color = excluded.color,
                           position = excluded.position, active = 1""",
                    (code.id, code.parent, code.name, code.description, code.include,
                     code.exclude, json.dumps(list(code.examples)), code.color, pos),
                )
            keep = {code.id for code in codes}
            for row in c.execute("SELECT id FROM codes").fetchall():
                if row["id"] in keep:
                    continue
                used = c.execute(
                    "SELECT 1 FROM codings WHERE code_id = ? LIMIT 1", (row["id"],)
                ).fetchone()
                children = c.execute(
                    "SELECT 1 FROM codes WHERE parent_id = ? LIMIT 1", (row["id"],)
                ).fetchone()
                if used or children:
                    c.execute("UPDATE codes SET active = 0 WHERE id = ?", (row["id"],))
                    if used:
                        retired.append(row["id"])
                else:
                    c.execute("DELETE FROM codes WHERE id = ?", (row["id"],))
        return retired

    def codes(self, active_only: bool = True) -> list[sqlite3.Row]:
        where = "WHERE active" if active_only else ""
        return self.conn.execute(f"SELECT * FROM codes {where} ORDER BY position").fetchall()

    # -- coders and codings ---------------------------------------------------------------
    def coder_id(self, name: str, kind: str = "human") -> int:
        name = name.strip()
        if not name:
            raise StoreError("a coder needs a name")
        row = self.conn.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        with self.transaction() as c:
            c.execute(
                "INSERT OR IGNORE INTO coders(name, kind, created) VALUES (?, ?, ?)",
                (name, kind, now()),
            )
            return c.execute("SELECT id FROM coders WHERE name = ?", (name,)).fetchone()[0]

    def coders(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM coders ORDER BY name").fetchall()

    def _check_coding_targets(self, c: sqlite3.Connection, segment_id: str, code_id: str) -> None:
        if c.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
            raise StoreError(f"no segment with id {segment_id!r}")
        if c.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
            raise StoreError(f"no code with id {code_id!r} in the codeframe")

    def add_coding(
        self, segment_id: str, code_id: str, coder: str, memo: str | None = None,
        source: str = "manual",
    ) -> bool:
        """Apply a code; idempotent. Returns True when a new coding was written."""
        coder_id = self.coder_id(coder)
        with self.transaction() as c:
            self._check_coding_targets(c, segment_id, code_id)
            added = c.execute(
                """INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, created, memo,
                                                 source) VALUES (?, ?, ?, ?, ?, ?)""",
                (segment_id, code_id, coder_id, now(), memo, source),
            ).rowcount
            if added:
                self._log(c, coder_id, "code", segment_id, code_id, {"source": source})
            return bool(added)

    def remove_coding(self, segment_id: str, code_id: str, coder: str) -> bool:
        coder_id = self.coder_id(coder)
        with self.transaction() as c:
            row = c.execute(
                "SELECT memo, source, created FROM codings WHERE segment_id = ? AND code_id = ? "
                "AND coder_id = ?",
                (segment_id, code_id, coder_id),
            ).fetchone()
            if row is None:
                return False
            c.execute(
                "DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ?",
                (segment_id, code_id, coder_id),
            )
            self._log(c, coder_id, "uncode", segment_id, code_id, dict(row))
            return True

    @staticmethod
    def _new_action(c: sqlite3.Connection, coder_id: int) -> int:
        """A fresh action (undo group) id; a new action drops the coder's redo history.
        Safe across processes: it runs inside the caller's write transaction."""
        c.execute("UPDATE coding_log SET undo_state = 2 WHERE coder_id = ? AND undo_state = 1",
                  (coder_id,))
        return c.execute("SELECT COALESCE(MAX(action_id), 0) + 1 FROM coding_log").fetchone()[0]

    def _log(self, c: sqlite3.Connection, coder_id: int, action: str, segment_id: str,
             code_id: str | None, payload: dict[str, Any], action_id: int | None = None,
             undo_state: int = 0) -> int:
        """One coding_log row; without ``action_id`` it is an action (undo step) of its own."""
        if action_id is None:
            action_id = self._new_action(c, coder_id)
        c.execute(
            "INSERT INTO coding_log(at, coder_id, action, segment_id, code_id, payload, "
            "action_id, undo_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), coder_id, action, segment_id, code_id, json.dumps(payload), action_id,
             undo_state),
        )
        return action_id

    def used_code_ids(self) -> set[str]:
        """Every code some coding (any coder's) uses."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT code_id FROM codings")}

    def coding_pairs(self, coder: str) -> list[sqlite3.Row]:
        """(segment_id, code_id) of ``coder``'s codings, unordered: what a screen marks."""
        return self.conn.execute(
            "SELECT k.segment_id, k.code_id FROM codings k JOIN coders c ON c.id = k.coder_id "
            "WHERE c.name = ?", (coder,)).fetchall()

    def codings(self, coder: str | None = None) -> list[sqlite3.Row]:
        sql = """SELECT k.segment_id, d.name AS document, k.code_id, c.name AS coder,
                        k.created, k.memo, k.source
                 FROM codings k JOIN coders c ON c.id = k.coder_id
                 JOIN segments s ON s.id = k.segment_id
                 JOIN documents d ON d.id = s.document_id"""
        params: tuple[Any, ...] = ()
        if coder is not None:
            sql += " WHERE c.name = ?"
            params = (coder,)
        return self.conn.execute(sql + " ORDER BY d.name, s.seq, k.code_id, c.name",
                                 params).fetchall()

    def mark_done(self, document_id: int, coder: str) -> None:
        coder_id = self.coder_id(coder)
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO documents_done(document_id, coder_id, at) VALUES (?, ?, ?)",
                (document_id, coder_id, now()),
            )

    def unmark_done(self, document_id: int, coder: str) -> bool:
        coder_id = self.coder_id(coder)
        with self.transaction() as c:
            return bool(c.execute(
                "DELETE FROM documents_done WHERE document_id = ? AND coder_id = ?",
                (document_id, coder_id)).rowcount)

    def done(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            """SELECT d.name AS document, c.name AS coder, x.at FROM documents_done x
               JOIN documents d ON d.id = x.document_id JOIN coders c ON c.id = x.coder_id"""
        ).fetchall()

