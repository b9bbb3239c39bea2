"""Documents, their attributes, segments (with codings carried across re-segmentation) and
FOI answers."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qualkit.models import Segment
from qualkit.store.connection import Connection, StoreError, now


@dataclass
class SegmentChange:
    """What replacing a document's segments did to them and to their codings."""

    added: int = 0
    kept: int = 0
    removed: int = 0
    carried: int = 0  # codings moved to an identical segment whose id changed
    orphaned: list[tuple[str, str]] = field(default_factory=list)  # (segment_id, text) kept, retired



class DocumentsMixin(Connection):
    # -- documents ------------------------------------------------------------------------
    def document_row(self, name: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE name = ?", (name,)).fetchone()

    def document_id(self, name: str) -> int:
        row = self.conn.execute("SELECT id FROM documents WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise StoreError(f"no document named {name!r} in this project")
        return row[0]

    def upsert_document(
        self,
        *,
        name: str,
        path: str,
        kind: str,
        format: str,
        encoding: str | None,
        content_hash: str,
        text: str,
        meta: dict[str, Any],
    ) -> int:
        stamp = now()
        with self.transaction() as c:
            c.execute(
                """INSERT INTO documents(name, path, kind, format, encoding, content_hash, text,
                                         meta, ingested_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(name) DO UPDATE SET path = excluded.path, kind = excluded.kind,
                       format = excluded.format, encoding = excluded.encoding,
                       content_hash = excluded.content_hash, text = excluded.text,
                       meta = excluded.meta, updated_at = excluded.updated_at""",
                (name, path, kind, format, encoding, content_hash, text, json.dumps(meta),
                 stamp, stamp),
            )
            return c.execute("SELECT id FROM documents WHERE name = ?", (name,)).fetchone()[0]

    def set_attributes(self, document_id: int, attributes: dict[str, str]) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM attributes WHERE document_id = ?", (document_id,))
            c.executemany(
                "INSERT INTO attributes(document_id, name, value) VALUES (?, ?, ?)",
                [(document_id, k, v) for k, v in attributes.items()],
            )

    def documents(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            """SELECT d.id, d.name, d.path, d.kind, d.format, d.encoding, d.content_hash,
                      d.ingested_at, d.updated_at, d.meta,
                      (SELECT count(*) FROM segments s
                        WHERE s.document_id = d.id AND s.active) AS n_segments
               FROM documents d ORDER BY d.name"""
        ).fetchall()

    def attributes(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT d.name AS document, a.name, a.value FROM attributes a "
            "JOIN documents d ON d.id = a.document_id ORDER BY d.name, a.name"
        ).fetchall()

    def document_text(self, name: str) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise StoreError(f"no document named {name!r} in this project")
        return row[0]

    # -- segments -------------------------------------------------------------------------
    def replace_segments(self, document_id: int, segments: list[Segment]) -> SegmentChange:
        """Make ``segments`` the document's active segments, keeping every coding.

        Segments that disappear are deleted when uncoded. Their codings move to a new segment
        with the same text and speaker when there is one; otherwise the old segment is kept,
        retired (``active = 0``), and reported as orphaned — never silently dropped.
        """
        change = SegmentChange()
        new_ids = {s.id for s in segments}
        with self.transaction() as c:
            old = c.execute(
                """SELECT s.id, s.text, s.speaker, s.active,
                          EXISTS(SELECT 1 FROM codings k WHERE k.segment_id = s.id) AS coded
                   FROM segments s WHERE s.document_id = ?""",
                (document_id,),
            ).fetchall()
            old_ids = {r["id"] for r in old}
            change.kept = len(new_ids & {r["id"] for r in old if r["active"]})
            change.added = len(new_ids - old_ids)
            c.executemany(
                """INSERT INTO segments(id, document_id, unit, seq, start, "end", text, speaker,
                                        role, question, timestamp, flags, active)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                   ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, start = excluded.start,
                       "end" = excluded."end", role = excluded.role,
                       question = excluded.question, timestamp = excluded.timestamp,
                       flags = excluded.flags, unit = excluded.unit, active = 1""",
                [
                    (s.id, document_id, s.unit, s.seq, s.start, s.end, s.text, s.speaker,
                     s.role, s.question, s.timestamp, s.flags)
                    for s in segments
                ],
            )
            by_text: dict[tuple[str, str | None], str] = {}
            for s in segments:
                by_text.setdefault((s.text, s.speaker), s.id)
            for r in old:
                if r["id"] in new_ids:
                    continue
                if r["active"]:
                    change.removed += 1
                if not r["coded"]:
                    c.execute("DELETE FROM segments WHERE id = ?", (r["id"],))
                    continue
                target = by_text.get((r["text"], r["speaker"]))
                if target is None:
                    c.execute("UPDATE segments SET active = 0 WHERE id = ?", (r["id"],))
                    change.orphaned.append((r["id"], r["text"]))
                    continue
                moved = c.execute(
                    """INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, created, memo,
                                                     source)
                       SELECT ?, code_id, coder_id, created, memo, source FROM codings
                       WHERE segment_id = ?""",
                    (target, r["id"]),
                ).rowcount
                change.carried += moved
                c.execute("DELETE FROM codings WHERE segment_id = ?", (r["id"],))
                c.execute(
                    "UPDATE memos SET target_id = ? WHERE target_type = 'segment' "
                    "AND target_id = ?",
                    (target, r["id"]),
                )
                c.execute("DELETE FROM segments WHERE id = ?", (r["id"],))
        return change

    def segments(self, active_only: bool = True) -> list[sqlite3.Row]:
        where = "WHERE s.active" if active_only else ""
        return self.conn.execute(
            f"""SELECT s.id AS segment_id, d.name AS document, s.unit, s.speaker, s.role,
                       s.question, s.start, s."end" AS "end", s.text, s.timestamp, s.flags,
                       s.seq, s.active
                FROM segments s JOIN documents d ON d.id = s.document_id {where}
                ORDER BY d.name, s.seq"""
        ).fetchall()

    def segment(self, segment_id: str) -> sqlite3.Row:
        row = self.conn.execute(
            """SELECT s.*, d.name AS document FROM segments s
               JOIN documents d ON d.id = s.document_id WHERE s.id = ?""",
            (segment_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no segment with id {segment_id!r}")
        return row

    # -- FOI answers ----------------------------------------------------------------------
    def replace_foi_answers(self, document_id: int, answers: Iterable[Any]) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM foi_answers WHERE document_id = ?", (document_id,))
            c.executemany(
                """INSERT INTO foi_answers(document_id, question, answer, options, qualifier,
                                           confidence, start, "end")
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (document_id, a.question, a.answer, json.dumps(list(a.options)),
                     a.qualifier, a.confidence, a.start, a.end)
                    for a in answers
                ],
            )

    def foi_answers(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            """SELECT d.name AS document, f.question, f.answer, f.options, f.qualifier,
                      f.confidence, f.start, f."end" AS "end"
               FROM foi_answers f JOIN documents d ON d.id = f.document_id
               ORDER BY d.name, f.question"""
        ).fetchall()

