"""The main job: every stage run on a project, with a summary of what each produced.

``qualkit analyse`` is a thin wrapper; notebooks can call ``run_analysis`` directly.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ingest.pipeline import IngestReport
    from .project import Project

Say = Callable[[str], None]


def run_analysis(p: "Project", report: "IngestReport | None" = None,
                 say: Say = lambda _line: None) -> list[str]:
    """Run the stages after ingest and return summary lines (``say`` hears progress)."""
    if report is None:
        report = p.ingest()
    lines: list[str] = []
    frame = p.codeframe()
    docs = p.documents()
    segs = p.segments()
    n_tr = int((docs["kind"] == "transcript").sum()) if len(docs) else 0
    n_foi = int((docs["kind"] == "foi").sum()) if len(docs) else 0
    lines.append(f"Documents: {n_tr} transcripts, {n_foi} FOI letters; "
                 f"{len(segs)} segments; codeframe '{frame.name}' with {len(frame.codes)} codes.")
    if n_foi:
        lines.extend(_foi_summary(p))
    return lines


def _foi_summary(p: "Project") -> list[str]:
    answers = p.foi_answers()
    lines = []
    for question in ("q1_link_edu_social", "q5_link_health"):
        a = answers[answers["question"] == question]
        if a.empty:
            continue
        counts: dict[str, Any] = a["answer"].value_counts().to_dict()
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        lines.append(f"FOI {question}: {parts} (of {len(a)} letters)")
    return lines
