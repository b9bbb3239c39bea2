"""What does qualkit make of real transcripts? Found speakers, turns and header fields vs expected.

    .venv/bin/python bench/transcripts_eval.py FOLDER EXPECTED.yaml          # the table
    .venv/bin/python bench/transcripts_eval.py FOLDER EXPECTED.yaml --show F # one file's units

Real transcripts (Teams/Zoom exports, Otter text, research transcripts) name real people and
carry varied licences, so neither they nor the file of expectations live in the repo: both are
given on the command line (bench/README.md says where ours came from). Each file goes through
the ingest path a project uses (``read_file`` -> ``build_transcript`` -> ``decide_parties`` ->
``segment_document``, sentence units), without a store.

EXPECTED.yaml, one entry per file name (keys optional)::

    interview-3.txt:
      layout: research txt          # shown in the table
      speakers: {Interviewer: interviewer, Dana Smith: participant}   # name -> party
      turns: [40, 60]               # speech turns (after merging a speaker's consecutive turns)
      header: [date, interviewer]   # attribute names the header should give
      not_in_speech: ["Transcribed by"]   # text that must not be inside a speech segment

Scored per file: speakers found and missed (by name, case-insensitive), extra speakers, parties
right (of the expected speakers found), turns within range, header fields found, and speech
sentences that hold a ``not_in_speech`` string or a bare speaker/time label (``0:23``,
``**Name**``) -- text that is not speech but was read as speech.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualkit.ingest.parties import UNKNOWN, decide_parties, fold  # noqa: E402
from qualkit.ingest.readers import read_file  # noqa: E402
from qualkit.ingest.transcript import build_transcript  # noqa: E402
from qualkit.models import ReadError  # noqa: E402
from qualkit.segment import SegmentSettings, segment_document  # noqa: E402

# a time or a bold name standing where speech should start or end
_LABEL_LEAK = re.compile(r"^\s*(?:\*\*[^*\n]{1,40}\*\*|\[?\d{1,2}:\d{2}(?::\d{2})?\]?)(?:\s|$)"
                         r"|\s\d{1,2}:\d{2}(?::\d{2})?\s*$")


@dataclass
class Outcome:
    name: str
    layout: str = ""
    error: str = ""
    speakers: dict[str, str] = field(default_factory=dict)  # found name -> party
    turns: int = 0
    sentences: int = 0
    header: dict[str, str] = field(default_factory=dict)
    annotations: int = 0
    leaks: list[str] = field(default_factory=list)
    units: list = field(default_factory=list)
    text: str = ""


def analyse(path: Path, forbidden: list[str]) -> Outcome:
    out = Outcome(path.name)
    try:
        result = read_file(path)
    except ReadError as e:
        out.error = str(e)
        return out
    t = build_transcript(result)
    decisions = decide_parties(t.labels, t.header.speaker_names)
    out.speakers = {k: d.party for k, d in decisions.items()}
    speech = [u for u in t.units if not u.nonspeech]
    out.turns = sum(1 for i, u in enumerate(speech)
                    if i == 0 or u.speaker != speech[i - 1].speaker or u.speaker is None)
    out.header, out.annotations = dict(t.header.fields), len(t.annotations)
    units = [_with_party(u, decisions) for u in t.units]
    segments = segment_document(path.name, result.text, units, SegmentSettings())
    spoken = [s for s in segments if s.flags != "nonspeech"]
    out.sentences = len(spoken)
    out.leaks = [s.text for s in spoken
                 if _LABEL_LEAK.search(s.text) or any(f in s.text for f in forbidden)]
    out.units, out.text = t.units, result.text
    return out


def _with_party(unit, decisions):
    from dataclasses import replace

    return replace(unit, party=decisions[unit.speaker].party if unit.speaker else UNKNOWN)


def score(o: Outcome, want: dict) -> dict[str, object]:
    """The table row of one file against its expectations."""
    exp = {fold(k): v for k, v in (want.get("speakers") or {}).items()}
    found = {fold(k): v for k, v in o.speakers.items()}
    hit = [k for k in exp if k in found]
    lo, hi = (want.get("turns") or [0, 10**9])
    head = want.get("header") or []
    return {
        "file": o.name, "layout": want.get("layout", ""),
        "speakers": f"{len(hit)}/{len(exp)}" + (f" +{len(set(found) - set(exp))}"
                                                 if set(found) - set(exp) else ""),
        "party": f"{sum(found[k] == exp[k] for k in hit)}/{len(hit)}",
        "turns": f"{o.turns}" + ("" if lo <= o.turns <= hi else f" (want {lo}-{hi})"),
        "header": f"{sum(k in o.header for k in head)}/{len(head)}",
        "leaks": len(o.leaks), "sents": o.sentences, "marks": o.annotations,
        "ok": not o.error and len(hit) == len(exp) and lo <= o.turns <= hi
        and all(found[k] == exp[k] for k in hit) and all(k in o.header for k in head)
        and not o.leaks and not (set(found) - set(exp)),
    }


def table(rows: list[dict[str, object]]) -> str:
    cols = ["file", "layout", "speakers", "party", "turns", "header", "leaks", "sents", "marks"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in cols) for r in rows]
    return "\n".join(lines)


def show(o: Outcome, limit: int = 40) -> None:
    print(f"{o.name}: speakers {o.speakers}\nheader {o.header}")
    for u in o.units[:limit]:
        said = o.text[u.start:u.end].replace("\n", " | ")
        flag = " [non-speech]" if u.nonspeech else ""
        print(f"  {u.speaker!s:24.24} {u.timestamp or '':9} {said[:90]!r}{flag}")
    for leak in o.leaks[:10]:
        print(f"  LEAK {leak[:100]!r}")


def main(argv: list[str] | None = None) -> int:
    from ruamel.yaml import YAML

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("expected", type=Path)
    ap.add_argument("--show", help="print one file's units and leaks")
    args = ap.parse_args(argv)
    expected = YAML(typ="safe").load(args.expected.read_text(encoding="utf-8")) or {}
    if args.show:
        show(analyse(args.folder / args.show, expected.get(args.show, {}).get("not_in_speech",
                                                                             [])))
        return 0
    rows = []
    for name, want in sorted(expected.items()):
        o = analyse(args.folder / name, want.get("not_in_speech") or [])
        rows.append(score(o, want) if not o.error else
                    {**score(o, want), "turns": f"ERROR {o.error}"})
    print(table(rows))
    ok = sum(bool(r["ok"]) for r in rows)
    print(f"\n{ok}/{len(rows)} files as expected; speakers "
          f"{sum(int(str(r['speakers']).split('/')[0]) for r in rows)}/"
          f"{sum(int(str(r['speakers']).split('/')[1].split()[0]) for r in rows)} found; "
          f"{sum(int(r['leaks']) for r in rows)} non-speech lines read as speech")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
