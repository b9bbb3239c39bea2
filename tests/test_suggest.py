"""Code suggestions: ranking, learning from codings, evidence, edge cases.

Fast tests use hand-made vectors (each axis is a "topic"); one slow test uses the real model.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qualkit.models import Code, Codeframe
from qualkit.suggest import (
    COLUMNS,
    FLOOR,
    code_profile_text,
    code_profile_texts,
    embed_codes,
    parent_map,
    suggest,
)

REPO = Path(__file__).resolve().parents[1]


def unit(*rows) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


# four codes, each on its own axis (dim 5: axis 4 is "off topic")
CODE_IDS = ["a", "b", "c", "d"]
CODES = unit([1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0])


def ranked(df, sid) -> list[str]:
    return list(df[df.segment_id == sid].sort_values("rank").code_id)


# --------------------------------------------------------------------------- shape & ranks
def test_columns_ranks_and_scores():
    segs = unit([1, 0.5, 0.2, 0, 0], [0, 0.1, 1, 0.6, 0])
    df = suggest(segs, ["s1", "s2"], CODE_IDS, CODES, k=3)
    assert list(df.columns) == COLUMNS
    for sid in ("s1", "s2"):
        part = df[df.segment_id == sid]
        assert list(part["rank"]) == [1, 2, 3]
        assert list(part.score) == sorted(part.score, reverse=True)
        assert ((part.score >= 0) & (part.score <= 1)).all()
    assert ranked(df, "s1") == ["a", "b", "c"]
    assert ranked(df, "s2") == ["c", "d", "b"]
    assert df.evidence.str.fullmatch(r"description similarity -?\d\.\d\d").all()
    first = df.iloc[0]
    assert first.evidence == f"description similarity {float(segs[0] @ CODES[0]):.2f}"


def test_k_larger_than_number_of_codes():
    df = suggest(unit([1, 0, 0, 0, 0]), ["s"], CODE_IDS, CODES, k=10)
    assert list(df["rank"]) == [1, 2, 3, 4]
    assert sorted(df.code_id) == CODE_IDS


def test_scores_of_all_codes_sum_to_at_most_one_and_small_talk_scores_low():
    on_topic, small_talk = unit([1, 0.2, 0, 0, 0]), unit([0.1, 0.1, 0, 0, 1])
    df = suggest(np.vstack([on_topic, small_talk]), ["on", "off"], CODE_IDS, CODES, k=4)
    total = df.groupby("segment_id").score.sum()
    assert (total <= 1.0001).all()
    assert total["on"] > 0.95  # cosine far above FLOOR: nearly all mass on codes
    assert df[df.segment_id == "off"].score.max() < 0.3  # cosine ~0.1 < FLOOR
    assert FLOOR > 0.1


def test_empty_inputs():
    empty = suggest(np.zeros((0, 5), dtype=np.float32), [], CODE_IDS, CODES)
    assert list(empty.columns) == COLUMNS and len(empty) == 0
    no_codes = suggest(unit([1, 0, 0, 0, 0]), ["s"], [], np.zeros((0, 5), dtype=np.float32))
    assert list(no_codes.columns) == COLUMNS and len(no_codes) == 0


def test_bad_arguments():
    with pytest.raises(ValueError):
        suggest(unit([1, 0, 0, 0, 0]), ["s"], CODE_IDS, CODES, k=0)
    with pytest.raises(ValueError):
        suggest(unit([1, 0, 0, 0, 0]), ["s"], CODE_IDS[:3], CODES)
    with pytest.raises(ValueError):
        suggest(unit([1, 0, 0, 0, 0]), ["s"], CODE_IDS, CODES,
                coded_vectors=CODES[:2], coded_labels=["a"])


def test_deterministic():
    rng = np.random.default_rng(1)
    segs = rng.normal(size=(30, 5)).astype(np.float32)
    coded = rng.normal(size=(20, 5)).astype(np.float32)
    labels = [CODE_IDS[i % 4] for i in range(20)]
    a = suggest(segs, [f"s{i}" for i in range(30)], CODE_IDS, CODES, coded, labels, k=2)
    b = suggest(segs, [f"s{i}" for i in range(30)], CODE_IDS, CODES, coded, labels, k=2)
    assert a.equals(b)


# --------------------------------------------------------------------------- parents
def test_parents_left_out_by_default():
    ids = ["barrier", "barrier.x", "barrier.y", "use"]
    vecs = unit([1, 0, 0, 0, 0], [0.9, 0.3, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0])
    seg = unit([1, 0, 0, 0, 0])
    df = suggest(seg, ["s"], ids, vecs, k=5)
    assert ranked(df, "s") == ["barrier.x", "barrier.y", "use"]  # "use" has no children
    df = suggest(seg, ["s"], ids, vecs, k=5, exclude_parents=False)
    assert ranked(df, "s")[0] == "barrier"


def test_parent_map_instead_of_dotted_ids():
    cf = Codeframe(name="m", codes=[Code("top", "Top"), Code("kid", "Kid", parent="top")])
    vecs = unit([1, 0, 0, 0, 0], [0.5, 1, 0, 0, 0])
    df = suggest(unit([1, 0, 0, 0, 0]), ["s"], cf.ids, vecs, parents=parent_map(cf))
    assert ranked(df, "s") == ["kid"]
    # without the map, undotted ids look like two leaves
    assert ranked(suggest(unit([1, 0, 0, 0, 0]), ["s"], cf.ids, vecs), "s") == ["top", "kid"]


def test_parent_applied_directly_stays_a_candidate():
    ids = ["barrier", "barrier.x", "use"]
    vecs = unit([1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0])
    df = suggest(unit([1, 0.1, 0, 0, 0]), ["s"], ids, vecs, k=3,
                 coded_vectors=unit([1, 0, 0, 0, 0]), coded_labels=["barrier"])
    assert "barrier" in ranked(df, "s")


def test_skip_codes_already_applied():
    df = suggest(unit([1, 0.5, 0, 0, 0]), ["s"], CODE_IDS, CODES, k=2, skip={"s": ["a"]})
    assert ranked(df, "s") == ["b", "c"]


# --------------------------------------------------------------------------- learning
def _coded_cluster(rng, centre, n, noise=0.05):
    v = np.asarray(centre, dtype=np.float32) + rng.normal(scale=noise, size=(n, 5))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_learning_shifts_towards_coded_neighbours():
    """The analyst consistently codes segments near axis 4 (which the descriptions barely
    cover, slightly favouring 'a') as 'c'; suggestions follow the analyst."""
    rng = np.random.default_rng(0)
    region = [0.3, 0, 0.2, 0, 1]
    coded = np.vstack([_coded_cluster(rng, region, 8), _coded_cluster(rng, [1, 0, 0, 0, 0], 4),
                       _coded_cluster(rng, [0, 1, 0, 0, 0], 4)])
    labels = ["c"] * 8 + ["a"] * 4 + ["b"] * 4
    cids = [f"k{i}" for i in range(len(labels))]
    seg = unit(region)
    before = suggest(seg, ["new"], CODE_IDS, CODES, k=4)
    assert ranked(before, "new")[0] == "a"
    after = suggest(seg, ["new"], CODE_IDS, CODES, coded, labels, k=4, coded_segment_ids=cids)
    assert ranked(after, "new")[0] == "c"
    score_of = lambda df, c: float(df[df.code_id == c].score.iloc[0])  # noqa: E731
    assert score_of(after, "c") > score_of(before, "c")
    assert score_of(after, "a") < score_of(before, "a")
    top = after.iloc[0]
    assert top.evidence.startswith("description similarity ")
    assert "8 of 10 nearest coded segments have it (k" in top.evidence
    assert "weight on coded segments 0." in top.evidence
    weight = float(top.evidence.rsplit(" ", 1)[1])
    assert weight > 0.3


def test_coded_segments_that_agree_with_descriptions_get_little_weight():
    rng = np.random.default_rng(1)
    coded = np.vstack([_coded_cluster(rng, CODES[i], 5, noise=0.3) for i in range(4)])
    labels = [c for c in CODE_IDS for _ in range(5)]
    df = suggest(unit([1, 0.2, 0, 0, 0]), ["s"], CODE_IDS, CODES, coded, labels, k=1)
    assert ranked(df, "s") == ["a"]
    ev = df.iloc[0].evidence
    assert "add nothing over the descriptions" in ev or float(ev.rsplit(" ", 1)[1]) < 0.3


def test_too_few_codings_are_not_learned_from():
    df = suggest(unit([1, 0, 0, 0, 0]), ["s"], CODE_IDS, CODES,
                 coded_vectors=unit([0, 0, 1, 0, 0]), coded_labels=["c"], k=1)
    assert ranked(df, "s") == ["a"]
    assert df.iloc[0].evidence.endswith("(1 coded segment: too few to learn from yet)")


def test_a_segment_does_not_learn_from_its_own_coding():
    rng = np.random.default_rng(2)
    region = [0.3, 0, 0.2, 0, 1]
    coded = np.vstack([_coded_cluster(rng, region, 8), _coded_cluster(rng, [1, 0, 0, 0, 0], 4)])
    labels = ["c"] * 8 + ["a"] * 4
    cids = [f"k{i}" for i in range(12)]
    # score coded segment k0 itself: its own row must not be among its neighbours
    df = suggest(coded[:1], ["k0"], CODE_IDS, CODES, coded, labels, coded_segment_ids=cids, k=1)
    ev = df.iloc[0].evidence
    assert ranked(df, "k0") == ["c"]
    assert "7 of 10 nearest coded segments have it (" in ev  # 8 coded 'c', minus itself
    cited = ev.split("have it (")[1].split(")")[0].split(", ")
    assert "k0" not in cited and cited[0].startswith("k")


def test_coded_labels_outside_the_codeframe_are_ignored():
    df = suggest(unit([1, 0, 0, 0, 0]), ["s"], CODE_IDS, CODES,
                 coded_vectors=unit([1, 0, 0, 0, 0], [1, 0, 0, 0, 0]),
                 coded_labels=["gone", "gone"], k=1)
    assert ranked(df, "s") == ["a"]
    assert df.iloc[0].evidence.endswith("(0 coded segments: too few to learn from yet)")


def test_multi_coded_segment_counts_once_and_votes_for_each_code():
    rng = np.random.default_rng(3)
    base = _coded_cluster(rng, [0, 0, 0, 0.2, 1], 6)
    coded = np.vstack([base, base])  # each segment coded twice: 'b' and 'd'
    labels = ["b"] * 6 + ["d"] * 6
    cids = [f"k{i}" for i in range(6)] * 2
    more = np.vstack([_coded_cluster(rng, [1, 0, 0, 0, 0], 3), _coded_cluster(rng, [0, 0, 1, 0, 0], 3)])
    df = suggest(unit([0, 0, 0, 0.2, 1]), ["s"], CODE_IDS, CODES,
                 np.vstack([coded, more]), labels + ["a"] * 3 + ["c"] * 3, k=2,
                 coded_segment_ids=cids + [f"m{i}" for i in range(6)])
    assert set(ranked(df, "s")) == {"b", "d"}
    assert "6 of 10 nearest coded segments have it" in df.iloc[0].evidence


def test_without_ids_identical_vectors_count_as_one_segment():
    """Two coders' rows for one segment must not make it its own perfect neighbour."""
    rng = np.random.default_rng(4)
    coded = np.vstack([_coded_cluster(rng, CODES[i], 3, noise=0.3) for i in range(4)])
    labels = [c for c in CODE_IDS for _ in range(3)]
    twice = np.vstack([coded, coded])  # every segment coded by two coders, no ids given
    once = suggest(unit([1, 0.2, 0, 0, 0]), ["s"], CODE_IDS, CODES, coded, labels, k=1)
    dup = suggest(unit([1, 0.2, 0, 0, 0]), ["s"], CODE_IDS, CODES, twice, labels * 2, k=1)
    assert once.equals(dup)


