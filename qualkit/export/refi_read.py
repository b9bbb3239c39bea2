"""REFI-QDA import: codebooks (.qdc) and projects (.qdpx) from NVivo, ATLAS.ti, MAXQDA, QualCoder.

Other tools' files differ in what they fill in, so reading is forgiving: what qualkit cannot
hold (non-text sources, region selections, sets, links, graphs, codes without names, duplicate
GUIDs, references to nothing) is skipped and reported in a list of warnings, and the rest is
kept. Only a file that cannot be opened at all (not a zip, no project.qde, not XML) raises a
:class:`QualkitError` naming the file and the reason.

Codes get qualkit ids: a code whose GUID is the one qualkit mints for an id in
``known_code_ids`` (the current codeframe; or a mapping id -> GUID that also names GUIDs kept
from an earlier import) gets that id back, so a qualkit export re-imports onto the same codes;
any other code gets the slug of its name path (``barriers.governance``), made unique with
``_2``. Its original GUID is kept in ``RefiProject.code_guids``.
Notes become memos on what refers to them; a note nothing refers to is a project memo, and a
note on a case is a memo on each of the case's documents.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from ..models import Code, QualkitError
from .refi_files import (local, namespace, open_zip, parse_xml, read_file_bytes,
                         zip_member)
from .refi_model import (NS_CODEBOOK, NS_PROJECT, RefiMemo, RefiProject, iso_datetime,
                         make_guid, norm_color, norm_guid, slug, split_description)
from .refi_read_sources import ReadContext, kid, kids, read_sources, read_values

UNSUPPORTED = ("Links", "Sets", "Graphs")


def read_qdc(path: str | Path, known_code_ids: Iterable[str] | Mapping[str, str] = ()
             ) -> tuple[RefiProject, list[str]]:
    """The codes of a REFI-QDA codebook file, as a RefiProject holding only codes; warnings."""
    where = str(path)
    root = parse_xml(read_file_bytes(path), where)
    ctx = ReadContext(where)
    if local(root.tag) == "Project" and kid(root, "CodeBook") is not None:
        ctx.warn("this is a project file, not a codebook; its codebook was read")
        root = kid(root, "CodeBook")
    elif local(root.tag) != "CodeBook":
        raise QualkitError(f"{where}: not a REFI-QDA codebook (it holds <{local(root.tag)}>)")
    elif namespace(root.tag) != NS_CODEBOOK:
        ctx.warn(f"unexpected namespace {namespace(root.tag)!r} (expected {NS_CODEBOOK})")
    codes, guids = _codebook(root, ctx, known_code_ids)
    return RefiProject(name=Path(path).stem, codes=codes, code_guids=guids), ctx.all_warnings()


def read_qdpx(path: str | Path, known_code_ids: Iterable[str] | Mapping[str, str] = ()
              ) -> tuple[RefiProject, list[str]]:
    """Everything qualkit can take from a REFI-QDA project zip, and warnings for the rest."""
    where = str(path)
    zf = open_zip(read_file_bytes(path), where)
    qde = _find_qde(zf.namelist(), where)
    root = parse_xml(zip_member(zf, qde, where), f"{where}: {qde}")
    if local(root.tag) != "Project":
        raise QualkitError(f"{where}: {qde} is not a REFI-QDA project "
                           f"(it holds <{local(root.tag)}>)")
    ctx = ReadContext(where, zf, crlf_is_one="atlas" in (root.get("origin") or "").lower())
    if namespace(root.tag) != NS_PROJECT:
        ctx.warn(f"unexpected namespace {namespace(root.tag)!r} (expected {NS_PROJECT})")
    coder_guids = _users(kid(root, "Users"), ctx)
    codes, code_guids = _codebook(kid(root, "CodeBook"), ctx, known_code_ids)
    _variables(kid(root, "Variables"), ctx)
    notes = _notes(kid(root, "Notes"), ctx)
    read_sources(kid(root, "Sources"), ctx)
    attributes = _cases(kid(root, "Cases"), ctx)
    ctx.refs(root, ("project",))
    for section in UNSUPPORTED:
        found = kids(kid(root, section))
        if found:
            ctx.warn(f"{len(found)} {section.lower()} not imported (qualkit has no {section})")
    memos = _memos(notes, ctx)
    codes, memos = _drop_case_codes(codes, memos, kid(root, "Cases"), ctx)
    description = kid(root, "Description")
    project = RefiProject(
        name=(root.get("name") or "").strip() or Path(path).stem, codes=codes,
        documents=[replace(d, attributes=attributes.get(d.name, {})) for d in ctx.documents],
        codings=ctx.codings, coders=sorted(set(ctx.users.values())
                                           | {c.coder for c in ctx.codings}),
        memos=memos, description=(description.text or "").strip() if description is not None
        else "", created=iso_datetime(root.get("creationDateTime")), code_guids=code_guids,
        coder_guids=coder_guids)
    return project, ctx.all_warnings()


def _find_qde(names: list[str], where: str) -> str:
    if "project.qde" in names:
        return "project.qde"
    found = [n for n in names if n.lower().endswith(".qde")]
    if len(found) != 1:
        raise QualkitError(f"{where}: not a REFI-QDA project, no project.qde inside")
    return found[0]


# ------------------------------------------------------------------------------------ codes
def _codebook(book: ET.Element | None, ctx: ReadContext, known_code_ids: Iterable[str]
              ) -> tuple[list[Code], dict[str, str]]:
    """Codes in tree order (parents first) and {code id: original GUID}."""
    if book is None:
        return [], {}
    inverse = {make_guid("code", k): k for k in known_code_ids}
    if isinstance(known_code_ids, Mapping):  # id -> GUID kept from an earlier import
        inverse.update({norm_guid(v): k for k, v in known_code_ids.items() if norm_guid(v)})
    codes: list[Code] = []
    guids: dict[str, str] = {}
    taken: set[str] = set()
    stack = [(el, None) for el in reversed(kids(kid(book, "Codes"), "Code"))]
    while stack:  # a loop, not recursion: a hostile file may nest codes very deep
        el, parent = stack.pop()
        code = _code(el, parent, ctx, inverse, taken)
        if code is None:
            continue
        codes.append(code)
        if norm_guid(el.get("guid")):
            guids[code.id] = el.get("guid")
        ctx.refs(el, ("code", code.id))
        stack.extend((sub, code.id) for sub in reversed(kids(el, "Code")))
    return codes, guids


def _code(el: ET.Element, parent: str | None, ctx: ReadContext, inverse: dict[str, str],
          taken: set[str]) -> Code | None:
    raw, guid = el.get("guid"), norm_guid(el.get("guid"))
    name = " ".join((el.get("name") or "").split())
    if guid is not None and guid in ctx.code_by_guid:
        ctx.warn(f"code '{name}': GUID {raw} is used twice; the second one and its "
                 "sub-codes skipped")
        return None
    if guid is None:
        ctx.warn(f"code '{name}' has no valid GUID; no coding can refer to it")
    if not name:
        name = f"Unnamed code {(guid or '')[:8]}".strip()
        ctx.warn(f"a code has no name; imported as '{name}'")
    desc = kid(el, "Description")
    description, include, exclude, examples = split_description(
        desc.text or "" if desc is not None else "")
    color = norm_color(el.get("color"))
    if el.get("color") and not color:
        ctx.warn(f"code '{name}': colour {el.get('color')!r} not understood, left out")
    code_id = inverse.get(guid or "")
    if code_id is None or code_id in taken:
        base = slug(name) or f"code_{(guid or 'x')[:8]}"
        code_id = _unique(f"{parent}.{base}" if parent else base, taken, name, ctx)
    taken.add(code_id)
    if guid is not None:
        ctx.code_by_guid[guid] = code_id
    return Code(id=code_id, name=name, parent=parent, description=description,
                include=include, exclude=exclude, examples=examples, color=color)


def _unique(code_id: str, taken: set[str], name: str, ctx: ReadContext) -> str:
    if code_id not in taken:
        return code_id
    n = 2
    while f"{code_id}_{n}" in taken:
        n += 1
    ctx.warn(f"code '{name}': id '{code_id}' already taken; imported as '{code_id}_{n}'")
    return f"{code_id}_{n}"


# ------------------------------------------------------------------ users, variables, notes
def _users(users: ET.Element | None, ctx: ReadContext) -> dict[str, str]:
    coder_guids: dict[str, str] = {}
    for el in kids(users, "User"):
        guid = norm_guid(el.get("guid"))
        name = " ".join((el.get("name") or el.get("id") or "").split())
        if guid is None:
            ctx.warn(f"user '{name}' has no valid GUID; skipped")
            continue
        if guid in ctx.users:
            ctx.warn(f"user '{name}': GUID {el.get('guid')} is used twice; the second skipped")
            continue
        name = name or f"user {guid[:8]}"
        ctx.users[guid] = name
        coder_guids.setdefault(name, el.get("guid"))
    return coder_guids


def _variables(variables: ET.Element | None, ctx: ReadContext) -> None:
    for el in kids(variables, "Variable"):
        guid, name = norm_guid(el.get("guid")), (el.get("name") or "").strip()
        if guid is None or not name:
            ctx.warn(f"variable '{name}' without a GUID or name; skipped")
            continue
        ctx.variables.setdefault(guid, name)


def _notes(notes: ET.Element | None, ctx: ReadContext) -> dict[str, tuple]:
    """GUID -> (text, coder, created), in file order."""
    out: dict[str, tuple] = {}
    for el in kids(notes, "Note"):
        guid, name = norm_guid(el.get("guid")), (el.get("name") or "").strip()
        if guid is None or guid in out:
            ctx.warn(f"note '{name}': missing or repeated GUID; skipped")
            continue
        text = ctx.text_of(el, f"note '{name}'")
        if text is None:
            continue
        if any(local(e.tag) == "Coding" for e in el.iter()):
            ctx.warn(f"note '{name}': codings inside a note are not imported")
        out[guid] = (text, ctx.user(el.get("creatingUser")),
                     iso_datetime(el.get("creationDateTime")))
    return out


# --------------------------------------------------------------------------- cases and memos
def _cases(cases: ET.Element | None, ctx: ReadContext) -> dict[str, dict[str, str]]:
    """Attributes per document name: the source's own values, then its cases' values."""
    out = {name: dict(values) for name, values in ctx.source_values.items()}
    for case in kids(cases, "Case"):
        name = case.get("name") or case.get("guid") or "?"
        values = read_values(case, ctx)
        docs = [ctx.doc_by_guid[g] for g in (norm_guid(r.get("targetGUID"))
                                             for r in kids(case, "SourceRef"))
                if g in ctx.doc_by_guid]
        if kids(case, "CodeRef") or kids(case, "SelectionRef"):
            ctx.count("codes and selections linked to cases are not imported")
        if values and not docs:
            ctx.warn(f"case '{name}': its attributes belong to no imported text source")
        for doc in docs:
            ctx.refs(case, ("document", doc))
            for key, value in values.items():
                if out.setdefault(doc, {}).setdefault(key, value) != value:
                    ctx.warn(f"document '{doc}': attribute '{key}' has two values; "
                             f"kept {out[doc][key]!r}")
    return out


def _memos(notes: dict[str, tuple], ctx: ReadContext) -> list[RefiMemo]:
    memos: list[RefiMemo] = list(ctx.memos)
    coding_memos: dict[int, list[str]] = {}
    used: set[str] = set()
    for guid, target in ctx.note_refs:
        if guid not in notes:
            ctx.count("a reference to a note that is not in the file; skipped")
            continue
        used.add(guid)
        text, coder, created = notes[guid]
        kind = target[0]
        if kind == "coding":
            coding_memos.setdefault(target[1], []).append(text)
        elif kind == "segment":
            _, doc, start, end, sel_guid = target
            memos.append(RefiMemo("segment", sel_guid, text, coder, created, doc, start, end))
        else:
            memos.append(RefiMemo(kind, target[1] if len(target) > 1 else "", text, coder,
                                  created))
    for i, texts in coding_memos.items():
        own = [ctx.codings[i].memo] if ctx.codings[i].memo else []
        ctx.codings[i] = replace(ctx.codings[i], memo="\n\n".join(own + texts))
    for guid, (text, coder, created) in notes.items():
        if guid not in used:
            memos.append(RefiMemo("project", "", text, coder, created))
    return memos


def _drop_case_codes(codes: list[Code], memos: list[RefiMemo], cases: ET.Element | None,
                     ctx: ReadContext) -> tuple[list[Code], list[RefiMemo]]:
    """NVivo also writes each case as a code with the case's GUID: those are not codes."""
    case_guids = {norm_guid(c.get("guid")) for c in kids(cases, "Case")}
    dropped = {ctx.code_by_guid[g] for g in case_guids if g in ctx.code_by_guid}
    if not dropped:
        return codes, memos
    ctx.warn(f"{len(dropped)} code(s) standing for cases (same GUID as a case) were not "
             "imported as codes")
    parent_of = {c.id: c.parent for c in codes}

    def kept_parent(code_id: str | None) -> str | None:
        while code_id in dropped:
            code_id = parent_of.get(code_id)
        return code_id

    ctx.codings[:] = [c for c in ctx.codings if c.code_id not in dropped]
    codes = [replace(c, parent=kept_parent(c.parent)) for c in codes if c.id not in dropped]
    return codes, [m for m in memos if not (m.target_type == "code" and m.target_id in dropped)]
