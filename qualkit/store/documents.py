"""Documents, their attributes, segments (with codings carried across re-segmentation) and
FOI answers.

When a document is re-segmented, the caller says where each coding of a vanished segment goes
(a ``relocate`` callback: the store runs SQL, the stage decides); a coding with nowhere to go
stays on its segment, which is kept, retired (``active = 0``) and reported.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from qualkit.models import Segment
from qualkit.store.decisions import has_decisions, move_segment_decisions
from qualkit.store.memos import move_segment_memos
from qualkit.store.connection import Connection, StoreError, now


@dataclass
class SegmentChange:
    """What replacing a document's segments did to them and to their codings."""

    added: int = 0
    kept: int = 0
    removed: int = 0
    carried: int = 0  # codings moved to the segment(s) now holding their text
    orphaned: list[tuple[str, str]] = field(default_factory=list)  # (segment_id, text) kept, retired
    # (old segment id, its text, code id, coder, target segment ids, note) per moved coding
    moved: list[tuple[str, str, str, str, list[str], str]] = field(default_factory=list)


# coding id -> ([(target segment id, anchors or None)], note); see replace_segments
Plan = dict[int, tuple[list[tuple[str, list[list[int]] | None]], str]]
Relocate = Callable[[list[dict[str, Any]]], Plan]


def _same_text(codings: list[dict[str, Any]], segments: list[Segment]) -> Plan:
    """The default plan: a coding follows a segment with identical text and speaker."""
    by_text: dict[tuple[str, str | None], str] = {}
    for s in segments:
        by_text.setdefault((s.text, s.speaker), s.id)
    plan: Plan = {}
    for k in codings:
        target = by_text.get((k["text"], k["speaker"]))
        if target is not None:
            plan[k["coding_id"]] = ([(target, k["anchors"])], "")
    return plan


