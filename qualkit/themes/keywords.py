"""Theme keywords: BERTopic's c-TF-IDF over clusters qualkit has already found.

Part of :mod:`qualkit.themes`. BERTopic is run as its docs describe for "manual topic
modelling": the reduction step is skipped (``BaseDimensionalityReduction``), the cluster step
takes the labels as ``y`` (``BaseCluster``), and the cached vectors are passed as
``embeddings=``, so no embedding model is ever loaded and nothing is re-embedded.
``import bertopic`` (several seconds: it pulls in transformers and torch) happens only here.
"""
from __future__ import annotations

import re
import time

import numpy as np

# Talk that fills interviews but names no theme; added to scikit-learn's English stop words.
FILLERS = frozenset("""
    um umm erm er uh ah oh mm mmm hmm mhm yeah yep yup yes okay ok right sorry fine thanks
    thank gosh wow sort kind know mean think guess suppose really just actually basically
    literally obviously probably maybe quite pretty lot lots bit thing things stuff got gonna
    wanna going say said like laughs laughter crosstalk inaudible pause
""".split())
# the transcriber's marks: every [...] ([name redacted], [school], [/]), the usual (...) events,
# and times (00:01:40) -- never words of a theme
_ANNOTATION = re.compile(r"\[[^\[\]\n]{0,120}\]|\((?:laughs?|laughter|cross-?talk|inaudible|"
                         r"pause|sighs?|overlapping|unclear|coughs?)[^)]*\)|"
                         r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b", re.I)
_CONTRACTION = re.compile(r"(?i)\b(can|won|shan)['’]t\b|n['’]t\b|['’](s|ve|re|ll|d|m)\b")


def _expand(m: re.Match) -> str:
    if m.group(1):  # can't, won't, shan't
        return {"can": "can not", "won": "will not", "shan": "shall not"}[m.group(1).lower()]
    return " not" if m.group(0).lower().startswith("n") else ""


def clean_for_keywords(text: str) -> str:
    """Drop transcript annotations and contraction endings, so BERTopic's own cleaning (which
    strips apostrophes: "that's" -> "thats") leaves words the stop list knows."""
    return _CONTRACTION.sub(_expand, _ANNOTATION.sub(" ", text or ""))


def content_words(text: str) -> int:
    """Words that carry content: three letters or more, not stop words or interview fillers
    (after annotations and contraction endings are removed)."""
    stops = _stop_set()
    return sum(1 for w in re.findall(r"[a-z]{3,}", clean_for_keywords(text).lower())
               if w not in stops)


_STOPS: set[str] = set()


def _stop_set() -> set[str]:
    if not _STOPS:
        _STOPS.update(stop_words())
    return _STOPS


def ctfidf_similarity(texts: list[str], labels: np.ndarray, ngram_max: int) -> np.ndarray:
    """Cosine between each segment's c-TF-IDF-weighted words and each theme's (themes in
    ``np.unique`` order of the labels >= 0): BERTopic's "c-tf-idf" outlier strategy."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    labels = np.asarray(labels)
    topics = np.unique(labels[labels >= 0])
    cleaned = [clean_for_keywords(t) for t in texts]
    vec = CountVectorizer(stop_words=stop_words(), ngram_range=(1, max(1, ngram_max)))
    try:
        docs = vec.fit_transform(cleaned)
    except ValueError:  # no vocabulary
        return np.zeros((len(texts), len(topics)))
    member = sp.csr_matrix((np.ones(int((labels >= 0).sum())),
                            (np.searchsorted(topics, labels[labels >= 0]),
                             np.flatnonzero(labels >= 0))), shape=(len(topics), len(texts)))
    counts = member @ docs
    df = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(max(1.0, float(counts.sum(axis=1).mean())) / np.maximum(df, 1) + 1)
    weight = sp.diags(idf)
    topic_m = normalize(normalize(counts, norm="l1") @ weight)
    doc_m = normalize(normalize(docs, norm="l1") @ weight)
    return np.asarray((doc_m @ topic_m.T).todense())


def stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | FILLERS)


def ctfidf_keywords(
    texts: list[str],
    labels: np.ndarray,
    vectors: np.ndarray,
    top_n_words: int,
    ngram_max: int,
    timings: dict[str, float] | None = None,
    distinct: bool = False,
) -> dict[int, list[str]]:
    """Top c-TF-IDF keywords per label (label -1, the outliers, is not returned).

    English stop words and interview fillers (``FILLERS``) are removed and 1..``ngram_max``-word n-grams are counted. Returns ``{}``
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
            stop_words=stop_words(), ngram_range=(1, max(1, ngram_max)), min_df=1
        ),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=distinct,
                                           bm25_weighting=distinct),
        top_n_words=top_n_words,
        calculate_probabilities=False,
        verbose=False,
    )
    try:
        topics, _ = model.fit_transform(
            [clean_for_keywords(s) for s in texts], embeddings=np.asarray(vectors), y=labels
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


def exact_ctfidf_keywords(
    texts: list[str],
    labels: np.ndarray,
    top_n_words: int,
    ngram_max: int,
    distinct: bool = False,
) -> dict[int, list[str]]:
    """BERTopic's default c-TF-IDF keywords, computed without importing bertopic.

    The same operations in the same order as BERTopic 0.17 (``_extract_topics`` ->
    ``_c_tf_idf`` -> ``ClassTfidfTransformer`` -> ``_extract_words_per_topic``), so the words,
    their order and how ties break are identical; ``tests/test_themes.py`` checks this against
    BERTopic itself. It exists because ``import bertopic`` costs 4-8 s (it pulls in torch and
    transformers), more than a whole re-run with a cached reduction.
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    labels = np.asarray(labels, dtype=np.int64)
    if not (labels >= 0).any():
        return {}
    cleaned = [clean_for_keywords(s) for s in texts]
    topics = sorted(set(labels.tolist()))  # BERTopic's rows include -1, the outliers
    joined = [" ".join(cleaned[i] for i in np.flatnonzero(labels == t)) for t in topics]
    docs = [re.sub(r"[^A-Za-z0-9 ]+", "", d.replace("\n", " ").replace("\t", " ")) or "emptydoc"
            for d in joined]
    vectorizer = CountVectorizer(stop_words=stop_words(), ngram_range=(1, max(1, ngram_max)),
                                 min_df=1)
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError as exc:
        if "vocabulary" in str(exc):
            return {}
        raise
    words = vectorizer.get_feature_names_out()
    df = np.squeeze(np.asarray(counts.sum(axis=0)))
    avg_nr_samples = int(counts.sum(axis=1).mean())
    if distinct:  # ClassTfidfTransformer(bm25_weighting=True, reduce_frequent_words=True)
        idf = np.log(1 + ((avg_nr_samples - df + 0.5) / (df + 0.5)))
    else:
        idf = np.log((avg_nr_samples / df) + 1)
    idf_diag = sp.diags(idf, offsets=0, shape=(len(words), len(words)), format="csr",
                        dtype=np.float64)
    tf = normalize(counts, axis=1, norm="l1", copy=False)
    if distinct:
        tf.data = np.sqrt(tf.data)
    ctfidf = tf * idf_diag

    n = max(top_n_words, 30)
    indices = []
    for le, ri in zip(ctfidf.indptr[:-1], ctfidf.indptr[1:]):
        pick = min(n, ri - le)
        values = ctfidf.indices[le + np.argpartition(ctfidf.data[le:ri], -pick)[-pick:]]
        indices.append([values[i] if len(values) >= i + 1 else None for i in range(n)])
    indices = np.array(indices)
    scores = np.array([np.array([ctfidf[row, v] if v is not None else 0 for v in values])
                       for row, values in enumerate(indices)])
    order = np.argsort(scores, 1)
    indices = np.take_along_axis(indices, order, axis=1)
    scores = np.take_along_axis(scores, order, axis=1)
    out: dict[int, list[str]] = {}
    for row, topic in enumerate(topics):
        if topic < 0:
            continue
        ranked = [(words[i], s) for i, s in zip(indices[row][::-1], scores[row][::-1])
                  if i is not None and s > 0]
        out[int(topic)] = [w for w, _ in ranked[:top_n_words]]
    return out
