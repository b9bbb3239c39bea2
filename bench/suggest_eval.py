"""How often does `qualkit.suggest` put a segment's true code first / in its top 3?

    .venv/bin/python bench/suggest_eval.py              # bundled model, onnx-int8 (project default)
    .venv/bin/python bench/suggest_eval.py --backend torch-fp32 --variants

Labelled segments: bench/suggest_labelled.yaml (336 invented segments, 12 per leaf code of the
shipped codeframe; within a code, even positions are the DEV half used while tuning, odd the
TEST half never used for tuning). A suggestion is right when it is one of the segment's codes.

Rows:
* zero-shot — no codings; every segment scored (also per half).
* 5 coded per code — the brief's protocol: per seed, 5 random segments of each code count as
  coded and are held out; the other 7 per code are scored; mean over seeds.
* 3 coded per code, TEST half only — the same on the untouched half (3 coded, 3 scored).
* names-only codeframe — descriptions, notes and examples removed, to show what learning
  from codings adds when the codeframe says little.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.codeframe import load_codeframe  # noqa: E402
from qualkit.suggest import code_profile_text, embed_codes, parent_map, suggest  # noqa: E402


def load_items(path: Path) -> list[dict]:
    items = []
    for code, entries in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for i, entry in enumerate(entries):
            text, also = (entry, []) if isinstance(entry, str) else (entry["text"], entry.get("also", []))
            items.append({"id": f"{code}#{i}", "text": text, "codes": {code, *also},
                          "primary": code, "half": "dev" if i % 2 == 0 else "test"})
    return items


def get_encoder(backend: str):
    """The project's embedder (qualkit.embed); ONNX exports are cached in the user cache."""
    from qualkit.embed import get_embedder

    emb = get_embedder(backend, None, None)
    return emb.model_id, emb.encode


def accuracy(table, items: list[dict]) -> tuple[float, float]:
    by_seg = {sid: list(g.sort_values("rank")["code_id"]) for sid, g in table.groupby("segment_id")}
    top1 = np.mean([by_seg[it["id"]][0] in it["codes"] for it in items])
    top3 = np.mean([bool(set(by_seg[it["id"]][:3]) & it["codes"]) for it in items])
    return float(top1), float(top3)


def run(items, X, ids, cvecs, parents, coded=None):
    scored = [i for i in range(len(items)) if coded is None or i not in coded]
    kw = {}
    if coded:
        rows = [(i, c) for i in coded for c in sorted(items[i]["codes"])]
        kw = dict(coded_vectors=X[[i for i, _ in rows]], coded_labels=[c for _, c in rows],
                  coded_segment_ids=[items[i]["id"] for i, _ in rows])
    t = time.perf_counter()
    table = suggest(X[scored], [items[i]["id"] for i in scored], ids, cvecs, k=3,
                    parents=parents, **kw)
    took = time.perf_counter() - t
    weight = 0.0
    if coded:
        ev = table["evidence"].iloc[0]
        weight = float(ev.rsplit("weight on coded segments ", 1)[1]) if "weight on" in ev else 0.0
    return accuracy(table, [items[i] for i in scored]), weight, took


def few_shot(items, X, ids, cvecs, parents, n_coded, seeds, half=None):
    """Mean over seeds of (top-1, top-3, zero-shot top-1, top-3 on the same items, weight,
    seconds): n_coded random segments per code are coded, the rest of the pool scored."""
    pool = [i for i, it in enumerate(items) if half is None or it["half"] == half]
    sub_items, sub_X = [items[i] for i in pool], X[pool]
    res = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        coded = set()
        for code in dict.fromkeys(it["primary"] for it in sub_items):
            mine = [i for i, it in enumerate(sub_items) if it["primary"] == code]
            coded.update(int(i) for i in rng.choice(mine, size=n_coded, replace=False))
        (a1, a3), w, took = run(sub_items, sub_X, ids, cvecs, parents, coded=coded)
        rest = [i for i in range(len(sub_items)) if i not in coded]
        (z1, z3), _, _ = run([sub_items[i] for i in rest], sub_X[rest], ids, cvecs, parents)
        res.append((a1, a3, z1, z3, w, took))
    return tuple(np.mean(res, axis=0))


