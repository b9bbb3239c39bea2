"""The main job: every stage run on a project, with a summary of what each produced.

``qualkit analyse`` is a thin wrapper; notebooks can call ``run_analysis`` directly.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .models import QualkitError

if TYPE_CHECKING:
    import pandas as pd

    from .ingest.pipeline import IngestReport
    from .project import Project

Say = Callable[[str], None]
Progress = Callable[[int, int], None]


def run_analysis(p: "Project", report: "IngestReport | None" = None,
                 say: Say = lambda _line: None,
                 progress: Progress | None = None) -> list[str]:
    """Run the stages after ingest and return summary lines (``say`` hears each stage)."""
    if report is None:
        report = p.ingest()
    lines: list[str] = []
    frame = p.codeframe()
    docs = p.documents()
    segs = p.segments()
    kinds = docs["kind"].value_counts().to_dict() if len(docs) else {}
    lines.append(f"Documents: {kinds.get('transcript', 0)} transcripts, "
                 f"{kinds.get('foi', 0)} FOI letters; {len(segs)} segments; codeframe "
                 f"'{frame.name}' with {len(frame.codes)} codes.")
    if kinds.get("foi"):
        lines.extend(foi_summary(p))
    if segs.empty:
        lines.append("No segments yet: put transcripts in transcripts/ (FOI letters in foi/).")
        return lines
    say("Embedding segments...")
    computed = p.embed(progress)
    lines.append(f"Embeddings: {computed} new texts embedded; all {len(segs)} segments have "
                 f"vectors (unchanged texts come from the cache).")
    for kind, label in (("transcript", "interviews"), ("foi", "FOI free text")):
        if not kinds.get(kind):
            continue
        say(f"Finding candidate themes in the {label}...")
        try:
            themes = p.themes(kind=kind)
        except QualkitError as e:
            lines.append(f"Themes in the {label}: none ({e}).")
            continue
        lines.extend(theme_summary(themes, label))
    say("Suggesting codes...")
    suggestions = p.suggest(k=1)
    lines.extend(suggestion_summary(suggestions, len(segs)))
    return lines


def foi_summary(p: "Project") -> list[str]:
    answers = p.foi_answers()
    lines = []
    for question in ("q1_link_edu_social", "q5_link_health"):
        a = answers[answers["question"] == question]
        if a.empty:
            continue
        counts = a["answer"].value_counts().to_dict()
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        lines.append(f"FOI {question}: {parts} (of {len(a)} letters)")
    return lines


def theme_summary(themes: "pd.DataFrame", label: str) -> list[str]:
    attrs = themes.attrs
    lines = [f"Themes in the {label}: {len(themes)} candidate themes from "
             f"{attrs.get('segments')} segments ({attrs.get('method')}; "
             f"{len(attrs.get('outliers', []))} outliers; run {attrs.get('run_id')})."]
    for r in themes.head(8).itertuples(index=False):
        code = f" ~ {r.resembles_code}" if r.resembles_code else ""
        lines.append(f"  #{r.theme_id} ({r.size}): {', '.join(r.keywords[:5])}{code}")
    if len(themes) > 8:
        lines.append(f"  ... and {len(themes) - 8} more (qualkit themes shows them all)")
    lines.extend(f"  note: {m}" for m in attrs.get("messages", []))
    return lines


def suggestion_summary(suggestions: "pd.DataFrame", n_segments: int) -> list[str]:
    top = suggestions[suggestions["rank"] == 1]["code_id"].value_counts().head(5)
    parts = ", ".join(f"{code} ({n})" for code, n in top.items())
    return [f"Suggestions: a ranked code for each of {n_segments} segments (none applied); "
            f"most suggested: {parts}."]
