"""Load, validate and save codeframes (YAML).

A codeframe file is a mapping with ``name``, optional ``version`` and ``codes``: a flat list of
mappings with ``id``, ``name``, optional ``parent`` (another code's id, defined before or after),
``description``, ``include``, ``exclude``, ``examples`` (a list of phrases) and ``color``. The
shipped ``codeframes/data-linkage.yaml`` documents the format in its header comment.

Every problem found is reported at once, one per line, as ``file:line: message``, in a single
:class:`CodeframeError`, so a researcher editing the file can fix them all in one go.
"""
from __future__ import annotations


import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from .models import Code, Codeframe, QualkitError, ReadError

DEFAULT_FILENAME = "data-linkage.yaml"
CODE_FIELDS = ("id", "parent", "name", "description", "include", "exclude", "examples", "color")
TOP_FIELDS = ("name", "version", "codes")
_TEXT_FIELDS = ("description", "include", "exclude")


class CodeframeError(QualkitError):
    """A codeframe file that cannot be used. ``problems`` lists each ``file:line: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


# ------------------------------------------------------------------------------------ paths
def bundled_codeframe_path() -> Path:
    """The data-linkage codeframe shipped with qualkit (package data first, then the repo)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / DEFAULT_FILENAME, here.parent / "codeframes" / DEFAULT_FILENAME):
        if candidate.is_file():
            return candidate
    raise CodeframeError([f"the bundled codeframe {DEFAULT_FILENAME} is missing from this install"])


def default_codeframe_path(project_root: str | Path) -> Path:
    """Where a project keeps its codeframe: ``<project_root>/codeframes/data-linkage.yaml``."""
    return Path(project_root) / "codeframes" / DEFAULT_FILENAME


# ------------------------------------------------------------------------------------ loading
def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _is_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known fields: {', '.join(known)})"


