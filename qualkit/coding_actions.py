"""Codeframe edits and undo/redo that span the codeframe file and the store.

A codeframe edit changes a file (``codeframes/*.yaml``) and the store (the codes, and for a
merge or delete everyone's codings) as one undo step. The file is written first, atomically
and only once the normal loader accepts it; then the store logs the action with the file's
text before and after and moves the codings in one transaction; if that fails the old file
goes back. Undo puts the file back *before* the store restores codings, because the codings
need their code to exist again. The store is passed in (as to the other stages); ``resync``
brings the store's codes in line with the file afterwards.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def commit_edit(store: Any, path: Path, coder: str, new_text: str,
                move: tuple[str, str] | None = None, drop: str | None = None) -> int:
    """Write the edited codeframe and log it (moving/dropping codings); returns how many
    codings moved or were removed."""
    from .codeframe_edit import write_checked

    old_text = path.read_text(encoding="utf-8-sig")
    write_checked(path, new_text)
    try:
        _, changed = store.codeframe_action(coder, old_text, new_text, move, drop)
    except BaseException:
        write_checked(path, old_text)
        raise
    return changed


def replay(store: Any, path: Path, coder: str, redo: bool,
           resync: Callable[[], Any]) -> list[dict] | None:
    """Undo (or redo) ``coder``'s last action; None when there is none."""
    from .codeframe_edit import swap_text

    action, rows = store.peek_action(coder, redo)
    if action is None:
        return None
    edits = [r["payload"] for r in rows if r["action"] == "codeframe"]
    for e in edits:  # the codes must exist again before their codings come back
        swap_text(path, *((e["before"], e["after"]) if redo else (e["after"], e["before"])))
        resync()
    done = (store.redo_action if redo else store.undo_action)(coder, action)
    if edits:
        resync()
    return done
