"""Versioned schema migrations for the project store.

Each entry is one SQL script; entry N brings a database from ``user_version`` N-1 to N.
Append new steps; never edit a step that has been released. ``store.Store`` applies them.
"""
from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1 — the whole data model of the mission, so later stages add columns, not rewrites.
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('transcript', 'foi')),
        format TEXT NOT NULL,
        encoding TEXT,
        content_hash TEXT NOT NULL,
        text TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        ingested_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE attributes (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT,
        PRIMARY KEY (document_id, name)
    );
    CREATE TABLE segments (
        id TEXT PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        unit TEXT NOT NULL,
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        role TEXT,
        question TEXT,
        timestamp TEXT,
        flags TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        CHECK (start >= 0 AND "end" >= start)
    );
    CREATE INDEX segments_document ON segments(document_id, active, seq);
    CREATE TABLE codes (
        id TEXT PRIMARY KEY,
        parent_id TEXT REFERENCES codes(id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        include TEXT NOT NULL DEFAULT '',
        exclude TEXT NOT NULL DEFAULT '',
        examples TEXT NOT NULL DEFAULT '[]',
        color TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE coders (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'consensus')),
        created TEXT NOT NULL
    );
    CREATE TABLE codings (
        id INTEGER PRIMARY KEY,
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE RESTRICT,
        code_id TEXT NOT NULL REFERENCES codes(id) ON DELETE RESTRICT,
        coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE RESTRICT,
        created TEXT NOT NULL,
        memo TEXT,
        source TEXT NOT NULL DEFAULT 'manual',
        UNIQUE (segment_id, code_id, coder_id)
    );
    CREATE INDEX codings_code ON codings(code_id);
    CREATE INDEX codings_coder ON codings(coder_id);
    -- every coding action, for undo in the TUI and for an audit trail
    CREATE TABLE coding_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        action TEXT NOT NULL,
        segment_id TEXT NOT NULL,
        code_id TEXT,
        payload TEXT
    );
    CREATE TABLE documents_done (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        at TEXT NOT NULL,
        PRIMARY KEY (document_id, coder_id)
    );
    CREATE TABLE memos (
        id INTEGER PRIMARY KEY,
        target_type TEXT NOT NULL CHECK (target_type IN
            ('project', 'document', 'segment', 'code', 'theme')),
        target_id TEXT NOT NULL,
        coder_id INTEGER REFERENCES coders(id),
        text TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX memos_target ON memos(target_type, target_id);
    CREATE TABLE foi_answers (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '[]',
        qualifier TEXT NOT NULL DEFAULT '',
        confidence REAL NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (document_id, question)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        stage TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        params TEXT NOT NULL DEFAULT '{}',
        summary TEXT NOT NULL DEFAULT '{}'
    );
    -- vectors are keyed by what was embedded, not by segment: re-segmenting reuses them
    CREATE TABLE embeddings (
        model_id TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        dim INTEGER NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_id, text_hash)
    ) WITHOUT ROWID;
    -- derived arrays (e.g. reduced vectors for themes), keyed by a hash of their inputs
    CREATE TABLE array_cache (
        key TEXT PRIMARY KEY,
        dtype TEXT NOT NULL,
        shape TEXT NOT NULL,
        data BLOB NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE themes (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        theme_id INTEGER NOT NULL,
        size INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '[]',
        representative TEXT NOT NULL DEFAULT '[]',
        doc_share REAL,
        resembles_code TEXT,
        score REAL,
        PRIMARY KEY (run_id, theme_id)
    );
    CREATE TABLE theme_members (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        theme_id INTEGER NOT NULL,
        probability REAL,
        PRIMARY KEY (run_id, segment_id)
    );
    """,
    # 2 — parties and codings that follow their text (issue #8). A segment's `party`
    # (interviewer | participant | unknown; NULL for FOI answers) is decided once at ingest,
    # beside the role as written; the analyst's choices are kept in `speaker_parties` (by
    # document name, '' for every document) so they survive re-ingest. A coding's `anchors`
    # are the spans it was applied to, relative to its segment's start (JSON [[start, end]...];
    # NULL = the whole segment), so a coding moved to a longer unit can come back exactly.
    """
    ALTER TABLE segments ADD COLUMN party TEXT
        CHECK (party IN ('interviewer', 'participant', 'unknown'));
    UPDATE segments SET party = CASE
        WHEN unit = 'answer' THEN NULL
        WHEN lower(role) = 'interviewer' THEN 'interviewer'
        WHEN lower(role) = 'participant' THEN 'participant'
        ELSE 'unknown' END;
    CREATE TABLE speaker_parties (
        document TEXT NOT NULL DEFAULT '',
        speaker TEXT NOT NULL,
        party TEXT NOT NULL CHECK (party IN ('interviewer', 'participant', 'unknown')),
        set_at TEXT NOT NULL,
        PRIMARY KEY (document, speaker)
    );
    ALTER TABLE codings ADD COLUMN anchors TEXT;
    """,
    # 3 — teams: what a merge could not place (kept, never dropped), and reconcile decisions
    # (one per segment and consensus coder; ``before`` holds the consensus codes it replaced,
    # so a decision can be undone).
    """
    CREATE TABLE merge_aside (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        coder TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('coding', 'memo', 'done')),
        reason TEXT NOT NULL,
        item TEXT NOT NULL,
        item_hash TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL
    );
    CREATE TABLE reconciliations (
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE RESTRICT,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        choice TEXT NOT NULL,
        codes TEXT NOT NULL DEFAULT '[]',
        before TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        PRIMARY KEY (segment_id, coder_id)
    );
    """,
    # 4 — undo/redo in the coding app: every user action gets a group id (one undo step, however
    # many codings it touched) and an undo state: 0 done (undoable), 1 undone (redoable),
    # 2 not undoable (an undo's own audit rows, or redo history dropped by a newer action).
    # One memo per target and coder.
    """
    ALTER TABLE coding_log ADD COLUMN action_id INTEGER;
    ALTER TABLE coding_log ADD COLUMN undo_state INTEGER NOT NULL DEFAULT 0;
    UPDATE coding_log SET action_id = id;
    CREATE INDEX coding_log_undo ON coding_log(coder_id, undo_state, action_id);
    CREATE INDEX coding_log_action ON coding_log(action_id);
    CREATE UNIQUE INDEX memos_one_per_coder ON memos(target_type, target_id, coder_id);
    """,
    # 5 — who runs a stage, so a run left 'running' by a process that is gone (killed, crashed,
    # machine restarted) is shown as interrupted on the next start or status
    """
    ALTER TABLE runs ADD COLUMN pid INTEGER;
    ALTER TABLE runs ADD COLUMN host TEXT;
    ALTER TABLE runs ADD COLUMN process_start TEXT;
    """,
    # 6 — vectors of the old dynamic int8 recipe, which depended on their batch-mates, are
    #     dropped: `onnx-int8` is now static int8 and re-embeds them once (same model id).
    """
    DELETE FROM embeddings WHERE model_id LIKE '%/onnx-int8';
    DELETE FROM array_cache WHERE key LIKE 'themes/%';
    """,
    # 7 — GUIDs another tool (NVivo, ATLAS.ti, MAXQDA, QualCoder) gave a code, a coder or a
    #     source in a REFI-QDA import, written back on export so the round trip keeps identity
    """
    CREATE TABLE refi_guids (
        kind TEXT NOT NULL CHECK (kind IN ('code', 'coder', 'source')),
        key TEXT NOT NULL,
        guid TEXT NOT NULL,
        origin TEXT,
        kept_at TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    # 8 — reconcile: an undone decision is kept, numbered by when it was undone (``undone``,
    # NULL while it stands), so ctrl+r redoes it even after a restart; a discussion note
    # written before the decision is kept at once as a draft on that segment.
    """
    ALTER TABLE reconciliations ADD COLUMN undone INTEGER;
    CREATE TABLE reconcile_drafts (
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE RESTRICT,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        note TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (segment_id, coder_id)
    );
    """,
]
