"""Ingest speed: qualkit against plain spaCy sentence splitting on the same files.

    .venv/bin/python bench/ingest_bench.py                    # 300 FOI letters + 100 interviews
    .venv/bin/python bench/ingest_bench.py --letters 600 --interviews 200

The corpus is made from the bundled sample project (invented): every FOI letter and every
interview of ``foi/`` and ``transcripts/`` copied ``--letters``/``--interviews`` times in all,
each copy with its own authority or place name swapped in, so no two files share content
(qualkit skips identical files, and a real project's files differ). Timed, each in a fresh
process, on the same files:

* **baseline**: read each file (txt as UTF-8, docx with python-docx, vtt as text) and run
  spaCy's blank English pipeline with the sentencizer over it (``nlp.pipe``): the least any
  tool that splits these files into sentences has to do;
* **qualkit ingest, new project**: discover, read (encodings, limits), speakers and turns, FOI
  answers, sentences with offsets, stable ids, the store (one transaction per document);
* **qualkit ingest again, nothing changed**: what a user pays on every `qualkit analyse`.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLACES = ("Abbotsley Ashcombe Barrowby Calderside Dunmere Eastwick Fallowfield Greyhaven "
          "Hollinsford Ivybridge Juniper Kestwick Longmoor Millbeck Northcote Oldcastle "
          "Pendlebury Quarrington Rushden Stanmore Thornleigh Underwood Valeford Westerby").split()


def make_corpus(root: Path, letters: int, interviews: int) -> None:
    for folder, n in (("foi", letters), ("transcripts", interviews)):
        sources = sorted(p for p in (REPO / folder).iterdir()
                         if p.suffix in (".txt", ".vtt", ".docx"))
        out = root / folder
        out.mkdir(parents=True)
        for i in range(n):
            src = sources[i % len(sources)]
            place = f"{PLACES[i % len(PLACES)]}{i // len(PLACES) or ''}"
            dest = out / f"{src.stem}-{i:04d}{src.suffix}"
            if src.suffix == ".docx":
                _docx_copy(src, dest, place)
            else:
                text = src.read_bytes().decode("utf-8-sig", errors="surrogateescape")
                text = re.sub(r"\b[A-Z][a-z]+(?=\s+(?:Borough|County|City|Metropolitan|"
                              r"Council|ICB))", place, text)
                dest.write_bytes(f"{text}\n\nReference {place}-{i}.\n"
                                 .encode("utf-8", errors="surrogateescape"))


def _docx_copy(src: Path, dest: Path, place: str) -> None:
    import docx

    d = docx.Document(str(src))
    d.add_paragraph(f"Reference {place}.")
    d.save(str(dest))


BASELINE = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
import spacy
nlp = spacy.blank("en"); nlp.add_pipe("sentencizer")
def read(p):
    if p.suffix == ".docx":
        import docx
        return "\n".join(par.text for par in docx.Document(str(p)).paragraphs)
    return p.read_bytes().decode("utf-8-sig", errors="replace")
files = sorted(f for f in Path(sys.argv[1]).rglob("*") if f.suffix in (".txt", ".vtt", ".docx"))
texts = [read(f) for f in files]
n = sum(len(list(doc.sents)) for doc in nlp.pipe(texts, batch_size=64))
print(json.dumps({"seconds": time.perf_counter() - t0, "files": len(files), "sentences": n}))
"""

QUALKIT = r"""
import json, sys, time
t0 = time.perf_counter()
import qualkit as qk
p = qk.open_project(sys.argv[1])
report = p.ingest()
segs = p.store.conn.execute("SELECT count(*) FROM segments WHERE active").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t0, "added": len(report.added),
                  "unchanged": len(report.unchanged), "skipped": len(report.skipped),
                  "segments": segs}))
"""


def run(code: str, *args: str) -> dict:
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    lines = [x for x in res.stdout.splitlines() if x.startswith("{")]
    if res.returncode or not lines:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(lines[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--letters", type=int, default=300)
    ap.add_argument("--interviews", type=int, default=100)
    a = ap.parse_args()
    import qualkit as qk

    with tempfile.TemporaryDirectory(prefix="qualkit-ingest-") as tmp:
        root = Path(tmp) / "study"
        qk.init_project(root).close()
        for sub in ("foi", "transcripts"):
            shutil.rmtree(root / sub, ignore_errors=True)
        make_corpus(root, a.letters, a.interviews)
        base = run(BASELINE, str(root))
        cold = run(QUALKIT, str(root))
        warm = run(QUALKIT, str(root))
    n = base["files"]
    print(f"{a.letters} FOI letters + {a.interviews} interviews ({n} files), 2 cores, each a "
          "fresh process (imports included)\n")
    print("| what | seconds | files/s | result |\n|---|---|---|---|")
    print(f"| baseline: read + spaCy sentencizer (nlp.pipe) | {base['seconds']:.1f} | "
          f"{n / base['seconds']:.0f} | {base['sentences']} sentences |")
    print(f"| qualkit ingest, new project | {cold['seconds']:.1f} | {n / cold['seconds']:.0f} | "
          f"{cold['added']} added, {cold['skipped']} skipped, {cold['segments']} segments |")
    print(f"| qualkit ingest again, nothing changed | {warm['seconds']:.1f} | "
          f"{n / warm['seconds']:.0f} | {warm['unchanged']} unchanged |")


if __name__ == "__main__":
    main()
