"""Embedding benchmark: qualkit's backends against bare sentence-transformers (not a test).

    .venv/bin/python bench/embed_bench.py                  # 3,000 sentences, 5 rounds
    .venv/bin/python bench/embed_bench.py --n 1000 --rounds 3 --batch-sizes 32,64,128

In one process, interleaved round by round (the order rotates each round) so that load from
other processes hits every method alike, best time of the rounds kept:

* baseline     ``SentenceTransformer(bundled path).encode(texts, batch_size=64)``;
* qualkit      ``get_embedder(b).encode(texts)`` for onnx-int8 (default, static int8),
               onnx-int8-dynamic (the old recipe), onnx-fp32, torch-fp32;
* cached       the re-run of an unchanged project: text hashes looked up in the project store's
               vector cache (``qualkit.store.Store.get_vectors`` on an SQLite file, keyed by
               (model_id, text_hash)); zero model calls. Falls back to a dict if there is no store;
* edited       1 % of the texts changed: cache look-up, the 1 % embedded, stored.

Cosines are to the baseline vectors. Batch independence: the first 100 texts embedded
alone, in a shuffled batch and in halves, against the same texts in the whole list. The ONNX export (first use) is timed apart; its files are
kept in a temporary cache folder (``--cache-dir``) so later runs skip it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SUBJECTS = ["the council", "our team", "the caseworker", "my manager", "the school", "a parent",
            "the local authority", "the analyst", "the school nurse", "young people",
            "the data officer", "the head teacher", "the health trust", "social care",
            "the youth worker", "families", "the commissioner", "the police", "the GP practice",
            "the early help team"]
VERBS = ["shared", "collected", "linked", "reviewed", "ignored", "questioned", "explained",
         "published", "requested", "withheld", "discussed", "cleaned", "matched", "lost",
         "challenged", "summarised", "audited", "forgot about", "finally agreed on", "rejected"]
OBJECTS = ["the attendance records", "health data", "the census returns", "the dashboard",
           "the consent forms", "the safeguarding report", "school exclusions",
           "the funding figures", "the survey results", "the referral notes",
           "the data sharing agreement", "A&E attendances", "the waiting list",
           "the case files", "free school meals data", "the annual return"]
TAILS = ["because nobody had asked before", "after a long meeting with social care",
         "although the budget was cut again", "which made the families quite anxious",
         "so the numbers finally matched up", "but it took nearly six months",
         "even though the policy was unclear", "and everyone seemed relieved afterwards",
         "before the inspection came round", "while the new system was being installed",
         "without telling the young people", "once the lawyers had signed it off"]
OPENERS = ["Honestly,", "Frankly,", "To be fair,", "In my view,", "Last year", "Every term",
           "On Tuesday", "Sometimes", "Apparently", "I think", "Um, so", "Looking back,",
           "In the end", "To be honest,", "As far as I know,"]
TEMPLATES = [
    "{o} {s} {v} {obj} {t}.",
    "{o} {s} {v} {obj}, and {s2} {v2} {obj2} {t}.",
    "{o} it was {s} who {v} {obj}, {t}.",
    "When {s} {v} {obj}, {s2} {v2} {obj2} {t}.",
    "{o} I don't think {s} ever {v} {obj} {t}.",
    "Why had {s} {v} {obj} {t}?",
    "{o} {s} {v} {obj}; {s2} {v2} {obj2}, {t}.",
]


def make_sentences(n: int, seed: int = 0) -> list[str]:
    """n varied ~20-word interview-like sentences from templates and a random vocabulary."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        t = rnd.choice(TEMPLATES)
        s = t.format(o=rnd.choice(OPENERS), s=rnd.choice(SUBJECTS), v=rnd.choice(VERBS),
                     obj=rnd.choice(OBJECTS), t=rnd.choice(TAILS), s2=rnd.choice(SUBJECTS),
                     v2=rnd.choice(VERBS), obj2=rnd.choice(OBJECTS))
        out.append(s[0].upper() + s[1:])
    return out


