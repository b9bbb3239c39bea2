"""The store's connection: one SQLite database, WAL, foreign keys, versioned migrations.

Every public method that changes data runs in its own transaction and commits before it
returns, so a crash or a killed terminal loses nothing already reported as saved. Each thread
gets its own connection to the WAL database (a TUI worker can embed while the screen codes),
and ``BEGIN IMMEDIATE`` with a busy timeout lets several processes (two coders, an ingest)
write in turn. An in-memory store (tests) has one connection shared under a lock.

The database folder is made 0700 and the files 0600 whatever the umask: they hold interview
text about children. SQLite gives the -wal and -shm files the database file's mode.

Every connection is a ``_Conn``, whose ``execute``/``executemany``/``executescript``/``commit``
turn SQLite's errors into ``StoreError``s with advice (``errors.py``): busy (and who holds it),
read-only (and where), disk full, damaged file.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qualkit.store.errors import StoreError, translate
from qualkit.store.migrations import MIGRATIONS

__all__ = ["BUSY_TIMEOUT_S", "Connection", "StoreError", "now"]
BUSY_TIMEOUT_S = 10.0


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _translating(method):
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            better = translate(e, self.qualkit_path, BUSY_TIMEOUT_S)
            if better is e:
                raise
            raise better from e
    call.__name__ = method.__name__
    return call


class _Conn(sqlite3.Connection):
    """A connection whose errors name the database and say what to do."""

    qualkit_path = ""
    execute = _translating(sqlite3.Connection.execute)
    executemany = _translating(sqlite3.Connection.executemany)
    executescript = _translating(sqlite3.Connection.executescript)
    commit = _translating(sqlite3.Connection.commit)


def _create_private(path: Path) -> None:
    """Make the folder 0700 and an empty database file 0600 before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass  # a folder we do not own: leave it; the file itself is still private
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


class Connection:
    """Connections per thread, transactions, migrations and settings."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.RLock()
        self._opened: list[sqlite3.Connection] = []
        self._shared: sqlite3.Connection | None = None
        if self.path == ":memory:":
            self._shared = self._open()
        else:
            try:
                _create_private(Path(self.path))
            except OSError as e:
                raise StoreError(f"cannot create project database {self.path}: "
                                 f"{e.strerror or e}") from e
        self._migrate()

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False, factory=_Conn)
            conn.qualkit_path = self.path
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as e:
            better = translate(e, self.path, BUSY_TIMEOUT_S)
            if better is e:
                better = StoreError(f"cannot open project database {self.path}: {e}")
            raise better from e
        with self._lock:
            self._opened.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        if self._shared is not None:
            return self._shared
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One committed unit of work; nested calls join the outer transaction."""
        with self._lock if self._shared is not None else _NO_LOCK:
            conn = self.conn
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} was written by a newer qualkit (schema {current}); upgrade qualkit"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            # executescript commits; run each step as one explicit transaction
            self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    def integrity_ok(self) -> bool:
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        return row[0] == "ok" and not fk

    # -- settings -------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_LOCK = _NoLock()