def variants(items, X, cf, encode, parents) -> None:
    """Profile choices compared on the DEV half (how the shipped choice was made)."""
    dev = [i for i, it in enumerate(items) if it["half"] == "dev"]
    items, X = [items[i] for i in dev], X[dev]
    leaves = [c for c in cf.codes if not cf.children(c.id)]
    enc = lambda texts: np.asarray(encode(texts), dtype=np.float32)  # noqa: E731
    nd = enc([f"{c.name}. {c.description}" for c in leaves])
    inc = enc([c.include or c.name for c in leaves])
    ex = [enc(list(c.examples)) for c in leaves]
    exc = enc([c.exclude or c.name for c in leaves])
    joined = enc([code_profile_text(c) for c in leaves])
    ex_max = np.stack([(X @ e.T).max(1) for e in ex], 1)
    ex_mean = np.stack([(X @ e.T).mean(1) for e in ex], 1)
    sims = {
        "name only": X @ enc([c.name for c in leaves]).T,
        "name + description": X @ nd.T,
        "one joined text (name, description, include, examples)": X @ joined.T,
        "joined text − 0.15 × exclude note": X @ joined.T - 0.15 * (X @ exc.T),
        "max(description, include, best example)": np.maximum(np.maximum(X @ nd.T, X @ inc.T), ex_max),
        "mean(description, include, best example)": (X @ nd.T + X @ inc.T + ex_max) / 3,
        "mean(description, include, mean of examples)": (X @ nd.T + X @ inc.T + ex_mean) / 3,
        "mean vector of all pieces (shipped)": X @ embed_codes(leaves, encode).T,
    }
    ids = [c.id for c in leaves]
    print(f"\nprofile variants, zero-shot on the DEV half ({len(items)} segments):\n")
    print("| profile | top-1 | top-3 |\n|---|---|---|")
    for label, S in sims.items():
        order = np.argsort(-S, axis=1)
        a1 = np.mean([ids[o[0]] in it["codes"] for o, it in zip(order, items)])
        a3 = np.mean([bool({ids[j] for j in o[:3]} & it["codes"]) for o, it in zip(order, items)])
        print(f"| {label} | {a1:.3f} | {a3:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labelled", type=Path, default=ROOT / "bench" / "suggest_labelled.yaml")
    ap.add_argument("--codeframe", type=Path, default=ROOT / "codeframes" / "data-linkage.yaml")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--backend", default="onnx-int8",
                    help="embedding backend (onnx-int8 is the project default; torch-fp32 needs no export)")
    ap.add_argument("--variants", action="store_true",
                    help="also compare profile variants on the DEV half")
    args = ap.parse_args()

    cf = load_codeframe(args.codeframe)
    items = load_items(args.labelled)
    model_id, encode = get_encoder(args.backend)
    t = time.perf_counter()
    X = np.asarray(encode([it["text"] for it in items]), dtype=np.float32)
    embed_s = time.perf_counter() - t
    ids, parents = cf.ids, parent_map(cf)
    bare = [dataclasses.replace(c, description="", include="", exclude="", examples=()) for c in cf.codes]
    profiles = {
        "pieces": embed_codes(cf.codes, encode),
        "joined": np.asarray(encode([code_profile_text(c) for c in cf.codes]), dtype=np.float32),
        "names": embed_codes(bare, encode),
    }
    n_leaf = len({it["primary"] for it in items})
    print(f"model {model_id}; {len(items)} segments, {n_leaf} leaf codes "
          f"(+{len(ids) - n_leaf} parents, not suggested); embedded in {embed_s:.1f}s\n")
    print("| setting | scored | top-1 | top-3 | zero-shot on the same items | weight on coded |")
    print("|---|---|---|---|---|---|")

    def row(label, n, a1, a3, z1=None, z3=None, w=None):
        same = "—" if z1 is None else f"{z1:.3f} / {z3:.3f}"
        print(f"| {label} | {n} | {a1:.3f} | {a3:.3f} | {same} | {'—' if w is None else f'{w:.2f}'} |")

    for label, key in (("zero-shot, profile = one joined text", "joined"),
                       ("zero-shot, profile = mean of pieces (shipped)", "pieces")):
        (a1, a3), _, _ = run(items, X, ids, profiles[key], parents)
        row(label, len(items), a1, a3)
    for half in ("dev", "test"):
        sub = [i for i, it in enumerate(items) if it["half"] == half]
        (a1, a3), _, _ = run([items[i] for i in sub], X[sub], ids, profiles["pieces"], parents)
        row(f"zero-shot, {half.upper()} half", len(sub), a1, a3)
    n_codes = len({it["primary"] for it in items})
    runs = [(f"5 coded per code, mean of {args.seeds} seeds", "pieces", 5, None),
            ("8 coded per code", "pieces", 8, None),
            ("3 coded per code, TEST half only", "pieces", 3, "test"),
            ("names-only codeframe, 5 coded per code", "names", 5, None),
            ("names-only codeframe, 8 coded per code", "names", 8, None)]
    for label, key, n, half in runs:
        if key == "names" and n == 5:
            (a1, a3), _, _ = run(items, X, ids, profiles["names"], parents)
            row("names-only codeframe, zero-shot", len(items), a1, a3)
        a1, a3, z1, z3, w, took = few_shot(items, X, ids, profiles[key], parents, n, args.seeds, half)
        pool = len(items) // 2 if half else len(items)
        row(label, pool - n * n_codes, a1, a3, z1, z3, w)
        if n == 5 and key == "pieces":
            timing = f"suggest() for {len(items) - 5 * n_codes} segments with {5 * n_codes} coded"
            timing += f": {took * 1000:.0f} ms"
    print(f"\n{timing}")
    if args.variants:
        variants(items, X, cf, encode, parents)


if __name__ == "__main__":
    main()
