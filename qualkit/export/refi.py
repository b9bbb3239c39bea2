"""REFI-QDA export: a codebook (.qdc) or a whole project (.qdpx) other QDA tools can open.

NVivo, ATLAS.ti, MAXQDA and QualCoder read QDA-XML 1.0. What qualkit writes, and why:
* every coding is its own ``PlainTextSelection`` holding one ``Coding``, both carrying the
  coder as ``creatingUser``: some importers (QualCoder) take the coder from the selection, so
  a selection shared by two coders would lose one of them. A coding memo is that selection's
  ``Description``, where ATLAS.ti, MAXQDA and QualCoder keep comments on coded segments;
* documents become ``TextSource``s whose text is ``Sources/<guid>.txt`` (UTF-8) in the zip,
  and each document is also a ``Case`` carrying its attributes as Text ``Variable``s, which is
  where the tools look for participant attributes;
* other memos become ``Note``s referenced from what they are about (project, code, source,
  or, for a memo on a segment, an uncoded selection over the segment's span);
* output is reproducible: GUIDs from stable keys, timestamps only from the data, everything
  sorted (codes keep the codeframe's order, which the researcher chose), fixed zip metadata.
  Writing is atomic and the file is private (0600).
The writers return warnings for anything left out (e.g. a memo on a theme); data that
contradicts itself (a coding of an unknown code, offsets outside the text) raises.
"""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..models import Code, QualkitError
from .refi_files import atomic_write, utf8_safe, xml_bytes, xml_safe, zip_bytes
from .refi_model import (NS_CODEBOOK, NS_PROJECT, RefiCoding, RefiDocument, RefiMemo,
                         RefiProject, code_description, make_guid, norm_color, norm_guid,
                         xml_datetime)
from .refi_read import read_qdc, read_qdpx

__all__ = ["RefiCoding", "RefiDocument", "RefiMemo", "RefiProject", "read_qdc", "read_qdpx",
           "write_qdc", "write_qdpx"]


def write_qdc(path: str | Path, codes: Iterable[Code],
              code_guids: dict[str, str] | None = None) -> list[str]:
    """Write the codebook ``codes`` (hierarchy, descriptions, colours) to ``path``.

    Returns warnings. ``code_guids`` maps code ids to GUIDs to keep (from an import).
    """
    codes = list(codes)
    if not codes:
        raise QualkitError(f"{path}: no codes to write")
    w = _Writer(code_guids or {})
    root = ET.Element("CodeBook", {"xmlns": NS_CODEBOOK})
    root.append(w.codes(codes, {}))
    atomic_write(path, xml_bytes(root))
    return w.finish()


def write_qdpx(path: str | Path, project: RefiProject) -> list[str]:
    """Write ``project`` as a REFI-QDA project zip (project.qde + Sources/). Returns warnings."""
    from .._version import __version__

    w = _Writer(project.code_guids, project.coder_guids)
    docs = w.documents(project.documents)
    codings = w.codings(project.codings, docs, {c.id for c in project.codes})
    notes = _Notes()
    w.memos(project.memos, docs, {c.id for c in project.codes}, codings, notes)
    root = ET.Element("Project", _attrs(xmlns=NS_PROJECT, name=w.text(project.name),
                                         origin=f"qualkit {__version__}",
                                         creationDateTime=xml_datetime(project.created)))
    w.users(root, project, codings)
    if project.codes:
        ET.SubElement(root, "CodeBook").append(w.codes(project.codes, notes.refs))
    w.variables_and_cases(root, docs)
    w.sources(root, docs, codings, notes)
    notes.write(root, w)
    if project.description:
        ET.SubElement(root, "Description").text = w.text(project.description)
    for g in notes.refs.get(("project",), []):
        ET.SubElement(root, "NoteRef", targetGUID=g)
    members = [("project.qde", xml_bytes(root))]
    for name in sorted(docs, key=lambda n: docs[n][1]):
        guid, file, text = docs[name]
        # readers drop one leading byte-order mark; a text that starts with U+FEFF keeps it
        bom = b"\xef\xbb\xbf" if text.startswith("\ufeff") else b""
        members.append((f"Sources/{file}", bom + text.encode("utf-8")))
    atomic_write(path, zip_bytes(members))
    return w.finish()


def _attrs(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v is not None}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


SpanKey = tuple[str, int, int]