def batch_independence(encode, texts: list[str], n: int = 100) -> dict:
    """How far a text's vector moves with its batch-mates: the first ``n`` texts embedded one by
    one, in a shuffled batch with 200 others, and in halves (as an incremental project), each
    against the same texts embedded in the whole list."""
    import numpy as np

    probe = texts[:n]
    full = np.asarray(encode(texts))[:n]
    alone = np.vstack([np.asarray(encode([t])) for t in probe])
    rnd = random.Random(7)
    mixed = probe + rnd.sample(texts[n:], min(200, len(texts) - n))
    rnd.shuffle(mixed)
    where = {t: i for i, t in enumerate(mixed)}
    in_mix = np.asarray(encode(mixed))[[where[t] for t in probe]]
    halves = np.vstack([np.asarray(encode(probe[: n // 2])), np.asarray(encode(probe[n // 2:]))])
    out = {}
    for name, v in (("alone", alone), ("mixed", in_mix), ("halves", halves)):
        out[name] = {"max_abs": float(np.abs(v - full).max()),
                     "differ": int((v != full).any(axis=1).sum()),
                     "min_cos": float((v * full).sum(1).min() / 1.0)}
    return out


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=500, help="texts per interleaved timing unit")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--batch-sizes", default="", help="also time onnx-int8 at these batch sizes")
    ap.add_argument("--backends", default="onnx-int8,onnx-int8-dynamic,onnx-fp32,torch-fp32")
    ap.add_argument("--cache-dir", type=Path,
                    default=Path(tempfile.gettempdir()) / "qualkit_embed_bench" / "models")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    from qualkit import embed  # sets the offline variables before any HF import

    import numpy as np

    texts = make_sentences(args.n)
    words = np.mean([len(t.split()) for t in texts])
    load_before = os.getloadavg()
    spec = embed.resolve_model()
    backends = [b for b in args.backends.split(",") if b]
    prep = {}
    for b in backends:
        secs, info = timed(lambda b=b: embed.prepare(b, cache_dir=args.cache_dir))
        prep[b] = {**info, "prepare_seconds": round(secs, 1)}

    from sentence_transformers import SentenceTransformer

    from qualkit.embed.torch import quiet_hf

    with quiet_hf():  # only silences the "Loading weights" bar; encode is untouched
        base_model = SentenceTransformer(str(spec.path))
    methods = {"baseline ST": lambda xs: base_model.encode(xs, batch_size=args.batch_size)}
    embedders = {}
    for b in backends:
        load_s, embedders[b] = timed(lambda b=b: embed.get_embedder(b, cache_dir=args.cache_dir))
        prep[b]["load_seconds"] = round(load_s, 2)
        methods[f"qualkit {b}"] = (lambda xs, e=embedders[b]:
                                   e.encode(xs, batch_size=args.batch_size))
    for bs in [int(x) for x in args.batch_sizes.split(",") if x]:
        if "onnx-int8" in embedders and bs != args.batch_size:
            methods[f"qualkit onnx-int8 bs={bs}"] = (
                lambda xs, e=embedders["onnx-int8"], bs=bs: e.encode(xs, batch_size=bs))

    # the store's vector cache, filled by a first qualkit run
    default = embedders.get("onnx-int8") or next(iter(embedders.values()))
    tmp = Path(tempfile.mkdtemp(prefix="qualkit_embed_bench_"))
    try:
        from qualkit.store import Store

        store, cache_kind = Store(tmp / "project.db"), "qualkit.store (SQLite file)"
    except ImportError:
        store, cache_kind = None, "dict"
    mem: dict = {}

    def put(model_id, vectors):
        if store is not None:
            store.put_vectors(model_id, vectors)
        else:
            mem.update({(model_id, h): v for h, v in vectors.items()})

    def get(model_id, hashes):
        if store is not None:
            return store.get_vectors(model_id, hashes)
        return {h: mem[(model_id, h)] for h in hashes if (model_id, h) in mem}

    calls = {"n": 0}

    def cached_run(items):
        hashes = [embed.text_hash(t) for t in items]
        found = get(default.model_id, hashes)
        todo = {h: t for h, t in zip(hashes, items) if h not in found}
        if todo:
            calls["n"] += 1
            vecs = default.encode(list(todo.values()), batch_size=args.batch_size)
            fresh = dict(zip(todo, vecs))
            put(default.model_id, fresh)
            found.update(fresh)
        return np.vstack([found[h] for h in hashes])

    cached_run(texts)  # first run fills the cache (not timed here: it is the qualkit row)
    calls["n"] = 0
    whole = {"cached re-run": lambda: cached_run(texts)}
    rnd = random.Random(1)

    def edited_run():
        edited = list(texts)
        for i in rnd.sample(range(len(texts)), max(1, len(texts) // 100)):
            edited[i] = edited[i][:-1] + f" (edit {rnd.random():.6f})."
        return cached_run(edited)

    whole["edited 1% re-run"] = edited_run

    base_model.encode(texts[:64])  # warm-up: first batch, thread pools, allocators
    for e in embedders.values():
        e.encode(texts[:64])

    # Interleaved per chunk: every method encodes the same chunk back to back (rotating order),
    # so a burst of load from other processes hits them alike; best of the rounds per chunk.
    chunks = [texts[i:i + args.chunk] for i in range(0, len(texts), args.chunk)]
    names = list(methods)
    best = {k: [float("inf")] * len(chunks) for k in names}
    cpu = {k: [float("inf")] * len(chunks) for k in names}
    parts = {k: [None] * len(chunks) for k in names}
    for k in whole:
        best[k], cpu[k] = [float("inf")], [float("inf")]
    vecs = {}
    for r in range(args.rounds):
        for c, chunk in enumerate(chunks):
            shift = (r + c) % len(names)
            for k in names[shift:] + names[:shift]:
                c0 = time.process_time()
                secs, v = timed(lambda: methods[k](chunk))
                best[k][c] = min(best[k][c], secs)
                cpu[k][c] = min(cpu[k][c], time.process_time() - c0)
                parts[k][c] = np.asarray(v, dtype=np.float32)
        for k, fn in whole.items():
            calls_before, c0 = calls["n"], time.process_time()
            secs, v = timed(fn)
            best[k][0], cpu[k][0] = min(best[k][0], secs), min(cpu[k][0], time.process_time() - c0)
            vecs[k] = np.asarray(v, dtype=np.float32)
            if k == "cached re-run":
                assert calls["n"] == calls_before, "cached re-run called the model"
    load_after = os.getloadavg()
    vecs.update({k: np.vstack(parts[k]) for k in names})
    names += list(whole)
    best = {k: sum(v) for k, v in best.items()}
    cpu = {k: sum(v) for k, v in cpu.items()}

    ref = vecs["baseline ST"] / np.linalg.norm(vecs["baseline ST"], axis=1, keepdims=True)
    rows = []
    for k in names:
        v = vecs[k] / np.linalg.norm(vecs[k], axis=1, keepdims=True)
        cos = (v * ref).sum(1) if k != "edited 1% re-run" else None
        rows.append({"method": k, "seconds": round(best[k], 4), "cpu_seconds": round(cpu[k], 3),
                     "per_s": round(len(texts) / best[k], 1),
                     "speedup": round(best["baseline ST"] / best[k], 2),
                     "mean_cos": None if cos is None else round(float(cos.mean()), 5),
                     "min_cos": None if cos is None else round(float(cos.min()), 5)})
    independence = {b: batch_independence(lambda xs, e=e: e.encode(xs, batch_size=args.batch_size),
                                          texts) for b, e in embedders.items()}
    import onnxruntime
    import sentence_transformers
    import torch

    result = {
        "n": len(texts), "mean_words": round(float(words), 1), "rounds": args.rounds,
        "chunk": args.chunk,
        "batch_size": args.batch_size, "threads": embed.cpu_threads(),
        "cpu": platform.processor() or platform.machine(), "load_avg_before": load_before,
        "load_avg_after": load_after, "cache": cache_kind, "model_id": default.model_id,
        "prepare": prep, "rows": rows, "batch_independence": independence,
        "versions": {"torch": torch.__version__, "onnxruntime": onnxruntime.__version__,
                     "sentence_transformers": sentence_transformers.__version__},
    }
    print(f"{len(texts)} sentences, {words:.1f} words on average, batch {args.batch_size}, "
          f"{embed.cpu_threads()} threads; per chunk of {args.chunk}, best of {args.rounds} "
          f"interleaved rounds, summed")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"cache: {cache_kind}")
    for b, info in prep.items():
        cos = ("" if info.get("mean_cosine") is None
               else f", check-set mean cos {info['mean_cosine']:.4f}")
        print(f"  {b}: {info['model_id']} ({info.get('recipe', '')}{cos}); prepare "
              f"{info['prepare_seconds']} s{' (exported)' if info.get('exported') else ''}, "
              f"load {info['load_seconds']} s{'; ' + info['note'] if info.get('note') else ''}")
    print(f"\n{'method':28s} {'seconds':>9s} {'cpu s':>8s} {'sent/s':>9s} {'speed-up':>9s} "
          f"{'mean cos':>9s} {'min cos':>9s}")
    for row in rows:
        mc = "" if row["mean_cos"] is None else f"{row['mean_cos']:.4f}"
        mn = "" if row["min_cos"] is None else f"{row['min_cos']:.4f}"
        print(f"{row['method']:28s} {row['seconds']:9.3f} {row['cpu_seconds']:8.2f} "
              f"{row['per_s']:9.0f} "
              f"{row['speedup']:8.2f}x {mc:>9s} {mn:>9s}")
    print("\nbatch independence (first 100 texts vs the same texts in the whole list): "
          "max |diff|, vectors not bit-identical, min cosine")
    for b, ind in independence.items():
        print(f"  {b:20s} " + "; ".join(f"{k} {v['max_abs']:.1e}, {v['differ']}/100, "
                                       f"{v['min_cos']:.6f}" for k, v in ind.items()))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if store is not None:
        store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return result


if __name__ == "__main__":
    main()
