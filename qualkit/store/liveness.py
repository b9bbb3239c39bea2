"""Is the process that started a run still alive? (issue #9: stale ``running`` runs)

A run records the pid and host of its process and, on Linux, a start token: the boot id and
the process's start time in clock ticks (``/proc/<pid>/stat`` field 22). A pid that no longer
exists, or exists but belongs to a process started at another time (the pid was reused, or the
machine restarted), means the run's process is gone. A run started on another host (a project
on a shared drive) cannot be checked from here and is left as it is.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path


def hostname() -> str:
    return socket.gethostname()


def _stat(pid: int) -> list[str]:
    """Fields of ``/proc/<pid>/stat`` after ``pid (comm)`` (comm may hold spaces), or []."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat[stat.rfind(")") + 2:].split()


def start_token(pid: int) -> str | None:
    """``<boot id>:<start ticks>`` of a process, or None where the system does not say."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    fields = _stat(pid)
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None


def this_process() -> tuple[int, str, str | None]:
    pid = os.getpid()
    return pid, hostname(), start_token(pid)


def is_gone(pid: int | None, host: str | None, token: str | None) -> bool:
    """True when the process is surely gone; False when alive or when it cannot be told."""
    if pid is None or host is None:
        return True  # started by a qualkit that recorded no process: it is not this one
    if host != hostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's
    except OSError:
        return False
    if _stat(pid)[:1] == ["Z"]:
        return True  # killed, not yet collected by its parent
    return token is not None and start_token(pid) not in (None, token)
