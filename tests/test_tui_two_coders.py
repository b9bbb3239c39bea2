"""Two coders with the app open on one project at once, in two processes: each keeps every
coding it made, neither sees "database is locked", and each undo stays with its coder."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import qualkit as qk

from tui_support import ingested_sample

TESTS = Path(__file__).resolve().parent
N = 30
SCRIPT = """
import asyncio, sys
sys.path.insert(0, {tests!r})
from qualkit.tui.app import make_app
from tui_support import settle

async def main(root, coder):
    app = make_app(root, coder=coder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range({n}):
            await pilot.press("1")
            await settle(app, pilot, rounds=1)
        await pilot.press("u")  # the last one, undone: this coder's only
        await settle(app, pilot, rounds=1)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        print("ERRORS:", errors, "CODED:", app.session.coded)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_two_coders_in_two_processes_lose_nothing(tmp_path_factory, tmp_path):
    root = ingested_sample(tmp_path_factory, tmp_path)
    code = SCRIPT.format(tests=str(TESTS), n=N)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root), name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=TESTS.parent) for name in ("ana", "ben")]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        assert f"ERRORS: [] CODED: {N - 1}" in out, out + err[-2000:]
        assert "locked" not in out + err
    with qk.open_project(root) as p:
        by_coder = p.codings().groupby("coder").size().to_dict()
        assert by_coder == {"ana": N - 1, "ben": N - 1}
        assert set(p.codings()["source"]) == {"suggestion"}
