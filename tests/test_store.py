"""The store: schema, constraints, one transaction per action, codings never silently lost."""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from qualkit.store.migrations import MIGRATIONS
from qualkit.models import Code, Segment
from qualkit.store import Store, StoreError


def seg(i: int, text: str, doc: str = "d.txt", speaker: str | None = "P1") -> Segment:
    return Segment(id=f"s{i}", document=doc, unit="sentence", start=i * 10,
                   end=i * 10 + len(text), text=text, speaker=speaker, seq=i)


@pytest.fixture
def doc(store):
    doc_id = store.upsert_document(name="d.txt", path="transcripts/d.txt", kind="transcript",
                                   format="txt", encoding="utf-8", content_hash="h",
                                   text="x" * 200, meta={})
    store.sync_codes([Code("barrier", "Barriers"), Code("barrier.culture", "Culture", "barrier")])
    return doc_id


def test_file_store_is_wal_with_foreign_keys_and_versioned(tmp_path):
    s = Store(tmp_path / "q.db")
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert s.version == len(MIGRATIONS)
    s.close()
    again = Store(tmp_path / "q.db")  # reopening migrates nothing twice
    assert again.version == len(MIGRATIONS) and again.integrity_ok()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "q.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.close()
    with pytest.raises(StoreError, match="newer qualkit"):
        Store(path)


def test_each_action_is_committed_at_once(tmp_path, doc):
    s = Store(tmp_path / "q.db")
    doc_id = s.upsert_document(name="d.txt", path="d.txt", kind="transcript", format="txt",
                               encoding=None, content_hash="h", text="hello there", meta={})
    s.replace_segments(doc_id, [seg(0, "hello")])
    s.sync_codes([Code("barrier", "Barriers")])
    s.add_coding("s0", "barrier", "ana")
    # a second connection (another process, the TUI) sees it without any close or commit call
    other = sqlite3.connect(tmp_path / "q.db")
    assert other.execute("SELECT count(*) FROM codings").fetchone()[0] == 1
    assert not s.conn.in_transaction


def test_coding_is_idempotent_and_logged(store, doc):
    store.replace_segments(doc, [seg(0, "We cannot share data.")])
    assert store.add_coding("s0", "barrier.culture", "ana") is True
    assert store.add_coding("s0", "barrier.culture", "ana") is False
    assert store.add_coding("s0", "barrier.culture", "ben") is True
    assert len(store.codings()) == 2 and len(store.codings("ana")) == 1
    assert store.remove_coding("s0", "barrier.culture", "ana") is True
    assert store.remove_coding("s0", "barrier.culture", "ana") is False
    actions = [r[0] for r in store.conn.execute("SELECT action FROM coding_log ORDER BY id")]
    assert actions == ["code", "code", "uncode"]


def test_coding_unknown_segment_or_code_is_a_clear_error(store, doc):
    store.replace_segments(doc, [seg(0, "text")])
    with pytest.raises(StoreError, match="no segment"):
        store.add_coding("nope", "barrier", "ana")
    with pytest.raises(StoreError, match="no code"):
        store.add_coding("s0", "barrier.nope", "ana")


def test_coded_segment_cannot_be_deleted_behind_our_back(store, doc):
    store.replace_segments(doc, [seg(0, "text")])
    store.add_coding("s0", "barrier", "ana")
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction() as c:
            c.execute("DELETE FROM segments WHERE id = 's0'")
    assert len(store.codings()) == 1  # the failed transaction rolled back whole


def test_replace_segments_carries_codings_to_identical_text(store, doc):
    store.replace_segments(doc, [seg(0, "Alpha."), seg(1, "Beta."), seg(2, "Gamma.")])
    store.add_coding("s1", "barrier.culture", "ana", memo="silo")
    store.add_coding("s2", "barrier", "ana")
    # the text changed: Beta moved (new id, same text), Gamma is gone
    change = store.replace_segments(doc, [seg(5, "Alpha."), Segment(
        id="t1", document="d.txt", unit="sentence", start=3, end=8, text="Beta.", speaker="P1")])
    assert change.carried == 1
    assert [o[1] for o in change.orphaned] == ["Gamma."]
    codings = {(r["segment_id"], r["code_id"], r["memo"]) for r in store.codings()}
    assert ("t1", "barrier.culture", "silo") in codings
    assert ("s2", "barrier", None) in codings  # kept on the retired segment, never dropped
    retired = [r for r in store.segments(active_only=False) if not r["active"]]
    assert [r["segment_id"] for r in retired] == ["s2"]
    assert store.integrity_ok()


def test_codes_leaving_the_codeframe_are_kept_while_used(store, doc):
    store.replace_segments(doc, [seg(0, "x")])
    store.add_coding("s0", "barrier.culture", "ana")
    retired = store.sync_codes([Code("barrier", "Barriers"), Code("enabler", "Enablers")])
    assert retired == ["barrier.culture"]
    assert {r["id"] for r in store.codes()} == {"barrier", "enabler"}
    assert "barrier.culture" in {r["id"] for r in store.codes(active_only=False)}


def test_vectors_round_trip_and_corrupt_ones_are_dropped(store):
    v = np.arange(4, dtype=np.float32)
    store.put_vectors("m", {"a": v, "b": v * 2})
    with store.transaction() as c:  # simulate a damaged row
        c.execute("UPDATE embeddings SET vector = x'0102' WHERE text_hash = 'b'")
    got = store.get_vectors("m", ["a", "b", "c"])
    assert list(got) == ["a"] and np.array_equal(got["a"], v)
    assert store.get_vectors("m", ["b"]) == {}  # deleted, so it will be re-embedded


def test_array_cache_round_trip(store):
    arr = np.random.default_rng(0).random((5, 3)).astype(np.float32)
    store.put_array("k", arr)
    assert np.array_equal(store.get_array("k"), arr)
    assert store.get_array("missing") is None


def test_runs_are_recorded(store):
    run = store.start_run("ingest", {"paths": ["x"]})
    store.finish_run(run, {"added": 2})
    (row,) = store.runs("ingest")
    assert row["status"] == "ok" and '"added": 2' in row["summary"]
