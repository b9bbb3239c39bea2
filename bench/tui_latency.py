"""Coding app on a big project: time to first screen, and key press to committed coding.

    .venv/bin/python bench/tui_latency.py                 # 50,000 segments (built once, cached)
    .venv/bin/python bench/tui_latency.py --segments 5000 --toggles 200

Builds (once, in --cache) a project of invented interviews with ``--segments`` sentences,
ingested and embedded with the fake embedder (vectors are cached in the store, as after
``qualkit analyse``). Then, each in a fresh process:

* **first screen**: from interpreter start (before importing qualkit or textual) to the coding
  screen showing its rows (the load worker done and the list filled), headless; CPU seconds
  beside wall time; ``--rounds`` cold processes.
* **toggles**: ``--toggles`` code toggles, each ONE key press (Enter on a code in the tree:
  apply, then the same key takes it off), on successive segments. Timed per press from
  posting the key until the app is idle again, i.e. committed *and* drawn; the store commit
  alone is timed inside too. The store is checked from a separate connection as it goes.
* **suggestions**: ``Project.suggest`` for the 60 segments a screen shows (what each worker
  call computes), with 50,000 segments in the project.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = ("data linkage health education social care council school census children records "
         "agreement governance analyst dashboard NHS number identifier quality system team "
         "budget partners information sharing consent board commissioning review outcome "
         "plan early help SEND EHCP caseload service family nurse GP hospital trust area "
         "week year month meeting report always never really honestly quite").split()


def make_project(root: Path, n_segments: int, per_doc: int = 200) -> None:
    import qualkit as qk

    if (root / ".qualkit" / "built").exists():
        return
    rng = random.Random(7)
    p = qk.init_project(root)
    (root / "qualkit.yaml").write_text("embed:\n  backend: fake\n", encoding="utf-8")
    for d in range(n_segments // per_doc):
        lines = []
        for k in range(per_doc // 2):
            who = "Interviewer" if k % 4 == 0 else f"P{d % 7 + 1}"
            sents = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18))).capitalize()
                     + "." for _ in range(2)]
            lines.append(f"{who}: {' '.join(sents)}")
        (root / "transcripts" / f"interview-{d:04d}.txt").write_text("\n".join(lines) + "\n",
                                                                     encoding="utf-8")
    p = qk.open_project(root)
    t = time.perf_counter()
    p.ingest()
    print(f"built: {len(p.segments())} segments, ingest {time.perf_counter() - t:.0f} s",
          file=sys.stderr)
    p.embed()
    p.close()
    (root / ".qualkit" / "built").write_text("ok", encoding="utf-8")


FIRST_SCREEN = r"""
import time, os
t0 = time.perf_counter(); c0 = time.process_time()
import asyncio, json, sys
from qualkit.tui.app import make_app
from qualkit.tui.widgets.segment_list import SegmentList

async def main():
    app = make_app(sys.argv[1], coder="bench")
    async with app.run_test(size=(120, 40)) as pilot:
        while app.session is None or not app.screen.query_one(SegmentList).rows:
            await asyncio.sleep(0.005)
        await pilot.pause()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({"wall": wall, "cpu": cpu, "rows": len(app.session.ids)}))
        app.exit()

asyncio.run(main())
"""

TOGGLES = r"""
import asyncio, json, sys, time
sys.path.insert(0, sys.argv[3])
import qualkit as qk
from qualkit.tui.app import make_app
from qualkit.tui.session import Session
from qualkit.tui.widgets.code_tree import CodeTree
from qualkit.tui.widgets.segment_list import SegmentList
from tui_support import settle
from qualkit.tui.screens.coding import SUGGEST_DELAY, CodingScreen
CodingScreen.suggest_delay = SUGGEST_DELAY  # the app as shipped (tests shorten it)

commits, committed_at = [], []
_set = Session.set_code
def timed(self, *a, **k):
    t = time.perf_counter(); out = _set(self, *a, **k); commits.append(time.perf_counter() - t)
    committed_at.append(time.perf_counter())
    return out
