"""The report's sections for the codeframe: one per top-level code, with counts of documents.

Counting rules, stated once and followed by the tables and the charts alike:
* a document *mentions* a code when at least one of its segments carries that code or any of
  its sub-codes (so a parent's count is never below a child's);
* the denominator is the documents *coded so far* (those with at least one coding of any
  code), per group of the ``group_by`` attribute; a document without the attribute is in
  "(missing)"; percentages round half-up to one decimal, like ``foi.tally``;
* segments are counted once per code however many coders applied it.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..foi.tally import MISSING_GROUP, percent
from ..models import Code, Codeframe
from .report import Chart, QuoteGroup, ReportData, Section, cell

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

ALL = "All documents"
INDENT = "\u2003"  # an em space per level below the top-level code


def _mentions(codings: "pd.DataFrame", frame: Codeframe
              ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """code id -> documents, and code id -> segments, each rolled up to every ancestor."""
    docs: dict[str, set[str]] = defaultdict(set)
    segs: dict[str, set[str]] = defaultdict(set)
    known = set(frame.ids)
    for sid, doc, code in zip(codings["segment_id"], codings["document"], codings["code_id"]):
        if code not in known:
            continue
        for c in [code] + frame.ancestors(code):
            docs[c].add(str(doc))
            segs[c].add(str(sid))
    return docs, segs


def unused_codes(codes: list[Code], codings: "pd.DataFrame") -> list[Code]:
    """Top-level codes that no coding uses, themselves or through a sub-code."""
    frame = Codeframe("", codes)
    docs, _ = _mentions(codings, frame)
    return [c for c in codes if c.parent is None and not docs.get(c.id)]


def _groups(documents: "pd.DataFrame", coded: list[str], group_by: str | None
            ) -> dict[str, str]:
    """document -> group, for the coded documents ({} when there is no usable attribute)."""
    if not group_by or group_by not in documents.columns:
        return {}
    values = dict(zip(documents["document"].astype(str), documents[group_by]))
    out = {}
    for doc in coded:
        v = values.get(doc)
        text = "" if v is None or v != v else str(v).strip()
        out[doc] = text or MISSING_GROUP
    return out


def _group_names(groups: dict[str, str]) -> list[str]:
    return sorted(set(groups.values()), key=lambda g: (g == MISSING_GROUP, g))


def _table(members: list[Code], frame: Codeframe, docs: dict[str, set[str]],
           segs: dict[str, set[str]], coded: list[str], groups: dict[str, str]
           ) -> "pd.DataFrame":
    import pandas as pd

    names = _group_names(groups)
    in_group = {g: {d for d in coded if groups[d] == g} for g in names}
    rows = []
    for code in members:
        mine = docs.get(code.id, set())
        row = {"Code": INDENT * frame.depth(code.id) + code.name,
               "Segments": str(len(segs.get(code.id, set())))}
        for g in names:
            n = len(mine & in_group[g])
            row[g] = cell(n, percent(n, len(in_group[g])))
        row[ALL] = cell(len(mine), percent(len(mine), len(coded)))
        rows.append(row)
    last = {"Code": "Documents coded", "Segments": ""}
    last.update({g: str(len(in_group[g])) for g in names})
    last[ALL] = str(len(coded))
    return pd.DataFrame(rows + [last])


def _chart(top: Code, frame: Codeframe, docs: dict[str, set[str]], coded: list[str],
           groups: dict[str, str]) -> Chart | None:
    """Stacked bars of documents per applied sub-code (by group), or, for a code with fewer
    than two applied sub-codes, one bar per group; None when a chart would hold one bar."""
    children = [c for c in frame.children(top.id) if docs.get(c.id)]
    names = _group_names(groups)
    if len(children) >= 2:
        mentions = [docs[c.id] for c in children]
        series = ({g: [float(sum(groups[d] == g for d in m)) for m in mentions] for g in names}
                  if names else {ALL: [float(len(m)) for m in mentions]})
        labels = [cell(len(m), percent(len(m), len(coded))) for m in mentions]
        return Chart(f"Documents mentioning each sub-code of “{top.name}”",
                     [c.name for c in children], series,
                     f"Documents (of {len(coded)} coded)", labels)
    if len(names) < 2:
        return None
    mine = docs.get(top.id, set())
    counts = [sum(groups[d] == g for d in mine) for g in names]
    totals = [sum(groups[d] == g for d in coded) for g in names]
    return Chart(f"Documents mentioning “{top.name}”, by group", names,
                 {ALL: [float(n) for n in counts]}, "Documents",
                 [f"{n} of {t}" for n, t in zip(counts, totals)])


def _quote_groups(members: list[Code], quotes: "pd.DataFrame | None", per_code: int
                  ) -> list[QuoteGroup]:
    """Up to ``per_code`` quotes per code, best first, none shown twice in one section (a
    segment coded with a parent and a sub-code appears under the first of them only)."""
    if quotes is None or len(quotes) == 0:
        return []
    out, shown = [], set()
    for code in members:
        mine = quotes[(quotes["code_id"] == code.id) & ~quotes["segment_id"].isin(shown)]
        mine = mine.sort_values("rank").head(per_code).reset_index(drop=True)
        if len(mine):
            shown |= set(mine["segment_id"])
            out.append(QuoteGroup(code.name, code.description, mine))
    return out


def code_sections(data: ReportData) -> list[Section]:
    """One section per top-level code that some document mentions (module docstring)."""
    frame = Codeframe("", list(data.codes))
    docs, segs = _mentions(data.codings, frame)
    coded = sorted({str(d) for d in data.codings["document"]})
    groups = _groups(data.documents, coded, data.group_by)
    label = (data.group_by or "").replace("_", " ")
    sections = []
    for top in [c for c in frame.codes if c.parent is None and docs.get(c.id)]:
        members = [c for c in frame.codes if frame.top(c.id) == top.id]
        used = [c for c in members if docs.get(c.id)]
        n = len(docs[top.id])
        subs = " (or one of its sub-codes)" if len(members) > 1 else ""
        paras = [top.description] if top.description else []
        paras.append(f"{n} of {len(coded)} coded documents ({percent(n, len(coded)):.1f}%) "
                     f"mention “{top.name}”{subs}, in "
                     f"{len(segs[top.id])} coded segments.")
        if len(used) < len(members):
            paras.append("Sub-codes not applied yet: "
                         + "; ".join(c.name for c in members if c not in used) + ".")
        caption = (f"Documents mentioning each code, by {label}" if groups
                   else "Documents mentioning each code")
        sections.append(Section(
            top.name, 1, paras, _table(used, frame, docs, segs, coded, groups), caption,
            _chart(top, frame, docs, coded, groups),
            _quote_groups(members, data.quotes, data.per_code)))
    return sections
