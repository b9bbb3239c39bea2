"""Embedding cache, themes runs and suggestions through the project API.

Fast tests use FakeEmbedder; the slow ones run the real bundled model and real BERTopic.
"""
from __future__ import annotations

import socket
import sys

import pandas as pd
import pytest

import qualkit as qk
from conftest import write
from qualkit.embed import FakeEmbedder, ModelNotFound

TOPICS = {
    "identifier": "We could not match the NHS number to the pupil number for {x} children.",
    "governance": "The data sharing agreement for {x} sat with legal for months before sign off.",
    "dashboard": "Our SEND dashboard shows {x} plans by school and waiting time every month.",
    "funding": "There is no money for an analyst post, the {x} grant ended last spring.",
}


class CountingEmbedder(FakeEmbedder):
    def __init__(self):
        super().__init__()
        self.calls: list[int] = []

    def encode(self, texts, progress=None, batch_size=64):
        self.calls.append(len(texts))
        return super().encode(texts, progress, batch_size)


def make_project(tmp_path, n_per_topic: int = 6, identical: bool = False):
    p = qk.init_project(tmp_path / "study")
    lines = []
    for i in range(n_per_topic):
        for name, tpl in TOPICS.items():
            text = "All the same sentence here." if identical else tpl.format(x=f"{name}-{i}")
            lines.append(f"P{i % 3 + 1}: {text}")
    write(p.root / "transcripts" / "a.txt", "Interviewer: Tell me about linking your data.\n" + "\n".join(lines) + "\n")
    p.ingest()
    emb = CountingEmbedder()
    p.set_embedder(emb)
    return p, emb


def test_embed_caches_by_text_and_reembeds_only_changes(tmp_path):
    p, emb = make_project(tmp_path)
    n_texts = p.segments()["text"].nunique()
    assert p.embed() == n_texts
    emb.calls.clear()
    assert p.embed() == 0 and emb.calls == []  # unchanged project: zero model calls
    path = p.root / "transcripts" / "a.txt"
    path.write_text(path.read_text().replace("funding-0 grant", "funding-0 award"))
    p.ingest()
    assert p.embed() == 1 and sum(emb.calls) == 1


def test_corrupt_cached_vector_is_recomputed_not_fatal(tmp_path):
    p, emb = make_project(tmp_path)
    p.embed()
    with p.store.transaction() as c:  # damage one stored vector
        c.execute("UPDATE embeddings SET vector = x'00' WHERE text_hash = "
                  "(SELECT text_hash FROM embeddings LIMIT 1)")
    assert p.embed() == 1
    assert p.store.integrity_ok()


def test_themes_on_a_small_corpus_fall_back_with_a_message_and_are_stored(tmp_path):
    p, _ = make_project(tmp_path)
    run = p.run_themes()
    themes = run.themes
    assert list(themes.columns[:7]) == ["theme_id", "size", "keywords", "representative",
                                        "doc_share", "resembles_code", "score"]
    assert "agglomerative" in run.method
    assert any("small" in m.lower() or "agglomerative" in m.lower() for m in run.messages)
    assert themes["size"].sum() + len(run.outliers) == 24  # interviewer left out
    members = p.theme_members()
    assert len(members) == 24 and set(members["theme_id"]) >= set(themes["theme_id"])
    stored = p.theme_run()  # read back from the store: the same run, the same themes
    assert stored.run_id == run.run_id and stored.status == "ok"
    assert stored.outliers == run.outliers and stored.method == run.method
    pd.testing.assert_frame_equal(stored.themes, themes)
    assert p.theme_run(run.run_id).run_id == run.run_id
    with pytest.raises(qk.QualkitError, match="no themes run with id 999"):
        p.theme_run(999)


def test_theme_filters_pick_the_subset(tmp_path):
    p, _ = make_project(tmp_path)
    one = p.run_themes(speaker="P1")
    assert one.segments == 8 and one.filters == {"speaker": "P1"}
    assert p.run_themes(include_interviewer=True).segments == 25
    with pytest.raises(qk.QualkitError, match="no segments"):
        p.themes(kind="foi")
    with pytest.raises(qk.QualkitError, match="unknown theme option"):
        p.themes(min_cluster=3)


