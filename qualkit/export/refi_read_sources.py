"""Reading the sources of a REFI-QDA project: the texts, and the codings on them.

qualkit codes text, so it takes ``TextSource``s (text inline as ``PlainTextContent`` or in the
zip at ``internal://...``) and the text ``Representation`` of a ``PDFSource`` when the tool
wrote one. Pictures, audio, video, PDF page regions and any selection other than a
``PlainTextSelection`` are reported and skipped. A ``Coding`` placed on a source itself codes
the whole text. Offsets are checked against the text; a selection outside it is skipped.
A text file's leading byte-order mark is not text and is dropped. Offsets count "\r\n" as two
code points, as the standard says, except in files from ATLAS.ti, which counts it as one
(as QualCoder's importer documents); there line breaks are read as "\n".
A selection's ``Description`` is the comment the tools keep on a coded segment: it becomes the
memo of the selection's codings, or a segment memo when the selection carries no coding.
"""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from ..models import QualkitError
from .refi_files import local, zip_member
from .refi_model import RefiCoding, RefiDocument, RefiMemo, iso_datetime, norm_guid

MEDIA = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}


def kids(el: ET.Element | None, tag: str | None = None) -> list[ET.Element]:
    """Element children of ``el`` (with local name ``tag``), ignoring namespaces."""
    if el is None:
        return []
    return [c for c in el if local(c.tag) and (tag is None or local(c.tag) == tag)]


def kid(el: ET.Element | None, tag: str) -> ET.Element | None:
    found = kids(el, tag)
    return found[0] if found else None


@dataclass
class ReadContext:
    """What one import has learnt so far, and what it has to warn about."""

    where: str
    zf: zipfile.ZipFile | None = None
    warnings: list[str] = field(default_factory=list)
    tally: Counter = field(default_factory=Counter)
    users: dict[str, str] = field(default_factory=dict)  # GUID -> coder name
    code_by_guid: dict[str, str] = field(default_factory=dict)  # GUID -> qualkit code id
    variables: dict[str, str] = field(default_factory=dict)  # GUID -> attribute name
    doc_by_guid: dict[str, str] = field(default_factory=dict)  # GUID -> document name
    note_refs: list[tuple[str | None, tuple]] = field(default_factory=list)
    documents: list[RefiDocument] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)
    coding_keys: set[tuple] = field(default_factory=set)
    memos: list[RefiMemo] = field(default_factory=list)  # comments on uncoded selections
    crlf_is_one: bool = False  # the writing tool counted "\r\n" as one character
    source_values: dict[str, dict[str, str]] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def count(self, message: str, n: int = 1) -> None:
        """A warning that may repeat: reported once, with how often it happened."""
        self.tally[message] += n

    def all_warnings(self) -> list[str]:
        return self.warnings + [m if n == 1 else f"{m} ({n} times)" for m, n in self.tally.items()]

    def refs(self, el: ET.Element, target: tuple) -> None:
        for ref in kids(el, "NoteRef"):
            self.note_refs.append((norm_guid(ref.get("targetGUID")), target))

    def user(self, guid: str | None) -> str | None:
        return self.users.get(norm_guid(guid) or "")

    # -- text -------------------------------------------------------------------------------
    def text_of(self, el: ET.Element, label: str) -> str | None:
        """Inline ``PlainTextContent`` or the ``plainTextPath`` file; None (warned) if neither."""
        content = kid(el, "PlainTextContent")
        if content is not None:
            return content.text or ""
        path = (el.get("plainTextPath") or "").strip()
        if path:
            return self._internal_text(path, label)
        if el.get("richTextPath"):
            self.warn(f"{label}: only a rich-text (.docx) version, no plain text; skipped")
        else:
            self.warn(f"{label}: has no text; skipped")
        return None

    def _internal_text(self, path: str, label: str) -> str | None:
        if not path.startswith("internal://") or self.zf is None:
            self.warn(f"{label}: its text is outside the project file ({path}); skipped")
            return None
        want = path[len("internal://"):].lstrip("/")
        names = {n.lower(): n for n in self.zf.namelist()}
        member = names.get(f"sources/{want}".lower()) or names.get(want.lower())
        if member is None:
            self.warn(f"{label}: {path} is missing from the zip; skipped")
            return None
        try:
            return zip_member(self.zf, member, self.where).decode("utf-8-sig")
        except QualkitError as exc:
            self.warn(f"{label}: {exc}; skipped")
        except UnicodeDecodeError:
            self.warn(f"{label}: {member} is not UTF-8 text; skipped")
        return None


# ------------------------------------------------------------------------------------ sources
def read_sources(sources: ET.Element | None, ctx: ReadContext) -> None:
    """Fill ``ctx.documents`` and ``ctx.codings`` from ``<Sources>``."""
    for el in kids(sources):
        kind, name = local(el.tag), (el.get("name") or el.get("guid") or "?").strip()
        codings = sum(1 for e in el.iter() if local(e.tag) == "Coding")
        lost = f" ({codings} coding(s) lost)" if codings else ""
        if kind == "TextSource":
            _text_source(el, el, ctx)
        elif kind == "PDFSource":
            rep = kid(el, "Representation")
            regions = [e for e in el.iter() if local(e.tag) == "PDFSelection"]
            if rep is None:
                ctx.warn(f"PDF source '{name}' has no text representation; skipped{lost}")
                continue
            if regions:
                ctx.warn(f"PDF source '{name}': {len(regions)} page-region selection(s) "
                         "skipped; its text was imported")
            _text_source(el, rep, ctx)
        elif kind in MEDIA:
            ctx.warn(f"{MEDIA[kind]} source '{name}' skipped: qualkit reads text only{lost}")
        else:
            ctx.warn(f"<{kind}> '{name}' in Sources is not a known source type; skipped{lost}")


