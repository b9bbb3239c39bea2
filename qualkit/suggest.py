"""Code suggestions for segments: a pure function from vectors to a ranked table.

How a score is made (figures in bench/README.md, "Suggestions"):

* **Zero-shot.** Each code has a *profile vector*: the normalised mean of the embeddings of its
  pieces — "name. description", the include note, each example, and all of them joined
  (:func:`code_profile_texts`). This beat embedding one joined text, max-over-examples and
  subtracting the exclude note (exclude notes name *other* topics, so they hurt). A segment's
  cosine to each profile goes through a softmax (temperature ``ZS_TEMPERATURE``) that also has a
  "none of these" option at cosine ``FLOOR``: small talk gets low scores for every code.
* **Centring** (``centre=``, the project's mean segment vector, which ``Project.suggest``
  passes). Segments of one project share a common direction -- its style and subject -- that
  says nothing about which code fits; subtracting it from segment (and coded) vectors before
  the cosine to the code profiles raised zero-shot top-1 on real text by ~8 points (leaf) and
  ~10 (top level), and by ~2-5 on the invented set (bench/README.md).
* **Shared words** (``segment_texts=`` and ``code_texts=``). A TF-IDF cosine between the
  segment and each code's text (name, description, include note, examples), fitted on the
  code texts alone so a segment's score does not depend on which others are scored with it,
  is added with weight ``LEX_WEIGHT``: +2-5 points top-1 on both sets.
* **Learning.** Codings made so far vote: the ``neighbours`` coded segments most like the
  segment vote for their codes, weighted by similarity. The weight given to these votes is
  chosen on the coded segments themselves (leave-one-out: which blend predicts each coded
  segment's codes best from the others), then shrunk while there are few codings. With a
  well-described codeframe it stays near 0; with a names-only one it rises to about 0.5.

``score`` = (1 − w)·p_description + w·p_coded, in 0–1. For one segment the scores of all
candidate codes add up to at most 1 (the rest is "none of these fits"). Scores rank codes for
one segment; across segments they are only roughly comparable.

Parent codes (codes with sub-codes) are not suggested by default (``exclude_parents=True``): a
leaf is more useful to apply and its parent is implied. A parent the analyst has applied
directly stays a candidate. Nothing is ever applied; this only returns a DataFrame.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .models import Code, Codeframe

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["segment_id", "rank", "code_id", "score", "evidence"]
ZS_TEMPERATURE = 0.05  # softmax temperature over cosines (chosen on the dev half)
FLOOR = 0.25           # cosine of the "none of these" option (small talk tops out ~0.28)
FLOOR_CENTRED = 0.10   # the same with centring and shared words: codable real sentences score
                       # 0.21-0.42 (p10-p90 of their best code), small talk -0.11 to 0.02
KNN_TAU = 0.1          # temperature of the neighbours' similarity weights
SHRINK = 10            # learned weight × n/(n + SHRINK), n = coded segments
MAX_LOO = 2000         # coded segments used to choose the weight (a seeded sample beyond)
_BLOCK = 2048          # segments scored per block (bounds memory on large projects)
LEX_WEIGHT = 0.3       # weight of the shared-words cosine (chosen on the dev halves)


# ------------------------------------------------------------------------------ profiles
def code_profile_texts(code: Code) -> list[str]:
    """The pieces embedded for a code; their mean vector is the code's profile."""
    head = f"{code.name}. {code.description}".strip()
    pieces = [head]
    if code.include:
        pieces.append(code.include)
    pieces.extend(code.examples)
    joined = code_profile_text(code)
    if joined != head:
        pieces.append(joined)
    return pieces


def code_profile_text(code: Code) -> str:
    """Name, description, include note and examples as one text (exclude notes left out)."""
    parts = [f"{code.name}.", code.description, code.include, " ".join(code.examples)]
    return " ".join(p.strip() for p in parts if p and p.strip())


def embed_codes(codes: Sequence[Code], encode: Callable[[list[str]], Any] | Any) -> np.ndarray:
    """Profile vectors (one unit-norm row per code). ``encode`` maps texts to vectors: an
    embedder (``.encode``) or any function, e.g. one that goes through the store's cache."""
    fn = encode.encode if hasattr(encode, "encode") else encode
    texts: list[str] = []
    owner: list[int] = []
    for i, code in enumerate(codes):
        pieces = code_profile_texts(code)
        texts += pieces
        owner += [i] * len(pieces)
    if not codes:
        return np.zeros((0, 0), dtype=np.float32)
    vecs = np.asarray(fn(texts), dtype=np.float32)
    out = np.zeros((len(codes), vecs.shape[1]), dtype=np.float32)
    np.add.at(out, np.asarray(owner), vecs)
    return _unit(out)


