"""Write a file privately and atomically: for every exporter (Excel, Word, REFI-QDA, CSV).

Exports hold quotes from interviews about children, so they are private by default: mode
0600 whatever the umask (only you can read them), like the store. And a file is written to a
temporary file in the same folder, flushed to disk and renamed over the target, so a crash, a
full disk or Ctrl-C never leaves half an export where a full one was: readers see the old file
or the new one. Use :func:`private_file` for libraries that write to a file object
(``workbook.save(f)``, ``document.save(f)``), :func:`write_private` for bytes or text.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PRIVATE_MODE = 0o600


@contextmanager
def private_file(path: str | os.PathLike, mode: str = "wb",
                 encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` with mode 0600.

    ``mode`` is ``"wb"`` or ``"w"`` (text, ``encoding`` default UTF-8). If the block raises,
    the temporary file is removed and ``path`` is left as it was."""
    if mode not in ("wb", "w"):
        raise ValueError("private_file writes a whole file: mode must be 'wb' or 'w'")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, PRIVATE_MODE)
        kwargs = {"encoding": encoding or "utf-8", "newline": ""} if mode == "w" else {}
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def write_private(path: str | os.PathLike, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600; returns the path."""
    if isinstance(data, str):
        with private_file(path, "w", encoding) as f:
            f.write(data)
    else:
        with private_file(path, "wb") as f:
            f.write(data)
    return Path(path)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
