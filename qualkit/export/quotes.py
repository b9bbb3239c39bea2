"""Illustrative quotes per code: typical of what the code means, and spread over the sample.

A report quotes three to five passages per theme. Researchers pick them by two rules that pull
against each other: a quote must be *typical* (readers should not be shown the oddest thing
anyone said) and the quotes together must be *varied* (five quotes from one talkative SENCO
would misrepresent the study). So, per code:

* typicality is the cosine between a coded segment and the code's centre, the normalised mean
  of the vectors of every segment coded with it (interviewer turns included in the centre);
* picking is maximal marginal relevance (Carbonell & Goldstein 1998): the next quote maximises
  ``(1 - diversity) * typicality - diversity * (max cosine to the quotes already chosen)``,
  but first it must come from the document used least so far, then from the speaker used
  least: every document gives one quote before any gives a second, when there are enough;
* a candidate whose cosine to a chosen quote exceeds ``duplicate_cosine`` (0.95) is dropped as
  a near-duplicate ("Yes, exactly, the data." said twice);
* interviewer turns are quoted only when nothing else is coded (``include_interviewer``);
* ties (scores equal to 9 decimals) go to the earlier segment in text order, so the same
  project always gives the same quotes.

Quotes are chosen on the original text; redaction (``redaction.py``) is applied afterwards to
what is shown, so redacting never changes which passages are picked.
"""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..models import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

QUOTE_COLUMNS = ["code_id", "rank", "segment_id", "document", "speaker", "role", "start", "end",
                 "text", "context_before", "context_after", "typicality"]
SEGMENT_COLUMNS = {"segment_id", "document", "speaker", "role", "start", "end", "text"}


def unknown_code_error(code_id: str, known: Iterable[str]) -> QualkitError:
    """``no code 'barier' in the codeframe; did you mean 'barrier'?``"""
    close = difflib.get_close_matches(code_id, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return QualkitError(f"no code {code_id!r} in the codeframe{hint}")


def _check_inputs(codings: "pd.DataFrame", segments: "pd.DataFrame", vectors: Any) -> None:
    if codings is None or "segment_id" not in codings or "code_id" not in codings:
        raise QualkitError("quotes: codings need the columns segment_id and code_id")
    missing = SEGMENT_COLUMNS - set(segments.columns)
    if missing:
        raise QualkitError(f"quotes: segments lack the column(s) {', '.join(sorted(missing))}")
    if len(vectors) != len(segments):
        raise QualkitError(f"quotes: {len(vectors)} vectors for {len(segments)} segments; "
                           "pass one vector per segment, in the same order")


def _coded(codings: "pd.DataFrame", coder: str | None) -> "pd.DataFrame":
    if coder is None:
        if len(codings) == 0:
            raise QualkitError("no codings yet: code some segments before choosing quotes")
        return codings
    mine = codings[codings["coder"] == coder] if "coder" in codings else codings.iloc[:0]
    if len(mine) == 0:
        others = sorted(set(codings["coder"])) if "coder" in codings else []
        have = f" (coders with codings: {', '.join(others)})" if others else ""
        raise QualkitError(f"no codings by coder {coder!r}{have}")
    return mine


def _code_order(coded: "pd.DataFrame", code_ids: Sequence[str] | None,
                known_codes: Sequence[str] | None) -> list[str]:
    used = set(coded["code_id"])
    known = list(known_codes) if known_codes is not None else sorted(used)
    if code_ids is None:  # codings of codes no longer in the codeframe are left out
        return [c for c in known if c in used]
    check_code_ids(code_ids, known)
    return list(dict.fromkeys(code_ids))


def _unit_rows(vectors: Any) -> "np.ndarray":
    import numpy as np

    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1.0, norms)


def pick(vecs: "np.ndarray", typicality: "np.ndarray", documents: Sequence[str],
         speakers: Sequence[Any], k: int, diversity: float = 0.3,
         duplicate_cosine: float = 0.95) -> list[int]:
    """Indices of up to ``k`` rows of unit ``vecs``, in the order chosen (module docstring)."""
    import numpy as np

    n = len(vecs)
    alive = np.ones(n, dtype=bool)
    chosen: list[int] = []
    doc_uses: Counter[str] = Counter()
    speaker_uses: Counter[tuple[str, Any]] = Counter()
    while len(chosen) < k and alive.any():
        redundancy = (vecs @ vecs[chosen].T).max(axis=1) if chosen else np.zeros(n)
        # rounded: BLAS may give identical rows results differing in the last bit, and a
        # tie must go to the earlier segment, not to floating-point noise
        score = np.round((1.0 - diversity) * typicality - diversity * redundancy, 9)
        best = min(np.flatnonzero(alive), key=lambda i: (
            doc_uses[documents[i]], speaker_uses[(documents[i], speakers[i])], -score[i], i))
        chosen.append(int(best))
        doc_uses[documents[best]] += 1
        speaker_uses[(documents[best], speakers[best])] += 1
        alive &= ~(vecs @ vecs[best] > duplicate_cosine)
        alive[best] = False
    return chosen


