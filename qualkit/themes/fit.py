"""Candidate themes: BERTopic over the cached segment vectors.

The pipeline (each stage timed in ``ThemeResult.timings``):

1. ``knn``      exact cosine neighbours by brute force (:mod:`qualkit.themes.reduce`);
2. ``umap``     seeded UMAP fed that kNN graph; the reduced vectors are cached under a key made
               of the input vectors' hash and :meth:`ThemeParams.reduction_key`, so re-running
               with other cluster or keyword settings skips stages 1-2 (``umap`` is then 0);
3. ``cluster``  HDBSCAN on the reduced vectors (:mod:`qualkit.themes.cluster`), or a fallback
               for corpora too small or too uniform for it — always with a message;
4. ``keywords`` BERTopic's c-TF-IDF (English stop words, 1..n-grams) over those clusters;
               on a re-run from a cached reduction (or a small-corpus fallback) the same
               c-TF-IDF comes from ``exact_ctfidf_keywords``, identical and without the import
               (:mod:`qualkit.themes.keywords`), fitted on the given vectors: nothing is
               re-embedded and no embedding model is loaded.

Nothing heavy is imported with this module: bertopic, umap, hdbscan and sklearn load inside
:func:`fit_themes`. The result is deterministic: the same vectors and params give the same
themes (UMAP is seeded, which makes it single-threaded; HDBSCAN and c-TF-IDF are exact).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qualkit.themes.cluster import count_distinct, fallback_cluster, hdbscan_labels
from qualkit.themes.reduce import (  # noqa: F401  (re-exported API)
    ArrayCache,
    DictArrayCache,
    NpyDirCache,
    normalise,
    reduce_cached,
    vectors_hash,
)

THEME_COLUMNS = ["theme_id", "size", "keywords", "representative", "doc_share",
                 "resembles_code", "score", "label"]
ASSIGNMENT_COLUMNS = ["segment_id", "theme_id", "probability"]


@dataclass(frozen=True)
class ThemeParams:
    min_cluster_size: int = 10  # HDBSCAN: smallest theme
    min_samples: int | None = None  # HDBSCAN: None = min_cluster_size; lower = fewer outliers
    cluster_selection: str = "eom"  # HDBSCAN: "eom" (BERTopic's default) or "leaf" (finer)
    n_neighbors: int = 15  # UMAP
    n_components: int = 5  # UMAP
    seed: int = 42  # UMAP (and KMeans in the large-corpus fallback)
    top_n_words: int = 10  # keywords per theme
    distinct_keywords: bool = False  # BERTopic's reduce_frequent_words + bm25_weighting: words
    #                                  common to every theme ("data", "children") rank lower
    ngram_max: int = 2  # keywords are 1..ngram_max-word n-grams
    reassign_outliers: bool = False  # reduce outliers (BERTopic's reduce_outliers strategies):
    outlier_strategy: str = "embeddings"  # "embeddings" (cosine to the theme centroid) or
    #                                       "c-tf-idf" (cosine of its words to the theme's)
    outlier_threshold: float = 0.0  # ...only when that similarity reaches this
    min_content_words: int = 2  # segments with fewer content words (not stop words or
    #                             fillers) are left out of the clustering, as outliers
    representative: int = 3  # representative segments per theme
    small_corpus: int = 60  # fewer distinct segments than this: agglomerative fallback

    def reduction_key(self) -> tuple:
        """The fields that change the UMAP reduction (and so its cache key)."""
        return (self.n_neighbors, self.n_components, self.seed)


@dataclass
class ThemeResult:
    themes: pd.DataFrame  # THEME_COLUMNS, one row per theme, theme_id 0.. by size (largest first)
    assignments: pd.DataFrame  # ASSIGNMENT_COLUMNS, one row per input segment, input order
    outliers: list[str]  # segments the clustering left out (also after reassignment)
    method: str
    messages: list[str] = field(default_factory=list)
    params: ThemeParams = field(default_factory=ThemeParams)
    timings: dict[str, float] = field(default_factory=dict)


def fit_themes(
    vectors: np.ndarray,
    texts: list[str],
    segment_ids: list[str],
    documents: list[str],
    params: ThemeParams = ThemeParams(),
    cache: ArrayCache | None = None,
    code_vectors: dict[str, np.ndarray] | None = None,
) -> ThemeResult:
    """Find candidate themes among segments given their cached vectors.

    The segments are put in a canonical order (by segment id) before anything is computed, so
    the themes depend on the set of segments and the params, not on the order they come in
    (ingest order, a filter, a caller's sort); ``assignments`` and ``outliers`` come back in
    input order.

    ``texts``, ``segment_ids`` and ``documents`` (the document id of each segment, for
    ``doc_share``) run parallel to the rows of ``vectors``. ``cache`` keeps the UMAP
    reduction between calls. ``code_vectors`` maps code ids to vectors from the same model;
    each theme then names the code its centroid is closest to (cosine in ``score``).

    Probabilities in ``assignments``: HDBSCAN's membership strength; 1.0 for the fallback
    clusterings (hard clusters); 0.0 for outliers, including reassigned ones.
    Raises ``ValueError`` only for inconsistent inputs (lengths, shapes, duplicate ids).
    """
    vectors = _check_inputs(vectors, texts, segment_ids, documents)
    order = sorted(range(len(segment_ids)), key=lambda i: str(segment_ids[i]))
    keep, note = _with_content(texts, order, params.min_content_words)
    result = _fit(vectors[keep], [texts[i] for i in keep], [segment_ids[i] for i in keep],
                  [documents[i] for i in keep], params, cache, code_vectors)
    if note:
        result.messages.insert(0, note)
    kept = set(keep)
    left_out = [segment_ids[i] for i in order if i not in kept]
    if left_out:  # content-free segments: outliers, probability 0
        extra = pd.DataFrame({"segment_id": pd.Series(left_out, dtype=object),
                              "theme_id": pd.Series([-1] * len(left_out), dtype="int64"),
                              "probability": pd.Series([0.0] * len(left_out))})
        result.assignments = pd.concat([result.assignments, extra], ignore_index=True)
        result.outliers = result.outliers + left_out
    row = {sid: i for i, sid in enumerate(result.assignments["segment_id"])}
    result.assignments = result.assignments.iloc[[row[sid] for sid in segment_ids]] \
        .reset_index(drop=True)
    position = {sid: i for i, sid in enumerate(segment_ids)}
    result.outliers = sorted(result.outliers, key=position.__getitem__)
    return result


def _with_content(texts, order: list[int], minimum: int) -> tuple[list[int], str]:
    """The segments (in ``order``) with at least ``minimum`` content words, and a message.
    When content-free segments would be most of the corpus, none is left out: then they are
    what there is to group (a message would be misleading)."""
    if minimum <= 0 or not order:
        return order, ""
    from qualkit.themes.keywords import content_words

    keep = [i for i in order if content_words(texts[i]) >= minimum]
    dropped = len(order) - len(keep)
    if not dropped or dropped * 2 > len(order) or len(keep) < 2:
        return order, ""
    return keep, (f"{dropped} content-free segment{'s' * (dropped != 1)} (fewer than {minimum} "
                  "content words) left out of the themes, as outliers.")


def _fit(vectors, texts, segment_ids, documents, params, cache, code_vectors) -> ThemeResult:
    """:func:`fit_themes` on inputs already checked and in canonical order."""
    t_start = time.perf_counter()
    timings = {"knn": 0.0, "umap": 0.0, "cluster": 0.0, "keywords": 0.0}
    messages: list[str] = []
    if vectors.shape[0] == 0:
        messages.append("No segments to analyse: nothing to build themes from.")
        return _result(np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 1), np.float32), [], [],
                       [], {}, "none (no segments)", messages, params, timings, None,
                       np.zeros(0, bool), t_start)
    unit = normalise(vectors)
    labels, probs, method = _cluster(unit, vectors, params, cache, timings, messages)
    hdbscan_outlier = labels < 0
    probs = np.where(hdbscan_outlier, 0.0, probs)
    if params.reassign_outliers and hdbscan_outlier.any() and (labels >= 0).any():
        labels = _reassign(unit, labels, list(texts), params)
        moved = int((hdbscan_outlier & (labels >= 0)).sum())
        how = ("the nearest centroid" if params.outlier_strategy == "embeddings"
               else "the closest c-TF-IDF words")
        messages.append(f"{moved} of {int(hdbscan_outlier.sum())} outlier segments reassigned "
                        f"to the theme with {how} (probability 0).")
    labels = _order_by_size(labels)
    keywords = _keywords(list(texts), labels, unit, method, params, timings)
    if (labels >= 0).any() and not any(keywords.values()):
        messages.append("No keywords: the segments contain only stop words or no words.")
    return _result(labels, probs, unit, list(texts), list(segment_ids), list(documents),
                   keywords, method, messages, params, timings, code_vectors, hdbscan_outlier,
                   t_start)


def _cluster(unit, vectors, params, cache, timings, messages):
    """Labels, probabilities and the method's name: one theme for identical segments,
    agglomerative clustering for a small corpus, else UMAP + HDBSCAN."""
    n = unit.shape[0]
    n_distinct = count_distinct(unit)
    t = time.perf_counter()
    if n_distinct <= 1:
        if n == 1:
            method = "single segment"
            messages.append("Only 1 segment: it forms a single theme; at least "
                            f"{params.small_corpus} are needed for real theme finding.")
        else:
            method = "single theme (identical segments)"
            messages.append(f"All {n} segments are identical: they form a single theme.")
        timings["cluster"] = time.perf_counter() - t
        return np.zeros(n, np.int64), np.ones(n), method
    if n_distinct < params.small_corpus:
        labels, how = fallback_cluster(unit, n_distinct, params.seed)
        messages.append(
            f"Small corpus: {n_distinct} distinct segments (fewer than {params.small_corpus}) "
            f"is too few for UMAP + HDBSCAN, so themes come from {how} clustering. "
            "Treat them as a rough grouping.")
        timings["cluster"] = time.perf_counter() - t
        return labels, np.ones(n), "agglomerative (small corpus)"
    # sets timings knn, umap, cluster
    return _bertopic_path(unit, vectors, n_distinct, params, cache, timings, messages)


def _keywords(texts, labels, unit, method, params, timings):
    """Each theme's c-TF-IDF keywords."""
    t = time.perf_counter()
    from qualkit.themes.keywords import ctfidf_keywords, exact_ctfidf_keywords

    # A fresh reduction is a BERTopic fit, and BERTopic computes the keywords. A re-run on a
    # cached reduction, or a small-corpus fallback, gets the identical c-TF-IDF from qualkit's
    # replica (tested equal), skipping `import bertopic` (4-8 s, more than the whole re-run).
    fresh_fit = method == "bertopic" and timings.get("umap", 0.0) > 0.0
    if fresh_fit or "bertopic" in sys.modules:
        keywords = ctfidf_keywords(texts, labels, unit, params.top_n_words,
                                   params.ngram_max, timings, params.distinct_keywords)
    else:
        keywords = exact_ctfidf_keywords(texts, labels, params.top_n_words,
                                         params.ngram_max, params.distinct_keywords)
    timings["keywords"] = time.perf_counter() - t
    return keywords


def _bertopic_path(unit, vectors, n_distinct, params, cache, timings, messages):
    """UMAP (cached) + HDBSCAN; falls back when HDBSCAN finds fewer than 2 themes."""
    n = unit.shape[0]
    nn = max(2, min(params.n_neighbors, n - 1))
    if nn != params.n_neighbors:
        messages.append(f"n_neighbors lowered to {nn} for {n} segments.")
    reduced, cached = reduce_cached(unit, vectors_hash(vectors), nn, params.n_components,
                                    params.seed, params.reduction_key(), cache, timings)
    if cached:
        messages.append("UMAP reduction reused from the cache (same vectors and reduction "
                        "settings).")
    t = time.perf_counter()
    mcs = max(2, int(params.min_cluster_size))
    ms = None if params.min_samples is None else max(1, int(params.min_samples))
    labels, probs = hdbscan_labels(reduced, mcs, ms, params.cluster_selection)
    n_themes = len(set(labels.tolist()) - {-1})
    if n_themes >= 2:
        method = "bertopic"
        share = float((labels < 0).mean())
        messages.append(f"Found {n_themes} themes; {int((labels < 0).sum())} outlier segments "
                        f"({share:.0%}).")
    else:
        labels, how = fallback_cluster(unit, n_distinct, params.seed, reduced)
        probs = np.ones(n)
        method = f"{how.split(' ')[0]} (hdbscan found {n_themes} theme{'s' * (n_themes != 1)})"
        messages.append(
            f"HDBSCAN found {n_themes} theme{'s' * (n_themes != 1)} with min_cluster_size="
            f"{mcs}; themes come from {how} clustering instead. Try a smaller "
            "min_cluster_size.")
    timings["cluster"] = time.perf_counter() - t
    return labels, probs, method


def _check_inputs(vectors, texts, segment_ids, documents) -> np.ndarray:
    v = np.asarray(vectors)
    if v.ndim == 1 and v.size == 0:
        v = v.reshape(0, 1)
    if v.ndim != 2:
        raise ValueError(f"vectors must be 2-D (segments x dims), got shape {v.shape}")
    n = v.shape[0]
    for name, seq in (("texts", texts), ("segment_ids", segment_ids), ("documents", documents)):
        if len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} items but vectors has {n} rows")
    if len(set(segment_ids)) != n:
        raise ValueError("segment_ids must be unique")
    if n and not np.isfinite(v).all():
        raise ValueError("vectors contain NaN or infinite values")
    return v