def test_same_project_twice_gives_identical_themes(tmp_path):
    p, _ = make_project(tmp_path)
    a, b = p.themes(), p.themes()
    pd.testing.assert_frame_equal(a, b)


def test_all_identical_segments_and_empty_project_are_clear(tmp_path):
    p, _ = make_project(tmp_path, identical=True)
    run = p.run_themes()
    # 24 copies of one sentence: one theme holding every segment, and a message saying why
    assert len(run.themes) == 1 and run.themes["size"].iloc[0] == 24 and not run.outliers
    assert run.messages
    empty = qk.init_project(tmp_path / "empty")
    empty.set_embedder(FakeEmbedder())
    assert empty.embed() == 0
    with pytest.raises(qk.QualkitError, match="no segments"):
        empty.themes()


def test_suggestions_rank_codes_and_apply_nothing(tmp_path):
    p, _ = make_project(tmp_path)
    ids = list(p.segments(speaker="P1")["segment_id"])[:3]
    before = len(p.codings())
    df = p.suggest(segment_ids=ids, k=3)
    assert list(df.columns) == ["segment_id", "rank", "code_id", "score", "evidence"]
    assert len(df) == 9 and set(df["rank"]) == {1, 2, 3}
    assert set(df["code_id"]) <= set(p.codeframe().ids)
    assert len(p.codings()) == before
    with pytest.raises(qk.QualkitError, match="no segment"):
        p.suggest(segment_ids=["nope"])


def test_missing_model_is_a_clear_error(tmp_path):
    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "a.txt", "P1: Something said here.\nP2: And a reply.\n")
    p.ingest()
    p.settings["embed"]["model_path"] = "no/such/model"
    with pytest.raises(ModelNotFound, match="not a folder"):
        p.embed()


@pytest.mark.slow
def test_real_model_and_bertopic_open_no_socket(tmp_path, monkeypatch):
    """The real bundled model and real BERTopic, end to end, with the network forbidden."""
    p = qk.init_project(tmp_path / "study")
    lines = [f"P1: {tpl.format(x=f'{name}-{i}')}" for i in range(4)
             for name, tpl in TOPICS.items()]
    write(p.root / "transcripts" / "a.txt", "\n".join(lines) + "\n")
    p.ingest()
    p.settings["embed"]["backend"] = "torch-fp32"  # the onnx export is covered in test_embed
    opened: list[str] = []

    def hook(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "socket.__new__"):
            opened.append(event)

    sys.addaudithook(hook)
    monkeypatch.setattr(socket.socket, "connect",
                        lambda *a, **k: (_ for _ in ()).throw(OSError("network used")))
    assert p.embed() == 16
    # an unchanged project: a new process embeds nothing and loads no model library
    (p.root / "qualkit.yaml").write_text("embed:\n  backend: torch-fp32\n")
    code = ("import sys, qualkit as qk\n"
            f"p = qk.open_project({str(p.root)!r})\n"
            "n = p.embed()\n"
            "print(n, [m for m in ('torch', 'onnxruntime', 'sentence_transformers') "
            "if m in sys.modules])\n")
    import subprocess

    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.strip() == "0 []", res.stdout + res.stderr[-800:]
    themes = p.themes(min_cluster_size=2)
    assert len(themes) >= 2 and all(len(k) for k in themes["keywords"])
    assert opened == []


def test_interviewers_are_left_out_however_they_are_labelled(tmp_path):
    from qualkit.themes.select import select_segments

    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "a.txt",
          "INTERVIEWER (Researcher): What holds linkage back for you?\n"
          "SAM LEE (Data Manager): Governance, mostly, and the NHS number.\n"
          "Jo Pryce: And what would help most?\n"
          "SAM LEE (Data Manager): A national template for sharing agreements.\n"
          "Jo Pryce: Thank you so much for that.\n")
    (p.root / "qualkit.yaml").write_text("segment:\n  interviewers: [Jo Pryce]\n")
    p = qk.open_project(p.root)
    p.ingest()
    kept = select_segments(p.segments(), p.documents())
    assert set(kept["speaker"]) == {"SAM LEE"}
    asked = select_segments(p.segments(), p.documents(), role="interviewer")
    assert set(asked["speaker"]) == {"INTERVIEWER", "Jo Pryce"}
