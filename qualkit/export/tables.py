"""The descriptive tables an export shows beside the matrices: summary, codebook, themes, and
the FOI answers as one row per authority.

They are plain frames built from plain inputs, so a notebook can print them and any writer
(Excel now, Word later) can lay them out. Lists (keywords, FOI options, code examples) are
joined into readable text here, once, rather than in every writer. Dates are passed in: an
export built twice from the same data gives the same tables.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..models import Code
from .matrices import code_depths, code_order

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SUMMARY_COLUMNS = ["item", "value"]
CODEBOOK_COLUMNS = ["code_id", "name", "parent", "level", "description", "include", "exclude",
                    "examples"]
THEME_COLUMNS = ["theme_id", "size", "keywords", "resembles_code", "score", "quotes"]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, set)) else False
    except (TypeError, ValueError):
        return False


def join_list(value: Any, sep: str = ", ") -> str:
    """A list/tuple as ``sep``-joined text; a string as it is; a missing value as ""."""
    if isinstance(value, (list, tuple, set)) or type(value).__name__ == "ndarray":
        return sep.join(str(v) for v in value if not _blank(v))
    return "" if _blank(value) else str(value)


def summary_table(*, project: str, codings: "pd.DataFrame", segments: "pd.DataFrame",
                  documents: "pd.DataFrame", codes: Sequence[Code],
                  coders: Sequence[str] = (), shown_coder: str | None = None,
                  exported: Any = None, codeframe: str | None = None,
                  extra: Mapping[str, Any] | None = None) -> "pd.DataFrame":
    """``item, value`` rows describing what the export contains and whose codings it shows."""
    import pandas as pd

    coders = sorted({str(c) for c in coders} |
                    ({str(c) for c in codings["coder"].dropna()} if "coder" in codings else set()))
    rows: list[tuple[str, Any]] = [("Project", project)]
    if exported is not None:
        rows.append(("Exported", str(exported)))
    if codeframe:
        rows.append(("Codeframe", codeframe))
    rows.append(("Coders", ", ".join(coders) if coders else "(none yet)"))
    rows.append(("Codings shown", f"{shown_coder} only" if shown_coder
                 else "all coders together (a segment counts once whoever coded it)"))
    rows.append(("Documents", int(len(documents))))
    if "kind" in documents.columns:
        for kind, n in documents["kind"].astype(str).value_counts().sort_index().items():
            rows.append((f"Documents: {kind}", int(n)))
    rows.append(("Segments", int(len(segments))))
    coded = codings["segment_id"].nunique() if len(codings) else 0
    rows.append(("Coded segments", int(coded)))
    rows.append(("Codings", int(len(codings))))
    depth = code_depths(codes)
    rows.append(("Codes", len(codes)))
    rows.append(("Top-level codes", sum(1 for c in codes if depth.get(c.id, 0) == 0)))
    for key, value in (extra or {}).items():
        rows.append((str(key), value))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def codebook_table(codes: Sequence[Code]) -> "pd.DataFrame":
    """The codeframe in tree order: ``code_id, name, parent, level`` (0 = top) and its notes."""
    import pandas as pd

    by_id = {c.id: c for c in codes}
    depth = code_depths(codes)
    rows = []
    for cid in code_order(codes):
        c = by_id[cid]
        rows.append((c.id, c.name, c.parent or "", depth.get(c.id, 0), c.description,
                     c.include, c.exclude, join_list(list(c.examples), "; ")))
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS).astype({"level": "int64"})


def theme_table(themes: "pd.DataFrame", segments: "pd.DataFrame | None" = None,
                n_quotes: int = 3) -> "pd.DataFrame":
    """Candidate themes with keywords as text and up to ``n_quotes`` representative segment
    texts (one per line), looked up in ``segments`` from the ``representative`` ids."""
    import pandas as pd

    text_of = {} if segments is None or "text" not in segments else \
        dict(zip(segments["segment_id"].astype(str), segments["text"]))
    rows = []
    for r in themes.to_dict("records"):
        quotes = r.get("quotes")
        if _blank(quotes) or quotes == []:
            ids = r.get("representative")
            ids = [] if ids is None or (not isinstance(ids, (list, tuple)) and _blank(ids)) \
                else list(ids)
            quotes = [text_of[str(i)] for i in ids if str(i) in text_of][:n_quotes]
        rows.append({"theme_id": r.get("theme_id"), "size": r.get("size"),
                     "keywords": join_list(r.get("keywords")),
                     "resembles_code": join_list(r.get("resembles_code")),
                     "score": r.get("score"), "quotes": join_list(quotes, "\n")})
    return pd.DataFrame(rows, columns=THEME_COLUMNS)


def foi_answer_grid(answers: "pd.DataFrame", documents: "pd.DataFrame | None" = None,
                    attributes: Sequence[str] = ("authority_type",)) -> "pd.DataFrame":
    """One row per FOI letter, one column per question (the ``foi_answers`` ids, in the
    questionnaire's order): a yes/no answer as it is, a multi-select answer as its option ids
    joined by ", " (or "none"/"unclear"). ``attributes`` of the letter come after its name."""
    import pandas as pd

    from qualkit.foi.options import ICB_QUESTIONS, LA_QUESTIONS

    if answers is None or not len(answers):
        return pd.DataFrame(columns=["document", *attributes])
    known = list(LA_QUESTIONS) + [q for q in ICB_QUESTIONS if q not in LA_QUESTIONS]
    present = set(answers["question"].astype(str))
    questions = [q for q in known if q in present] + sorted(present - set(known))
    cells: dict[str, dict[str, str]] = {}
    for r in answers.to_dict("records"):
        options = join_list(r.get("options"))
        answer = join_list(r.get("answer"))
        value = options if options and answer not in ("unclear", "none") else answer
        cells.setdefault(str(r["document"]), {}).setdefault(str(r["question"]), value)
    attrs = {}
    if documents is not None and "document" in documents.columns:
        cols = [a for a in attributes if a in documents.columns]
        attrs = {str(d["document"]): d for d in documents[["document", *cols]].to_dict("records")}
    rows = []
    for doc in sorted(cells):
        row = {"document": doc}
        row.update({a: join_list(attrs.get(doc, {}).get(a)) for a in attributes})
        row.update({q: cells[doc].get(q, "") for q in questions})
        rows.append(row)
    return pd.DataFrame(rows, columns=["document", *attributes, *questions])
