"""Speakers and their parties: the analyst's choices, and the parties stored on segments.

A choice is kept by document *name* (or '' for every document) and speaker name, not by id,
so it survives re-ingesting, re-segmenting and even removing and re-adding a file. Speaker
names are matched without regard to case.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from qualkit.store.connection import Connection, StoreError, now

PARTIES = ("interviewer", "participant", "unknown")


class SpeakersMixin(Connection):
    def speaker_overrides(self, document: str) -> dict[str, str]:
        """The analyst's parties for one document's speakers: every-document choices first,
        then this document's (which win)."""
        rows = self.conn.execute(
            "SELECT document, speaker, party FROM speaker_parties WHERE document IN ('', ?) "
            "ORDER BY document = '' DESC", (document,)).fetchall()
        out: dict[str, str] = {}
        for r in rows:
            out[r["speaker"].casefold()] = r["party"]
        return out

    def set_speaker_override(self, speaker: str, party: str, document: str = "") -> None:
        if party not in PARTIES:
            raise StoreError(f"unknown party {party!r}; use one of {', '.join(PARTIES)}")
        with self.transaction() as c:
            c.execute("DELETE FROM speaker_parties WHERE document = ? AND lower(speaker) = ?",
                      (document, speaker.lower()))
            c.execute("INSERT INTO speaker_parties(document, speaker, party, set_at) "
                      "VALUES (?, ?, ?, ?)", (document, speaker, party, now()))

    def speaker_override_rows(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT document, speaker, party, set_at FROM speaker_parties "
            "ORDER BY document, speaker").fetchall()

    def speakers(self) -> list[sqlite3.Row]:
        """Each speaker of each transcript: party, active segments, written roles, first seq."""
        return self.conn.execute(
            """SELECT d.name AS document, s.speaker, s.party, count(*) AS segments,
                      group_concat(DISTINCT s.role) AS roles, min(s.seq) AS first
               FROM segments s JOIN documents d ON d.id = s.document_id
               WHERE s.active AND d.kind = 'transcript' AND s.speaker IS NOT NULL
               GROUP BY d.name, s.speaker, s.party ORDER BY d.name, first"""
        ).fetchall()

    def document_meta(self, name: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT meta FROM documents WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise StoreError(f"no document named {name!r} in this project")
        return json.loads(row[0] or "{}")

    def apply_parties(self, name: str, parties: dict[str, tuple[str, str]]) -> int:
        """Set the party of each speaker's segments in one document (speaker -> (party,
        reason)) and keep the reasons in its meta. Returns the segments whose party changed."""
        changed = 0
        with self.transaction() as c:
            row = c.execute("SELECT id, meta FROM documents WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise StoreError(f"no document named {name!r} in this project")
            for speaker, (party, _reason) in parties.items():
                changed += c.execute(
                    "UPDATE segments SET party = ? WHERE document_id = ? AND speaker = ? "
                    "AND party IS NOT ?", (party, row["id"], speaker, party)).rowcount
            meta = json.loads(row["meta"] or "{}")
            meta["parties"] = {k: list(v) for k, v in parties.items()}
            c.execute("UPDATE documents SET meta = ? WHERE id = ?", (json.dumps(meta), row["id"]))
        return changed
