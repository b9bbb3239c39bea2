"""Database errors become qualkit errors with advice (issue #9): busy (naming who holds the
lock), read-only (saying where), damaged, full; a bug's error is left alone."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import qualkit as qk
from qualkit.store import Store, StoreError
from qualkit.store import connection
from qualkit.store.errors import StoreBusy, StoreReadOnly, translate

from conftest import write

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
GOOD = "Interviewer: How do you link data?\nP1: We link school census records every term.\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualkit", *args], capture_output=True,
                          text=True, env=ENV, timeout=120)


def test_a_busy_store_names_the_process_holding_it(project, monkeypatch):
    write(project.root / "transcripts" / "a.txt", GOOD)
    project.ingest()
    sid = project.segments()["segment_id"][0]
    db = project.root / ".qualkit" / "qualkit.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 0.3)
        p = qk.open_project(project.root)
        with pytest.raises(StoreBusy) as info:
            p.code(sid, "barrier.culture", coder="ana")
    finally:
        holder.kill()
        holder.wait()
    message = str(info.value)
    assert message.startswith(f"the project database {db} is busy: another process (pid "
                              f"{holder.pid} (python -c import sqlite3")
    assert message.endswith("wait for it to finish, then try again (nothing was changed)")
    assert p.codings().empty and p.store.integrity_ok()
    p.close()


def test_read_only_error_says_where(tmp_path):
    db = tmp_path / "qualkit.db"
    Store(db).close()
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raw:
        ro.execute("INSERT INTO settings VALUES ('a', '1')")
    ro.close()
    better = translate(raw.value, str(db), 10)
    assert isinstance(better, StoreReadOnly)
    assert str(better) == (f"the project database {db} cannot be written: it was opened "
                           "read-only; make it writable, or copy the project folder somewhere "
                           "you can write")


def _can_mount_read_only() -> bool:
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs unshare -m (a mount namespace)")
def test_a_store_on_a_read_only_disk_is_exit_2_with_where(project):
    write(project.root / "transcripts" / "a.txt", GOOD)
    project.ingest()
    project.close()
    state = project.root / ".qualkit"
    script = (f"mount --bind {state} {state} && mount -o remount,bind,ro {state} && "
              f"{sys.executable} -m qualkit -C {project.root} ingest")
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                       env=ENV, timeout=120)
    assert r.returncode == 2, r.stderr
    assert f"error: the project database {state / 'qualkit.db'} cannot be written: the disk " \
           f"or folder {state} is mounted read-only" in " ".join(r.stderr.split())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes read-only files")
def test_a_read_only_store_file_for_real(project):
    write(project.root / "transcripts" / "a.txt", GOOD)
    project.ingest()
    project.close()
    db = project.root / ".qualkit" / "qualkit.db"
    db.chmod(0o400)
    try:
        r = cli("-C", str(project.root), "code", "x", "barrier.culture", "--coder", "ana")
    finally:
        db.chmod(0o600)
    assert r.returncode == 2 and "read-only" in r.stderr


def test_a_damaged_database_is_exit_2_with_advice(project):
    project.close()
    db = project.root / ".qualkit" / "qualkit.db"
    for extra in db.parent.glob("qualkit.db-*"):
        extra.unlink()
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    r = cli("-C", str(project.root), "status")
    assert r.returncode == 2
    assert f"{db} is damaged or is not a qualkit database" in " ".join(r.stderr.split())


@pytest.mark.parametrize("message,words", [
    ("database or disk is full", "is full; free some space"),
    ("disk I/O error", "failed to read or write"),
    ("database disk image is malformed", "is damaged"),
])
def test_other_sqlite_failures_get_advice(message, words):
    better = translate(sqlite3.OperationalError(message), "/p/qualkit.db", 10)
    assert isinstance(better, StoreError) and words in str(better)


def test_a_bug_is_not_disguised_as_a_user_problem():
    bug = sqlite3.OperationalError("no such column: nonsense")
    assert translate(bug, "/p/qualkit.db", 10) is bug
