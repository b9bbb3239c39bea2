"""Unit-by-code-by-coder presence values: what each coder said about each segment and code.

The unit of analysis is the segment. For every (segment, code, coder) the value is

- ``1.0`` — the coder applied the code, or any of its descendants, to the segment (rollup: a
  parent code is "present" wherever one of its sub-codes is);
- ``0.0`` — the coder observed the segment and applied neither;
- ``NaN`` — the coder did not observe the segment. This is *missing*, never "absent": a coder
  who has not finished a document has said nothing yet about its segments.

A coder observed a segment when they marked its document done. With ``require_done=False`` (for
scripts and imported data that carry no "done" marks) they also count as having observed every
document in which they applied at least one code; elsewhere they are still missing. With
``require_done=True`` codings in documents the coder has not marked done are ignored.

Segments are taken from ``units`` (the active segments), in its order; codings on any other
segment, and by coders not compared, are ignored. The document of a segment is the one ``units``
gives. Codes applied but not reported (not in ``codes``) count only through their ancestors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import numpy as np

from .inputs import ancestors, top_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass
class Presence:
    """Presence values ``values[segment, code, coder]`` and the labels of each axis."""

    segment_ids: list
    documents: np.ndarray      # document of each segment (object array)
    codes: list[str]
    coders: list[str]
    observed: np.ndarray       # bool (segments, coders)
    values: np.ndarray         # float (segments, codes, coders): 1.0, 0.0 or NaN

    def applied(self) -> np.ndarray:
        """bool (segments, codes, coders): applied (rolled up), False where missing."""
        return self.values == 1.0


def observed_documents(codings: "pd.DataFrame", done: "pd.DataFrame", coders: list[str],
                       require_done: bool) -> dict[str, set]:
    """For each coder, the documents whose segments they observed."""
    seen: dict[str, set] = {c: set() for c in coders}
    sources = [done] if require_done else [done, codings]
    for frame in sources:
        for document, coder in zip(frame["document"], frame["coder"]):
            if coder in seen:
                seen[coder].add(document)
    return seen


def targets(code: str, parents: Mapping[str, str | None], level: str) -> list[str]:
    """The reported codes that applying ``code`` makes present."""
    if level == "top":
        return [top_of(code, parents)]
    return [code, *ancestors(code, parents)]


def build_presence(units: "pd.DataFrame", codings: "pd.DataFrame", done: "pd.DataFrame",
                   parents: Mapping[str, str | None], codes: list[str], coders: list[str],
                   level: str, require_done: bool) -> Presence:
    """Presence values for the reported ``codes`` (already resolved for ``level``)."""
    segment_ids = list(units["segment_id"])
    documents = units["document"].to_numpy(dtype=object)
    seen = observed_documents(codings, done, coders, require_done)
    observed = np.column_stack([np.fromiter((d in seen[c] for d in documents), dtype=bool,
                                            count=len(documents)) for c in coders])
    applied = np.zeros((len(segment_ids), len(codes), len(coders)), dtype=bool)
    row = {sid: i for i, sid in enumerate(segment_ids)}
    col = {code: j for j, code in enumerate(codes)}
    who = {coder: k for k, coder in enumerate(coders)}
    cache: dict[str, list[int]] = {}
    for sid, code, coder in zip(codings["segment_id"], codings["code_id"], codings["coder"]):
        i, k = row.get(sid), who.get(coder)
        if i is None or k is None:
            continue
        if code not in cache:
            cache[code] = [col[t] for t in targets(code, parents, level) if t in col]
        applied[i, cache[code], k] = True
    values = np.where(observed[:, None, :], applied.astype(float), np.nan)
    return Presence(segment_ids, documents, list(codes), list(coders), observed, values)
