"""Theme keywords: BERTopic's c-TF-IDF over clusters qualkit has already found.

Part of :mod:`qualkit.themes`. BERTopic is run as its docs describe for "manual topic
modelling": the reduction step is skipped (``BaseDimensionalityReduction``), the cluster step
takes the labels as ``y`` (``BaseCluster``), and the cached vectors are passed as
``embeddings=``, so no embedding model is ever loaded and nothing is re-embedded.
``import bertopic`` (several seconds: it pulls in transformers and torch) happens only here.
"""
from __future__ import annotations

import time

import numpy as np


def ctfidf_keywords(
    texts: list[str],
    labels: np.ndarray,
    vectors: np.ndarray,
    top_n_words: int,
    ngram_max: int,
    timings: dict[str, float] | None = None,
) -> dict[int, list[str]]:
    """Top c-TF-IDF keywords per label (label -1, the outliers, is not returned).

    English stop words are removed and 1..``ngram_max``-word n-grams are counted. Returns ``{}``
    when the texts contain no countable word at all (e.g. only stop words).
    """
    t = time.perf_counter()
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    if timings is not None:
        timings["import_bertopic"] = time.perf_counter() - t

    labels = np.asarray(labels, dtype=np.int64)
    if not (labels >= 0).any():
        return {}
    model = BERTopic(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=CountVectorizer(
            stop_words="english", ngram_range=(1, max(1, ngram_max)), min_df=1
        ),
        ctfidf_model=ClassTfidfTransformer(),
        top_n_words=top_n_words,
        calculate_probabilities=False,
        verbose=False,
    )
    try:
        topics, _ = model.fit_transform(
            [s or "" for s in texts], embeddings=np.asarray(vectors), y=labels
        )
    except ValueError as exc:  # "empty vocabulary; perhaps the documents only contain stop words"
        if "vocabulary" in str(exc):
            return {}
        raise

    # BERTopic renumbers topics by size; map back through any member of each label.
    topics = np.asarray(topics, dtype=np.int64)
    out: dict[int, list[str]] = {}
    for label in np.unique(labels[labels >= 0]):
        first = int(np.flatnonzero(labels == label)[0])
        words = model.get_topic(int(topics[first])) or []
        out[int(label)] = [w for w, score in words if w and score > 0][:top_n_words]
    return out
