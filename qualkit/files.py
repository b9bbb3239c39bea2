"""Writing files the way a user's data deserves: whole or not at all, and private.

Every export and bundle goes through ``atomic_write``: the bytes go to a temporary file beside
the target, are flushed to disk, made 0600 (they hold interview text about children), and only
then renamed over the final name. A crash or a full disk never leaves a half-written file under
the name a user will open.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qualkit.models import QualkitError

PRIVATE = 0o600


def atomic_write(path: str | Path, data: bytes, mode: int = PRIVATE) -> Path:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``."""
    path = Path(path)
    if not path.parent.is_dir():
        raise QualkitError(f"{path}: cannot write, folder {path.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise QualkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise QualkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path