def merge_anchors(a: list[list[int]] | None, b: list[list[int]] | None,
                  text: str) -> list[list[int]] | None:
    """The union of two codings' anchors on one segment (None = the whole of ``text``)."""
    whole = [[0, len(text)]]
    spans = sorted((a or whole) + (b or whole))
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and not text[merged[-1][1]:s].strip():
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    covered = len(merged) == 1 and not text[:merged[0][0]].strip() \
        and not text[merged[0][1]:].strip()
    return None if covered else merged



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
    def replace_segments(self, document_id: int, segments: list[Segment],
                         relocate: Relocate | None = None) -> SegmentChange:
        """Make ``segments`` the document's active segments, keeping every coding.

        Segments that disappear are deleted when uncoded. For the codings of the others,
        ``relocate(codings)`` returns a plan (by default: a segment with the same text and
        speaker); each coding it places is moved there (anchors merged on a coding that is
        already there), and the rest stay on their segment, kept retired and reported.
        """
        change = SegmentChange()
        new_ids = {s.id for s in segments}
        with self.transaction() as c:
            old = c.execute(
                """SELECT s.id, s.text, s.speaker, s.start, s."end" AS "end", s.active,
                          EXISTS(SELECT 1 FROM codings k WHERE k.segment_id = s.id) AS coded
                   FROM segments s WHERE s.document_id = ?""",
                (document_id,),
            ).fetchall()
            old_ids = {r["id"] for r in old}
            change.kept = len(new_ids & {r["id"] for r in old if r["active"]})
            change.added = len(new_ids - old_ids)
            self._upsert_segments(c, document_id, segments)
            gone = [r for r in old if r["id"] not in new_ids]
            change.removed = sum(1 for r in gone if r["active"])
            codings = self._codings_of(c, [r for r in gone if r["coded"]])
            plan = (relocate or (lambda ks: _same_text(ks, segments)))(codings) if codings else {}
            texts = {s.id: s.text for s in segments}
            for r in gone:
                if not r["coded"]:
                    self._drop_or_keep_for_memos(c, r, segments, change)
                    continue
                self._move_codings(c, r, [k for k in codings if k["segment_id"] == r["id"]],
                                   plan, texts, change)
        return change

    @staticmethod
    def _drop_or_keep_for_memos(c: sqlite3.Connection, r: sqlite3.Row,
                                segments: list[Segment], change: SegmentChange) -> None:
        """An uncoded segment that is gone is deleted, unless someone wrote a memo (or a
        reconcile decision or draft note) on it: that moves to the new segment holding its
        text, or the segment is kept, retired and reported, so nothing is lost silently."""
        if c.execute("SELECT 1 FROM memos WHERE target_type = 'segment' AND target_id = ? "
                     "LIMIT 1", (r["id"],)).fetchone() is None and not has_decisions(c, r["id"]):
            c.execute("DELETE FROM segments WHERE id = ?", (r["id"],))
            return
        target = next((s.id for s in segments if s.text == r["text"]), None) or next(
            (s.id for s in segments if r["text"] in s.text), None)
        if target is None:
            c.execute("UPDATE segments SET active = 0 WHERE id = ?", (r["id"],))
            change.orphaned.append((r["id"], r["text"]))
            return
        move_segment_memos(c, r["id"], target)
        move_segment_decisions(c, r["id"], target)
        c.execute("DELETE FROM segments WHERE id = ?", (r["id"],))

    def _upsert_segments(self, c: sqlite3.Connection, document_id: int,
                         segments: list[Segment]) -> None:
        c.executemany(
            """INSERT INTO segments(id, document_id, unit, seq, start, "end", text, speaker,
                                    role, question, timestamp, flags, party, active)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
               ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, start = excluded.start,
                   "end" = excluded."end", role = excluded.role,
                   question = excluded.question, timestamp = excluded.timestamp,
                   flags = excluded.flags, unit = excluded.unit, party = excluded.party,
                   active = 1""",
            [(s.id, document_id, s.unit, s.seq, s.start, s.end, s.text, s.speaker, s.role,
              s.question, s.timestamp, s.flags, s.party) for s in segments],
        )

    @staticmethod
    def _codings_of(c: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
        out = []
        for r in rows:
            for k in c.execute(
                    """SELECT k.id, k.code_id, c.name AS coder, k.anchors FROM codings k
                       JOIN coders c ON c.id = k.coder_id WHERE k.segment_id = ?""",
                    (r["id"],)):
                out.append({"coding_id": k["id"], "segment_id": r["id"], "text": r["text"],
                            "speaker": r["speaker"], "start": r["start"], "end": r["end"],
                            "active": bool(r["active"]), "code_id": k["code_id"],
                            "coder": k["coder"],
                            "anchors": json.loads(k["anchors"]) if k["anchors"] else None})
        return out

    def _move_codings(self, c: sqlite3.Connection, r: sqlite3.Row, codings: list[dict],
                      plan: Plan, texts: dict[str, str], change: SegmentChange) -> None:
        """Move one vanished segment's codings as planned; retire it if any must stay."""
        first_target = None
        stay = 0
        for k in codings:
            targets, note = plan.get(k["coding_id"], ([], ""))
            if not targets:
                stay += 1
                continue
            row = c.execute("SELECT * FROM codings WHERE id = ?", (k["coding_id"],)).fetchone()
            for target, anchors in targets:
                self._put_coding(c, row, target, anchors, texts.get(target, ""))
            c.execute("DELETE FROM codings WHERE id = ?", (k["coding_id"],))
            change.carried += 1
            change.moved.append((r["id"], r["text"], k["code_id"], k["coder"],
                                 [t for t, _ in targets], note))
            first_target = first_target or targets[0][0]
        if stay:
            c.execute("UPDATE segments SET active = 0 WHERE id = ?", (r["id"],))
            change.orphaned.append((r["id"], r["text"]))
            return
        move_segment_memos(c, r["id"], first_target)
        move_segment_decisions(c, r["id"], first_target)
        c.execute("DELETE FROM segments WHERE id = ?", (r["id"],))

    @staticmethod
    def _put_coding(c: sqlite3.Connection, row: sqlite3.Row, target: str,
                    anchors: list[list[int]] | None, text: str) -> None:
        there = c.execute(
            "SELECT id, anchors FROM codings WHERE segment_id = ? AND code_id = ? "
            "AND coder_id = ?", (target, row["code_id"], row["coder_id"])).fetchone()
        if there is None:
            c.execute(
                """INSERT INTO codings(segment_id, code_id, coder_id, created, memo, source,
                                       anchors) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (target, row["code_id"], row["coder_id"], row["created"], row["memo"],
                 row["source"], json.dumps(anchors) if anchors else None))
            return
        old = json.loads(there["anchors"]) if there["anchors"] else None
        merged = merge_anchors(old, anchors, text)
        c.execute("UPDATE codings SET anchors = ? WHERE id = ?",
                  (json.dumps(merged) if merged else None, there["id"]))

    # every segment column, with its SQL: ``segment_fields`` reads any of them
    SEGMENT_FIELDS = {"segment_id": "s.id", "document": "d.name", "unit": "s.unit",
                      "speaker": "s.speaker", "role": "s.role", "question": "s.question",
                      "start": "s.start", "end": 's."end"', "text": "s.text",
                      "timestamp": "s.timestamp", "flags": "s.flags", "party": "s.party",
                      "seq": "s.seq", "active": "s.active"}

    def segments(self, active_only: bool = True) -> list[sqlite3.Row]:
        """Every column of the segments (``SEGMENT_FIELDS``), in document order."""
        return self.segment_fields(list(self.SEGMENT_FIELDS), active_only)

    def segment_fields(self, columns: list[str], active_only: bool = True) -> list[sqlite3.Row]:
        """Segments in document order (active ones, or every one with ``active_only=False``),
        only ``columns`` (names of ``SEGMENT_FIELDS``): the coding screen reads 50,000 of
        them at start-up, and suggestions for every screen."""
        unknown = [c for c in columns if c not in self.SEGMENT_FIELDS]
        if unknown:
            raise StoreError(f"no segment column {unknown[0]!r}")
        sql = ", ".join(f'{self.SEGMENT_FIELDS[c]} AS "{c}"' for c in columns)
        # documents by name, then each one's segments through its index: already in order,
        # no sort of 50,000 rows (``active = 1`` lets the index serve the seq order)
        where = "AND s.active = 1" if active_only else ""
        return self.conn.execute(
            f"""SELECT {sql} FROM documents d CROSS JOIN segments s
                ON s.document_id = d.id {where} ORDER BY d.name, s.seq""").fetchall()

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

