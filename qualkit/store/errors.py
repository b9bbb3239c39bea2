"""Database errors as qualkit errors a researcher can act on (issue #9).

A raw ``sqlite3.OperationalError: database is locked`` told nobody what to do. Every SQLite
error the store meets is passed through :func:`translate`: a busy database names the processes
that hold it open when the system can tell (Linux ``/proc``), and says to wait and try again;
a read-only one says *where* (the file, its folder, or a read-only disk); a full disk, a
damaged or foreign file and an I/O error each say what to do. Errors that are not the user's
(a bug in a query) are left as they are, so they show as a crash to report.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from qualkit.models import QualkitError


class StoreError(QualkitError):
    """The project database cannot be used as asked; the message says why and what to do."""


class StoreBusy(StoreError):
    """Another process has held the database locked for longer than the busy timeout."""


class StoreReadOnly(StoreError):
    """The database, its folder or its disk cannot be written."""


def translate(exc: sqlite3.Error, path: str, timeout_s: float) -> BaseException:
    """A :class:`StoreError` for ``exc`` with advice, or ``exc`` itself when it is a bug."""
    if isinstance(exc, StoreError):
        return exc
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return StoreBusy(f"the project database {path} is busy: {holders_text(path)} has kept "
                         f"it locked for more than {timeout_s:.0f} s; wait for it to finish, "
                         "then try again (nothing was changed)")
    if "readonly" in msg or "read-only" in msg or ("unable to open" in msg
                                                   and read_only_reason(path)):
        return StoreReadOnly(f"the project database {path} cannot be written: "
                             f"{read_only_reason(path) or 'it was opened read-only'}; make it "
                             "writable, or copy the project folder somewhere you can write")
    if "unable to open" in msg:
        return StoreError(f"cannot open the project database {path} ({exc}); check that its "
                          "folder exists and that you may read and write it")
    if "full" in msg:
        return StoreError(f"the disk holding {path} is full; free some space and try again "
                          "(the change that failed was not saved; earlier ones are)")
    if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
        return StoreError(f"{path} is damaged or is not a qualkit database ({exc}); restore it "
                          "from a backup, or move it away and ingest again (codings would be "
                          "lost)")
    if "disk i/o error" in msg:
        return StoreError(f"the disk holding {path} failed to read or write ({exc}); on a "
                          "network drive, copy the project to a local disk")
    return exc


def read_only_reason(path: str) -> str:
    """Where a write would fail: a read-only disk, the file, its folder, or '' if none."""
    db = Path(path)
    folder = db.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the disk or folder {folder} is mounted read-only"
    except (OSError, AttributeError):
        pass
    if db.exists() and not os.access(db, os.W_OK):
        return f"the file {db} is read-only (chmod u+w)"
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return (f"the folder {folder} is not writable (SQLite writes {db.name}-wal and "
                f"{db.name}-shm beside the database)")
    for extra in (f"{db}-wal", f"{db}-shm"):
        if os.path.exists(extra) and not os.access(extra, os.W_OK):
            return f"the file {extra} is read-only"
    return ""


def holders_text(path: str) -> str:
    found = holders(path)
    if not found:
        return "another process"
    shown = "; ".join(f"pid {pid} ({cmd})" for pid, cmd in found[:3])
    return f"another process ({shown})" if len(found) == 1 else f"other processes ({shown})"


def holders(path: str) -> list[tuple[int, str]]:
    """(pid, command line) of other processes with the database open (Linux), else []."""
    targets = {os.path.realpath(p) for p in (path, f"{path}-wal", f"{path}-shm")}
    out: list[tuple[int, str]] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return out
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue  # gone, or another user's
        if targets.intersection(fds):
            out.append((int(entry.name), _command(entry)))
    return sorted(out)


def _command(entry: Path) -> str:
    try:
        argv = (entry / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [Path(a.decode(errors="replace")).name if i == 0 else a.decode(errors="replace")
             for i, a in enumerate(argv) if a]
    text = " ".join(words)
    return text if len(text) <= 80 else text[:77] + "..."
