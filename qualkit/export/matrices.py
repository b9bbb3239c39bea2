"""Code x document, code x attribute and code x code matrices, computed from plain frames.

Report writers (the Excel workbook, later Word and REFI exports, notebooks) need the same few
cross-tabulations; computing them here, on plain frames, keeps them testable by hand and
independent of the store. Inputs are the frames the Project hands out:

- ``codings``: segment_id, document, code_id (+ coder, ignored here: filter before calling);
- ``codes``: the codeframe's ``Code`` list (id, name, parent);
- ``documents``: document (+ kind and one column per attribute).

Decisions, shared by every function:

- **A count is a number of distinct segments** (or documents). A segment coded with the same
  code by two coders counts once; pass one coder's codings to see that coder's view.
- **Parent codes roll up**: a segment counts for a code when the code or any of its
  descendants applies to it, and counts once even when several descendants apply. So the
  parent's row is "segments touching this theme", never the sum of its children's rows.
  ``rollup=False`` counts only codings made with the code itself.
- **Nothing is dropped silently**: every code of the codeframe is a row (in tree order) and
  every document of ``documents`` a column, zeros filled; a code or document that appears in
  the codings but not in the codeframe/documents is appended at the end.
- Percentages use ``qualkit.foi.tally.percent`` (half-up to one decimal, as hand-made tables
  do), so FOI tallies and code tallies round alike.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..models import Code, QualkitError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

ALL_DOCUMENTS = "All documents"
MISSING_GROUP = "(missing)"
_CODING_COLUMNS = ("segment_id", "document", "code_id")


def code_order(codes: Sequence[Code], extra: Iterable[str] = ()) -> list[str]:
    """Code ids in tree order (each parent followed by its sub-codes, in file order), then any
    ``extra`` ids unknown to the codeframe, sorted."""
    ids = [c.id for c in codes]
    known = set(ids)
    children: dict[str | None, list[str]] = {}
    for c in codes:
        parent = c.parent if c.parent in known and c.parent != c.id else None
        children.setdefault(parent, []).append(c.id)
    order: list[str] = []
    seen: set[str] = set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        cid = stack.pop()
        if cid in seen:
            continue
        seen.add(cid)
        order.append(cid)
        stack.extend(reversed(children.get(cid, [])))
    order += [cid for cid in ids if cid not in seen]  # a parent cycle: keep file order
    order += sorted({str(e) for e in extra} - known)
    return order


def ancestors(codes: Sequence[Code]) -> dict[str, list[str]]:
    """code id -> its parent, grandparent, ... (nearest first); cycles are cut."""
    parent = {c.id: c.parent for c in codes}
    out: dict[str, list[str]] = {}
    for cid in parent:
        chain, p = [], parent.get(cid)
        while p is not None and p in parent and p != cid and p not in chain:
            chain.append(p)
            p = parent.get(p)
        out[cid] = chain
    return out


def code_depths(codes: Sequence[Code]) -> dict[str, int]:
    """code id -> 0 for a top-level code, 1 for its sub-codes, ..."""
    return {cid: len(chain) for cid, chain in ancestors(codes).items()}


def _check(codings: "pd.DataFrame") -> None:
    missing = [c for c in _CODING_COLUMNS if c not in codings.columns]
    if missing:
        raise QualkitError(f"codings lack the column(s) {', '.join(missing)}")


def rolled_codings(codings: "pd.DataFrame", codes: Sequence[Code],
                   rollup: bool = True) -> "pd.DataFrame":
    """Distinct (segment_id, document, code_id) rows, each coding also credited to the code's
    ancestors when ``rollup``; duplicates (two coders, two sub-codes) collapse to one row."""
    import pandas as pd

    _check(codings)
    df = codings.loc[:, list(_CODING_COLUMNS)].dropna(subset=["code_id"])
    df = df.astype({"segment_id": str, "document": str, "code_id": str}).drop_duplicates()
    if rollup and len(df):
        up = ancestors(codes)
        lineage = pd.DataFrame([(cid, a) for cid in df["code_id"].unique()
                                for a in [cid] + up.get(cid, [])], columns=["code_id", "to"])
        df = df.merge(lineage, on="code_id")[["segment_id", "document", "to"]]
        df = df.rename(columns={"to": "code_id"}).drop_duplicates()
    return pd.DataFrame(df, columns=list(_CODING_COLUMNS)).reset_index(drop=True)


def document_order(documents: "pd.DataFrame | None", codings: "pd.DataFrame") -> list[str]:
    """Documents of ``documents`` in their order, then documents only the codings mention."""
    listed = [] if documents is None or "document" not in documents.columns else \
        [str(d) for d in documents["document"]]
    listed = list(dict.fromkeys(listed))
    extra = sorted(set(codings["document"].astype(str)) - set(listed)) if len(codings) else []
    return listed + extra


def code_by_document(codings: "pd.DataFrame", codes: Sequence[Code],
                     documents: "pd.DataFrame | None" = None,
                     rollup: bool = True) -> "pd.DataFrame":
    """Coded segments per code (rows, index ``code_id``) and document (columns); int64."""
    rolled = rolled_codings(codings, codes, rollup)
    rows = code_order(codes, rolled["code_id"].unique())
    cols = document_order(documents, rolled)
    counts = rolled.groupby(["code_id", "document"]).size().unstack(fill_value=0)
    out = counts.reindex(index=rows, columns=cols, fill_value=0).astype("int64")
    out.index.name, out.columns.name = "code_id", "document"
    return out


def presence(counts: "pd.DataFrame") -> "pd.DataFrame":
    """The 0/1 view of ``code_by_document``: 1 where the document has the code at all."""
    return (counts > 0).astype("int64")


def _groups(documents: "pd.DataFrame", attribute: str, names: list[str]) -> dict[str, str]:
    import pandas as pd

    if documents is None or attribute not in documents.columns:
        raise QualkitError(f"no document attribute {attribute!r} to group by")
    group = {}
    for doc, value in zip(documents["document"].astype(str), documents[attribute]):
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) \
            else str(value).strip()
        group.setdefault(doc, text if text and text.lower() not in ("nan", "none")
                         else MISSING_GROUP)
    return {d: group.get(d, MISSING_GROUP) for d in names}


def code_by_attribute(codings: "pd.DataFrame", codes: Sequence[Code],
                      documents: "pd.DataFrame", attribute: str,
                      rollup: bool = True) -> "pd.DataFrame":
    """Documents mentioning each code, per value of a document attribute.

    One row per code and group: ``code_id, group, count, denominator, percent`` where count =
    documents of the group with at least one segment of the code, denominator = documents in
    the group (all of them, coded or not), percent = 100 * count / denominator (half-up, one
    decimal; NaN for an empty group). Groups are the attribute's values sorted, then
    ``"(missing)"`` for documents without a value, then the total ``"All documents"``.
    """
    import pandas as pd

    from ..foi.tally import percent

    rolled = rolled_codings(codings, codes, rollup)
    names = document_order(documents, rolled)
    group_of = _groups(documents, attribute, names)
    sizes = pd.Series(group_of).value_counts()
    groups = sorted(sizes.index, key=lambda g: (g == MISSING_GROUP, g)) + [ALL_DOCUMENTS]
    sizes[ALL_DOCUMENTS] = len(names)
    pairs = rolled[["code_id", "document"]].drop_duplicates()
    pairs = pairs.assign(group=pairs["document"].map(group_of))
    per = pairs.groupby(["code_id", "group"]).size()
    total = pairs.groupby("code_id").size()
    rows = []
    for cid in code_order(codes, rolled["code_id"].unique()):
        for g in groups:
            n = int(total.get(cid, 0)) if g == ALL_DOCUMENTS else int(per.get((cid, g), 0))
            den = int(sizes[g])
            rows.append((cid, g, n, den, percent(n, den)))
    out = pd.DataFrame(rows, columns=["code_id", "group", "count", "denominator", "percent"])
    return out.astype({"count": "int64", "denominator": "int64", "percent": "float64"})


def cooccurrence(codings: "pd.DataFrame", codes: Sequence[Code], by: str = "segment",
                 rollup: bool = True) -> "pd.DataFrame":
    """Code x code counts of segments (``by="segment"``) or documents (``by="document"``) that
    carry both codes; symmetric, and the diagonal is the code's own count."""
    import numpy as np
    import pandas as pd

    if by not in ("segment", "document"):
        raise QualkitError(f"co-occurrence is by 'segment' or 'document', not {by!r}")
    rolled = rolled_codings(codings, codes, rollup)
    ids = code_order(codes, rolled["code_id"].unique())
    unit = "segment_id" if by == "segment" else "document"
    pairs = rolled[[unit, "code_id"]].drop_duplicates()
    rows, _ = pd.factorize(pairs[unit])
    col_of = {cid: i for i, cid in enumerate(ids)}
    cols = pairs["code_id"].map(col_of).to_numpy()
    # pairs of codes sharing a unit, counted with bincount: integer-exact, no BLAS (a float
    # X'X product took 0.02-2 s on a busy 2-core machine, depending on OpenBLAS threads)
    p = pd.DataFrame({"u": rows, "c": cols})
    both = p.merge(p, on="u")
    n = len(ids)
    flat = both["c_x"].to_numpy(np.int64) * n + both["c_y"].to_numpy(np.int64)
    matrix = np.bincount(flat, minlength=n * n).reshape(n, n)
    out = pd.DataFrame(matrix, index=pd.Index(ids, name="code_id"),
                       columns=pd.Index(ids, name="code_id"))
    return out.astype("int64")


def code_frequencies(codings: "pd.DataFrame", codes: Sequence[Code],
                     rollup: bool = True) -> "pd.DataFrame":
    """Top-level codes with ``code_id, name, segments, documents``: distinct coded segments
    and documents per top-level code (sub-codes rolled up), for the frequency chart."""
    import pandas as pd

    rolled = rolled_codings(codings, codes, rollup)
    names = {c.id: c.name for c in codes}
    depth = code_depths(codes)
    top = [cid for cid in code_order(codes, rolled["code_id"].unique()) if depth.get(cid, 0) == 0]
    seg = rolled.groupby("code_id")["segment_id"].nunique()
    doc = rolled.groupby("code_id")["document"].nunique()
    out = pd.DataFrame({"code_id": top, "name": [names.get(c, c) for c in top],
                        "segments": [int(seg.get(c, 0)) for c in top],
                        "documents": [int(doc.get(c, 0)) for c in top]})
    return out.astype({"segments": "int64", "documents": "int64"})
