"""The speakers of a project's transcripts, the analyst's choice of a speaker's party, and
the transcriber's marks kept with each transcript.

``qualkit speakers`` lists them; ``--set NAME PARTY`` stores the choice (it survives
re-ingest) and re-decides the parties of every document the speaker is in at once, with the
same rules as ingest (``parties.decide_parties``), so the other speakers follow (name the
interviewer and the rest become participants).
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from qualkit.ingest.header import Header, with_names
from qualkit.ingest.parties import PARTIES, decide_parties, fold, name_forms
from qualkit.models import QualkitError

COLUMNS = ["document", "speaker", "party", "segments", "roles", "reason"]


def speaker_rows(store: Any) -> list[dict[str, Any]]:
    """document, speaker, party, segments, roles (as written), reason (why that party)."""
    metas: dict[str, dict] = {}
    rows = []
    for r in store.speakers():
        if r["document"] not in metas:
            metas[r["document"]] = store.document_meta(r["document"])
        reasons = metas[r["document"]].get("parties", {})
        rows.append({"document": r["document"], "speaker": r["speaker"], "party": r["party"],
                     "segments": r["segments"], "roles": r["roles"] or "",
                     "reason": (reasons.get(r["speaker"]) or ["", ""])[1]})
    return rows


def redecide(store: Any, document: str, interviewers: Iterable[str]) -> int:
    """Decide one document's parties again from what ingest stored; returns segments changed."""
    meta = store.document_meta(document)
    labels = {k: set(v) for k, v in meta.get("speaker_labels", {}).items()}
    for name in meta.get("parties", {}):
        labels.setdefault(name, set())
    header = with_names(Header(fields=dict(meta.get("header", {}).get("fields", {}))))
    decisions = decide_parties(labels, header.speaker_names, interviewers,
                               store.speaker_overrides(document))
    return store.apply_parties(document, {k: (d.party, d.reason) for k, d in decisions.items()})


def set_party(store: Any, speaker: str, party: str, interviewers: Iterable[str],
              document: str | None = None) -> dict[str, int]:
    """Store the analyst's party for ``speaker`` (in ``document``, or in every transcript)
    and apply it now. Returns {document: segments whose party changed}."""
    party = party.strip().lower()
    if party not in PARTIES:
        raise QualkitError(f"unknown party {party!r}; use one of {', '.join(PARTIES)}")
    rows = speaker_rows(store)
    hits = [r for r in rows if fold(speaker) in name_forms(r["speaker"])
            and (document is None or r["document"] == document)]
    if not hits:
        names = sorted({r["speaker"] for r in rows
                        if document is None or r["document"] == document})
        close = [n for n in names if fold(speaker) in fold(n)][:3] or \
            difflib.get_close_matches(speaker, names, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else \
            f" (speakers: {', '.join(names) or 'none'})"
        raise QualkitError(f"no speaker {speaker!r} in {document or 'any transcript'}{hint}")
    store.set_speaker_override(hits[0]["speaker"], party, document or "")
    interviewers = list(interviewers)
    return {doc: redecide(store, doc, interviewers)
            for doc in dict.fromkeys(r["document"] for r in hits)}


def annotation_frame(store: Any, document: str | None = None) -> Any:
    """The transcriber's marks of one transcript (or all): document, start, end, kind, text."""
    import pandas as pd

    rows = []
    names = [document] if document else \
        [r["name"] for r in store.documents() if r["kind"] == "transcript"]
    for name in names:
        text = store.document_text(name)
        for s, e, kind in store.document_meta(name).get("annotations", []):
            rows.append({"document": name, "start": s, "end": e, "kind": kind,
                         "text": text[s:e]})
    return pd.DataFrame(rows, columns=["document", "start", "end", "kind", "text"])
