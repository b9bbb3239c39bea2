"""What goes into the Excel workbook, as plain frames, and how to build it from a project's.

``WorkbookData`` is the contract between the computing side (``matrices``, ``tables``, the
FOI tally) and the writer (``excel.write_workbook``): the writer only lays out what it is
given and never recomputes a number, so a test (or a notebook) can hand-build any part.
A part left as ``None`` gets no sheet; ``omitted`` says why, and the Summary sheet lists it,
so a reader knows an absent sheet is deliberate ("fewer than two coders"), not a failure.

``assemble`` is the one-call builder the Project (``p.export_excel``) uses.

Which document attributes get a "Codes x <attribute>" sheet: only those that group documents,
so that a column is a group worth comparing. Projects carry free-text attributes too
(interview dates, "Zoom meeting, about 20 minutes", transcriber notes, participant
descriptions), and a sheet of one-document columns is noise. The rule, on the documents that
have a value for the attribute (blank is no value):

1. at least 2 distinct values (one value is no comparison);
2. at most ``max(MIN_GROUP_CAP, half those documents)`` distinct values (12 authority types or
   regions are fine in a small project; in a large one groups average two documents or more);
3. once 3 or more documents have a value, not one value per document (dates, names, notes);
4. no value longer than ``MAX_LABEL`` characters (a sentence, not a category label).

The attributes left out are listed, each with its reason, under "Not included" on the Summary
sheet (``omitted``, keyed "Codes x <attribute>"); pass ``attributes`` to choose them yourself.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import Code

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BASE_DOCUMENT_COLUMNS = ("document", "kind", "path", "n_segments", "format")
MIN_GROUP_CAP = 12  # distinct values always allowed (rule 2 above)
MAX_LABEL = 60  # longer values are descriptions, not category labels (rule 4)


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


def attribute_verdicts(documents: "pd.DataFrame") -> dict[str, str | None]:
    """Every attribute column (not the base columns) -> None when it groups documents, else
    why it does not (the rule in the module docstring)."""
    return {str(col): _why_not_grouping(documents[col]) for col in documents.columns
            if col not in BASE_DOCUMENT_COLUMNS}


def _why_not_grouping(column: "pd.Series") -> str | None:
    return why_not_grouping(column.dropna().astype(str))


def why_not_grouping(values: Iterable[str]) -> str | None:
    """None when an attribute with these values (one per document; blanks are no value)
    groups documents, else why not: the rule in the module docstring. Plain strings in, so
    the coding app's documents screen applies the same rule without pandas."""
    values = [v.strip() for v in values if v.strip()]
    n, k = len(values), len(set(values))
    cap = max(MIN_GROUP_CAP, n // 2)
    if k == 0:
        return "no document has a value"
    if k == 1:
        return f"every document with a value has the same one ({_clip(values[0])})"
    if n >= 3 and k == n:
        return f"each of the {n} documents has its own value: nothing to group"
    if k > cap:
        return (f"{k} different values over {n} documents: more groups than "
                f"max({MIN_GROUP_CAP}, half the documents) = {cap}")
    longest = max(len(v) for v in values)
    if longest > MAX_LABEL:
        return (f"values up to {longest} characters long read as descriptions, not "
                "groups")
    return None


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def grouping_attributes(documents: "pd.DataFrame") -> list[str]:
    """Attribute columns worth a Codes x <attribute> sheet: those that group documents (see
    the module docstring; ``attribute_verdicts`` says why the others do not)."""
    return [a for a, why in attribute_verdicts(documents).items() if why is None]


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
    left_out: dict[str, str] = {}
    if attributes is None:
        verdicts = attribute_verdicts(documents)
        attributes = [a for a, why in verdicts.items() if why is None]
        left_out = {f"Codes x {a}": why for a, why in verdicts.items() if why is not None}
    attributes = list(attributes)
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
    book.omitted.update(left_out)
    return book
