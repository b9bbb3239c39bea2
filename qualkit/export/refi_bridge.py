"""Between a qualkit project's frames and REFI-QDA's plain data, both ways.

Export: codings are segments' spans (``document[start:end]``), memos on segments carry their
span, attributes become variables. Import: another tool codes arbitrary spans, qualkit codes
segments, so a span is mapped onto the segments it covers (a segment counts when at least half
of it lies inside the span, or when it holds the whole span). Sources are written as UTF-8 text
with newlines as qualkit's readers store them (CRLF and CR become LF), and every offset is moved
with the text.

Redacted export (``redacted_inputs``): each document's text goes through the project's
redactor and every segment span is moved onto the redacted text with ``map_span`` (a span
touching a tag covers all of it), so codings and memos still mark the same sentences; document
names become "Document N" and memo text is redacted too. Coders' names are kept: they are the
research team, not participants.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from bisect import bisect_right
from typing import Any

from qualkit.export.refi_model import RefiCoding, RefiDocument, RefiMemo, RefiProject
from qualkit.models import Code

_NAME_RE = re.compile(r"[^\w .()-]+", re.UNICODE)


def refi_from_frames(name: str, codes: list[Code], documents: Iterable[Mapping[str, Any]],
                     segments: Iterable[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]],
                     memos: Iterable[Mapping[str, Any]]) -> RefiProject:
    """``documents``: name, text, content_hash, ingested_at, attributes (dict); ``segments``:
    segment_id, document, start, end; ``codings``: segment_id, code_id, coder, memo, created;
    ``memos``: target_type, target_id, coder, text, created."""
    spans = {s["segment_id"]: (s["document"], int(s["start"]), int(s["end"])) for s in segments}
    docs = [RefiDocument(name=d["name"], text=d["text"], attributes=dict(d["attributes"]),
                         content_hash=d["content_hash"], created=d.get("ingested_at"))
            for d in documents]
    out_codings = [RefiCoding(*spans[c["segment_id"]], code_id=c["code_id"], coder=c["coder"],
                              memo=c.get("memo"), created=c.get("created"))
                   for c in codings if c["segment_id"] in spans]
    out_memos = []
    for m in memos:
        if m["target_type"] == "segment":
            if m["target_id"] not in spans:
                continue
            doc, start, end = spans[m["target_id"]]
            out_memos.append(RefiMemo("segment", m["target_id"], m["text"], m.get("coder"),
                                      m.get("created"), doc, start, end))
        elif m["target_type"] in ("project", "document", "code"):
            out_memos.append(RefiMemo(m["target_type"], m["target_id"], m["text"],
                                      m.get("coder"), m.get("created")))
    coders = sorted({c.coder for c in out_codings} | {m.coder for m in out_memos if m.coder})
    return RefiProject(name=name, codes=list(codes), documents=docs, codings=out_codings,
                       coders=coders, memos=out_memos)


def file_name(document: str, taken: set[str]) -> str:
    """A safe .txt file name for an imported source, unique within ``taken``."""
    stem = _NAME_RE.sub("_", document).strip(" ._") or "source"
    stem = stem[:-4] if stem.lower().endswith(".txt") else stem
    name, n = f"{stem}.txt", 2
    while name.lower() in taken:
        name, n = f"{stem}_{n}.txt", n + 1
    taken.add(name.lower())
    return name


def as_stored(text: str) -> tuple[str, Any]:
    """The text as qualkit's readers store it (no BOM, LF newlines) and a function moving an
    offset of the original text onto it."""
    removed: list[int] = []  # original offsets of characters dropped
    if text.startswith("\ufeff"):
        removed.append(0)
    for m in re.finditer(r"\r\n", text):
        removed.append(m.start())
    out = text[1:] if text.startswith("\ufeff") else text
    out = out.replace("\r\n", "\n").replace("\r", "\n")

    def move(offset: int) -> int:
        return offset - bisect_right(removed, offset - 1)

    return out, move


def segments_for_span(segments: list[Mapping[str, Any]], start: int, end: int) -> list[str]:
    """Segment ids a coded span covers: at least half of the segment inside the span, or the
    segment holding the whole span."""
    hits = []
    for s in segments:
        overlap = min(end, s["end"]) - max(start, s["start"])
        length = max(1, s["end"] - s["start"])
        if overlap > 0 and (overlap * 2 >= length or (s["start"] <= start and end <= s["end"])):
            hits.append(s["segment_id"])
    return hits


def redacted_inputs(red: Any, documents: list[dict[str, Any]], segments: list[dict[str, Any]],
                    memos: list[dict[str, Any]]) -> tuple[list[dict], list[dict], list[dict]]:
    """``refi_from_frames``' documents, segments and memos with text redacted by ``red`` (a
    ``PrivacyRedactor``), spans moved onto the redacted text, documents pseudonymised."""
    from qualkit.privacy import map_span

    done: dict[str, Any] = {}
    docs = []
    for d in documents:
        done[d["name"]] = red.redaction(d["text"] or "", d["name"])
        docs.append({**d, "name": red.document(d["name"]), "text": done[d["name"]].text})
    segs = []
    for s in segments:
        r = done.get(s["document"])
        if r is None:
            continue
        top = r.original_length
        start, end = map_span(r, min(int(s["start"]), top), min(int(s["end"]), top))
        segs.append({**s, "document": red.document(s["document"]), "start": start, "end": end})
    out_memos = []
    for m in memos:
        target = m["target_id"]
        if m["target_type"] == "document":
            target = red.document(target)
        out_memos.append({**m, "target_id": target, "text": red.text(m["text"] or "")})
    return docs, segs, out_memos
