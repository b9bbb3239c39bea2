"""Theme quality (issue #13, part 4): content-free segments left out, BERTopic's outlier
strategies with a threshold, keywords that tell themes apart, HDBSCAN leaf selection.
Figures: bench/README.md, "Theme quality" (bench/themes_quality.py)."""
from __future__ import annotations

import numpy as np
import pytest

from qualkit.embed import FakeEmbedder
from qualkit.themes.fit import ThemeParams, fit_themes
from qualkit.themes.keywords import content_words, ctfidf_similarity

TOPICS = ["The NHS number is missing from the school records for {x} pupils.",
          "Our data sharing agreement with the trust took {x} months to sign.",
          "The SEND dashboard shows waiting times for {x} therapy referrals.",
          "There is no funding for an analyst, the {x} grant has finished."]
FILLERS = ["Sorry, what?", "Yes, okay then.", "Right, yeah.", "Mm, sure.", "Okay, go on."]


def corpus(n_per_topic=8, fillers=FILLERS):
    texts = [t.format(x=f"{w}") for t in TOPICS for w in
             ("six", "ten", "many", "forty", "eleven", "twenty", "three", "nine")[:n_per_topic]]
    texts += fillers
    vecs = FakeEmbedder().encode(texts)
    return texts, vecs, [f"s{i:03d}" for i in range(len(texts))], ["d"] * len(texts)


def test_content_words_ignore_stop_words_fillers_and_annotations():
    assert content_words("Sorry, what? [laughs] Yeah, okay.") == 0
    assert content_words("The NHS number is missing from school records.") >= 4
    assert content_words("Well, it's the funding, you know.") == 1


def test_content_free_segments_are_left_out_as_outliers_with_a_message():
    texts, vecs, ids, docs = corpus()
    res = fit_themes(vecs, texts, ids, docs)  # 37 segments: the small-corpus path
    a = res.assignments.set_index("segment_id")
    free = ids[-len(FILLERS):]
    assert (a.loc[free, "theme_id"] == -1).all() and (a.loc[free, "probability"] == 0).all()
    assert set(free) <= set(res.outliers)
    assert any("5 content-free segments" in m for m in res.messages)
    assert list(res.assignments["segment_id"]) == ids  # input order kept
    kept = fit_themes(vecs, texts, ids, docs, ThemeParams(min_content_words=0))
    assert (kept.assignments.set_index("segment_id").loc[free, "theme_id"] >= 0).all()


def test_content_free_majority_is_not_left_out():
    texts = FILLERS * 3 + [TOPICS[0].format(x="six")]
    vecs = FakeEmbedder().encode(texts)
    ids = [f"s{i}" for i in range(len(texts))]
    res = fit_themes(vecs, texts, ids, ["d"] * len(texts))
    assert not any("content-free" in m for m in res.messages)
    assert (res.assignments["theme_id"] >= 0).all()


def test_ctfidf_similarity_matches_the_theme_that_shares_words():
    texts = ["school census records", "school census data", "health trust agreement",
             "trust agreement signed", "census records for the school"]
    labels = np.array([0, 0, 1, 1, -1])
    sims = ctfidf_similarity(texts, labels, 1)
    assert sims.shape == (5, 2) and np.argmax(sims[4]) == 0 and sims[4, 1] == 0


def test_unknown_outlier_strategy_is_an_error():
    from qualkit.themes.fit import _reassign

    labels = np.array([0, 0, 1, 1, -1])
    unit = np.eye(5, dtype=np.float32)
    with pytest.raises(ValueError, match="outlier_strategy"):
        _reassign(unit, labels, ["a"] * 5, ThemeParams(outlier_strategy="nearest"))


def test_reassignment_respects_the_threshold():
    from qualkit.themes.fit import _reassign

    unit = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0.8, 0.6], [-0.6, -0.8]],
                    dtype=np.float32)
    labels = np.array([0, 0, 1, 1, -1, -1])
    low = _reassign(unit, labels, [""] * 6, ThemeParams(outlier_threshold=0.0))
    high = _reassign(unit, labels, [""] * 6, ThemeParams(outlier_threshold=0.5))
    assert list(low[4:]) == [0, 0]  # threshold 0: every outlier joins its nearest theme
    assert high[4] == 0 and high[5] == -1  # cosine 0.8 to theme 0; negative to both


@pytest.mark.slow
@pytest.mark.parametrize("ngram_max", [1, 2])
def test_distinct_keywords_replica_equals_bertopic(ngram_max):
    from qualkit.themes.keywords import ctfidf_keywords, exact_ctfidf_keywords

    texts, vecs, _, _ = corpus()
    texts = [t + " Children data, children data." for t in texts]  # common to every theme
    labels = np.array([i // 8 if i < 32 else -1 for i in range(len(texts))])
    ours = exact_ctfidf_keywords(texts, labels, 10, ngram_max, distinct=True)
    theirs = ctfidf_keywords(texts, labels, vecs, 10, ngram_max, distinct=True)
    assert ours == theirs
    plain = exact_ctfidf_keywords(texts, labels, 10, ngram_max)
    rank = lambda kw, w: min((kw[t].index(w) for t in kw if w in kw[t]), default=99)  # noqa
    assert rank(ours, "children") > rank(plain, "children")  # common words rank lower
