"""What goes into the Excel workbook, as plain frames, and how to build it from a project's.

``WorkbookData`` is the contract between the computing side (``matrices``, ``tables``, the
FOI tally) and the writer (``excel.write_workbook``): the writer only lays out what it is
given and never recomputes a number, so a test (or a notebook) can hand-build any part.
A part left as ``None`` gets no sheet; ``omitted`` says why, and the Summary sheet lists it,
so a reader knows an absent sheet is deliberate ("fewer than two coders"), not a failure.

``assemble`` is the one-call builder the Project (``p.export_excel``) uses.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import Code

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BASE_DOCUMENT_COLUMNS = ("document", "kind", "path", "n_segments", "format")
MAX_GROUPS = 50  # an attribute with more distinct values is an identifier, not a grouping


@dataclass
class WorkbookData:
    """Every part of the workbook; each frame's columns are those the builders return.

    - ``summary``: item, value (``tables.summary_table``)
    - ``code_frequencies``: code_id, name, segments, documents (``matrices.code_frequencies``)
    - ``code_by_document``/``presence``: index code_id, one column per document, int counts/0-1
    - ``code_by_attribute``: attribute -> code_id, group, count, denominator, percent
    - ``cooccurrence_segment``/``cooccurrence_document``: code_id x code_id, int
    - ``themes``: theme_id, size, keywords, resembles_code, score, quotes (``theme_table``)
    - ``quotes``: code_id, rank, document, speaker, start, end, text (any subset, that order)
    - ``agreement``: code_id (or document), n_units, percent_agreement, cohen_kappa, ...
    - ``foi_answers``: document, attribute columns, one column per question (wide grid)
    - ``foi_tally``: question, option, group, count, denominator, percent
    - ``codebook``: code_id, name, parent, level, description, include, exclude, examples
    - ``omitted``: part name -> why it was left out (shown on the Summary sheet)
    """

    summary: "pd.DataFrame | None" = None
    code_frequencies: "pd.DataFrame | None" = None
    code_by_document: "pd.DataFrame | None" = None
    presence: "pd.DataFrame | None" = None
    code_by_attribute: "dict[str, pd.DataFrame]" = field(default_factory=dict)
    cooccurrence_segment: "pd.DataFrame | None" = None
    cooccurrence_document: "pd.DataFrame | None" = None
    themes: "pd.DataFrame | None" = None
    quotes: "pd.DataFrame | None" = None
    agreement: "pd.DataFrame | None" = None
    foi_answers: "pd.DataFrame | None" = None
    foi_tally: "pd.DataFrame | None" = None
    codebook: "pd.DataFrame | None" = None
    omitted: dict[str, str] = field(default_factory=dict)

    def code_names(self) -> dict[str, str]:
        """code id -> name, from the codebook (empty when there is none)."""
        if self.codebook is None or not len(self.codebook):
            return {}
        return dict(zip(self.codebook["code_id"].astype(str), self.codebook["name"].astype(str)))

    def code_levels(self) -> dict[str, int]:
        if self.codebook is None or "level" not in self.codebook:
            return {}
        return dict(zip(self.codebook["code_id"].astype(str), self.codebook["level"].astype(int)))


def grouping_attributes(documents: "pd.DataFrame") -> list[str]:
    """Attribute columns worth a Codes x <attribute> sheet: not the base columns, with between
    one and ``MAX_GROUPS`` distinct values."""
    out = []
    for col in documents.columns:
        if col in BASE_DOCUMENT_COLUMNS:
            continue
        n = documents[col].dropna().astype(str).str.strip().replace("", None).dropna().nunique()
        if 1 <= n <= MAX_GROUPS:
            out.append(str(col))
    return out


def assemble(codings: "pd.DataFrame", segments: "pd.DataFrame", documents: "pd.DataFrame",
             codes: Sequence[Code], *, project: str = "", coder: str | None = None,
             coders: Sequence[str] = (), exported: Any = None, codeframe: str | None = None,
             attributes: Sequence[str] | None = None, themes: "pd.DataFrame | None" = None,
             quotes: "pd.DataFrame | None" = None, agreement: "pd.DataFrame | None" = None,
             foi_answers: "pd.DataFrame | None" = None, foi_tally: "pd.DataFrame | None" = None,
             extra_summary: Mapping[str, Any] | None = None,
             omitted: Mapping[str, str] | None = None) -> WorkbookData:
    """Compute every part of the workbook from a project's plain frames.

    ``coder`` filters the codings to one coder (None = everyone's, each segment once).
    ``attributes`` defaults to ``grouping_attributes(documents)``. ``themes`` may be the
    ``p.themes()`` frame (representative ids are turned into quotes from ``segments``).
    ``omitted`` gives the reason shown for a part left out (e.g. ``{"agreement": "only one
    coder so far"}``) instead of the generic one.
    """
    from . import matrices as m
    from .tables import codebook_table, foi_answer_grid, summary_table, theme_table

    if coder is not None and "coder" in codings.columns:
        codings = codings[codings["coder"] == coder]
    attributes = grouping_attributes(documents) if attributes is None else list(attributes)
    rolled = m.rolled_codings(codings, codes)  # once; the matrices then skip the roll-up
    counts = m.code_by_document(rolled, codes, documents, rollup=False)
    book = WorkbookData(
        summary=summary_table(project=project, codings=codings, segments=segments,
                              documents=documents, codes=codes, coders=coders,
                              shown_coder=coder, exported=exported, codeframe=codeframe,
                              extra=extra_summary),
        code_frequencies=m.code_frequencies(rolled, codes, rollup=False),
        code_by_document=counts, presence=m.presence(counts),
        code_by_attribute={a: m.code_by_attribute(rolled, codes, documents, a, rollup=False)
                           for a in attributes},
        cooccurrence_segment=m.cooccurrence(rolled, codes, by="segment", rollup=False),
        cooccurrence_document=m.cooccurrence(rolled, codes, by="document", rollup=False),
        codebook=codebook_table(codes),
        quotes=quotes, agreement=agreement, foi_tally=foi_tally)
    if themes is not None and len(themes):
        book.themes = theme_table(themes, segments)
    if foi_answers is not None and len(foi_answers):
        book.foi_answers = foi_answer_grid(foi_answers, documents)
    why = {"themes": "no candidate themes were given (run themes first)",
           "quotes": "no quotes were given",
           "agreement": "no agreement table was given (it needs two coders' codings)",
           "foi_answers": "no FOI answers were given", "foi_tally": "no FOI tallies were given"}
    why.update(omitted or {})
    for name, reason in why.items():
        part = getattr(book, name, None)
        if part is None or not len(part):
            setattr(book, name, None)
            book.omitted[name] = reason
    return book
