"""Writing files the way a user's data deserves: whole or not at all, and private.

Every export and bundle is written to a hidden temporary file in the destination folder, flushed
to disk, given its mode, and only then moved over the final name with ``os.replace`` (atomic on
one filesystem, which is why the temporary file sits in the same folder). A crash, a full disk
or an exception while writing leaves the previous file, or no file, under the final name, never
half a workbook. Exports hold interview text about children, so they are created readable by
the owner only (0600) unless the caller asks for another mode, whatever the umask.

Problems the user can fix (a missing folder, a path that is a folder, no permission, a full
disk, a file held open by another program) raise ``QualkitError`` naming the path and reason.
"""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qualkit.models import QualkitError

PRIVATE = DEFAULT_MODE = 0o600


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (or the file is open in another program)"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the folder is on a read-only file system"
    return exc.strerror or str(exc)


def check_destination(path: str | os.PathLike[str]) -> Path:
    """The output path, or a QualkitError saying why nothing can be written there."""
    out = Path(path).expanduser()
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise QualkitError(f"cannot write {out}: it is a folder, give a file name")
    if not folder.exists():
        raise QualkitError(f"cannot write {out}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise QualkitError(f"cannot write {out}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise QualkitError(f"cannot write {out}: no permission to write in {folder}")
    return out


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: int = DEFAULT_MODE) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it to ``path`` with ``mode``.
    If the body raises, the temporary file is removed and ``path`` is left as it was."""
    out = check_destination(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise QualkitError(f"cannot write {out}: {_reason(exc)}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        raise QualkitError(f"cannot write {out}: {_reason(exc)}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write(path: str | os.PathLike[str], data: bytes, mode: int = DEFAULT_MODE) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path, mode) as tmp:
        tmp.write_bytes(data)
    return Path(path)
