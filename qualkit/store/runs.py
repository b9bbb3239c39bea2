"""Runs of each stage (ingest, embed, themes...), stored theme runs, and counts for status.

A run records the pid, host and start token of its process (``liveness.py``). A run still
``running`` whose process is gone (killed, crashed, machine restarted) becomes
``interrupted`` the next time any run starts or the status is read (``reap_dead_runs``); a run
that ends by an exception is closed by ``abandon_run`` (``interrupted`` for Ctrl-C, else
``failed``), so no run stays ``running`` forever.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from qualkit.store.connection import Connection, StoreError, now
from qualkit.store.liveness import is_gone, this_process


class RunsMixin(Connection):
    # -- runs -----------------------------------------------------------------------------
    def start_run(self, stage: str, params: dict[str, Any] | None = None) -> int:
        self.reap_dead_runs()
        pid, host, token = this_process()
        with self.transaction() as c:
            return c.execute(
                "INSERT INTO runs(stage, started, params, pid, host, process_start) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (stage, now(), json.dumps(params or {}, default=str), pid, host, token),
            ).lastrowid

    def reap_dead_runs(self) -> list[int]:
        """Mark ``interrupted`` the running runs whose process is gone; their ids."""
        rows = self.conn.execute(
            "SELECT id, pid, host, process_start FROM runs WHERE status = 'running'").fetchall()
        dead = [r for r in rows if is_gone(r["pid"], r["host"], r["process_start"])]
        if not dead:
            return []
        with self.transaction() as c:
            for r in dead:
                note = (f"process {r['pid']} on {r['host']} ended without finishing this run"
                        if r["pid"] is not None else "started by an older qualkit; never finished")
                c.execute("UPDATE runs SET status = 'interrupted', finished = ?, summary = ? "
                          "WHERE id = ? AND status = 'running'",
                          (now(), json.dumps({"note": note}), r["id"]))
        return [r["id"] for r in dead]

    def abandon_run(self, run_id: int, error: BaseException) -> None:
        """Close a run that ended by an exception; never raises (the store may be the cause)."""
        interrupted = isinstance(error, (KeyboardInterrupt, SystemExit))
        summary = {"error": str(error) or type(error).__name__}
        try:
            self.finish_run(run_id, summary, "interrupted" if interrupted else "failed")
        except (StoreError, sqlite3.Error):
            pass  # left 'running': the next start or status marks it interrupted

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

    def theme_run(self, run_id: int | None = None) -> sqlite3.Row | None:
        """A themes run's row: the given one, or the latest that finished well."""
        if run_id is not None:
            return self.conn.execute(
                "SELECT * FROM runs WHERE stage = 'themes' AND id = ?", (run_id,)).fetchone()
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

