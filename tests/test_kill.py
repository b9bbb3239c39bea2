"""SIGKILL at random moments (issue #9): a coding process and an ingest are killed 20 times
each; after every kill the store opens, passes SQLite's integrity and foreign-key checks, and
holds everything the child reported as saved (at most one more: a commit whose report the kill
cut off). The killed runs show as interrupted, and a final ingest gives exactly what a clean
ingest gives."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import qualkit as qk

from conftest import write

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
KILLS = 20
CODES = ["barrier.information_governance", "barrier.culture", "enabler.senior_commitment"]
CODER = """
import sys, qualkit as qk
p = qk.open_project(sys.argv[1])
coder, ids, codes = sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")
p.codeframe()
print("ready", flush=True)
for i, sid in enumerate(ids):
    code = codes[i % len(codes)]
    p.code(sid, code, coder=coder)
    print("saved", sid, code, flush=True)
print("finished", flush=True)
"""
INGESTER = """
import sys, qualkit as qk
from qualkit.segment import segment_document
p = qk.open_project(sys.argv[1])
segment_document("warm-up", "P1: Load spaCy first. Then read.", [])
print("ready", flush=True)
p.ingest(progress=lambda step: print("done", step.item, flush=True))
print("finished", flush=True)
"""


class Child:
    """A child process whose complete stdout lines are collected while it runs."""

    def __init__(self, code: str, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-c", code, *args], env=ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for raw in self.proc.stdout:
            if raw.endswith("\n"):  # a line cut by the kill was not reported
                self.lines.append(raw.rstrip("\n"))
                if raw.startswith("ready"):
                    self.ready.set()
        self.ready.set()

    def kill_after(self, seconds: float, lines: int = 0, prefix: str = "") -> None:
        """SIGKILL ``seconds`` after the child said it was ready (and had printed ``lines``
        lines starting with ``prefix``); asserts it was killed (or had finished), not ended
        by an error of its own."""
        self.ready.wait(timeout=120)
        deadline = time.monotonic() + 120
        while (sum(line.startswith(prefix) for line in self.lines) < lines
               and self.proc.poll() is None and time.monotonic() < deadline):
            time.sleep(0.001)
        time.sleep(seconds)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(timeout=30)
        errors = self.proc.stderr.read()
        self.proc.stderr.close()
        assert self.proc.returncode == -signal.SIGKILL or "finished" in self.lines, errors


def interview(i: int, variant: int = 0) -> str:
    turns = [f"Interviewer: Question {j} about linking records in area {i}?\n"
             f"P{i}: In area {i} we linked dataset {j} in round {variant}. It took {j + 2} "
             f"months. Governance was the hard part.\n" for j in range(40)]
    return "".join(turns)


@pytest.fixture
def coded_project(tmp_path):
    p = qk.init_project(tmp_path / "study")
    for i in range(3):
        write(p.root / "transcripts" / f"t{i}.txt", interview(i))
    p.ingest()
    yield p
    p.close()


@pytest.mark.slow
def test_coding_killed_20_times_loses_nothing_reported(coded_project):
    root, rng = coded_project.root, random.Random(9)
    ids = list(coded_project.segments()["segment_id"])
    coded_project.close()
    saved_total = 0
    for k in range(KILLS):
        coder = f"coder{k}"
        rng.shuffle(ids)
        child = Child(CODER, str(root), coder, ",".join(ids), ",".join(CODES))
        child.kill_after(rng.uniform(0.0, 1.2))
        reported = {tuple(line.split()[1:]) for line in child.lines if line.startswith("saved")}
        p = qk.open_project(root)
        assert p.store.integrity_ok()
        stored = {(r.segment_id, r.code_id) for r in p.codings(coder=coder).itertuples()}
        assert reported <= stored, f"kill {k}: reported but missing {reported - stored}"
        assert len(stored) - len(reported) <= 1
        saved_total += len(reported)
        p.close()
    assert saved_total > 10 * KILLS  # the kills landed while codings were being written


@pytest.mark.slow
def test_ingest_killed_20_times_leaves_whole_documents_only(tmp_path):
    rng = random.Random(4)
    p = qk.init_project(tmp_path / "study")
    root = p.root
    for i in range(30):
        write(root / "transcripts" / f"t{i:02d}.txt", interview(i))
    p.close()
    done, interrupted = 0, 0
    for k in range(KILLS):
        for i in rng.sample(range(30), 15):  # work for this round: changed files
            write(root / "transcripts" / f"t{i:02d}.txt", interview(i, variant=k))
        child = Child(INGESTER, str(root))
        # after a random number of files, a random moment into the next one
        child.kill_after(rng.uniform(0.0, 0.05), lines=rng.randrange(30), prefix="done")
        reported = [line.split(" ", 1)[1] for line in child.lines if line.startswith("done")]
        p = qk.open_project(root)
        assert p.store.integrity_ok()
        check_documents_whole(p)
        hashes = {r["path"]: r["content_hash"] for r in p.store.documents()}
        for shown in reported:  # reported done: in the store as the file was then
            assert shown in hashes, f"kill {k}: {shown} reported but not stored"
        status = p.status()["runs"][0]["status"]
        assert status in ("interrupted", "ok")
        done += len(reported)
        interrupted += status == "interrupted"
        p.close()
    assert done > KILLS and interrupted >= KILLS // 2  # the kills landed during the work
    p = qk.open_project(root)
    p.ingest()
    fresh = qk.init_project(tmp_path / "fresh")
    for f in (root / "transcripts").glob("*.txt"):
        write(fresh.root / "transcripts" / f.name, f.read_text())
    fresh.ingest()
    assert list(p.segments()["segment_id"]) == list(fresh.segments()["segment_id"])
    assert all(r["status"] != "running" for r in p.status()["runs"])
    p.close()
    fresh.close()


def check_documents_whole(p: qk.Project) -> None:
    """Every stored document is one version: its hash is its text's file, its segments index it."""
    by_doc = dict(tuple(p.segments().groupby("document")))
    for row in p.store.documents():
        text = p.store.document_text(row["name"])
        file_bytes = (p.root / row["path"]).read_bytes()
        segs = by_doc[row["name"]]
        assert len(segs) == row["n_segments"] > 0
        assert all(text[s.start:s.end] == s.text for s in segs.itertuples())
        if hashlib.sha256(file_bytes).hexdigest() == row["content_hash"]:
            assert text == file_bytes.decode()