def check_code(frame: Codeframe, code_id: str) -> None:
    """Raise a one-line error naming the closest codes when ``code_id`` is not in ``frame``."""
    if code_id in frame.ids:
        return
    close = difflib.get_close_matches(code_id, frame.ids, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else \
        " (`qualkit codeframe` lists the codes)"
    raise QualkitError(f"no code {code_id!r} in the codeframe{hint}")


def _mapping_items(node: yaml.MappingNode, where: str, problems: list[tuple[int, str]]):
    """(key, key_node, value_node) for each key; reports duplicate and non-text keys."""
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append((_line(key_node), f"{where}: a field name must be plain text"))
            continue
        key = key_node.value
        if key in seen:
            problems.append((_line(key_node), f"{where}: field '{key}' given twice "
                                              f"(first on line {seen[key]})"))
            continue
        seen[key] = _line(key_node)
        yield key, key_node, value_node


def _read_code(entry: yaml.Node, index: int, loader: yaml.SafeLoader,
               problems: list[tuple[int, str]]) -> Code | None:
    if not isinstance(entry, yaml.MappingNode):
        problems.append((_line(entry), f"code entry {index} is not a mapping "
                                       "(expected 'id:', 'name:' ... under '- ')"))
        return None
    where = f"code entry {index}"
    fields = _code_fields(entry, where, loader, problems)
    start = _line(entry)
    code_id, id_line = fields.get("id", (None, start))
    ok = _id_ok(code_id, id_line, start, where, problems)
    # past this point problems are reported but the code is kept (when its id is usable), so
    # duplicate ids, unknown parents and cycles are still checked; loading fails anyway
    label = f"code '{code_id}'" if ok else where
    name = _name(fields, start, label, problems)
    parent, parent_line = fields.get("parent", (None, start))
    if parent is not None and not (isinstance(parent, str) and parent.strip()):
        problems.append((parent_line, f"{label}: parent must be a code id (text), got {parent!r}"))
        parent = None
    texts = _texts(fields, start, label, problems)
    examples = _examples(fields, start, label, problems)
    if not ok:
        return None
    return Code(id=code_id, name=name.strip(), parent=parent,
                description=(texts["description"] or "").strip(),
                include=(texts["include"] or "").strip(),
                exclude=(texts["exclude"] or "").strip(),
                examples=tuple(e.strip() for e in examples if e.strip()),
                color=texts["color"], line=start)


Fields = dict[str, tuple[Any, int]]  # field -> (value, line)


def _code_fields(entry: yaml.MappingNode, where: str, loader: yaml.SafeLoader,
                 problems: list[tuple[int, str]]) -> Fields:
    fields: Fields = {}
    for key, key_node, value_node in _mapping_items(entry, where, problems):
        if key not in CODE_FIELDS:
            problems.append((_line(key_node), f"{where}: unknown field '{key}'"
                                              + _did_you_mean(key, CODE_FIELDS)))
            continue
        fields[key] = (loader.construct_object(value_node, deep=True), _line(value_node))
        for node in [value_node, *getattr(value_node, "value", [])]:
            _unclosed_quote(node, key, where, problems)
        if key == "examples" and isinstance(value_node, yaml.SequenceNode):
            for item in value_node.value:
                if not (isinstance(item, yaml.ScalarNode) and item.tag.endswith(":str")):
                    fields[key] = (fields[key][0], _line(item))  # point at the bad item
                    break
    return fields


_SWALLOWED = re.compile(r"(?:^|\s)(" + "|".join(CODE_FIELDS) + r"):(?:\s|$)")


def _unclosed_quote(node: Any, key: str, where: str, problems: list[tuple[int, str]]) -> None:
    """A quoted value running over lines and holding "color:" or "- id:" is valid YAML, but
    is almost always a closing quote left out: the next fields became part of the text."""
    if not isinstance(node, yaml.ScalarNode) or node.style not in ('"', "'"):
        return
    if node.end_mark.line == node.start_mark.line:
        return
    hit = _SWALLOWED.search(node.value)
    if hit:
        problems.append((_line(node), f"{where}: the quoted {key} runs on to line "
                                      f"{node.end_mark.line + 1} and swallows '{hit.group(1)}:'"
                                      " — is its closing quote missing?"))


def _id_ok(code_id: Any, id_line: int, start: int, where: str,
           problems: list[tuple[int, str]]) -> bool:
    if code_id is None:
        problems.append((start, f"{where} has no id"))
    elif not isinstance(code_id, str):
        problems.append((id_line, f"code id {code_id!r} must be text (put it in quotes)"))
    elif not code_id.strip():
        problems.append((id_line, f"{where} has an empty id"))
    elif any(ch.isspace() for ch in code_id):
        problems.append((id_line, f"code id '{code_id}' contains spaces"))
    else:
        return True
    return False


def _name(fields: Fields, start: int, label: str, problems: list[tuple[int, str]]) -> str:
    name, name_line = fields.get("name", (None, start))
    if name is None or (isinstance(name, str) and not name.strip()):
        problems.append((name_line, f"{label} has no name"))
        return ""
    if isinstance(name, (list, dict)):
        problems.append((name_line, f"{label}: name must be text, not a {type(name).__name__}"))
        return ""
    return str(name)  # YAML reads "name: 2020" as a number; that is still a fine name


def _texts(fields: Fields, start: int, label: str,
           problems: list[tuple[int, str]]) -> dict[str, str | None]:
    texts = {}
    for key in _TEXT_FIELDS + ("color",):
        value, value_line = fields.get(key, (None, start))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not _is_text(value):
            problems.append((value_line, f"{label}: {key} must be text, "
                                         f"not a {type(value).__name__}"))
            value = None
        texts[key] = value
    return texts


def _examples(fields: Fields, start: int, label: str,
              problems: list[tuple[int, str]]) -> list[str]:
    examples, ex_line = fields.get("examples", (None, start))
    if examples is None:
        return []
    if not isinstance(examples, list):
        problems.append((ex_line, f"{label}: examples must be a list "
                                  "(one '- \"phrase\"' per line)"))
        return []
    if not all(isinstance(e, str) for e in examples):
        problems.append((ex_line, f"{label}: every example must be text"))
        return [e for e in examples if isinstance(e, str)]
    return examples


def load_codeframe(path: str | Path) -> Codeframe:
    """Read and validate a codeframe file; codes come back in file order.

    Raises :class:`CodeframeError` listing every problem as ``file:line: message``.
    """
    from qualkit.ingest.decode import decode

    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CodeframeError([f"{shown}: no such codeframe file"]) from None
    except IsADirectoryError:
        raise CodeframeError([f"{shown}: is a folder, not a codeframe file"]) from None
    except OSError as exc:
        raise CodeframeError([f"{shown}: cannot read the file ({exc.strerror or exc})"]) from None
    try:  # UTF-8, UTF-16 or Windows-1252 as transcripts are; damage named with its line
        text = decode(raw).text if raw.strip() else ""
    except ReadError as exc:
        raise CodeframeError([f"{shown}: {exc.reason}"]) from None
    return parse_codeframe(text, shown)


def parse_codeframe(text: str, shown: str = "<codeframe>") -> Codeframe:
    """:func:`load_codeframe` on text already read (an edit checked before it is saved);
    ``shown`` names the file in messages."""
    try:  # libyaml's parser when there is one (3x faster: the coding app reads this at start)
        return _parse(text, shown, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, CodeframeError):
        pass  # messages and lines as the pure-Python parser words them (its marks are tested)
    return _parse(text, shown, yaml.SafeLoader)


def _parse(text: str, shown: str, loader_class: type) -> Codeframe:
    problems: list[tuple[int, str]] = []
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        name, version, codes = _read_root(root, loader, problems, Path(shown).stem)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise CodeframeError([f"{shown}:{line}: YAML syntax error: {msg}"]) from None
    except yaml.YAMLError as exc:
        raise CodeframeError([f"{shown}: YAML error: {exc}"]) from None
    finally:
        loader.dispose()
    cf = Codeframe(name=name, codes=codes, path=shown, version=version)
    problems += _structure_problems(cf, check_fields=False)  # fields were checked above
    if problems:
        problems.sort(key=lambda p: p[0])
        raise CodeframeError([f"{shown}:{line}: {msg}" for line, msg in problems])
    return cf


def _read_root(root, loader, problems, stem) -> tuple[str, str | None, list[Code]]:
    if root is None:
        problems.append((1, "the file is empty (expected 'name:' and 'codes:')"))
        return stem, None, []
    if not isinstance(root, yaml.MappingNode):
        problems.append((_line(root), "expected a mapping with 'name:' and 'codes:' at the top"))
        return stem, None, []
    name, version, codes_node = stem, None, None
    for key, key_node, value_node in _mapping_items(root, "codeframe", problems):
        if key == "codes":
            codes_node = value_node
            continue
        if key not in TOP_FIELDS:
            problems.append((_line(key_node), f"unknown top-level field '{key}'"
                                              + _did_you_mean(key, TOP_FIELDS)))
            continue
        value = loader.construct_object(value_node, deep=True)
        if key == "name":
            if not isinstance(value, str) or not value.strip():
                problems.append((_line(value_node), "the codeframe name must be non-empty text"))
            else:
                name = value.strip()
        elif key == "version" and value is not None:
            if isinstance(value, (dict, list)):
                problems.append((_line(value_node), "version must be a number or text"))
            else:
                version = str(value)
    if codes_node is None:
        problems.append((_line(root), "no 'codes:' list"))
        return name, version, []
    if isinstance(codes_node, yaml.ScalarNode) and codes_node.tag.endswith(":null"):
        return name, version, []
    if not isinstance(codes_node, yaml.SequenceNode):
        problems.append((_line(codes_node), "'codes' must be a list of codes (each starting '- id:')"))
        return name, version, []
    codes = [_read_code(entry, i, loader, problems) for i, entry in enumerate(codes_node.value, 1)]
    return name, version, [c for c in codes if c is not None]


# ------------------------------------------------------------------------------------ checks
def _structure_problems(cf: Codeframe, check_fields: bool = True) -> list[tuple[int, str]]:
    """Duplicate ids, unknown parents, cycles (and bad ids/names when ``check_fields``)."""
    problems: list[tuple[int, str]] = []
    first: dict[str, Code] = {}
    for code in cf.codes:
        line = code.line or 0
        bad_id = not isinstance(code.id, str) or not code.id.strip() or any(ch.isspace() for ch in code.id)
        if check_fields and bad_id:
            problems.append((line, f"bad code id {code.id!r} (must be non-empty, no spaces)"))
        if check_fields and (not isinstance(code.name, str) or not code.name.strip()):
            problems.append((line, f"code '{code.id}' has no name"))
        if code.id in first:
            where = f" (first defined on line {first[code.id].line})" if first[code.id].line else ""
            problems.append((line, f"duplicate code id '{code.id}'{where}"))
        else:
            first[code.id] = code
    for code in cf.codes:
        if code.parent is not None and code.parent not in first:
            hint = difflib.get_close_matches(code.parent, list(first), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append((code.line or 0, f"code '{code.id}' has unknown parent "
                                             f"'{code.parent}'{extra}"))
    reported: set[str] = set()
    for code in cf.codes:
        chain, cur = [code.id], first.get(code.parent) if code.parent else None
        while cur is not None and cur.id not in chain:
            chain.append(cur.id)
            cur = first.get(cur.parent) if cur.parent else None
        if cur is None or cur.id in reported:
            continue
        loop = chain[chain.index(cur.id):]
        reported.update(loop)
        start = min(loop, key=lambda i: first[i].line or 0)
        k = loop.index(start)
        ordered = loop[k:] + loop[:k] + [start]
        problems.append((first[start].line or 0, "parent cycle: " + " → ".join(ordered)))
    return problems


def codeframe_problems(cf: Codeframe) -> list[str]:
    """Every structural problem of an in-memory codeframe, as ``file:line: message`` strings."""
    shown = cf.path or "<codeframe>"
    return [f"{shown}:{line}: {msg}" if line else f"{shown}: {msg}"
            for line, msg in sorted(_structure_problems(cf), key=lambda p: p[0])]


def validate(cf: Codeframe) -> Codeframe:
    """Check a codeframe built or edited in memory; raise :class:`CodeframeError` if broken."""
    problems = codeframe_problems(cf)
    if problems:
        raise CodeframeError(problems)
    return cf


# ------------------------------------------------------------------------------------ saving
class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):  # indent list items under keys
        return super().increase_indent(flow, False)


def _code_dict(code: Code) -> dict[str, Any]:
    out: dict[str, Any] = {"id": code.id}
    if code.parent:
        out["parent"] = code.parent
    out["name"] = code.name
    for key in _TEXT_FIELDS:
        if getattr(code, key):
            out[key] = getattr(code, key)
    if code.examples:
        out["examples"] = list(code.examples)
    if code.color:
        out["color"] = code.color
    return out


def dump_codeframe(cf: Codeframe, path: str | Path) -> Path:
    """Write ``cf`` as YAML that :func:`load_codeframe` reads back to the same codes."""
    validate(cf)
    doc: dict[str, Any] = {"name": cf.name}
    if cf.version is not None:
        doc["version"] = int(cf.version) if str(cf.version).isdigit() else cf.version
    doc["codes"] = [_code_dict(c) for c in cf.codes]
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=92)
    header = ("# qualkit codeframe (written by qualkit). Fields of each code: id, name, parent,\n"
              "# description, include, exclude, examples (a list), color.\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path


def append_codes(path: str | Path, codes: list[Code]) -> Path:
    """Add ``codes`` at the end of a codeframe file, keeping every byte already there (its
    comments and order). Works when ``codes:`` is the file's last key, as qualkit writes it;
    the result is loaded back, and on any problem the file is restored and the error raised."""
    path = Path(path)
    original = path.read_bytes()
    entries = yaml.dump([_code_dict(c) for c in codes], Dumper=_Dumper, sort_keys=False,
                        allow_unicode=True, width=92)
    block = "".join(f"  {line}\n" if line else "\n" for line in entries.splitlines())
    text = original.decode("utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + block, encoding="utf-8")
    try:
        merged = load_codeframe(path)
        if not {c.id for c in codes} <= set(merged.ids):
            raise CodeframeError([f"{path}: the new codes did not land in `codes:` (is it the "
                                  "last key of the file?)"])
    except BaseException:
        path.write_bytes(original)
        raise
    return path


# ------------------------------------------------------------------------------------ display
def code_tree_lines(cf: Codeframe) -> list[tuple[int, Code]]:
    """Codes depth-first in file order as ``(depth, code)``; depth 0 for top-level codes.

    Codes whose parent is unknown count as top-level; codes caught in a cycle (only possible
    if the codeframe was not validated) are listed last at depth 0 so none is lost.
    """
    ids = {c.id for c in cf.codes}
    out: list[tuple[int, Code]] = []
    seen: set[int] = set()

    def walk(code: Code, depth: int) -> None:
        if id(code) in seen:
            return
        seen.add(id(code))
        out.append((depth, code))
        for child in cf.codes:
            if child.parent == code.id and child is not code:
                walk(child, depth + 1)

    for code in cf.codes:
        if code.parent is None or code.parent not in ids:
            walk(code, 0)
    for code in cf.codes:
        if id(code) not in seen:
            walk(code, 0)
    return out
