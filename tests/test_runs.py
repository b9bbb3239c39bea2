"""Runs never stay 'running' forever (issue #9): a killed process's run is shown as
interrupted on the next start or status; Ctrl-C and crashes close their run at once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import qualkit as qk
from qualkit.ingest.pipeline import Ingester
from qualkit.store.liveness import this_process

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
STARTER = """
import sys, time, qualkit as qk
p = qk.open_project(sys.argv[1])
print(p.store.start_run("ingest", {}), flush=True)
time.sleep(120)
"""


def run_status(p: qk.Project, run_id: int) -> str:
    return next(r["status"] for r in p.status()["runs"] if r["id"] == run_id)


def start_in_child(root: Path) -> tuple[subprocess.Popen, int]:
    child = subprocess.Popen([sys.executable, "-c", STARTER, str(root)], stdout=subprocess.PIPE,
                             text=True, env=ENV)
    return child, int(child.stdout.readline())


def test_a_killed_process_run_is_interrupted_at_the_next_status(project):
    child, run_id = start_in_child(project.root)
    try:
        assert run_status(project, run_id) == "running"  # alive: left alone
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert run_status(project, run_id) == "interrupted"
    row = project.store.runs()[0]
    assert row["finished"] and f"process {child.pid} on" in row["summary"]


def test_a_killed_run_is_interrupted_when_the_next_run_starts(project):
    child, run_id = start_in_child(project.root)
    child.kill()
    child.wait()
    project.ingest()
    statuses = {r["id"]: r["status"] for r in project.store.runs()}
    assert statuses[run_id] == "interrupted" and statuses[run_id + 1] == "ok"


def test_a_reused_pid_is_not_taken_for_the_run_process(project):
    pid, host, _ = this_process()
    with project.store.transaction() as c:
        c.execute("INSERT INTO runs(stage, started, pid, host, process_start) "
                  "VALUES ('embed', 'x', ?, ?, 'another-boot:123')", (pid, host))
        c.execute("INSERT INTO runs(stage, started) VALUES ('embed', 'x')")  # an older qualkit
        c.execute("INSERT INTO runs(stage, started, pid, host) VALUES ('themes', 'x', 1, "
                  "'another-machine')")
    statuses = [r["status"] for r in reversed(project.status()["runs"])]
    assert statuses == ["interrupted", "interrupted", "running"]  # another host: cannot tell


def test_ctrl_c_closes_the_run_as_interrupted(project, monkeypatch):
    def interrupt(self, paths, progress=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(Ingester, "run", interrupt)
    with pytest.raises(KeyboardInterrupt):
        project.ingest()
    assert project.store.runs()[0]["status"] == "interrupted"


def test_a_crash_closes_the_run_as_failed(project, monkeypatch):
    def crash(self, paths, progress=None):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Ingester, "run", crash)
    with pytest.raises(ZeroDivisionError):
        project.ingest()
    row = project.store.runs()[0]
    assert row["status"] == "failed" and "a bug" in row["summary"]


def test_status_command_shows_interrupted(project):
    child, run_id = start_in_child(project.root)
    child.kill()
    child.wait()
    r = subprocess.run([sys.executable, "-m", "qualkit", "-C", str(project.root), "status"],
                       capture_output=True, text=True, env={**ENV, "COLUMNS": "200"})
    assert r.returncode == 0
    assert any(f"│ {run_id} " in line and "interrupted" in line for line in r.stdout.splitlines())
