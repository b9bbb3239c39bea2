"""The segments on which coders disagree, for reconciliation: the pure layer behind
``p.disagreements``.

A segment is listed when every compared coder observed it (see :mod:`.matrix`) and their code
sets differ *after rollup* — exactly the (segment, code) values on which the agreement tables
count a disagreement, so the two never contradict each other. With ``level="top"`` the sets are
of top-level codes.

Each coder's column shows that coder's reported codes on the segment, sorted, without the
ancestors implied by a more specific code in the same list (``barrier.health_data`` is not
repeated next to ``barrier.health_data.reluctance``); ``codes_differ`` lists, sorted, every
reported code (ancestors included) that some but not all coders have on the segment.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np

from ..models import QualkitError
from .compare import prepare
from .inputs import ancestors

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FIXED = ("segment_id", "document", "text", "codes_differ")


def most_specific(codes: set[str], parents: Mapping[str, str | None]) -> list[str]:
    """``codes`` sorted, minus any code that is an ancestor of another code in the set."""
    implied = {a for c in codes for a in ancestors(c, parents)}
    return sorted(codes - implied)


def disagreements(units: "pd.DataFrame", codings: "pd.DataFrame", done: "pd.DataFrame",
                  parents: Mapping[str, str | None], codes: Iterable[str],
                  coders: Iterable[str] | None = None, level: str = "all",
                  require_done: bool = True) -> "pd.DataFrame":
    """One row per segment observed by all ``coders`` whose (rolled-up) code sets differ.

    Columns: segment_id, document, text (when ``units`` has it), one column per coder named by
    the coder (a sorted list of code ids), codes_differ (sorted list). Rows follow ``units``.
    """
    import pandas as pd

    p = prepare(units, codings, done, parents, codes, coders, level, require_done,
                everyone=True)
    clash = [c for c in p.coders if c in FIXED]
    if clash:
        raise QualkitError(f"coder name {clash[0]!r} clashes with a column of the disagreements "
                           "table; rename the coder")
    texts = list(units["text"]) if "text" in units.columns else None
    applied = p.applied()
    rows = []
    for i in np.flatnonzero(p.observed.all(axis=1)):
        sets = [{p.codes[j] for j in np.flatnonzero(applied[i, :, k])} for k in range(len(p.coders))]
        union, common = set.union(*sets), set.intersection(*sets)
        if union == common:
            continue
        row = {"segment_id": p.segment_ids[i], "document": p.documents[i]}
        if texts is not None:
            row["text"] = texts[i]
        row.update({c: most_specific(s, parents) for c, s in zip(p.coders, sets)})
        row["codes_differ"] = sorted(union - common)
        rows.append(row)
    head = ["segment_id", "document"] + (["text"] if texts is not None else [])
    return pd.DataFrame(rows, columns=[*head, *p.coders, "codes_differ"])
