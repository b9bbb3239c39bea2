"""The project store: one SQLite database, the single source of truth.

This is the only module that writes SQL. Every public method that changes data runs in its own
transaction and commits before it returns, so a crash or a killed terminal loses nothing that
was already reported as saved. WAL mode lets the TUI read while a CLI command writes.

Schema changes go in ``migrations.MIGRATIONS``: append, never edit a released step. ``PRAGMA user_version``
records how far a database has been migrated.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .migrations import MIGRATIONS
from .models import Code, QualkitError, Segment

def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StoreError(QualkitError):
    pass


@dataclass
class SegmentChange:
    """What replacing a document's segments did to them and to their codings."""

    added: int = 0
    kept: int = 0
    removed: int = 0
    carried: int = 0  # codings moved to an identical segment whose id changed
    orphaned: list[tuple[str, str]] = field(default_factory=list)  # (segment_id, text) kept, retired


class Store:
    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open project database {self.path}: {e}") from e
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self._migrate()

    # -- plumbing -------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One committed unit of work; nested calls join the outer transaction."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} was written by a newer qualkit (schema {current}); upgrade qualkit"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            # executescript commits; run each step as one explicit transaction
            self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    def integrity_ok(self) -> bool:
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        return row[0] == "ok" and not fk

    # -- settings -------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

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
    def _log(c: sqlite3.Connection, coder_id: int, action: str, segment_id: str,
             code_id: str | None, payload: dict[str, Any]) -> None:
        c.execute(
            "INSERT INTO coding_log(at, coder_id, action, segment_id, code_id, payload) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (now(), coder_id, action, segment_id, code_id, json.dumps(payload)),
        )

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

    def done(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            """SELECT d.name AS document, c.name AS coder, x.at FROM documents_done x
               JOIN documents d ON d.id = x.document_id JOIN coders c ON c.id = x.coder_id"""
        ).fetchall()

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, stage: str, params: dict[str, Any] | None = None) -> int:
        with self.transaction() as c:
            return c.execute(
                "INSERT INTO runs(stage, started, params) VALUES (?, ?, ?)",
                (stage, now(), json.dumps(params or {}, default=str)),
            ).lastrowid

    def finish_run(self, run_id: int, summary: dict[str, Any], status: str = "ok") -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?",
                (now(), status, json.dumps(summary, default=str), run_id),
            )

    def runs(self, stage: str | None = None, limit: int = 20) -> list[sqlite3.Row]:
        if stage:
            return self.conn.execute(
                "SELECT * FROM runs WHERE stage = ? ORDER BY id DESC LIMIT ?", (stage, limit)
            ).fetchall()
        return self.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?",
                                 (limit,)).fetchall()

    # -- counts ---------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "transcripts": one("SELECT count(*) FROM documents WHERE kind = 'transcript'"),
            "foi_letters": one("SELECT count(*) FROM documents WHERE kind = 'foi'"),
            "segments": one("SELECT count(*) FROM segments WHERE active"),
            "retired_segments": one("SELECT count(*) FROM segments WHERE NOT active"),
            "codes": one("SELECT count(*) FROM codes WHERE active"),
            "coders": one("SELECT count(*) FROM coders"),
            "codings": one("SELECT count(*) FROM codings"),
            "embedded": one("SELECT count(*) FROM embeddings"),
        }

    # -- vectors and cached arrays ------------------------------------------------------
    def get_vectors(self, model_id: str, text_hashes: list[str]) -> dict[str, Any]:
        """Cached vectors for these text hashes (missing ones absent). Corrupt rows are
        skipped and deleted, so they get re-embedded rather than poisoning a run."""
        import numpy as np

        found: dict[str, Any] = {}
        bad: list[str] = []
        unique = list(dict.fromkeys(text_hashes))
        for i in range(0, len(unique), 900):
            chunk = unique[i : i + 900]
            marks = ",".join("?" * len(chunk))
            for h, dim, blob in self.conn.execute(
                f"SELECT text_hash, dim, vector FROM embeddings WHERE model_id = ? "
                f"AND text_hash IN ({marks})",
                (model_id, *chunk),
            ):
                ok = isinstance(blob, bytes) and len(blob) == 4 * dim
                vec = np.frombuffer(blob, dtype=np.float32) if ok else None
                if vec is None or not np.isfinite(vec).all():
                    bad.append(h)
                    continue
                found[h] = vec
        if bad:
            with self.transaction() as c:
                c.executemany(
                    "DELETE FROM embeddings WHERE model_id = ? AND text_hash = ?",
                    [(model_id, h) for h in bad],
                )
        return found

    def put_vectors(self, model_id: str, vectors: dict[str, Any]) -> None:
        import numpy as np

        with self.transaction() as c:
            c.executemany(
                "INSERT OR REPLACE INTO embeddings(model_id, text_hash, dim, vector) "
                "VALUES (?, ?, ?, ?)",
                [
                    (model_id, h, int(v.shape[-1]), np.asarray(v, dtype=np.float32).tobytes())
                    for h, v in vectors.items()
                ],
            )

    def get_array(self, key: str) -> Any | None:
        import numpy as np

        row = self.conn.execute(
            "SELECT dtype, shape, data FROM array_cache WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        shape = tuple(json.loads(row["shape"]))
        try:
            return np.frombuffer(row["data"], dtype=row["dtype"]).reshape(shape)
        except (ValueError, TypeError):
            with self.transaction() as c:
                c.execute("DELETE FROM array_cache WHERE key = ?", (key,))
            return None

    def put_array(self, key: str, arr: Any) -> None:
        import numpy as np

        arr = np.ascontiguousarray(arr)
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO array_cache(key, dtype, shape, data, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, arr.dtype.str, json.dumps(list(arr.shape)), arr.tobytes(), now()),
            )

    # -- themes ---------------------------------------------------------------------------
    def save_themes(self, run_id: int, themes: list[dict[str, Any]],
                    members: list[tuple[str, int, float | None]]) -> None:
        with self.transaction() as c:
            c.executemany(
                """INSERT INTO themes(run_id, theme_id, size, label, keywords, representative,
                                      doc_share, resembles_code, score)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (run_id, t["theme_id"], t["size"], t.get("label", ""),
                     json.dumps(list(t.get("keywords", []))),
                     json.dumps(list(t.get("representative", []))), t.get("doc_share"),
                     t.get("resembles_code"), t.get("score"))
                    for t in themes
                ],
            )
            c.executemany(
                "INSERT INTO theme_members(run_id, segment_id, theme_id, probability) "
                "VALUES (?, ?, ?, ?)",
                [(run_id, sid, tid, p) for sid, tid, p in members],
            )

    def latest_theme_run(self) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM runs WHERE stage = 'themes' AND status = 'ok' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()

    def themes(self, run_id: int) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM themes WHERE run_id = ? ORDER BY theme_id", (run_id,)
        ).fetchall()

    def theme_members(self, run_id: int) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT segment_id, theme_id, probability FROM theme_members WHERE run_id = ?",
            (run_id,),
        ).fetchall()