# --------------------------------------------------------------------------- profiles
def test_profile_text_and_pieces():
    code = Code("x", "Name", description="Desc.", include="Inc.", exclude="NOT THIS",
                examples=("ex one", "ex two"))
    text = code_profile_text(code)
    assert "NOT THIS" not in text
    assert all(part in text for part in ("Name", "Desc.", "Inc.", "ex one", "ex two"))
    pieces = code_profile_texts(code)
    assert pieces[0] == "Name. Desc." and "ex two" in pieces and pieces[-1] == text
    assert code_profile_texts(Code("y", "Only a name")) == ["Only a name."]


def test_embed_codes_averages_pieces_with_any_encoder():
    def encode(texts):  # length-based fake: deterministic, non-negative
        return np.array([[len(t), 1.0, t.count("e")] for t in texts], dtype=np.float32)

    codes = [Code("x", "N", description="D", examples=("e1", "e2")), Code("y", "Other")]
    vecs = embed_codes(codes, encode)
    assert vecs.shape == (2, 3) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1)

    class Embedder:
        def encode(self, texts):
            return encode(texts)

    assert np.allclose(embed_codes(codes, Embedder()), vecs)
    assert embed_codes([], encode).shape[0] == 0


def test_import_loads_no_heavy_library():
    code = ("import sys, qualkit.suggest\n"
            "print(','.join(m for m in ('pandas', 'sklearn', 'torch', 'sentence_transformers')"
            " if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert res.stdout.strip() == ""


# --------------------------------------------------------------------------- real model
def _real_encoder(tmp_path):
    from qualkit.embed import get_embedder

    return get_embedder("torch-fp32", None, tmp_path).encode  # no ONNX export needed


@pytest.mark.slow
def test_real_model_suggests_sensible_codes(tmp_path):
    from qualkit.codeframe import bundled_codeframe_path, load_codeframe

    cf = load_codeframe(bundled_codeframe_path())
    encode = _real_encoder(tmp_path)
    cases = {
        "Our lawyers and their data protection officer still haven't agreed the sharing "
        "agreement, so nothing can move until it's signed.": "barrier.information_governance",
        "Education uses the pupil number and the hospital uses the NHS number, so we can't "
        "join the records up.": "barrier.data_digital.identifier",
        "We've got half an analyst for the whole department.": "barrier.resources",
        "The cabinet member and the director championed it from the start.":
            "enabler.senior_commitment",
        "It would help if the government said which measures every council should report.":
            "suggestion.national_indicators",
        "A small grant to pay for an analyst would make all the difference.": "suggestion.funding",
        "We use the joined-up data to plan where new special school places are needed.":
            "use.strategic_planning",
        "Our figures are pulled together by hand in spreadsheets every term.":
            "barrier.data_digital.maturity",
        "The council has no way to make the trust hand over data, it isn't in any contract.":
            "barrier.health_data.no_leverage",
        "We'd really like to learn from other councils who have already done this.":
            "suggestion.shared_learning",
    }
    texts = list(cases)
    segs = np.asarray(encode(texts), dtype=np.float32)
    df = suggest(segs, [f"s{i}" for i in range(len(texts))], cf.ids, embed_codes(cf.codes, encode),
                 k=3, parents=parent_map(cf))
    assert set(df.code_id) <= {c.id for c in cf.codes if not cf.children(c.id)}
    hits = [cases[t] in ranked(df, f"s{i}") for i, t in enumerate(texts)]
    assert hits[0], ranked(df, "s0")  # the clearly IG-flavoured sentence
    assert sum(hits) >= 8, dict(zip(texts, hits))
