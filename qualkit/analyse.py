"""The main job: every stage run on a project, with a summary of what each produced.

``run_analysis`` returns an :class:`AnalysisSummary` (plain data); ``qualkit analyse`` formats
it and the TUI can show it. Notebooks can call it directly.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Progress, QualkitError, ThemeRun

if TYPE_CHECKING:
    from .ingest.pipeline import IngestReport
    from .project import Project

Say = Callable[[str], None]
KIND_LABELS = (("transcript", "interviews"), ("foi", "FOI free text"))


@dataclass
class ThemesOutcome:
    kind: str  # "transcript" | "foi"
    label: str  # "interviews" | "FOI free text"
    run: ThemeRun | None = None
    error: str = ""  # why there are no themes, when run is None


@dataclass
class AnalysisSummary:
    transcripts: int
    foi_letters: int
    segments: int
    codeframe: str
    codes: int
    foi_answers: dict[str, dict[str, int]] = field(default_factory=dict)  # question -> answer -> n
    embedded_now: int = 0
    model_id: str = ""
    themes: list[ThemesOutcome] = field(default_factory=list)
    top_suggestions: dict[str, int] = field(default_factory=dict)  # code -> segments (rank 1)
    suggested: int = 0  # segments of speech given suggestions (the transcriber's marks are not)
    ingest: "IngestReport | None" = None
    workbook: str = ""  # the Excel workbook written at the end
    workbook_note: list[str] = field(default_factory=list)  # parts left out, or why none


def run_analysis(p: "Project", report: "IngestReport | None" = None,
                 say: Say = lambda _line: None,
                 progress: Progress | None = None) -> AnalysisSummary:
    """Run the stages after ingest and return what each produced (``say`` hears each stage)."""
    if report is None:
        report = p.ingest()
    frame = p.codeframe()
    docs = p.documents()
    segs = p.segments()
    kinds = docs["kind"].value_counts().to_dict() if len(docs) else {}
    summary = AnalysisSummary(transcripts=kinds.get("transcript", 0),
                              foi_letters=kinds.get("foi", 0), segments=len(segs),
                              codeframe=frame.name, codes=len(frame.codes), ingest=report)
    if summary.foi_letters:
        summary.foi_answers = foi_answer_counts(p)
    if segs.empty:
        return summary
    say("Embedding segments...")
    summary.embedded_now = p.embed(progress)
    summary.model_id = p.embedder.model_id
    for kind, label in KIND_LABELS:
        if not kinds.get(kind):
            continue
        say(f"Finding candidate themes in the {label}...")
        try:
            summary.themes.append(ThemesOutcome(kind, label, run=p.run_themes(kind=kind)))
        except QualkitError as e:
            summary.themes.append(ThemesOutcome(kind, label, error=str(e)))
    say("Suggesting codes...")
    top = p.suggest(k=1)
    summary.top_suggestions = top["code_id"].value_counts().to_dict()
    summary.suggested = int(top["segment_id"].nunique())
    say("Writing the Excel workbook...")
    try:
        done = p.export_excel()
        summary.workbook, summary.workbook_note = str(done.path), list(done.missing)
    except QualkitError as e:
        summary.workbook_note = [str(e)]
    return summary


def foi_answer_counts(p: "Project") -> dict[str, dict[str, int]]:
    """For the two yes/no questions: how many letters gave each answer."""
    answers = p.foi_answers()
    out: dict[str, dict[str, int]] = {}
    for question in ("q1_link_edu_social", "q5_link_health"):
        a = answers[answers["question"] == question]
        if not a.empty:
            out[question] = {k: int(v) for k, v in sorted(a["answer"].value_counts().items())}
    return out
