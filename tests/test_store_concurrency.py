"""The store from workers: threads (a TUI worker embedding while the screen codes) and
processes (two coders, an ingest) at once, with no "database is locked" and nothing lost."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import qualkit as qk
from qualkit.embed import FakeEmbedder

from conftest import write

REPO = Path(__file__).resolve().parents[1]


def small_project(root: Path, n: int = 60) -> qk.Project:
    p = qk.init_project(root)
    lines = [f"P{i % 3}: We linked dataset number {i} with the {i % 7} health board records."
             for i in range(n)]
    write(p.root / "transcripts" / "a.txt", "\n".join(lines) + "\n")
    (p.root / "qualkit.yaml").write_text("embed:\n  backend: fake\n", encoding="utf-8")
    p = qk.open_project(p.root)
    p.ingest()
    return p


def test_embed_and_code_from_two_threads(tmp_path):
    p = small_project(tmp_path / "study")
    p.set_embedder(FakeEmbedder())
    ids = list(p.segments()["segment_id"])
    errors: list[BaseException] = []

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 (reported below)
                errors.append(e)
        return run

    def coding():
        for sid in ids:
            p.code(sid, "barrier.information_governance", coder="ana")

    def embedding():
        for _ in range(5):
            p.store.put_vectors("other-model", {})  # writes between encodes, too
            p.embed()

    threads = [threading.Thread(target=guarded(coding)),
               threading.Thread(target=guarded(embedding))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(p.codings(coder="ana")) == len(ids)
    assert p.store.counts()["embedded"] >= len(set(p.segments()["text"]))
    assert p.store.integrity_ok()
    p.close()


WRITER = """
import sys, qualkit as qk
p = qk.open_project(sys.argv[1])
coder, ids = sys.argv[2], sys.argv[3].split(",")
for sid in ids:
    p.code(sid, "barrier.information_governance", coder=coder)
print("ok", coder)
"""


def test_two_coder_processes_and_an_ingest_at_once(tmp_path):
    p = small_project(tmp_path / "study", n=200)
    ids = ",".join(p.segments()["segment_id"])
    p.close()
    write(tmp_path / "study" / "transcripts" / "b.txt",
          "\n".join(f"P1: Another sentence about linkage {i}." for i in range(300)) + "\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "study"), coder, ids],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for coder in ("ana", "ben")]
    ingest = subprocess.Popen([sys.executable, "-m", "qualkit", "-C", str(tmp_path / "study"),
                               "ingest"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    results = [proc.communicate(timeout=300) for proc in procs + [ingest]]
    for proc, (out, err) in zip(procs + [ingest], results):
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err
    p = qk.open_project(tmp_path / "study")
    n = len(ids.split(","))
    assert len(p.codings(coder="ana")) == n and len(p.codings(coder="ben")) == n
    assert len(p.documents()) == 2
    assert p.store.integrity_ok()
    p.close()


def test_store_files_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        p = small_project(tmp_path / "study", n=5)
        p.code(p.segments()["segment_id"][0], "barrier.information_governance", coder="ana")
        state = p.root / ".qualkit"
        assert stat.S_IMODE(state.stat().st_mode) == 0o700
        for f in state.glob("qualkit.db*"):
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        p.close()
    finally:
        os.umask(old)


@pytest.mark.slow
def test_two_coders_write_500_codings_each_while_a_big_ingest_runs(tmp_path):
    """Issue #9: two processes each write 500 codings as different coders (each coding its
    own transaction, as the TUI does) while a third ingests 40 files: none is lost, nobody
    sees 'database is locked', the store passes its integrity checks."""
    p = small_project(tmp_path / "study", n=500)
    ids = ",".join(p.segments()["segment_id"])
    assert len(ids.split(",")) == 500
    p.close()
    for i in range(40):
        write(tmp_path / "study" / "transcripts" / f"more{i:02d}.txt",
              "\n".join(f"P{j % 4}: File {i} says linkage sentence {j} took a while."
                        for j in range(150)) + "\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ingest = subprocess.Popen([sys.executable, "-m", "qualkit", "-C", str(tmp_path / "study"),
                               "ingest"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    procs = [subprocess.Popen([sys.executable, "-c", WAIT_FOR_INGEST + WRITER,
                               str(tmp_path / "study"), coder, ids], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
             for coder in ("ana", "ben")]
    results = [proc.communicate(timeout=900) for proc in procs + [ingest]]
    for proc, (out, err) in zip(procs + [ingest], results):
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err and "busy" not in err
    p = qk.open_project(tmp_path / "study")
    assert len(p.codings(coder="ana")) == 500 and len(p.codings(coder="ben")) == 500
    assert len(p.documents()) == 41
    assert p.store.integrity_ok()
    run = next(r for r in p.store.runs("ingest") if r["summary"] != "{}")
    during = p.codings()["created"].between(run["started"], run["finished"])
    assert during.sum() > 0  # the codings really were written while the ingest ran
    p.close()


WAIT_FOR_INGEST = """
import sys, time, qualkit as qk
q = qk.open_project(sys.argv[1])
while not any(r["status"] == "running" for r in q.store.runs("ingest")):
    time.sleep(0.01)
q.close()
"""
