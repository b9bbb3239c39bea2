"""Portable codings: one coder's work as a bundle, and matching a bundle onto a project.

Coders who work apart (each on a laptop copy of the project) meet again through a bundle: their
codings, memos and done marks, keyed by what survives copying — the document's content hash and
the segment's character offsets and text — never by database ids. Matching is careful because
this is where peers lose codings: a coding goes to the segment at the same offsets with the same
text; failing that, to the one segment of that document with the same text; failing that, to
the segments that contain the span. What still cannot be placed (a document not in this project,
a code not in its codeframe, text that is gone) is kept aside with the reason, never dropped.
All functions here take and return plain data; the store applies the plan in one transaction.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qualkit.models import QualkitError

FORMAT = "qualkit-codings"
VERSION = 1


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _text(value: Any) -> str | None:
    """A memo as text or None: a codings frame gives NaN for "no memo", which json.dumps
    writes as ``NaN`` -- not JSON, so other tools (and strict parsers) refuse the file."""
    return value if isinstance(value, str) else None


def build_bundle(project: str, coder: str, kind: str, documents: Iterable[Mapping[str, Any]],
                 segments: Iterable[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]],
                 memos: Iterable[Mapping[str, Any]], done: Iterable[Mapping[str, Any]],
                 exported: str) -> dict[str, Any]:
    """A JSON-ready bundle. ``documents``: name, content_hash; ``segments``: segment_id,
    document, start, end, text; ``codings``: segment_id, code_id, created, memo, source;
    ``memos``: target_type, target_id, text, created; ``done``: document, at."""
    docs = {d["name"]: d["content_hash"] for d in documents}
    seg = {s["segment_id"]: s for s in segments}

    def where(segment_id: str) -> dict[str, Any]:
        s = seg[segment_id]
        return {"document": s["document"], "content_hash": docs.get(s["document"], ""),
                "start": int(s["start"]), "end": int(s["end"]), "text_sha": text_sha(s["text"]),
                "text": s["text"]}

    out_codings = [{**where(c["segment_id"]), "code_id": c["code_id"], "created": c["created"],
                    "memo": _text(c.get("memo")), "source": c.get("source") or "manual"}
                   for c in codings if c["segment_id"] in seg]
    out_memos = []
    for m in memos:
        item = {"target_type": m["target_type"], "text": m["text"], "created": m["created"]}
        if m["target_type"] == "segment":
            if m["target_id"] not in seg:
                continue
            item.update(where(m["target_id"]))  # its "text" is the segment's, to place it
            item["memo"] = m["text"]
        else:
            item["target_id"] = m["target_id"]
        out_memos.append(item)
    out_done = [{"document": d["document"], "content_hash": docs.get(d["document"], ""),
                 "at": d["at"]} for d in done]
    return {"format": FORMAT, "version": VERSION, "project": project, "coder": coder,
            "kind": kind, "exported": exported, "codings": out_codings, "memos": out_memos,
            "done": out_done}


def read_bundle(raw: str, source: str) -> dict[str, Any]:
    """Parse and check a bundle's JSON; a clear error names the file and what is wrong."""
    try:
        bundle = json.loads(raw)
    except ValueError as e:
        raise QualkitError(f"{source} is not a qualkit codings bundle (not JSON: {e})") from None
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise QualkitError(f"{source} is not a qualkit codings bundle (write one with "
                           "`qualkit export codings --coder NAME -o FILE`)")
    if bundle.get("version", 0) > VERSION:
        raise QualkitError(f"{source} was written by a newer qualkit (bundle version "
                           f"{bundle.get('version')}); upgrade qualkit")
    for key in ("coder", "codings", "memos", "done"):
        if key not in bundle:
            raise QualkitError(f"{source}: the bundle has no {key!r}")
    return bundle


@dataclass
class MergePlan:
    """What a bundle brings: rows ready for the store, and what is kept aside (with why)."""

    coder: str
    kind: str
    codings: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)
    memos: list[tuple[str, str, str, str]] = field(default_factory=list)  # type, id, text, at
    done: list[tuple[str, str]] = field(default_factory=list)  # document, at
    aside: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # kind, why, item
    moved: int = 0  # codings placed on a segment other than the one at the same offsets


