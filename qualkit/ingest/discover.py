"""Which files an ingest reads: arguments and folders expanded, and nothing dropped silently.

Decided (issue #9): every file of a supported type that cannot be read is named with its
reason — a broken link, a link loop, a folder that cannot be opened, a link to a folder (not
followed: give the folder itself, so a link back up the tree cannot read a project twice). A
folder named like a transcript (``x.txt``) is read as a folder, with a warning. Files of other
types are listed as ignored; hidden files and folders, Word's ``~$`` lock files and
``attributes.csv`` are left out on purpose. Discovery never raises for a bad path: a symlink
loop given as an argument once ended the whole batch with ``RuntimeError``.
"""
from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qualkit.ingest.attributes import ATTRIBUTES_FILE

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".vtt", ".srt")


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (shown path, reason)
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files of types qualkit does not read


def discover(paths: Iterable[Path], display: Callable[[Path], str] = str) -> Found:
    """Expand files and folders into the files to read, in a stable order, without repeats."""
    found = Found()
    files: list[Path] = []
    for path in map(Path, paths):
        problem = link_problem(path)
        if problem is not None:
            found.skipped.append((display(path), problem))
        elif path.is_dir():
            files.extend(sorted(_walk(path, found, display)))
        elif path.exists():
            files.append(path)
        else:
            found.skipped.append((display(path), "no such file or folder"))
    found.files = list(dict.fromkeys(Path(os.path.realpath(p)) for p in files))
    return found


def link_problem(path: Path) -> str | None:
    """Why ``path`` cannot be followed (broken link, link loop...), or None."""
    try:
        os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"broken link (it points to {os.readlink(path)}, which does not exist)"
        return None  # plainly missing: the caller says "no such file or folder"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symlink loop (the link leads back to itself)"
        return f"cannot open ({e.strerror or e})"
    return None


def _walk(top: Path, found: Found, display: Callable[[Path], str]) -> list[Path]:
    files: list[Path] = []

    def unreadable(e: OSError) -> None:
        shown = display(Path(e.filename)) if e.filename else display(top)
        found.skipped.append((shown, f"cannot open folder ({e.strerror or e}); "
                                     "its files were not read"))

    for folder, dirs, names in os.walk(top, onerror=unreadable):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            sub = here / d
            if sub.is_symlink():
                dirs.remove(d)
                found.skipped.append((display(sub), "link to a folder, not followed "
                                                    "(give the folder itself)"))
            elif sub.suffix.lower() in SUPPORTED:
                found.warnings.append(f"{display(sub)}: a folder named like a file; "
                                      "its contents are read as a folder")
        for name in sorted(names):
            if name.startswith((".", "~$")) or name == ATTRIBUTES_FILE:
                continue
            p = here / name
            if p.suffix.lower() not in SUPPORTED:
                found.ignored.append(display(p))
                continue
            problem = link_problem(p)
            if problem is not None:
                found.skipped.append((display(p), problem))
            else:
                files.append(p)
    return files
