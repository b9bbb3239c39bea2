"""A first draft of the study report, as plain data the writers turn into Markdown or Word.

What a report on this kind of study contains (the 2023 LA FOI policy brief is the model):
counts and percentages by authority type for each question with a chart for each, and, for
the interviews, what each theme is, how many documents raise it and where, and quotes. So:

* an opening section says what the draft was made from (documents, coder, date) and which
  codes nobody has applied yet;
* one section per top-level code: documents mentioning it and each sub-code (a document
  mentions a code when any of its segments carries that code or one of its sub-codes), by
  the chosen attribute (authority type by default) with a row of denominators; percentages
  are of the documents *coded so far* in that group, because a document nobody has coded yet
  says nothing either way; a chart of documents mentioning each sub-code; and the best quotes
  for the code and each sub-code;
* an FOI section per question from ``foi.tally`` (``report_foi.py``);
* when a redactor is given, the quotes shown are redacted and a closing section counts what
  was replaced in them (never showing it).

Charts are data (``Chart``), not files: the Markdown writer saves PNGs beside the text and
the Word writer embeds them, both through ``report_charts.chart_png``. The ``Report`` can be
edited (sections dropped, paragraphs rewritten) before it is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import Code
from ..privacy import RedactionReport

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass
class Chart:
    """A bar chart: one bar per category, one colour per series (stacked when several)."""

    title: str
    categories: list[str]
    series: dict[str, list[float]]
    xlabel: str = "Documents"
    bar_labels: list[str] = field(default_factory=list)  # text at the end of each bar
    percent: bool = False  # values are percentages (axis 0-100)


@dataclass
class QuoteGroup:
    heading: str
    description: str
    quotes: "pd.DataFrame"


@dataclass
class Section:
    heading: str
    level: int = 1
    paragraphs: list[str] = field(default_factory=list)
    table: "pd.DataFrame | None" = None
    table_caption: str = ""
    chart: Chart | None = None
    quotes: list[QuoteGroup] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[Section] = field(default_factory=list)

    def figures(self) -> list[Chart]:
        return [s.chart for s in self.sections if s.chart is not None]


@dataclass
class ReportData:
    """Everything a draft is built from, as plain data.

    ``codings``: segment_id, document, code_id (one coder's, or everyone's). ``documents``:
    document, kind and attribute columns. ``quotes``: from ``select_quotes``, unredacted
    (``build_report`` redacts what it shows); ask for a few more than ``per_code``, as a
    segment already quoted under another code of the section is skipped. ``foi_tally``: from
    ``foi.tally`` or None.
    """

    codes: list[Code]
    codings: "pd.DataFrame"
    documents: "pd.DataFrame"
    quotes: "pd.DataFrame | None" = None
    foi_tally: "pd.DataFrame | None" = None
    group_by: str | None = "authority_type"
    title: str = "Draft report"
    coder: str | None = None
    generated: str | None = None  # a date, shown in the opening section
    per_code: int = 3  # quotes shown per code (ask select_quotes for more: repeats are skipped)


KIND_LABELS = {"nhs_number": "NHS number", "upn": "UPN", "email": "email address",
               "phone_uk": "phone number", "postcode": "postcode", "name": "name"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def opening(data: ReportData, unused: list[Code], redacted: bool) -> Section:
    kinds = data.documents["kind"].value_counts() if len(data.documents) else {}
    made = (f"Made by qualkit{' on ' + data.generated if data.generated else ''} from "
            f"{_plural(int(kinds.get('transcript', 0)), 'transcript')} and "
            f"{_plural(int(kinds.get('foi', 0)), 'FOI letter')}.")
    who = (f"Codings are {data.coder}'s." if data.coder else
           "Codings are every coder's: a document mentions a code when anyone applied it.")
    paras = [made, who, "This is a first draft for the report writer: check every number "
             "against the project, rewrite the prose, and choose among the quotes, which were "
             "picked as typical of each code and spread over documents and speakers."]
    if redacted:
        paras.append("Quotes are redacted: names and identifiers are replaced by tags, "
                     "speakers and documents by pseudonyms (see the last section).")
    if unused:
        paras.append("Not applied to any document yet: "
                     + "; ".join(c.name for c in unused) + ".")
    return Section("About this draft", paragraphs=paras)


def redaction_section(report: RedactionReport) -> Section:
    import pandas as pd

    listed = ", ".join(f"{n} × {kind_label(kind)}" for kind, n in report.by_kind.items())
    text = (f"{report.total} identifiers were replaced in the quoted text: {listed}."
            if report.total else "No identifiers were found in the quoted text.")
    frame = report.to_frame()
    table = frame[frame["count"] > 0].reset_index(drop=True) if len(frame) else None
    if table is not None and len(table) == 0:
        table = None
    if table is not None:
        table = pd.DataFrame({"Document": table["document"],
                              "Identifier": table["kind"].map(kind_label),
                              "Replaced": table["count"].astype(str)})
    return Section("Redaction", paragraphs=[text, "The originals are not shown here."],
                   table=table, table_caption="Identifiers replaced, by document")


def build_report(data: ReportData, redactor: Any = None) -> Report:
    """The draft (see the module docstring). With an active ``redactor`` (see
    ``redaction.make_redactor``) the quotes shown are redacted and a last section counts
    what was replaced, from ``redactor.report``."""
    from .report_codes import code_sections, unused_codes
    from .report_foi import foi_sections

    redacting = redactor is not None and redactor.active
    report = Report(data.title)
    report.sections.append(opening(data, unused_codes(data.codes, data.codings), redacting))
    report.sections += code_sections(data)
    if data.foi_tally is not None and len(data.foi_tally):
        report.sections += foi_sections(data.foi_tally, data.group_by)
    if redacting:
        report = redact_report(report, redactor)
        report.sections.append(redaction_section(redactor.report))
    number_figures(report)
    return report


def number_figures(report: Report) -> None:
    """Prefix each chart title with "Figure N." in reading order."""
    for n, chart in enumerate(report.figures(), start=1):
        if not chart.title.startswith("Figure "):
            chart.title = f"Figure {n}. {chart.title}"


def cell(count: Any, pct: Any) -> str:
    """"67 (73.6%)"; a zero denominator shows the count and "–"."""
    return f"{int(count)} (–)" if pct != pct else f"{int(count)} ({pct:.1f}%)"


def redact_report(report: Report, redactor: Any) -> Report:
    """A copy of ``report`` whose quotes went through ``redactor`` (None: the report itself)."""
    import copy
    import dataclasses

    from .redaction import redact_quotes

    if redactor is None or not redactor.active:
        return report
    out = copy.copy(report)
    out.sections = []
    for s in report.sections:
        groups = [QuoteGroup(g.heading, g.description, redact_quotes(g.quotes, redactor))
                  for g in s.quotes]
        out.sections.append(dataclasses.replace(s, quotes=groups))
    return out


REPORT_FORMATS = ("md", "docx")


def report_format(path: Any, fmt: str | None) -> str:
    """``fmt`` if given, else ``path``'s suffix, else md; QualkitError unless md or docx."""
    from pathlib import Path

    from ..models import QualkitError

    chosen = (fmt or (Path(path).suffix.lstrip(".") if path else "") or "md").lower()
    chosen = {"markdown": "md", "word": "docx"}.get(chosen, chosen)
    if chosen not in REPORT_FORMATS:
        raise QualkitError(f"{path or 'report'}: cannot write a report as {chosen!r}; "
                           "choose md or docx")
    return chosen


def write_report(path: Any, report: Report, fmt: str | None = None, redactor: Any = None) -> Any:
    """Write ``report`` as Markdown (charts beside it) or Word (``fmt``, else the suffix)."""
    chosen = report_format(path, fmt)
    if chosen == "docx":
        from .report_docx import write_report_docx

        return write_report_docx(path, report, redactor)
    from .report_md import write_report_md

    return write_report_md(path, report, redactor)