def _is_interviewer(segments: "pd.DataFrame") -> "np.ndarray":
    """The interviewer's segments: by party/role, or a speaker label such as "INTERVIEWER"
    or "I" whose role was written as something else ("Researcher")."""
    import numpy as np

    from ..ingest.speakers import infer_role

    col = "party" if "party" in segments.columns else "role"
    by_role = segments[col].fillna("").astype(str).str.lower().eq("interviewer").to_numpy()
    by_label = np.array([isinstance(s, str) and infer_role(" ".join(s.split())) == "interviewer"
                         for s in segments["speaker"]], dtype=bool)
    return by_role | by_label


def _quotes_for(positions: list[int], unit: "np.ndarray", segments: "pd.DataFrame",
                interviewer: "np.ndarray", per_code: int, include_interviewer: bool,
                diversity: float, duplicate_cosine: float) -> list[tuple[int, float]]:
    import numpy as np

    centre = unit[positions].mean(axis=0)
    norm = np.linalg.norm(centre)
    centre = centre / norm if norm else centre
    candidates = positions
    if not include_interviewer:
        candidates = [p for p in positions if not interviewer[p]] or positions
    vecs = unit[candidates]
    typ = vecs @ centre if norm else np.ones(len(candidates))
    docs = [str(d) for d in segments["document"].iloc[candidates]]
    speakers = [None if s != s else s for s in segments["speaker"].iloc[candidates]]
    order = pick(vecs, typ, docs, speakers, per_code, diversity, duplicate_cosine)
    return [(candidates[i], float(typ[i])) for i in order]


def _context(segments: "pd.DataFrame", context_from: "pd.DataFrame | None", sids: list[str],
             k: int) -> tuple[list[str], list[str]]:
    from .quotes_context import context_columns

    pool = segments if context_from is None else context_from.reset_index(drop=True)
    where = {sid: i for i, sid in enumerate(pool["segment_id"])}
    missing = [s for s in sids if s not in where]
    if missing and k > 0:
        raise QualkitError(f"quotes: segment {missing[0]!r} is not among the context segments")
    return context_columns(pool, [where.get(s, 0) for s in sids], k)


def check_code_ids(code_ids: Sequence[str] | None, known_codes: Sequence[str]) -> None:
    """QualkitError (with a "did you mean") for the first id not in ``known_codes``."""
    for code in code_ids or ():
        if code not in known_codes:
            raise unknown_code_error(code, known_codes)


def select_quotes(codings: "pd.DataFrame", segments: "pd.DataFrame", vectors: Any,
                  per_code: int = 5, code_ids: Sequence[str] | None = None, *,
                  coder: str | None = None, context: int | bool = 0,
                  known_codes: Sequence[str] | None = None, diversity: float = 0.3,
                  duplicate_cosine: float = 0.95, include_interviewer: bool = False,
                  context_from: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Up to ``per_code`` quotes per code, ranked 1..n (columns ``QUOTE_COLUMNS``, plus
    ``party`` when the segments have it).

    ``codings``: segment_id, code_id, coder. ``segments``: segment_id, document, speaker, role,
    start, end, text (``question``/``party`` used when present); ``vectors``: one row per
    segment, same order. ``code_ids`` (a list, or one id) default to every coded code in
    ``known_codes`` (the codeframe, in its order; without it, every coded code, sorted); an id
    outside ``known_codes`` raises with a "did you mean". A code with no codings gives no
    rows. ``context``: how many segments of the same turn to show before
    and after (``True`` = 1), taken from ``context_from`` (default ``segments``): pass every
    segment there when ``segments`` holds only the coded ones, to embed no more than needed.
    """
    import pandas as pd

    if per_code < 1:
        raise QualkitError(f"quotes: per_code must be at least 1, not {per_code}")
    if isinstance(code_ids, str):
        code_ids = [code_ids]
    _check_inputs(codings, segments, vectors)
    segments = segments.reset_index(drop=True)
    coded = _coded(codings, coder)
    codes = _code_order(coded, code_ids, known_codes)
    position = {sid: i for i, sid in enumerate(segments["segment_id"])}
    unit, interviewer = _unit_rows(vectors), _is_interviewer(segments)
    rows = []
    for code in codes:
        sids = dict.fromkeys(coded.loc[coded["code_id"] == code, "segment_id"])
        positions = sorted(position[s] for s in sids if s in position)
        if not positions:
            continue
        picked = _quotes_for(positions, unit, segments, interviewer, per_code,
                             include_interviewer, diversity, duplicate_cosine)
        rows += [(code, rank, pos, typ) for rank, (pos, typ) in enumerate(picked, start=1)]
    extra = ["party"] if "party" in segments.columns else []
    seg_cols = ["segment_id", "document", "speaker", "role", "start", "end", "text"] + extra
    chosen = segments.iloc[[r[2] for r in rows]][seg_cols].reset_index(drop=True)
    out = pd.DataFrame({"code_id": [r[0] for r in rows], "rank": [r[1] for r in rows]})
    out = pd.concat([out, chosen], axis=1)
    before, after = _context(segments, context_from, list(chosen["segment_id"]), int(context))
    out["context_before"], out["context_after"] = before, after
    out["typicality"] = [round(r[3], 4) for r in rows]
    return out[QUOTE_COLUMNS + extra].astype({"rank": "int64", "typicality": "float64"})
