"""Time the Excel export on a synthetic 50,000-segment, 40-code project.

    .venv/bin/python bench/export.py                    # 50,000 segments, best of 3
    .venv/bin/python bench/export.py --segments 5000 --repeat 1

The project is random but seeded: 500 documents (100 segments each) with two attributes,
40 codes (8 top-level codes with 4 sub-codes each), two coders who each code ~60 % of the
segments with one or two codes, 150 FOI letters. The Quotes sheet is given *every* coded
segment (code, rank, document, speaker, offsets, text) -- the worst case, a full listing of
coded text -- so the workbook holds ~90,000 wrapped text rows; ``--quotes-per-code 10`` gives
the usual selection instead.

Timed, in the same process, best of ``--repeat``:
- ``assemble``: computing every matrix and table from the frames;
- ``write_workbook``: writing the formatted workbook (the goal: <= 5 s on 2 cores);
- baseline: ``DataFrame.to_excel`` (openpyxl engine) of the same ``WorkbookData`` frames,
  one sheet each, no formatting, no charts -- what a notebook user would do by hand.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qualkit.export.excel import write_workbook  # noqa: E402
from qualkit.export.workbook import WorkbookData, assemble  # noqa: E402
from qualkit.foi.tally import tally  # noqa: E402
from qualkit.models import Code  # noqa: E402

WORDS = ("data linkage consent health education social care systems school census children "
         "families records sharing agreement governance leadership budget dashboard team "
         "analyst council nhs number identifier quality missing access legal basis").split()


def synthetic(n_segments: int, seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    codes = []
    for t in range(8):
        codes.append(Code(f"theme{t}", f"Theme {t} of the codeframe"))
        codes += [Code(f"theme{t}.sub{s}", f"Sub-code {s} of theme {t}", parent=f"theme{t}")
                  for s in range(4)]
    n_docs = max(3, n_segments // 100)
    docs = pd.DataFrame({"document": [f"doc-{i:04d}.txt" for i in range(n_docs)],
                         "kind": rng.choice(["transcript", "foi"], n_docs, p=[0.7, 0.3]),
                         "role": rng.choice(["parent", "teacher", "social worker", "nurse"],
                                            n_docs),
                         "region": rng.choice([f"region {r}" for r in range(9)], n_docs)})
    doc_of = np.repeat(docs["document"].to_numpy(), n_segments // n_docs + 1)[:n_segments]
    lengths = rng.integers(8, 45, n_segments)
    vocab = np.array(WORDS)
    texts = [" ".join(vocab[rng.integers(0, len(vocab), k)]).capitalize() + "."
             for k in lengths]
    segs = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n_segments)], "document": doc_of,
                         "speaker": rng.choice(["P1", "P2", "Interviewer"], n_segments),
                         "start": np.arange(n_segments) * 200, "text": texts})
    segs["end"] = segs["start"] + segs["text"].str.len()
    leaf = [c.id for c in codes]
    rows = []
    for coder in ("ana", "ben"):
        coded = rng.random(n_segments) < 0.6
        for i in np.flatnonzero(coded):
            for cid in rng.choice(leaf, rng.integers(1, 3), replace=False):
                rows.append((f"s{i}", doc_of[i], cid, coder))
    codings = pd.DataFrame(rows, columns=["segment_id", "document", "code_id", "coder"])
    return {"codes": codes, "documents": docs, "segments": segs, "codings": codings}


def foi_frames(n_letters: int, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    docs = pd.DataFrame({"document": [f"la-{i}.txt" for i in range(n_letters)], "kind": "foi",
                         "authority_type": rng.choice(["unitary", "metropolitan district",
                                                       "london borough", "county council"],
                                                      n_letters)})
    rows = []
    for d in docs["document"]:
        rows.append((d, "q1_link_edu_social", rng.choice(["yes", "no", "in development",
                                                          "unclear"]), []))
        opts = list(rng.choice(["school_census", "cin_census", "cla_return", "other"],
                               rng.integers(1, 4), replace=False))
        rows.append((d, "q2_datasets", "selected", opts))
        rows.append((d, "q5_link_health", rng.choice(["yes", "no", "in development"]), []))
    answers = pd.DataFrame(rows, columns=["document", "question", "answer", "options"])
    return answers, docs


def quotes_of(codings: pd.DataFrame, segs: pd.DataFrame, per_code: int = 0) -> pd.DataFrame:
    """Every coded segment as a quote (``per_code`` 0), or the first ``per_code`` per code."""
    q = codings.drop_duplicates(["segment_id", "code_id"]).merge(
        segs[["segment_id", "speaker", "start", "end", "text"]], on="segment_id")
    q["rank"] = q.groupby("code_id").cumcount() + 1
    if per_code:
        q = q[q["rank"] <= per_code]
    return q[["code_id", "rank", "document", "speaker", "start", "end", "text"]]


def baseline(path: Path, book: WorkbookData) -> None:
    """The workbook's frames, each written by pandas to its own sheet, unformatted."""
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        book.summary.to_excel(xw, sheet_name="Summary", index=False)
        book.code_frequencies.to_excel(xw, sheet_name="Frequencies", index=False)
        book.code_by_document.to_excel(xw, sheet_name="Codes x Documents")
        book.presence.to_excel(xw, sheet_name="Code presence")
        for i, t in enumerate(book.code_by_attribute.values()):
            t.to_excel(xw, sheet_name=f"Attr {i}", index=False)
        book.cooccurrence_segment.to_excel(xw, sheet_name="Co-occ seg")
        book.cooccurrence_document.to_excel(xw, sheet_name="Co-occ doc")
        book.quotes.to_excel(xw, sheet_name="Quotes", index=False)
        book.foi_tally.to_excel(xw, sheet_name="FOI tallies", index=False)
        book.codebook.to_excel(xw, sheet_name="Codebook", index=False)