def _centroids(unit: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ids = np.unique(labels[labels >= 0])
    cents = np.stack([unit[labels == i].mean(axis=0) for i in ids])
    return ids, normalise(cents)


def _reassign(unit: np.ndarray, labels: np.ndarray, texts: list[str],
              params: ThemeParams) -> np.ndarray:
    """Outliers join the most similar theme when the similarity reaches
    ``params.outlier_threshold``: BERTopic's ``reduce_outliers`` with strategy "embeddings"
    (cosine to the theme's centroid) or "c-tf-idf" (cosine between the segment's words and
    the theme's c-TF-IDF), computed directly; a threshold of 0 or less reassigns every
    outlier (qualkit's behaviour before thresholds)."""
    ids = np.unique(labels[labels >= 0])
    mask = labels < 0
    if params.outlier_strategy == "c-tf-idf":
        from qualkit.themes.keywords import ctfidf_similarity

        sims = ctfidf_similarity(texts, labels, params.ngram_max)[mask]
    elif params.outlier_strategy == "embeddings":
        _, cents = _centroids(unit, labels)
        sims = unit[mask] @ cents.T
    else:
        raise ValueError(f"unknown outlier_strategy {params.outlier_strategy!r}: use "
                         "'embeddings' or 'c-tf-idf'")
    best = np.argmax(sims, axis=1)
    ok = sims[np.arange(len(best)), best] >= params.outlier_threshold
    if params.outlier_threshold <= 0:  # no threshold: every outlier joins its nearest theme
        ok[:] = True
    out = labels.copy()
    out[np.flatnonzero(mask)[ok]] = ids[best[ok]]
    return out


def _order_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber themes 0.. by size (largest first), ties by first appearance; -1 stays."""
    ids = [i for i in dict.fromkeys(labels.tolist()) if i >= 0]
    sizes = {i: int((labels == i).sum()) for i in ids}
    order = sorted(ids, key=lambda i: -sizes[i])  # sorted() is stable: first appearance wins
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(x, -1) for x in labels.tolist()], dtype=np.int64)


def _result(labels, probs, unit, texts, segment_ids, documents, keywords, method, messages,
            params, timings, code_vectors, was_outlier, t_start) -> ThemeResult:
    n_docs = len(set(documents))
    codes = _code_matrix(code_vectors, unit.shape[1], messages)
    doc_arr = np.asarray(documents, dtype=object)
    rows = []
    for theme in range(int(labels.max()) + 1 if labels.size else 0):
        members = np.flatnonzero(labels == theme)
        cent = normalise(unit[members].mean(axis=0, keepdims=True))[0]
        core = members[~was_outlier[members]]
        core = core if core.size else members
        reps = [segment_ids[j] for j in _representatives(unit, core, cent, texts,
                                                          params.representative)]
        kw = keywords.get(theme, [])
        code, score = None, float("nan")
        if codes is not None:
            cs = codes[1] @ cent
            best = int(np.argmax(cs))
            code, score = codes[0][best], float(cs[best])
        rows.append((theme, int(members.size), kw, reps,
                     len(set(doc_arr[members].tolist())) / n_docs, code, score,
                     ", ".join(kw[:3]) if kw else f"theme {theme}"))
    themes = pd.DataFrame(rows, columns=THEME_COLUMNS)
    themes = themes.astype({"theme_id": "int64", "size": "int64", "doc_share": "float64",
                            "score": "float64", "keywords": object, "representative": object,
                            "resembles_code": object, "label": object})
    assignments = pd.DataFrame({
        "segment_id": pd.Series(segment_ids, dtype=object),
        "theme_id": pd.Series(labels, dtype="int64"),
        "probability": pd.Series(np.asarray(probs, dtype=np.float64)),
    })
    outliers = [segment_ids[i] for i in np.flatnonzero(was_outlier)]
    timings["total"] = time.perf_counter() - t_start
    return ThemeResult(themes, assignments, outliers, method, messages, params, timings)


def _representatives(unit, members, cent, texts, k: int, pool: int = 50,
                     diversity: float = 0.3) -> list[int]:
    """Up to ``k`` members typical of the theme but not near-copies of each other: the one
    nearest the centroid, then maximal marginal relevance among the ``pool`` nearest
    (relevance = cosine to the centroid, minus ``diversity`` x cosine to those chosen).
    Identical texts are never picked twice. Deterministic (ties by input order)."""
    if k <= 0 or members.size == 0:
        return []
    order = members[np.argsort(-(unit[members] @ cent), kind="stable")]
    cand: list[int] = []
    seen: set[str] = set()
    for j in order.tolist():
        if texts[j] not in seen:
            seen.add(texts[j])
            cand.append(j)
            if len(cand) >= pool:
                break
    vecs = unit[cand]
    rel = vecs @ cent
    chosen = [0]
    while len(chosen) < min(k, len(cand)):
        red = (vecs @ vecs[chosen].T).max(axis=1)
        score = (1 - diversity) * rel - diversity * red
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return [cand[i] for i in chosen]


def _code_matrix(code_vectors, dim, messages):
    if not code_vectors:
        return None
    names = list(code_vectors)
    mat = np.stack([np.asarray(code_vectors[c], dtype=np.float32).ravel() for c in names])
    if mat.shape[1] != dim:
        messages.append(f"Code vectors have {mat.shape[1]} dimensions but segment vectors "
                        f"{dim}: code resemblance skipped (embed codes with the same model).")
        return None
    return names, normalise(mat)
