"""Reconcile decisions and draft notes follow their text when a segment goes away.

Re-ingesting (a corrected transcript, the unit switched from sentence to turn and back) moves
codings and memos to the segment now holding their text; the team's decisions on that segment
and the notes drafted before a decision go with them. Two decisions landing on one segment
(two settled sentences becoming one turn) are joined, never dropped: the codes are united, the
notes kept one after the other, and a decision that stands wins over an undone one.
"""
from __future__ import annotations

import json
import sqlite3


def has_decisions(c: sqlite3.Connection, segment_id: str) -> bool:
    """Whether a decision or a draft note sits on the segment."""
    return c.execute("SELECT 1 FROM reconciliations WHERE segment_id = ? UNION ALL "
                     "SELECT 1 FROM reconcile_drafts WHERE segment_id = ? LIMIT 1",
                     (segment_id, segment_id)).fetchone() is not None


def move_segment_decisions(c: sqlite3.Connection, old: str, new: str) -> None:
    """Move the decisions and draft notes on segment ``old`` to segment ``new``."""
    for d in c.execute("SELECT coder_id, note, at FROM reconcile_drafts WHERE segment_id = ?",
                       (old,)).fetchall():
        there = c.execute("SELECT note FROM reconcile_drafts WHERE segment_id = ? AND "
                          "coder_id = ?", (new, d["coder_id"])).fetchone()
        note = _joined(there["note"], d["note"]) if there else d["note"]
        c.execute("INSERT OR REPLACE INTO reconcile_drafts(segment_id, coder_id, note, at) "
                  "VALUES (?, ?, ?, ?)", (new, d["coder_id"], note, d["at"]))
    c.execute("DELETE FROM reconcile_drafts WHERE segment_id = ?", (old,))
    for r in c.execute("SELECT * FROM reconciliations WHERE segment_id = ?", (old,)).fetchall():
        there = c.execute("SELECT * FROM reconciliations WHERE segment_id = ? AND coder_id = ?",
                          (new, r["coder_id"])).fetchone()
        if there is None:
            c.execute("UPDATE reconciliations SET segment_id = ? WHERE segment_id = ? AND "
                      "coder_id = ?", (new, old, r["coder_id"]))
            continue
        if (there["undone"] is None) == (r["undone"] is None):
            c.execute("""UPDATE reconciliations SET choice = ?, codes = ?, before = ?, note = ?,
                             at = ? WHERE segment_id = ? AND coder_id = ?""",
                      (there["choice"] if there["choice"] == r["choice"] else "edit",
                       _union(there["codes"], r["codes"]), _union(there["before"], r["before"]),
                       _joined(there["note"], r["note"]), max(there["at"], r["at"]), new,
                       r["coder_id"]))
        elif there["undone"] is not None:  # the decision that stands wins over an undone one
            c.execute("DELETE FROM reconciliations WHERE segment_id = ? AND coder_id = ?",
                      (new, r["coder_id"]))
            c.execute("UPDATE reconciliations SET segment_id = ? WHERE segment_id = ? AND "
                      "coder_id = ?", (new, old, r["coder_id"]))
            continue
        c.execute("DELETE FROM reconciliations WHERE segment_id = ? AND coder_id = ?",
                  (old, r["coder_id"]))


def _union(a: str, b: str) -> str:
    return json.dumps(sorted(set(json.loads(a)) | set(json.loads(b))))


def _joined(a: str, b: str) -> str:
    a, b = (a or "").strip(), (b or "").strip()
    return a if not b or b in a else b if not a else f"{a}\n\n{b}"