def best(fn, repeat: int) -> tuple[float, float]:
    """Fastest wall-clock run and its CPU seconds (the CPU figure suffers less when other
    processes share the cores)."""
    runs = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quotes-per-code", type=int, default=0,
                    help="quotes per code on the Quotes sheet (0 = every coded segment)")
    ap.add_argument("--keep", type=Path, help="also save the qualkit workbook here (to render)")
    args = ap.parse_args()
    f = synthetic(args.segments)
    answers, foi_docs = foi_frames(150)
    quotes = quotes_of(f["codings"], f["segments"], args.quotes_per_code)
    kw = dict(project="bench", coders=["ana", "ben"], exported="2024-01-01", quotes=quotes,
              foi_answers=answers, foi_tally=tally(answers, foi_docs))
    book = assemble(f["codings"], f["segments"], f["documents"], f["codes"], **kw)
    out = Path(tempfile.mkdtemp(prefix="qualkit_export_bench_"))
    t_assemble = best(lambda: assemble(f["codings"], f["segments"], f["documents"], f["codes"],
                                       **kw), args.repeat)
    t_write = best(lambda: write_workbook(out / "qualkit.xlsx", book), args.repeat)
    t_base = best(lambda: baseline(out / "baseline.xlsx", book), args.repeat)
    size = lambda p: os.path.getsize(out / p) / 1e6  # noqa: E731
    print(f"segments {len(f['segments']):,}  codings {len(f['codings']):,}  codes "
          f"{len(f['codes'])}  documents {len(f['documents'])}  quote rows {len(quotes):,}  "
          f"load {os.getloadavg()[0]:.1f}  best of {args.repeat}")
    print("| step | seconds | CPU s | file MB |\n|---|---|---|---|")
    print(f"| assemble (matrices, tables) | {t_assemble[0]:.2f} | {t_assemble[1]:.2f} | |")
    print(f"| qualkit write_workbook (formatted) | {t_write[0]:.2f} | {t_write[1]:.2f} | "
          f"{size('qualkit.xlsx'):.1f} |")
    print(f"| baseline DataFrame.to_excel, same frames | {t_base[0]:.2f} | {t_base[1]:.2f} | "
          f"{size('baseline.xlsx'):.1f} |")
    print(f"| qualkit assemble + write | {t_assemble[0] + t_write[0]:.2f} | "
          f"{t_assemble[1] + t_write[1]:.2f} | |")
    print(f"write_workbook vs baseline: {t_write[0] / t_base[0]:.2f}x the time")
    if args.keep:
        write_workbook(args.keep, book, mode=0o644)
        print("kept", args.keep)


if __name__ == "__main__":
    main()