def _text_source(outer: ET.Element, inner: ET.Element, ctx: ReadContext) -> None:
    """One document from ``outer`` (identity, notes, attributes) and ``inner`` (the text)."""
    raw_guid, guid = outer.get("guid"), norm_guid(outer.get("guid"))
    name = (outer.get("name") or "").strip() or (f"source {guid[:8]}" if guid else "source")
    if guid is not None and guid in ctx.doc_by_guid:
        ctx.warn(f"source '{name}': GUID {raw_guid} is used twice; the second one skipped")
        return
    text = ctx.text_of(inner, f"source '{name}'")
    if text is None:
        return
    if ctx.crlf_is_one and "\r\n" in text:
        text = text.replace("\r\n", "\n")
        ctx.count("this tool counts a Windows line break as one character; line breaks in "
                  "source texts were read as one")
    name = _unique_name(name, ctx)
    if guid is not None:
        ctx.doc_by_guid[guid] = name
    ctx.refs(outer, ("document", name))
    ctx.source_values[name] = read_values(outer, ctx)
    for el in {id(e): e for e in (outer, inner)}.values():
        for child in kids(el):
            tag = local(child.tag)
            if tag == "PlainTextSelection" and el is inner:
                _selection(child, name, text, ctx)
            elif tag == "Coding":
                _coding(child, name, 0, len(text), None, None, "", ctx)
            elif tag not in ("Description", "PlainTextContent", "NoteRef", "VariableValue",
                             "Representation", "PDFSelection"):
                ctx.count(f"<{tag}> in a text source is not supported; skipped")
    ctx.documents.append(RefiDocument(
        name=name, text=text, content_hash=_sha256(text), guid=raw_guid,
        created=iso_datetime(outer.get("creationDateTime"))))


def _unique_name(name: str, ctx: ReadContext) -> str:
    taken = {d.name for d in ctx.documents}
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    ctx.warn(f"two sources are named '{name}'; the second is imported as '{name} ({n})'")
    return f"{name} ({n})"


def _selection(sel: ET.Element, doc: str, text: str, ctx: ReadContext) -> None:
    try:
        start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
    except ValueError:
        ctx.count("a text selection without numeric start/end positions; skipped")
        return
    if not 0 <= start <= end <= len(text):
        lost = len(kids(sel, "Coding"))
        ctx.warn(f"source '{doc}': selection {start}-{end} lies outside the text "
                 f"({len(text)} characters); skipped ({lost} coding(s) lost)")
        return
    codings = kids(sel, "Coding")
    # the selection's time is its one coding's time; with several, each has its own or none
    created = sel.get("creationDateTime") if len(codings) == 1 else None
    described = kid(sel, "Description")
    comment = (described.text or "").strip() if described is not None else ""
    for coding in codings:  # a comment on a coded selection is a memo on its coding(s)
        _coding(coding, doc, start, end, sel.get("creatingUser"), created, comment, ctx)
    if comment and not codings:
        ctx.memos.append(RefiMemo("segment", sel.get("guid") or "", comment,
                                  ctx.user(sel.get("creatingUser")),
                                  iso_datetime(sel.get("creationDateTime")), doc, start, end))
    ctx.refs(sel, ("segment", doc, start, end, sel.get("guid") or ""))


def _coding(el: ET.Element, doc: str, start: int, end: int, sel_user: str | None,
            sel_created: str | None, memo: str, ctx: ReadContext) -> None:
    ref = kid(el, "CodeRef")
    code_id = ctx.code_by_guid.get(norm_guid(ref.get("targetGUID")) or "") if ref is not None \
        else None
    if code_id is None:
        ctx.count("a coding refers to no code in the codebook; skipped")
        return
    coder = ctx.user(el.get("creatingUser")) or ctx.user(sel_user)
    if coder is None:
        ctx.count("a coding names no known user; its coder is 'unknown'")
        coder = "unknown"
    coding = RefiCoding(document=doc, start=start, end=end, code_id=code_id, coder=coder,
                        memo=memo or None,
                        created=iso_datetime(el.get("creationDateTime") or sel_created))
    key = (doc, start, end, code_id, coder)
    if key in ctx.coding_keys:
        ctx.count("the same code applied twice to one selection by one coder; kept one")
        return
    ctx.coding_keys.add(key)
    ctx.codings.append(coding)
    ctx.refs(el, ("coding", len(ctx.codings) - 1))


def read_values(el: ET.Element, ctx: ReadContext) -> dict[str, str]:
    """The ``VariableValue``s of a case or source as {attribute name: text}."""
    out: dict[str, str] = {}
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        var = ctx.variables.get(norm_guid(ref.get("targetGUID")) or "") if ref is not None \
            else None
        values = [c for c in kids(vv) if local(c.tag) != "VariableRef"]
        if var is None:
            ctx.count("an attribute value refers to no known variable; skipped")
            continue
        out[var] = (values[0].text or "").strip() if values else ""
    return out


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