class _Notes:
    """Notes to write, and which element refers to which (keys like ("code", id))."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str | None, str | None, str]] = []
        self.refs: dict[tuple, list[str]] = defaultdict(list)
        self._guids: set[str] = set()

    def add(self, ref: tuple, name: str, text: str, coder: str | None, created: str | None):
        base = ("note", *ref, coder or "", created or "", _digest(text))
        guid, n = make_guid(*base), 1
        while guid in self._guids:
            n += 1
            guid = make_guid(*base, n)
        self._guids.add(guid)
        self.items.append((guid, name, coder, created, text))
        self.refs[ref].append(guid)

    def write(self, root: ET.Element, w: "_Writer") -> None:
        if not self.items:
            return
        notes = ET.SubElement(root, "Notes")
        for guid, name, coder, created, text in self.items:
            note = ET.SubElement(notes, "Note", _attrs(
                guid=guid, name=w.text(name), creatingUser=w.user(coder) if coder else None,
                creationDateTime=xml_datetime(created)))
            ET.SubElement(note, "PlainTextContent").text = w.text(text)


class _Writer:
    def __init__(self, code_guids: dict[str, str], coder_guids: dict[str, str] | None = None):
        self.code_guids = {k: v for k, v in code_guids.items() if norm_guid(v)}
        self.coder_guids = {k: v for k, v in (coder_guids or {}).items() if norm_guid(v)}
        self.warnings: list[str] = []
        self.replaced = 0

    def finish(self) -> list[str]:
        if self.replaced:
            self.warnings.append(f"{self.replaced} character(s) that XML or UTF-8 cannot hold "
                                 "were written as U+FFFD")
        return self.warnings

    def text(self, value: str) -> str:
        safe, n = xml_safe(str(value))
        self.replaced += n
        return safe

    def code(self, code_id: str) -> str:
        return self.code_guids.get(code_id) or make_guid("code", code_id)

    def user(self, name: str) -> str:
        return self.coder_guids.get(name) or make_guid("user", name)

    # -- codebook -------------------------------------------------------------------------
    def codes(self, codes: list[Code], refs: dict[tuple, list[str]]) -> ET.Element:
        """``<Codes>`` nested by parent; raises on duplicate ids, unknown parents, cycles."""
        by_id: dict[str, Code] = {}
        kids: dict[str | None, list[Code]] = defaultdict(list)
        for code in codes:
            if code.id in by_id:
                raise QualkitError(f"code '{code.id}' appears twice in the codebook")
            by_id[code.id] = code
        for code in codes:
            if code.parent is not None and code.parent not in by_id:
                raise QualkitError(f"code '{code.id}' has unknown parent '{code.parent}'")
            kids[code.parent].append(code)
        out, placed = ET.Element("Codes"), set()

        def add(parent: ET.Element, code: Code) -> None:
            placed.add(code.id)
            color = norm_color(code.color)
            if code.color and not color:
                self.warnings.append(f"code '{code.id}': colour {code.color!r} is not #RRGGBB, "
                                     "left out")
            el = ET.SubElement(parent, "Code", _attrs(
                guid=self.code(code.id), name=self.text(code.name), isCodable="true", color=color))
            description = code_description(code)
            if description:
                ET.SubElement(el, "Description").text = self.text(description)
            for g in refs.get(("code", code.id), []):
                ET.SubElement(el, "NoteRef", targetGUID=g)
            for kid in kids[code.id]:
                add(el, kid)

        for code in kids[None]:
            add(out, code)
        if len(placed) != len(codes):
            loop = sorted(set(by_id) - placed)
            raise QualkitError(f"codes {', '.join(loop)} form a parent cycle")
        return out

    # -- checks -----------------------------------------------------------------------------
    def documents(self, documents: list[RefiDocument]) -> dict[str, tuple[str, str, str]]:
        """name -> (GUID, file name in Sources/, text safe for UTF-8)."""
        out: dict[str, tuple[str, str, str]] = {}
        for doc in documents:
            if doc.name in out:
                raise QualkitError(f"document '{doc.name}' appears twice")
            guid = doc.guid if norm_guid(doc.guid) else make_guid("source", doc.name)
            text, n = utf8_safe(doc.text)
            self.replaced += n
            out[doc.name] = (guid, f"{norm_guid(guid)}.txt", text)
        self._docs = {d.name: d for d in documents}
        return out

    def codings(self, codings: list[RefiCoding], docs: dict, code_ids: set[str]
                ) -> dict[SpanKey, list[RefiCoding]]:
        """Codings grouped by span (document, start, end), each group sorted."""
        spans: dict[SpanKey, list[RefiCoding]] = defaultdict(list)
        seen: set[tuple] = set()
        for c in sorted(codings, key=_coding_order):
            where = f"coding of '{c.code_id}' by {c.coder} in '{c.document}'"
            if c.document not in docs:
                raise QualkitError(f"{where}: unknown document")
            if c.code_id not in code_ids:
                raise QualkitError(f"{where}: unknown code")
            size = len(docs[c.document][2])
            if not (0 <= c.start <= c.end <= size):
                raise QualkitError(f"{where}: offsets {c.start}-{c.end} outside the text "
                                   f"({size} characters)")
            key = (c.document, c.start, c.end, c.code_id, c.coder)
            if key in seen:
                self.warnings.append(f"{where} at {c.start}-{c.end} appears twice; kept one")
                continue
            seen.add(key)
            spans[(c.document, c.start, c.end)].append(c)
        return spans

    def memos(self, memos: list[RefiMemo], docs: dict, code_ids: set[str],
              spans: dict[SpanKey, list[RefiCoding]], notes: _Notes) -> None:
        """Register every memo with the element that will refer to it."""
        for m in sorted(memos, key=_memo_order):
            ref = self._memo_ref(m, docs, code_ids)
            if ref is None:
                continue
            if ref[0] == "span":
                spans.setdefault(ref[1:], [])
            label = {"project": "Project memo", "document": f"Memo on document {m.target_id}",
                     "code": f"Memo on code {m.target_id}"}.get(m.target_type,
                                                               f"Memo on segment {m.target_id}")
            notes.add(ref, label, m.text, m.coder, m.created)

    def _memo_ref(self, m: RefiMemo, docs: dict, code_ids: set[str]) -> tuple | None:
        if m.target_type == "project":
            return ("project",)
        if m.target_type == "document" and m.target_id in docs:
            return ("document", m.target_id)
        if m.target_type == "code" and m.target_id in code_ids:
            return ("code", m.target_id)
        if m.target_type == "segment" and m.document in docs and m.start is not None \
                and m.end is not None and 0 <= m.start <= m.end <= len(docs[m.document][2]):
            return ("span", m.document, m.start, m.end)
        if m.target_type in ("document", "code", "segment"):
            self.warnings.append(f"memo on {m.target_type} '{m.target_id}' left out: "
                                 "its target is not in the export")
        else:
            self.warnings.append(f"memo on {m.target_type} '{m.target_id}' left out: "
                                 "REFI-QDA has no place for it")
        return None

    # -- project sections -------------------------------------------------------------------
    def users(self, root: ET.Element, project: RefiProject, spans: dict) -> None:
        names = set(project.coders) | {m.coder for m in project.memos if m.coder}
        names |= {c.coder for group in spans.values() for c in group}
        if names:
            users = ET.SubElement(root, "Users")
            for name in sorted(names):
                ET.SubElement(users, "User", guid=self.user(name), name=self.text(name))

    def variables_and_cases(self, root: ET.Element, docs: dict) -> None:
        names = sorted({k for d in self._docs.values() for k, v in d.attributes.items()
                        if v is not None})
        if names:
            variables = ET.SubElement(root, "Variables")
            for name in names:
                ET.SubElement(variables, "Variable", guid=make_guid("variable", name),
                              name=self.text(name), typeOfVariable="Text")
        if not docs:
            return
        cases = ET.SubElement(root, "Cases")
        for doc_name in sorted(docs):
            case = ET.SubElement(cases, "Case", guid=make_guid("case", doc_name),
                                 name=self.text(doc_name))
            attributes = self._docs[doc_name].attributes
            for name in sorted(k for k, v in attributes.items() if v is not None):
                value = ET.SubElement(case, "VariableValue")
                ET.SubElement(value, "VariableRef", targetGUID=make_guid("variable", name))
                ET.SubElement(value, "TextValue").text = self.text(str(attributes[name]))
            ET.SubElement(case, "SourceRef", targetGUID=docs[doc_name][0])

    def sources(self, root: ET.Element, docs: dict, spans: dict, notes: _Notes) -> None:
        if not docs:
            return
        sources = ET.SubElement(root, "Sources")
        for doc_name in sorted(docs):
            guid, file, _text = docs[doc_name]
            src = ET.SubElement(sources, "TextSource", _attrs(
                guid=guid, name=self.text(doc_name), plainTextPath=f"internal://{file}",
                creationDateTime=xml_datetime(self._docs[doc_name].created)))
            for span in sorted(s for s in spans if s[0] == doc_name):
                self._selection(src, span, spans[span], notes)
            for g in notes.refs.get(("document", doc_name), []):
                ET.SubElement(src, "NoteRef", targetGUID=g)

    def _selection(self, src: ET.Element, span: SpanKey, codings: list[RefiCoding],
                   notes: _Notes) -> None:
        """An uncoded selection for memos on the span, then one selection per coding."""
        doc, start, end = span
        memo_refs = notes.refs.get(("span", doc, start, end), [])
        if memo_refs:
            sel = ET.SubElement(src, "PlainTextSelection", guid=make_guid(
                "selection", doc, start, end), startPosition=str(start), endPosition=str(end))
            for g in memo_refs:
                ET.SubElement(sel, "NoteRef", targetGUID=g)
        for c in codings:
            key = (doc, start, end, c.code_id, c.coder)
            user, created = self.user(c.coder), xml_datetime(c.created)
            sel = ET.SubElement(src, "PlainTextSelection", _attrs(
                guid=make_guid("selection", *key), startPosition=str(start),
                endPosition=str(end), creatingUser=user, creationDateTime=created))
            if c.memo:
                ET.SubElement(sel, "Description").text = self.text(c.memo)
            coding = ET.SubElement(sel, "Coding", _attrs(
                guid=make_guid("coding", *key), creatingUser=user, creationDateTime=created))
            ET.SubElement(coding, "CodeRef", targetGUID=self.code(c.code_id))


def _coding_order(c: RefiCoding) -> tuple:
    return (c.document, c.start, c.end, c.code_id, c.coder, c.memo or "", c.created or "")


def _memo_order(m: RefiMemo) -> tuple:
    return (m.target_type, m.target_id, m.document or "", m.start if m.start is not None else -1,
            m.end if m.end is not None else -1, m.coder or "", m.created or "", m.text)
