"""Edits to a codeframe file that keep what the analyst wrote: comments, order, quoting.

The coding app adds, renames, re-parents, merges and deletes codes, and the YAML in
``codeframes/`` must change in step without losing the comments and section headers people
write there. ruamel.yaml's round-trip mode reproduces the bundled codeframe byte for byte
(tested), so each edit here loads the text, changes the one entry, and dumps it back: pure
text in, text out, no files and no store. The caller validates the result with the normal
loader before it replaces the file, and moves codings in the store (merge, delete).

Comments between entries belong, in ruamel's model, to the *end* of the entry before them; a
section header such as ``# ---- enablers`` is therefore carried along when an entry is added
after, or removed before, it, so it stays above the entry it introduces.
"""
from __future__ import annotations

import io
import re
from typing import Any

from .models import Codeframe, QualkitError


class CodeframeEditError(QualkitError):
    """An edit that cannot be made (unknown code, id taken, a code with sub-codes...)."""


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _load(text: str) -> tuple[Any, Any]:
    doc = _yaml().load(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("codes"), list):
        raise CodeframeEditError("the codeframe file has no 'codes:' list to edit")
    return doc, doc["codes"]


def _dump(doc: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _index(codes: Any, code_id: str) -> int:
    for i, entry in enumerate(codes):
        if isinstance(entry, dict) and entry.get("id") == code_id:
            return i
    raise CodeframeEditError(f"no code {code_id!r} in the codeframe")


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where the comment after ``node`` lives: (container, key or index, slot position)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while True:
        if isinstance(node, CommentedMap) and len(node):
            key = list(node.keys())[-1]
            pos = 2
        elif isinstance(node, CommentedSeq) and len(node):
            key, pos = len(node) - 1, 0
        else:
            return None
        child = node[key]
        if isinstance(child, (CommentedMap, CommentedSeq)) and len(child):
            node = child
            continue
        return node, key, pos


def _take_trailing(node: Any, keep_blank: bool) -> Any:
    """Remove and return the comment after ``node`` (leaving a blank line when asked)."""
    from ruamel.yaml.tokens import CommentToken

    slot = _last_slot(node)
    if slot is None:
        return None
    container, key, pos = slot
    items = container.ca.items.get(key)
    if not items or items[pos] is None:
        if keep_blank:
            _put_trailing(node, None)
        return None
    token = items[pos]
    items[pos] = CommentToken("\n\n", token.start_mark, None) if keep_blank else None
    return token


def _put_trailing(node: Any, token: Any) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slot = _last_slot(node)
    if slot is None:
        return
    container, key, pos = slot
    if token is None:
        token = CommentToken("\n\n", CommentMark(0), None)
    items = container.ca.items.setdefault(key, [None, None, None, None])
    while len(items) < 4:
        items.append(None)
    items[pos] = token


def _descendants(frame: Codeframe, code_id: str) -> set[str]:
    return {c.id for c in frame.codes if code_id in frame.ancestors(c.id)}


# ------------------------------------------------------------------------------ the edits
def suggest_id(name: str, parent: str | None, taken: set[str]) -> str:
    """An id for a new code: the parent's id, a dot, and the name's first words in snake
    case ("Data not trusted" under barrier -> barrier.data_not_trusted), made unique."""
    words = re.findall(r"[a-z0-9]+", name.lower())[:4] or ["code"]
    base = (f"{parent}." if parent else "") + "_".join(words)
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    return out


def add_code(text: str, frame: Codeframe, code_id: str, name: str,
             parent: str | None = None) -> str:
    """A new code after its parent's last sub-code (or at the end when top-level)."""
    from ruamel.yaml.comments import CommentedMap

    code_id, name = code_id.strip(), " ".join(name.split())
    if not code_id or any(ch.isspace() for ch in code_id):
        raise CodeframeEditError(f"a code id must be one word without spaces, not {code_id!r}")
    if not name:
        raise CodeframeEditError("a new code needs a name")
    if code_id in frame.ids:
        raise CodeframeEditError(f"there is already a code {code_id!r}")
    if parent is not None and parent not in frame.ids:
        raise CodeframeEditError(f"no code {parent!r} to put {code_id!r} under")
    doc, codes = _load(text)
    entry = CommentedMap([("id", code_id)] + ([("parent", parent)] if parent else [])
                         + [("name", name)])
    if parent is None:
        after = len(codes) - 1
    else:
        family = _descendants(frame, parent) | {parent}
        after = max(i for i, e in enumerate(codes) if isinstance(e, dict) and e.get("id") in family)
    if after >= 0:
        _put_trailing(entry, _take_trailing(codes[after], keep_blank=True))
    codes.insert(after + 1, entry)
    return _dump(doc)


def rename_code(text: str, frame: Codeframe, code_id: str, name: str) -> str:
    """A new name; the id (what codings refer to) stays."""
    name = " ".join(name.split())
    if not name:
        raise CodeframeEditError("a code needs a name")
    if code_id not in frame.ids:
        raise CodeframeEditError(f"no code {code_id!r} in the codeframe")
    doc, codes = _load(text)
    codes[_index(codes, code_id)]["name"] = name
    return _dump(doc)


def move_code(text: str, frame: Codeframe, code_id: str, parent: str | None) -> str:
    """Put a code under another (``parent=None``: top level); its place in the file stays."""
    if parent is not None:
        if parent not in frame.ids:
            raise CodeframeEditError(f"no code {parent!r} to move {code_id!r} under")
        if parent == code_id or parent in _descendants(frame, code_id):
            raise CodeframeEditError(f"{code_id!r} cannot go under itself or its own sub-code "
                                     f"{parent!r}")
    doc, codes = _load(text)
    entry = codes[_index(codes, code_id)]
    if parent is None:
        if "parent" in entry:
            del entry["parent"]
    elif "parent" in entry:
        entry["parent"] = parent
    else:
        entry.insert(1, "parent", parent)
    return _dump(doc)


def merge_code(text: str, frame: Codeframe, code_id: str, into: str) -> str:
    """Take ``code_id`` out of the file, its sub-codes going under ``into`` (the caller moves
    the codings)."""
    if into not in frame.ids:
        raise CodeframeEditError(f"no code {into!r} to merge {code_id!r} into")
    return remove_code(text, frame, code_id, children_to=into)


def remove_code(text: str, frame: Codeframe, code_id: str, children_to: str | None = None,
                ) -> str:
    """Take a code out of the file. Its sub-codes move under ``children_to`` (a merge's
    survivor); with none given, a code that has sub-codes cannot be removed."""
    children = [c.id for c in frame.children(code_id)]
    if children and children_to is None:
        raise CodeframeEditError(f"{code_id!r} has sub-codes ({', '.join(children)}): move or "
                                 "delete them first")
    if children_to is not None and (children_to == code_id
                                    or children_to in _descendants(frame, code_id)):
        raise CodeframeEditError(f"cannot merge {code_id!r} into its own sub-code "
                                 f"{children_to!r}")
    doc, codes = _load(text)
    i = _index(codes, code_id)
    for child in children:
        codes[_index(codes, child)]["parent"] = children_to
    trailing = _take_trailing(codes[i], keep_blank=False)
    if i > 0:
        if trailing is not None:
            _put_trailing(codes[i - 1], trailing)
    del codes[i]
    return _dump(doc)


# ------------------------------------------------------------------------------ the file
def write_checked(path: Any, text: str) -> Codeframe:
    """Validate ``text`` with the normal loader, then replace the file atomically (a crash
    leaves the old file or the new one, never half of one). Returns the new codeframe."""
    import os
    from pathlib import Path

    from .codeframe import parse_codeframe

    path = Path(path)
    frame = parse_codeframe(text, str(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return frame


def swap_text(path: Any, expected: str, new: str) -> None:
    """Put ``new`` in place of ``expected`` (undo/redo of an edit), refusing when the file
    was changed since, by hand or by another coder."""
    from pathlib import Path

    current = Path(path).read_text(encoding="utf-8-sig")
    if current != expected.lstrip("\ufeff"):
        raise CodeframeEditError(f"{Path(path).name} was changed after that edit (by hand or by "
                                 "another coder): undo it in the file instead")
    write_checked(path, new)