class _Segments:
    """The project's active segments, looked up the ways a bundle item can be placed."""

    def __init__(self, documents: Iterable[Mapping[str, Any]],
                 segments: Iterable[Mapping[str, Any]]):
        self.by_hash = {d["content_hash"]: d["name"] for d in documents}
        self.names = {d["name"] for d in documents}
        self.rows: dict[str, list[Mapping[str, Any]]] = {}
        for s in segments:
            self.rows.setdefault(s["document"], []).append(s)

    def document(self, item: Mapping[str, Any]) -> str | None:
        return self.by_hash.get(item.get("content_hash", "")) or (
            item["document"] if item.get("document") in self.names else None)

    def place(self, item: Mapping[str, Any]) -> tuple[list[str], bool] | None:
        """Segment ids for a span, and whether it moved; None when the text is gone."""
        doc = self.document(item)
        if doc is None:
            return None
        rows = self.rows.get(doc, [])
        exact = [s["segment_id"] for s in rows if s["start"] == item["start"]
                 and s["end"] == item["end"] and text_sha(s["text"]) == item["text_sha"]]
        if exact:
            return exact, False
        same = [s["segment_id"] for s in rows if text_sha(s["text"]) == item["text_sha"]]
        if len(same) == 1:
            return same, True
        text = item.get("text", "")
        holding = [s["segment_id"] for s in rows if text and text in s["text"]]
        if len(holding) == 1:
            return holding, True
        inside = [s["segment_id"] for s in rows if text and s["text"] in text
                  and item["start"] <= s["start"] and s["end"] <= item["end"]]
        return (inside, True) if inside else None


def plan_merge(bundle: Mapping[str, Any], documents: Iterable[Mapping[str, Any]],
               segments: Iterable[Mapping[str, Any]], code_ids: Iterable[str]) -> MergePlan:
    """Match a bundle onto this project's documents, active segments and codes."""
    index = _Segments(documents, segments)
    codes = set(code_ids)
    plan = MergePlan(coder=bundle["coder"], kind=bundle.get("kind", "human"))
    for c in bundle["codings"]:
        if c["code_id"] not in codes:
            plan.aside.append(("coding", f"code {c['code_id']!r} is not in this codeframe", c))
            continue
        placed = _place_or_aside(index, c, "coding", plan)
        if placed:
            ids, moved = placed
            plan.moved += moved * len(ids)
            plan.codings.extend((sid, c["code_id"], c["created"], c.get("memo"),
                                 c.get("source") or "manual") for sid in ids)
    for m in bundle["memos"]:
        if m["target_type"] != "segment":
            plan.memos.append((m["target_type"], m["target_id"], m["text"], m["created"]))
            continue
        placed = _place_or_aside(index, m, "memo", plan)
        if placed:
            text = m.get("memo", m["text"])  # bundles before the "memo" key lost the memo
            plan.memos.extend(("segment", sid, text, m["created"]) for sid in placed[0])
    for d in bundle["done"]:
        doc = index.document(d)
        if doc is None:
            plan.aside.append(("done", "the document is not in this project", d))
        else:
            plan.done.append((doc, d["at"]))
    return plan


def _place_or_aside(index: _Segments, item: Mapping[str, Any], kind: str,
                    plan: MergePlan) -> tuple[list[str], bool] | None:
    if index.document(item) is None:
        plan.aside.append((kind, f"document {item.get('document')!r} is not in this project "
                                 "(or its text differs)", dict(item)))
        return None
    placed = index.place(item)
    if placed is None:
        plan.aside.append((kind, "its text is no longer in the document", dict(item)))
    return placed


def item_hash(kind: str, item: Mapping[str, Any]) -> str:
    """A stable key for an aside item, so merging twice keeps it once."""
    return hashlib.sha256(json.dumps([kind, item], sort_keys=True,
                                     default=str).encode()).hexdigest()
