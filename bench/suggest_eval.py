"""How often does `qualkit.suggest` put a right code first / in its top 3? Two labelled sets.

    .venv/bin/python bench/suggest_eval.py                       # both sets, onnx-int8, ~1 min
    .venv/bin/python bench/suggest_eval.py --seeds /work/shared/seeds --backend torch-fp32

Sets (bench/suggest_sets.py): ``real`` -- sentences of the real seeds (FOI letters, policy
brief), labels in bench/real_labelled.yaml, text read from ../shared/seeds (skipped when
absent); ``invented`` -- bench/suggest_labelled.yaml. Each is scored at the leaf level (items
with a leaf code; right when the suggestion is one of them) and at the top level (barrier /
enabler / use / suggestion: right when the suggestion's top-level code is one of the item's).
top-1 reads the first suggestion, top-3 the three a coder sees.

Rows: zero-shot as shipped before this work (plain cosine), with each change alone, and as
shipped (centred on the project's mean vector + shared words); then after coding: 80 % of the
items coded, the other 20 % scored (5 folds x ``--seeds-probe`` shuffles), and for the invented
set the older protocol (k random segments of each code coded). The project mean is taken over
every sentence of the seed files (real) or every invented item -- what a project would have.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from suggest_sets import SEEDS, load_invented, load_real, top  # noqa: E402

from qualkit.codeframe import load_codeframe  # noqa: E402
from qualkit.suggest import code_profile_text, embed_codes, parent_map, suggest  # noqa: E402


def seed_sentences(seeds: Path) -> list[str]:
    """Every sentence of >= 5 words in the seed files: the 'project' the real set comes from."""
    out = []
    for f in sorted(seeds.glob("*.txt")):
        for para in re.split(r"\n\s*\n", f.read_text(encoding="utf-8")):
            for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(])", " ".join(para.split())):
                if len(s.split()) >= 5:
                    out.append(s)
    return out


def cached_encoder(encode, model_id: str, path: Path | None):
    """``encode`` through an .npz file of text -> vector (for iterating; keyed by model)."""
    if path is None:
        return encode
    import hashlib

    store: dict[str, np.ndarray] = {}
    if path.is_file():
        with np.load(path) as z:
            store.update(z.items())

    def key(t: str) -> str:
        return hashlib.sha1(f"{model_id}\n{t}".encode()).hexdigest()

    def fn(texts):
        todo = [t for t in dict.fromkeys(texts) if key(t) not in store]
        if todo:
            store.update(zip(map(key, todo), np.asarray(encode(todo), dtype=np.float32)))
            np.savez(path, **store)
        return np.stack([store[key(t)] for t in texts])

    return fn


class Scorer:
    """Embeds once; scores items with suggest() under a configuration."""

    def __init__(self, cf, encode):
        self.cf, self.encode = cf, encode
        self.ids, self.parents = cf.ids, parent_map(cf)
        self.cvecs = embed_codes(cf.codes, encode)
        self.ctexts = [code_profile_text(c) for c in cf.codes]
        self.leaves = {c for c in self.ids if c not in set(self.parents.values())}
        self.memo: dict[str, np.ndarray] = {}

    def vecs(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            self.memo.update(zip(todo, np.asarray(self.encode(todo), dtype=np.float32)))
        return np.stack([self.memo[t] for t in texts])

    def rank(self, items, centre=None, lexical=False, coded=()) -> dict[str, list[str]]:
        kw = {}
        if coded:
            rows = [(it, c) for it in coded for c in sorted(it["codes"])]
            kw = dict(coded_vectors=self.vecs([it["text"] for it, _ in rows]),
                      coded_labels=[c for _, c in rows],
                      coded_segment_ids=[it["id"] for it, _ in rows],
                      coded_texts=[it["text"] for it, _ in rows] if lexical else None)
        if lexical:
            kw.update(segment_texts=[it["text"] for it in items], code_texts=self.ctexts)
        table = suggest(self.vecs([it["text"] for it in items]), [it["id"] for it in items],
                        self.ids, self.cvecs, k=3, parents=self.parents, centre=centre, **kw)
        table = table.sort_values(["segment_id", "rank"])
        return {sid: list(g["code_id"]) for sid, g in table.groupby("segment_id")}

    def accuracy(self, items, ranked) -> dict[str, float]:
        leafy = [it for it in items if it["codes"] & self.leaves]
        tops = [{top(c) for c in it["codes"]} for it in items]
        return {
            "leaf1": np.mean([ranked[it["id"]][0] in it["codes"] for it in leafy]),
            "leaf3": np.mean([bool(set(ranked[it["id"]][:3]) & it["codes"]) for it in leafy]),
            "top1": np.mean([top(ranked[it["id"]][0]) in t for it, t in zip(items, tops)]),
            "top3": np.mean([any(top(c) in t for c in ranked[it["id"]][:3])
                             for it, t in zip(items, tops)]),
            "n": len(items), "n_leaf": len(leafy)}


def _pooled(sc, pairs, shuffles):
    """Accuracy over (item, its ranking) pairs: an item scored in several shuffles counts once
    per scoring. ``n`` is the items scored per shuffle."""
    leafy = [(it, r) for it, r in pairs if it["codes"] & sc.leaves]
    tops = [({top(c) for c in it["codes"]}, r) for it, r in pairs]
    return {"leaf1": np.mean([r[0] in it["codes"] for it, r in leafy]),
            "leaf3": np.mean([bool(set(r[:3]) & it["codes"]) for it, r in leafy]),
            "top1": np.mean([top(r[0]) in t for t, r in tops]),
            "top3": np.mean([any(top(c) in t for c in r[:3]) for t, r in tops]),
            "n": len(pairs) / shuffles / 5}


def probe(sc, items, centre, lexical, shuffles=2, leaf_only=False, fracs=(0.8,)):
    """Learning curve: the items are shuffled into 5 folds; each fold in turn is scored while
    ``frac`` of ALL items, taken from the other folds in shuffled order, count as coded (0.8 =
    all four other folds). Returns {frac: {"all"/"dev"/"test": accuracy}}, frac 0 being the
    same folds zero-shot. ``leaf_only``: codings with a parent code (no sub-code fits) are not
    passed on, so parent codes never become candidates."""
    got: dict[float, dict[str, list]] = {f: {"all": [], "dev": [], "test": []}
                                         for f in (0, *fracs)}
    for seed in range(shuffles):
        order = np.random.default_rng(seed).permutation(len(items))
        for fold in np.array_split(order, 5):
            test = [items[i] for i in sorted(fold)]
            rest = [int(i) for i in order if i not in set(fold)]
            for f in (0, *fracs):
                coded = [items[i] for i in sorted(rest[:int(round(f * len(items)))])]
                if leaf_only:
                    coded = [dict(it, codes=it["codes"] & sc.leaves) for it in coded]
                    coded = [it for it in coded if it["codes"]]
                ranked = sc.rank(test, centre, lexical, coded)
                for half in ("all", "dev", "test"):
                    got[f][half] += [(it, ranked[it["id"]]) for it in test
                                     if half in ("all", it["half"])]
    return {f: {h: _pooled(sc, pairs, shuffles) for h, pairs in halves.items()}
            for f, halves in got.items()}


def per_code(sc, items, centre, lexical, n_coded, seeds=5):
    """The older protocol: n_coded random items of each primary code coded, the rest scored."""
    got = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        coded = set()
        for code in dict.fromkeys(it["primary"] for it in items):
            mine = [i for i, it in enumerate(items) if it["primary"] == code]
            coded.update(int(i) for i in rng.choice(mine, size=n_coded, replace=False))
        test = [it for i, it in enumerate(items) if i not in coded]
        got.append(sc.accuracy(test, sc.rank(test, centre, lexical,
                                             [items[i] for i in sorted(coded)])))
    return {k: float(np.mean([r[k] for r in got])) for k in got[0]}


def line(label, r) -> str:
    return (f"| {label} | {r['n']:.0f} | {r['leaf1']:.3f} / {r['leaf3']:.3f} | "
            f"{r['top1']:.3f} / {r['top3']:.3f} |")


def report(sc, name, items, project_texts, shuffles) -> None:
    centre = sc.vecs(project_texts).mean(axis=0)
    n_leaf = sum(1 for it in items if it["codes"] & sc.leaves)
    print(f"\n### {name}: {len(items)} items ({n_leaf} with a leaf code)\n")
    print("| setting | scored | leaf top-1 / top-3 | top level top-1 / top-3 |")
    print("|---|---|---|---|")
    configs = [("zero-shot, plain cosine (before)", None, False),
               ("zero-shot, + centred on the project mean", centre, False),
               ("zero-shot, + shared words", None, True),
               ("zero-shot, centred + shared words (shipped)", centre, True)]
    for label, c, lex in configs:
        print(line(label, sc.accuracy(items, sc.rank(items, c, lex))))
    for half in ("dev", "test"):
        sub = [it for it in items if it["half"] == half]
        for label, c, lex in (configs[0], configs[-1]):
            print(line(f"{half.upper()} half, {label}", sc.accuracy(sub, sc.rank(sub, c, lex))))
    fracs = (0.1, 0.25, 0.5, 0.8)
    for label, c, lex in (configs[0], configs[-1]):
        curve = probe(sc, items, c, lex, shuffles, fracs=fracs)
        short = label.split(", ", 1)[1]
        print(line(f"80 % coded, 20 % scored, {short}", curve[0.8]["all"]))
        print(line(f"  the same items zero-shot, {short}", curve[0]["all"]))
    print(f"\nLearning curve, shipped: share of all items coded, the fold scored (leaf top-1 / "
          f"top-3, top level top-1 / top-3; {shuffles} shuffles x 5 folds)\n")
    print("| coded | all | DEV half | TEST half |")
    print("|---|---|---|---|")
    for f in (0, *fracs):
        cells = [f"{r['leaf1']:.3f} / {r['leaf3']:.3f}, {r['top1']:.3f} / {r['top3']:.3f}"
                 for r in (curve[f][h] for h in ("all", "dev", "test"))]
        print(f"| {f:.0%} | " + " | ".join(cells) + " |")
    if any(not (it["codes"] & sc.leaves) for it in items):
        got = probe(sc, items, centre, True, shuffles, leaf_only=True)[0.8]["all"]
        print(line("80 % coded, shipped, parent-only codings not passed on", got))
    if name == "invented":
        for n in (5, 8):
            print(line(f"{n} coded per code, shipped", per_code(sc, items, centre, True, n)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SEEDS, help="folder of the real seed texts")
    ap.add_argument("--codeframe", type=Path, default=ROOT / "codeframes" / "data-linkage.yaml")
    ap.add_argument("--backend", default="onnx-int8")
    ap.add_argument("--shuffles", type=int, default=2, help="shuffles of the 5-fold probe")
    ap.add_argument("--cache", type=Path, default=None,
                    help="an .npz file caching the embeddings between runs (e.g. under /tmp)")
    args = ap.parse_args()
    from qualkit.embed import get_embedder

    emb = get_embedder(args.backend)
    cf = load_codeframe(args.codeframe)
    sc = Scorer(cf, cached_encoder(emb.encode, emb.model_id, args.cache))
    t = time.perf_counter()
    real = load_real(seeds=args.seeds)
    invented = load_invented()
    print(f"model {emb.model_id}; codeframe {len(cf.ids)} codes "
          f"({len(sc.leaves)} leaves, 4 top-level)")
    if real is None:
        print(f"\n(real set skipped: no seeds at {args.seeds})")
    else:
        report(sc, "real", real, seed_sentences(args.seeds) + [it["text"] for it in real],
               args.shuffles)
    report(sc, "invented", invented, [it["text"] for it in invented], args.shuffles)
    print(f"\n{time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