def parent_map(cf: Codeframe) -> dict[str, str | None]:
    """``{code id: parent id}`` — pass as ``suggest(..., parents=...)``."""
    return {c.id: c.parent for c in cf.codes}


# ------------------------------------------------------------------------------ helpers
def _unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.where(norms > 0, norms, 1)).astype(np.float32)


def _zero_shot(cos: np.ndarray, with_floor: bool = True, floor: float = FLOOR) -> np.ndarray:
    """Softmax over codes (and a "none" option at ``floor`` when ``with_floor``)."""
    top = cos.max(axis=1, keepdims=True)
    if with_floor:
        top = np.maximum(top, floor)
    e = np.exp((cos - top) / ZS_TEMPERATURE)
    total = e.sum(axis=1, keepdims=True)
    if with_floor:
        total = total + np.exp((floor - top) / ZS_TEMPERATURE)
    return e / total


def lexical_similarity(segment_texts: Sequence[str], code_texts: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine (English stop words, sublinear tf) between each segment and each code
    text, with the vocabulary and IDF fitted on the code texts only: a segment's value does not
    depend on the other segments scored with it."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = np.zeros((len(segment_texts), len(code_texts)), dtype=np.float32)
    if not len(segment_texts) or not any(t and t.strip() for t in code_texts):
        return out
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    try:
        codes = vec.fit_transform([t or "" for t in code_texts])
    except ValueError:  # only stop words in every code text
        return out
    return (vec.transform([t or "" for t in segment_texts]) @ codes.T).toarray().astype(np.float32)


def _knn(sims: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Similarity-weighted votes of the ``k`` nearest coded segments (−inf = unavailable).

    Returns (probabilities per code, neighbour indices most similar first, −1 = none)."""
    k = min(k, sims.shape[1])
    nn = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    nn = np.take_along_axis(nn, np.argsort(-np.take_along_axis(sims, nn, 1), 1), 1)
    s = np.take_along_axis(sims, nn, 1)
    w = np.where(np.isfinite(s), np.exp((np.nan_to_num(s, neginf=-1.0) - 1) / KNN_TAU), 0.0)
    votes = np.einsum("qk,qkc->qc", w, labels[nn])
    total = votes.sum(axis=1, keepdims=True)
    uniform = np.full_like(votes, 1.0 / votes.shape[1])
    probs = np.where(total > 0, votes / np.where(total > 0, total, 1), uniform)
    return probs, np.where(np.isfinite(s), nn, -1)


def _choose_weight(vecs: np.ndarray, labels: np.ndarray, cos: np.ndarray,
                   k: int) -> tuple[float, str]:
    """Weight on coded-segment votes that best predicts each coded segment from the others
    (rows are distinct segments; ``cos`` their zero-shot scores), and a note for the evidence
    when that weight is 0."""
    n = len(vecs)
    if n < 4 or (labels.sum(axis=0) >= 2).sum() < 2:
        return 0.0, f"{n} coded segment{'s' if n != 1 else ''}: too few to learn from yet"
    rows = np.arange(n)
    if n > MAX_LOO:
        rows = np.sort(np.random.default_rng(0).choice(n, MAX_LOO, replace=False))
    sims = vecs[rows] @ vecs.T
    sims[np.arange(len(rows)), rows] = -np.inf  # leave the segment itself out
    p_knn, _ = _knn(sims, labels, k)
    p_zs = _zero_shot(cos[rows], with_floor=False)
    target = labels[rows] / labels[rows].sum(axis=1, keepdims=True)
    grid = np.linspace(0.0, 1.0, 11)
    ll = [(target * np.log(1e-6 + w * p_knn + (1 - w) * p_zs)).sum() for w in grid]
    best = float(grid[int(np.argmax(ll))])
    note = "" if best else f"{n} coded segments add nothing over the descriptions yet"
    return best * n / (n + SHRINK), note


def _empty() -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame({"segment_id": pd.Series(dtype=object), "rank": pd.Series(dtype=int),
                         "code_id": pd.Series(dtype=object), "score": pd.Series(dtype=float),
                         "evidence": pd.Series(dtype=object)})


def _candidates(code_ids: list[str], parents: Mapping[str, str | None] | None,
                used: set[str], exclude_parents: bool) -> tuple[list[int], np.ndarray]:
    """Candidate code indices, and a mask over them of parents admitted only because the
    analyst applied them directly: their generic profile would outscore the sub-codes, so
    they are scored by the coded segments' votes alone (measured: bench/README.md)."""
    if not exclude_parents:
        return list(range(len(code_ids))), np.zeros(len(code_ids), dtype=bool)
    if parents is not None:
        has_children = {p for p in parents.values() if p}
    else:  # infer from dotted ids: "a" is a parent when "a.x" is also a code
        has_children = {c.rsplit(".", 1)[0] for c in code_ids if "." in c}
    keep = [i for i, c in enumerate(code_ids) if c not in has_children or c in used]
    if not keep:
        return list(range(len(code_ids))), np.zeros(len(code_ids), dtype=bool)
    learned = np.array([code_ids[i] in has_children for i in keep], dtype=bool)
    return keep, learned if not learned.all() else np.zeros(len(keep), dtype=bool)


# ------------------------------------------------------------------------------ suggest
def _coded_rows(coded_vectors, coded_labels, coded_segment_ids, index):
    """Coded segments as one row per distinct segment with a multi-hot row of its codes.

    Returns (vectors or None, labels, group keys, ids or None, codes used, input rows)."""
    ckeep = [i for i, lab in enumerate(coded_labels or []) if lab in index]
    cids = list(coded_segment_ids) if coded_segment_ids is not None else None
    if coded_vectors is not None and coded_labels is not None:
        if len(coded_labels) != len(coded_vectors) or (cids is not None and len(cids) != len(coded_labels)):
            raise ValueError("coded_vectors, coded_labels and coded_segment_ids differ in length")
    # without ids, identical vectors are taken to be one segment (e.g. coded by two coders)
    keys = [cids[i] if cids is not None else np.asarray(coded_vectors[i]).tobytes() for i in ckeep]
    groups: dict[Any, int] = {}
    rows: list[int] = []
    for i, key in zip(ckeep, keys):
        if key not in groups:
            groups[key] = len(rows)
            rows.append(i)
    labels = np.zeros((len(rows), len(index)), dtype=np.float32)
    for i, key in zip(ckeep, keys):
        labels[groups[key], index[coded_labels[i]]] = 1.0
    vecs = np.asarray(coded_vectors, dtype=np.float32)[rows] if rows else None
    return vecs, labels, list(groups), cids, {coded_labels[i] for i in ckeep}, rows


def _check_args(k, segment_vectors, segment_ids, code_ids, code_vectors, segment_texts,
                code_texts) -> bool:
    """Raise ValueError for inconsistent arguments; True when shared words can be used."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if len(code_ids) != len(code_vectors):
        raise ValueError(f"{len(code_ids)} code ids but {len(code_vectors)} code vectors")
    if len(segment_ids) != len(segment_vectors):
        raise ValueError(f"{len(segment_ids)} segment ids but {len(segment_vectors)} vectors")
    lexical = segment_texts is not None and code_texts is not None
    if lexical and (len(segment_texts) != len(segment_ids) or len(code_texts) != len(code_ids)):
        raise ValueError("segment_texts / code_texts do not match the segments / codes")
    return lexical


def _centred(vectors: np.ndarray, centre: np.ndarray | None) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    if centre is not None:
        v = v - np.asarray(centre, dtype=np.float32).reshape(1, -1)
    return _unit(v)


def suggest(segment_vectors: np.ndarray, segment_ids: list[str], code_ids: list[str],
            code_vectors: np.ndarray, coded_vectors: np.ndarray | None = None,
            coded_labels: list[str] | None = None, k: int = 3, exclude_parents: bool = True,
            *, coded_segment_ids: list[str] | None = None,
            parents: Mapping[str, str | None] | None = None,
            skip: Mapping[str, Iterable[str]] | None = None,
            neighbours: int = 10, centre: np.ndarray | None = None,
            segment_texts: Sequence[str] | None = None,
            code_texts: Sequence[str] | None = None,
            coded_texts: Sequence[str] | None = None) -> "pd.DataFrame":
    """Rank codes for each segment: DataFrame ``segment_id, rank, code_id, score, evidence``.

    ``coded_vectors[i]`` is a segment the analyst coded with ``coded_labels[i]`` (one row per
    segment and code); ``coded_segment_ids[i]`` names it, so a segment never learns from its
    own coding and the evidence can cite neighbours. ``parents`` (``parent_map(cf)``) says
    which codes have sub-codes; without it dotted ids decide. ``skip`` maps a segment id to
    codes not to suggest for it (e.g. already applied). ``centre`` is the project's mean
    segment vector (subtracted from segment and coded vectors); ``segment_texts`` with
    ``code_texts`` (``code_profile_text`` of each code) add the shared-words signal, and
    ``coded_texts`` (parallel to ``coded_labels``) lets learning use it too. Up to
    ``k`` rows per segment, rank 1 first; fewer when there are fewer candidate codes.
    """
    import pandas as pd

    lexical = _check_args(k, segment_vectors, segment_ids, code_ids, code_vectors,
                          segment_texts, code_texts)
    if not len(segment_ids) or not len(code_ids):
        return _empty()
    seg = _centred(segment_vectors, centre)
    cvecs = _unit(np.asarray(code_vectors, dtype=np.float32))
    index = {c: i for i, c in enumerate(code_ids)}
    cvec_rows, labels, gids, cids, used, crows = _coded_rows(coded_vectors, coded_labels,
                                                             coded_segment_ids, index)
    lex = lexical_similarity(segment_texts, code_texts) if lexical else None

    cand, by_votes = _candidates(list(code_ids), parents, used, exclude_parents)
    kk = min(k, len(cand))
    weight, note = 0.0, ""
    if coded_vectors is not None and coded_labels is not None and cvec_rows is None:
        note = "0 coded segments: too few to learn from yet"
    if cvec_rows is not None:
        cvec_rows = _centred(cvec_rows, centre)
        extra = np.zeros((len(crows), len(cand)), dtype=np.float32)
        if lexical and coded_texts is not None:
            extra = LEX_WEIGHT * lexical_similarity([coded_texts[i] for i in crows],
                                                    code_texts)[:, cand]
        loo = np.where(by_votes, -np.inf, cvec_rows @ cvecs[cand].T + extra)
        weight, note = _choose_weight(cvec_rows, labels[:, cand], loo, neighbours)
    skip = {s: set(v) for s, v in (skip or {}).items()}
    gpos = {g: j for j, g in enumerate(gids)} if cids is not None else {}
    how = " (project-centred)" if centre is not None else ""

    out: dict[str, list] = {c: [] for c in COLUMNS}
    for start in range(0, len(segment_ids), _BLOCK):
        block = seg[start:start + _BLOCK]
        ids = segment_ids[start:start + _BLOCK]
        cos = block @ cvecs[cand].T
        words = lex[start:start + _BLOCK][:, cand] if lex is not None else None
        zs = cos if words is None else cos + LEX_WEIGHT * words
        score = _zero_shot(np.where(by_votes, -np.inf, zs),
                           floor=FLOOR if centre is None else FLOOR_CENTRED)
        nn = None
        if cvec_rows is not None and weight > 0:
            sims = block @ cvec_rows.T
            for r, sid in enumerate(ids):
                if sid in gpos:
                    sims[r, gpos[sid]] = -np.inf
            p_knn, nn = _knn(sims, labels[:, cand], neighbours)
            score = (1 - weight) * score + weight * p_knn
        for r, sid in enumerate(ids):
            banned = skip.get(sid, ())
            order = [j for j in np.argsort(-score[r], kind="stable")
                     if code_ids[cand[j]] not in banned][:kk]
            for rank, j in enumerate(order, 1):
                ev = _evidence(cos[r, j], how, None if words is None else words[r, j],
                               note if nn is None else "")
                if nn is not None:
                    ev += "; " + _knn_evidence(nn[r], labels[:, cand[j]], gids, cids, weight)
                for col, value in zip(COLUMNS, (sid, rank, code_ids[cand[j]],
                                                round(float(score[r, j]), 4), ev)):
                    out[col].append(value)
    if not out["segment_id"]:
        return _empty()
    return pd.DataFrame(out, columns=COLUMNS)


def _evidence(cos: float, how: str, words: float | None, note: str) -> str:
    """What a zero-shot score was made of, in words."""
    ev = f"description similarity {cos:.2f}{how}"
    if words is not None:
        ev += f", shared words {words:.2f}"
    return ev + (f" ({note})" if note else "")


def _knn_evidence(nn_row: np.ndarray, has_code: np.ndarray, gids: list[str],
                  cids: list[str] | None, weight: float) -> str:
    near = [j for j in nn_row if j >= 0]
    hits = [j for j in near if has_code[j] > 0]
    text = f"{len(hits)} of {len(near)} nearest coded segments have it"
    if hits and cids is not None:
        named = ", ".join(gids[j] for j in hits[:3])
        text += f" ({named}{', …' if len(hits) > 3 else ''})"
    return text + f"; weight on coded segments {weight:.2f}"
