"""The two labelled sets the suggestion benchmark scores (not a test).

* ``invented`` -- bench/suggest_labelled.yaml: 336 invented segments, 12 per leaf code, written
  against the shipped codeframe (clean, one topic each).
* ``real``     -- bench/real_labelled.yaml: sentences of the real seeds (three FOI letters and a
  published policy brief in ../shared/seeds), labelled by hand. The file holds only spans,
  hashes and codes; the text is read from the seeds at run time, and the set is absent (None)
  when the seeds are not there (a fresh clone).

Each item: id, text, codes (set), primary, half ("dev"/"test"), and for the real set the
sentences before and after it in its paragraph (``context``), for the context experiments.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def load_invented(path: Path = ROOT / "bench" / "suggest_labelled.yaml") -> list[dict]:
    items = []
    for code, entries in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for i, entry in enumerate(entries):
            text, also = (entry, []) if isinstance(entry, str) else (entry["text"], entry.get("also", []))
            items.append({"id": f"{code}#{i}", "text": text, "codes": {code, *also},
                          "primary": code, "half": "dev" if i % 2 == 0 else "test",
                          "context": ""})
    return items


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The blank-line-delimited paragraph around [start, end)."""
    a = text.rfind("\n\n", 0, start)
    b = text.find("\n\n", end)
    return (0 if a < 0 else a + 2), (len(text) if b < 0 else b)


def load_real(path: Path = ROOT / "bench" / "real_labelled.yaml",
              seeds: Path = SEEDS) -> list[dict] | None:
    """The real-text items, or None when the seeds are absent. Items whose text no longer
    matches its hash are skipped with a note on stderr."""
    if not seeds.is_dir():
        return None
    import sys

    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    items = []
    for i, it in enumerate(spec["items"]):
        f = seeds / it["file"]
        if it["file"] not in texts:
            if not f.is_file():
                print(f"real set: {f} missing; its items are skipped", file=sys.stderr)
                texts[it["file"]] = ""
            else:
                texts[it["file"]] = f.read_text(encoding="utf-8")
        full = texts[it["file"]]
        s, e = it["span"]
        seg = full[s:e]
        if hashlib.sha1(seg.encode("utf-8")).hexdigest()[:8] != it["sha1"]:
            if full:
                print(f"real set: item {i} ({it['file']}:{s}) changed; skipped", file=sys.stderr)
            continue
        ps, pe = _paragraph(full, s, e)
        before = full[ps:s].strip().split("\n")[-1]
        after = full[e:pe].strip().split("\n")[0]
        last = re.split(r"(?<=[.!?])\s+", before)[-1] if before else ""
        first = re.split(r"(?<=[.!?])\s+", after)[0] if after else ""
        codes = set(it["codes"])
        items.append({"id": f"real#{i}", "text": seg, "codes": codes,
                      "primary": sorted(codes)[0], "half": "dev" if i % 2 == 0 else "test",
                      "context": " ".join(x for x in (last, first) if x), "file": it["file"]})
    return items


def top(code: str) -> str:
    return code.split(".", 1)[0]
