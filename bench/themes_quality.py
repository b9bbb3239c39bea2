"""Do candidate themes agree with the codes analysts gave? NMI and ARI against gold codes.

    .venv/bin/python bench/themes_quality.py --seeds /work/shared/seeds      # ~3 min, 2 cores

Corpora (vectors: the project default backend, onnx-int8):
* ``invented`` -- the 336 labelled invented segments (bench/suggest_labelled.yaml) plus 40
  invented content-free turns ("Sorry, could you say that again?"), as an interview has;
* ``real``     -- every sentence of >= 5 words in the four seed files (letters with their
  boilerplate, the policy brief with its methods and tables); 61 of them are labelled
  (bench/real_labelled.yaml). Skipped without the seeds.

Agreement is measured on the labelled segments only: theme (outliers = one more group)
against the primary leaf code and against the top-level code; sklearn's
normalized_mutual_info_score and adjusted_rand_score. Also: themes found, outlier share of the
labelled segments, share of content-free segments that landed in a theme, how many of the
top-10 keywords of each theme are words of the codeframe text of the theme's majority code
(a proxy for keywords that describe rather than fill), and how many of a theme's top-10
keywords are also in another theme's top 10 (words that tell themes apart score low).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from suggest_eval import seed_sentences  # noqa: E402
from suggest_sets import SEEDS, load_invented, load_real, top  # noqa: E402

CONTENT_FREE = [
    "Sorry, could you say that again please?", "I'm not sure I follow the question.",
    "Let me just think about that for a second.", "Can you hear me all right now?",
    "That's a really good question, actually.", "Okay, shall we move on to the next one?",
    "I think that's everything from my side.", "Hang on, my screen has just frozen.",
    "Right, yes, I see what you mean there.", "Sorry, I lost you for a moment there.",
    "Yes, that's fine, go ahead whenever you're ready.", "Is that the kind of thing you wanted?",
    "Could you repeat the last part of that?", "I'll have to come back to you on that one.",
    "Thanks, that's really helpful to know.", "Let me just close the door, sorry.",
    "Is it okay if I get a glass of water?", "Yes, I'm happy for you to record this.",
    "Shall I carry on from where I was?", "Oh, I'm sorry, what was the question again?",
]
CONTENT_FREE += [s.replace("?", ", sorry?").replace(".", ", I suppose.") for s in CONTENT_FREE]


def corpora(seeds: Path):
    inv = load_invented()
    out = {"invented": ([it["text"] for it in inv] + CONTENT_FREE,
                        {it["text"]: it["primary"] for it in inv}, set(CONTENT_FREE))}
    real = load_real(seeds=seeds)
    if real is not None:
        texts = list(dict.fromkeys(seed_sentences(seeds) + [it["text"] for it in real]))
        gold = {it["text"]: sorted(it["codes"])[0] for it in real}
        out["real"] = (texts, gold, set())
    return out


def bertopic_default(texts, vectors):
    """Plain BERTopic on the same vectors: its defaults, with UMAP seeded for repeatability."""
    from bertopic import BERTopic
    from umap import UMAP

    model = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0,
                                     metric="cosine", random_state=42), verbose=False)
    topics, _ = model.fit_transform(texts, embeddings=vectors)
    words = {t: [w for w, _ in (model.get_topic(t) or [])][:10] for t in set(topics) if t >= 0}
    return np.asarray(topics), words


def qualkit_themes(texts, vectors, **params):
    from qualkit.themes.fit import ThemeParams, fit_themes

    ids = [f"s{i:05d}" for i in range(len(texts))]
    res = fit_themes(vectors, texts, ids, ["d"] * len(texts), ThemeParams(**params))
    labels = res.assignments["theme_id"].to_numpy()
    words = dict(zip(res.themes["theme_id"], res.themes["keywords"]))
    return labels, words


def code_words(cf) -> dict[str, set[str]]:
    from qualkit.suggest import code_profile_text

    out = {}
    for c in cf.codes:
        text = " ".join(code_profile_text(x) for x in cf.codes if x.id == c.id or
                        x.id.startswith(c.id + "."))
        out[c.id] = set(re.findall(r"[a-z]{3,}", text.lower()))
    return out


def score(texts, gold, free, labels, words, cwords) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    idx = [i for i, t in enumerate(texts) if t in gold]
    pred = [int(labels[i]) for i in idx]
    leaf = [gold[texts[i]] for i in idx]
    tops = [top(g) for g in leaf]
    rel = []
    for t, kws in words.items():
        members = [gold[texts[i]] for i in idx if labels[i] == t]
        if not members or not kws:
            continue
        major = Counter(members).most_common(1)[0][0]
        vocab = cwords[major] | cwords[top(major)]
        rel.append(np.mean([any(w in vocab for w in k.split()) for k in kws[:10]]))
    free_idx = [i for i, t in enumerate(texts) if t in free]
    tops10 = {t: set(k[:10]) for t, k in words.items()}
    shared = [len(w & set().union(*(v for u, v in tops10.items() if u != t))) / max(1, len(w))
              for t, w in tops10.items()] if len(tops10) > 1 else [0.0]
    return {"nmi_leaf": normalized_mutual_info_score(leaf, pred),
            "ari_leaf": adjusted_rand_score(leaf, pred),
            "nmi_top": normalized_mutual_info_score(tops, pred),
            "ari_top": adjusted_rand_score(tops, pred),
            "themes": len(set(labels.tolist()) - {-1}),
            "outliers": float(np.mean([p < 0 for p in pred])),
            "free_in_theme": float(np.mean([labels[i] >= 0 for i in free_idx])) if free_idx else None,
            "kw_rel": float(np.mean(rel)) if rel else float("nan"),
            "kw_shared": float(np.mean(shared))}


LEAF = dict(cluster_selection="leaf")
VARIANTS = {
    "qualkit before (eom, nothing left out, outliers kept)": dict(min_content_words=0),
    "qualkit, content-free left out": dict(),
    "qualkit, leaf selection": dict(LEAF, min_content_words=0),
    "qualkit, leaf + content-free left out": dict(LEAF),
    "qualkit, leaf + content-free + outliers reduced (embeddings >= 0.3)":
        dict(LEAF, reassign_outliers=True, outlier_threshold=0.3),
    "qualkit, leaf + content-free + outliers reduced (c-tf-idf >= 0.1)":
        dict(LEAF, reassign_outliers=True, outlier_strategy="c-tf-idf", outlier_threshold=0.1),
    "qualkit, leaf + content-free + outliers (embeddings >= 0.3) + distinct keywords (shipped)":
        dict(LEAF, reassign_outliers=True, outlier_threshold=0.3, distinct_keywords=True),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SEEDS)
    ap.add_argument("--no-bertopic", action="store_true")
    args = ap.parse_args()
    from qualkit.codeframe import load_codeframe
    from qualkit.embed import get_embedder

    emb = get_embedder()
    cwords = code_words(load_codeframe(ROOT / "codeframes" / "data-linkage.yaml"))
    print(f"model {emb.model_id}")
    for name, (texts, gold, free) in corpora(args.seeds).items():
        vecs = emb.encode(texts)
        print(f"\n### {name}: {len(texts)} segments, {sum(t in gold for t in texts)} labelled, "
              f"{len(free)} content-free\n")
        print("| method | themes | NMI / ARI leaf | NMI / ARI top level | labelled outliers | "
              "content-free in a theme | keywords from the code's words | keywords shared with "
              "another theme |")
        print("|---|---|---|---|---|---|---|---|")
        runs = {} if args.no_bertopic else {"BERTopic defaults (same vectors)":
                                            lambda: bertopic_default(texts, vecs)}
        runs.update({k: (lambda kw=kw: qualkit_themes(texts, vecs, **kw))
                     for k, kw in VARIANTS.items()})
        for label, fn in runs.items():
            t = time.perf_counter()
            labels, words = fn()
            r = score(texts, gold, free, labels, words, cwords)
            fr = "—" if r["free_in_theme"] is None else f"{r['free_in_theme']:.2f}"
            print(f"| {label} | {r['themes']} | {r['nmi_leaf']:.3f} / {r['ari_leaf']:.3f} | "
                  f"{r['nmi_top']:.3f} / {r['ari_top']:.3f} | {r['outliers']:.2f} | {fr} | "
                  f"{r['kw_rel']:.2f} | {r['kw_shared']:.2f} |")
            print(f"<!-- {label}: {time.perf_counter() - t:.1f} s; keywords of 3 themes: "
                  f"{[w[:5] for w in list(words.values())[:3]]} -->")


if __name__ == "__main__":
    main()
