"""Suggestion signals added for real text (issue #13, part 1): centring on the project's mean
vector, shared words with the code texts, parents scored by votes only; and the real-text
labelled set, whose text stays in ../shared/seeds (the test skips cleanly without it).
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from qualkit.suggest import FLOOR_CENTRED, lexical_similarity, suggest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def unit(*rows) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


IDS = ["a", "b", "c"]
CODES = unit([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0])


def ranked(df, sid) -> list[str]:
    return list(df[df.segment_id == sid].sort_values("rank").code_id)


def test_centring_removes_what_every_segment_of_the_project_shares():
    # every segment leans towards "a" (the project's common subject); each also has its own
    shared = np.array([2.0, 0, 0, 0.5], dtype=np.float32)
    segs = unit(shared + [0, 0.6, 0, 0], shared + [0, 0, 0.6, 0], shared + [0.6, 0, 0, 0])
    plain = suggest(segs, ["s1", "s2", "s3"], IDS, CODES, k=1)
    assert [ranked(plain, s)[0] for s in ("s1", "s2", "s3")] == ["a", "a", "a"]
    centred = suggest(segs, ["s1", "s2", "s3"], IDS, CODES, k=1, centre=segs.mean(axis=0))
    assert [ranked(centred, s)[0] for s in ("s1", "s2", "s3")] == ["b", "c", "a"]
    assert centred.evidence.str.contains(r"\(project-centred\)").all()


def test_shared_words_break_a_tie_and_do_not_depend_on_the_other_segments():
    seg = unit([1, 1, 0, 0])  # equally close to a and b
    texts = ["Pupil numbers and NHS numbers never match."]
    code_texts = ["Consent. Data protection officers and agreements.",
                  "Identifier. The NHS number versus the unique pupil number.",
                  "Funding. Money for analysts."]
    df = suggest(seg, ["s"], IDS, CODES, k=2, segment_texts=texts, code_texts=code_texts)
    assert ranked(df, "s")[0] == "b"
    assert "shared words" in df.iloc[0].evidence
    alone = lexical_similarity(texts, code_texts)
    with_others = lexical_similarity(texts + ["Money, money, money."], code_texts)[:1]
    assert np.array_equal(alone, with_others)  # IDF comes from the code texts only
    assert alone[0, 1] > 0 and alone[0, 0] == 0


def test_small_talk_scores_low_when_centred():
    centre = unit([0.5, 0.5, 0.5, 0.2])[0]
    talk = unit([0.3, 0.3, 0.3, 1.0])  # nothing like any code once the project mean is gone
    df = suggest(talk, ["t"], IDS, CODES, k=3, centre=centre)
    assert df.score.sum() < 0.3
    assert 0 < FLOOR_CENTRED < 0.25


def test_a_parent_applied_directly_is_scored_by_votes_only():
    ids = ["barrier", "barrier.x", "barrier.y"]
    vecs = unit([1, 0.3, 0.3, 0], [0.2, 1, 0, 0], [0.2, 0, 1, 0])
    rng = np.random.default_rng(0)
    coded = unit(*(np.array([0.1, 1, 0, 0.3]) + rng.normal(scale=0.05, size=(6, 4))),
                 *(np.array([0.1, 0, 1, 0.3]) + rng.normal(scale=0.05, size=(6, 4))))
    labels = ["barrier.x"] * 6 + ["barrier.y"] * 5 + ["barrier"]
    # a segment right on the parent's generic profile: without votes for "barrier" nearby,
    # the parent (applied once, elsewhere) must not outrank the sub-codes
    df = suggest(unit([1, 0.3, 0.3, 0]), ["s"], ids, vecs, coded, labels, k=3,
                 coded_segment_ids=[f"k{i}" for i in range(12)])
    assert ranked(df, "s")[-1] == "barrier"


def test_real_labelled_set_matches_the_seeds(shared_dir):
    seeds = shared_dir / "seeds"
    items = yaml.safe_load((REPO / "bench" / "real_labelled.yaml").read_text())["items"]
    from qualkit.codeframe import load_codeframe

    ids = set(load_codeframe(REPO / "codeframes" / "data-linkage.yaml").ids)
    assert len(items) >= 60
    for it in items:
        text = (seeds / it["file"]).read_text(encoding="utf-8")[it["span"][0]:it["span"][1]]
        assert hashlib.sha1(text.encode()).hexdigest()[:8] == it["sha1"], it
        assert set(it["codes"]) <= ids and it["codes"]
    sys.path.insert(0, str(REPO / "bench"))
    from suggest_sets import load_real

    loaded = load_real(seeds=seeds)
    assert loaded is not None and len(loaded) == len(items)
    assert load_real(seeds=REPO / "no-such-folder") is None
