"""A killed coding app (kill -9, a closed terminal) loses nothing the screen showed as saved:
every coding is committed before the screen shows it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import qualkit as qk

from tui_support import ingested_sample

TESTS = Path(__file__).resolve().parent
SCRIPT = """
import asyncio, sys
sys.path.insert(0, {tests!r})
from qualkit.tui.app import make_app
from tui_support import settle

async def main(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(5):
            await pilot.press("1")
            await settle(app, pilot, rounds=1)
        print("SHOWN", app.session.coded, flush=True)
        await asyncio.sleep(600)  # killed here

asyncio.run(main(sys.argv[1]))
"""


def test_kill_9_after_coding_loses_nothing(tmp_path_factory, tmp_path):
    root = ingested_sample(tmp_path_factory, tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT.format(tests=str(TESTS)), str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=TESTS.parent)
    line = proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert line.strip() == "SHOWN 5", proc.stderr.read()[-2000:]
    with qk.open_project(root) as p:
        assert len(p.codings("ana")) == 5
        assert p.store.integrity_ok()
