"""What ``qualkit status`` shows, as plain data: the front asks the store and the codeframe.

Decided: the codes count is the codeframe's (loaded and synced here, so it is right before
``qualkit codeframe`` has ever run; a codeframe that does not load is reported, not raised);
the vectors count is of this project's distinct segment texts that have a vector (the cache
also keeps code descriptions and texts edited away, which are not segments); runs can be
filtered by stage and status; settings changed since the last ingest and speakers whose party
is unknown are listed, each with what to do.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .models import QualkitError

if TYPE_CHECKING:
    from .project import Project


def _runs(p: "Project", stage: str | None, status: str | None, last: int) -> list[dict]:
    rows = p.store.runs(stage=stage, limit=10_000 if status else last)
    out = [{"id": r["id"], "stage": r["stage"], "started": r["started"],
            "status": r["status"], "params": json.loads(r["params"]),
            "summary": json.loads(r["summary"])} for r in rows
           if status is None or r["status"] == status]
    return out[:last]


def _vectors(p: "Project") -> dict[str, Any]:
    from .embed import text_hash

    texts = [r["text"] for r in p.store.segments()]
    hashes = [text_hash(t) for t in dict.fromkeys(texts)]
    coverage = p.store.vector_coverage(hashes)
    model, have = max(coverage.items(), key=lambda kv: kv[1], default=("", 0))
    return {"texts": len(hashes), "with_vectors": have, "model": model,
            "cached": p.store.counts()["embedded"]}


def project_status(p: "Project", stage: str | None = None, status: str | None = None,
                   last: int = 10) -> dict[str, Any]:
    counts = p.store.counts()
    codeframe_error = None
    try:
        counts["codes"] = len(p.codeframe().codes)
    except QualkitError as e:
        codeframe_error = str(e)
    by_coder: dict[str, int] = {}
    for r in p.store.codings():
        by_coder[r["coder"]] = by_coder.get(r["coder"], 0) + 1
    done: dict[str, int] = {}
    for r in p.store.done():
        done[r["coder"]] = done.get(r["coder"], 0) + 1
    unknown = sorted({(r["document"], r["speaker"]) for r in p.store.speakers()
                      if r["party"] == "unknown"})
    return {"root": str(p.root), "counts": counts, "codings_by_coder": by_coder,
            "documents_done": done, "runs": _runs(p, stage, status, last),
            "codes_retired": p.store.get_setting("codes_retired", []),
            "codeframe_error": codeframe_error, "vectors": _vectors(p),
            "pending_changes": p.pending_changes(), "unknown_party": unknown}
