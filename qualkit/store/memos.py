"""Memos: a coder's note on a segment, a code, a document, a theme or the project.

One memo per target and coder (a unique index), edited in place; saving an empty text deletes
it. Memos are notes, not codings: they are not undo steps.
"""
from __future__ import annotations

import sqlite3

from qualkit.store.connection import Connection, StoreError, now

TARGETS = ("project", "document", "segment", "code", "theme")


class MemosMixin(Connection):
    def set_memo(self, target_type: str, target_id: str, coder: str, text: str) -> bool:
        """Save (or with an empty ``text`` delete) ``coder``'s memo; True when one is kept."""
        if target_type not in TARGETS:
            raise StoreError(f"a memo is about one of {', '.join(TARGETS)}, not {target_type!r}")
        coder_id = self.coder_id(coder)  # type: ignore[attr-defined]
        text = text.strip()
        with self.transaction() as c:
            if not text:
                c.execute("DELETE FROM memos WHERE target_type = ? AND target_id = ? AND "
                          "coder_id = ?", (target_type, target_id, coder_id))
                return False
            stamp = now()
            c.execute(
                "INSERT INTO memos(target_type, target_id, coder_id, text, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(target_type, target_id, coder_id) "
                "DO UPDATE SET text = excluded.text, updated = excluded.updated",
                (target_type, target_id, coder_id, text, stamp, stamp))
            return True

    def memos(self, target_type: str | None = None, coder: str | None = None
              ) -> list[sqlite3.Row]:
        sql = ("SELECT m.target_type, m.target_id, c.name AS coder, m.text, m.created, m.updated "
               "FROM memos m LEFT JOIN coders c ON c.id = m.coder_id WHERE 1 = 1")
        params: list[str] = []
        if target_type is not None:
            sql += " AND m.target_type = ?"
            params.append(target_type)
        if coder is not None:
            sql += " AND c.name = ?"
            params.append(coder)
        return self.conn.execute(sql + " ORDER BY m.target_type, m.target_id", params).fetchall()


def merge_memo(c: sqlite3.Connection, target_type: str, target_id: str, coder_id: int | None,
               text: str, created: str) -> int:
    """Bring a memo onto a target, keeping one memo per target and coder: a new one is added,
    and one that is already there gets the text appended unless it already holds it. Used
    when segments are re-cut and when a coder's work is merged. Returns 1 when it changed."""
    there = c.execute("SELECT id, text FROM memos WHERE target_type = ? AND target_id = ? AND "
                      "coder_id IS ?", (target_type, target_id, coder_id)).fetchone()
    if there is None:
        c.execute("INSERT INTO memos(target_type, target_id, coder_id, text, created, updated) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  (target_type, target_id, coder_id, text, created, created))
        return 1
    if text.strip() in there["text"]:
        return 0
    c.execute("UPDATE memos SET text = ?, updated = ? WHERE id = ?",
              (there["text"].rstrip() + "\n\n" + text.strip(), now(), there["id"]))
    return 1


def move_segment_memos(c: sqlite3.Connection, old: str, new: str) -> None:
    """The memos on a segment that is gone go to the segment its codings went to."""
    for m in c.execute("SELECT id, coder_id, text, created FROM memos WHERE target_type = "
                       "'segment' AND target_id = ?", (old,)).fetchall():
        c.execute("DELETE FROM memos WHERE id = ?", (m["id"],))
        merge_memo(c, "segment", new, m["coder_id"], m["text"], m["created"])

