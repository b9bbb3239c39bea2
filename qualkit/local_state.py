"""What one person on one machine remembers about a project: their coder name.

A shared project folder (a network drive, a synced folder) is opened by several people, so a
personal choice must not go into the shared ``qualkit.yaml``. It goes under ``.qualkit/`` (never
committed), one small JSON file per operating-system user.
"""
from __future__ import annotations

import getpass
import json
import os
import re
from pathlib import Path
from typing import Any


def _file(state_dir: Path) -> Path:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    safe = re.sub(r"[^\w.-]", "_", user) or "user"
    return Path(state_dir) / "users" / f"{safe}.json"


def read_local(state_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads(_file(state_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_local(state_dir: Path, **values: Any) -> None:
    path = _file(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = read_local(state_dir) | values
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)