Session.set_code = timed

async def main(root, n):
    app = make_app(root, coder="bench")
    check = qk.open_project(root)
    lat, bad = [], 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sl = app.screen.query_one(SegmentList)
        tree = app.screen.query_one(CodeTree)
        tree.focus(); await pilot.pause()
        tree.select_code("barrier.culture"); await pilot.pause()
        key_to_commit = []
        for i in range(n):
            t = time.perf_counter()
            await pilot.press("enter")
            lat.append(time.perf_counter() - t)
            key_to_commit.append(committed_at[-1] - t)
            if i % 50 == 0:  # committed: another connection sees it
                want = 1 if i % 2 == 0 else 0
                got = len(check.codings("bench"))
                bad += got != want
            if i % 2 == 1:
                sl.go(sl.cursor + 1); await pilot.pause()
        print(json.dumps({"lat": lat, "k2c": key_to_commit, "commit": commits, "bad": bad,
                          "final": len(check.codings("bench"))}))
        app.exit()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


NOOP = r"""
import asyncio, json, time
from textual.app import App
from textual.widgets import Static

class Noop(App):
    BINDINGS = [("x", "noop", "x")]
    def compose(self):
        yield Static("x")
    def action_noop(self):
        pass

async def main():
    app = Noop()
    async with app.run_test(size=(120, 40)) as pilot:
        out = []
        for _ in range(100):
            t = time.perf_counter(); await pilot.press("x"); out.append(time.perf_counter() - t)
        print(json.dumps(out))

asyncio.run(main())
"""


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def run(code: str, *args: str) -> dict:
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         cwd=REPO)
    line = [x for x in res.stdout.splitlines() if x.startswith(("{", "["))]
    if res.returncode or not line:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(line[-1])


def bench_suggest(root: Path) -> list[float]:
    import qualkit as qk

    with qk.open_project(root) as p:
        ids = list(p.segments()["segment_id"])
        times = []
        for k in range(5):
            t = time.perf_counter()
            p.suggest(segment_ids=ids[k * 60:(k + 1) * 60], k=6, coder="bench")
            times.append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=50_000)
    ap.add_argument("--toggles", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/qualkit-bench"))
    a = ap.parse_args()
    root = a.cache / f"tui-{a.segments}"
    make_project(root, a.segments)
    firsts = [run(FIRST_SCREEN, str(root)) for _ in range(a.rounds)]
    walls = [f["wall"] for f in firsts]
    print(f"first screen, {firsts[0]['rows']} segments: wall "
          + ", ".join(f"{w:.2f}" for w in walls) + " s (median "
          f"{statistics.median(walls):.2f}); CPU "
          + ", ".join(f"{f['cpu']:.2f}" for f in firsts) + " s")
    t = run(TOGGLES, str(root), str(a.toggles), str(REPO / "tests"))
    lat, com = [x * 1000 for x in t["lat"]], [x * 1000 for x in t["commit"]]
    k2c = [x * 1000 for x in t["k2c"]]
    print(f"{len(lat)} toggles: key press to committed median {statistics.median(k2c):.1f} ms, "
          f"p95 {pct(k2c, .95):.1f} ms, max {max(k2c):.1f} ms (store commit alone: median "
          f"{statistics.median(com):.1f} ms, p95 {pct(com, .95):.1f} ms); key press until the "
          f"app is idle again (drawn): median {statistics.median(lat):.1f} ms, p95 "
          f"{pct(lat, .95):.1f} ms; checks failed {t['bad']}, left coded {t['final']}")
    base = run(NOOP)
    print(f"(the pilot's own floor, a no-op key in an empty app: median "
          f"{statistics.median(base) * 1000:.1f} ms)")
    sug = bench_suggest(root)
    print("suggestions for 60 segments: " + ", ".join(f"{s:.2f}" for s in sug) + " s")


if __name__ == "__main__":
    main()
