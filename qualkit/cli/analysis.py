"""Commands over the analysis stages: embed, themes, suggest, and the main job ``analyse``."""
from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from qualkit.cli.app import (EXIT_OK, EXIT_PARTIAL, app, bar, clip, err, open_current, out,
                             step_reporter)
from qualkit.models import QualkitError


@app.command()
def embed() -> None:
    """Embed every segment not yet cached (offline model; see qualkit.yaml `embed:`)."""
    p = open_current()
    with bar("Embedding") as b:
        n = p.embed(progress=step_reporter(b))
    out.print(f"Embedded {n} new texts; all {len(p.segments())} segments have vectors "
              f"(unchanged texts come from the cache; model {escape(p.embedder.model_id)}).")


@app.command()
def themes(
    min_cluster_size: Optional[int] = typer.Option(None, "--min-cluster-size", "-m",
                                                   help="Smallest theme (HDBSCAN)."),
    reassign_outliers: Optional[bool] = typer.Option(
        None, "--reassign-outliers/--keep-outliers",
        help="Put outliers into the theme they resemble (default: the settings')."),
    role: Optional[str] = typer.Option(None, "--role", help="Only this speaker role."),
    question: Optional[str] = typer.Option(None, "--question",
                                           help="Only this FOI question (e.g. q4_uses)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="transcript or foi."),
    where: Optional[list[str]] = typer.Option(None, "--where",
                                              help="ATTRIBUTE=VALUE (repeatable)."),
    include_interviewer: bool = typer.Option(False, "--include-interviewer"),
) -> None:
    """Find candidate themes (BERTopic on cached vectors) and store the run."""
    options: dict = {"role": role, "question": question, "kind": kind,
                     "include_interviewer": include_interviewer}
    if min_cluster_size is not None:
        options["min_cluster_size"] = min_cluster_size
    if where:
        pairs = [w.split("=", 1) for w in where]
        if any(len(pair) != 2 for pair in pairs):
            raise QualkitError("--where takes ATTRIBUTE=VALUE")
        options["where"] = dict(pairs)
    options = {k: v for k, v in options.items() if v not in (None, False)}
    if reassign_outliers is not None:
        options["reassign_outliers"] = reassign_outliers
    p = open_current()
    with bar("Embedding") as b:
        run = p.run_themes(progress=step_reporter(b), **options)
    print_themes(p, run)


def print_themes(p, run) -> None:
    texts = p.segments().set_index("segment_id")["text"]
    t = Table(expand=True, title=f"Candidate themes (run {run.run_id}, {run.method}, "
              f"{run.segments} segments, {len(run.outliers)} outliers; "
              f"model {escape(run.model_id)})", title_justify="left")
    t.add_column("#", no_wrap=True)
    t.add_column("size", no_wrap=True)
    t.add_column("docs", no_wrap=True)
    t.add_column("keywords", ratio=1)
    t.add_column("resembles", ratio=1)
    t.add_column("representative", ratio=2)
    for r in run.themes.itertuples(index=False):
        rep = texts.get(r.representative[0], "") if len(r.representative) else ""
        t.add_row(str(r.theme_id), str(r.size), f"{r.doc_share:.0%}",
                  escape(", ".join(r.keywords[:6])),
                  f"{r.resembles_code} ({r.score:.2f})" if r.resembles_code else "",
                  f"“{escape(clip(rep, 160))}”")
    out.print(t)
    for m in run.messages:
        out.print(f"[dim]{escape(m)}[/]")


@app.command()
def suggest(
    segment: Optional[list[str]] = typer.Option(None, "--segment", "-s", help="Segment id(s)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="All segments of a document."),
    k: Optional[int] = typer.Option(None, "-k",
                                    help="Suggestions per segment (default: suggest.k)."),
    limit: int = typer.Option(20, "--limit", "-n", help="Segments to show (0 = all)."),
) -> None:
    """Ranked code suggestions for segments (never applied: you decide)."""
    p = open_current()
    ids = list(segment) if segment else None
    if ids is None and doc:
        ids = list(p.segments(document=doc)["segment_id"])
    if ids is None:
        ids = list(p.segments()["segment_id"])
    total = len(ids)
    if limit:
        ids = ids[:limit]
    df = p.suggest(segment_ids=ids, k=k)
    texts = p.segments().set_index("segment_id")["text"]
    t = Table("segment", "text", "suggestions", expand=True)
    for sid, group in df.groupby("segment_id", sort=False):
        lines = "\n".join(f"{r.rank}. [cyan]{r.code_id}[/] {r.score:.2f} "
                          f"[dim]{escape(r.evidence)}[/]" for r in group.itertuples(index=False))
        t.add_row(sid, escape(texts.get(sid, "")), lines)
    out.print(t)
    if limit and total > limit:
        out.print(f"{limit} of {total} segments shown (--limit 0 for all).")


@app.command()
def analyse() -> None:
    """Run every stage on the project in this folder and summarise what it produced."""
    from qualkit.analyse import run_analysis
    from qualkit.cli.project_cmds import print_ingest, run_ingest

    p = open_current()
    report = run_ingest(p, None)
    print_ingest(report)
    with bar("Working") as b:
        summary = run_analysis(p, report, say=lambda m: err.print(f"[dim]{m}[/]"),
                               progress=step_reporter(b))
    print_summary(summary)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PARTIAL)


def print_summary(s) -> None:
    out.print(f"Documents: {s.transcripts} transcripts, {s.foi_letters} FOI letters; "
              f"{s.segments} segments; codeframe '{escape(s.codeframe)}' with {s.codes} codes.")
    for question, counts in s.foi_answers.items():
        parts = ", ".join(f"{k} {v}" for k, v in counts.items())
        out.print(f"FOI {question}: {parts} (of {sum(counts.values())} letters)")
    if not s.segments:
        out.print("No segments yet: put transcripts in transcripts/ (FOI letters in foi/).")
        return
    out.print(f"Embeddings: {s.embedded_now} new texts embedded; all {s.segments} segments have "
              f"vectors (unchanged texts come from the cache; model {escape(s.model_id)}).")
    for outcome in s.themes:
        if outcome.run is None:
            out.print(f"Themes in the {outcome.label}: none ({escape(outcome.error)}).")
            continue
        run = outcome.run
        out.print(f"Themes in the {outcome.label}: {len(run.themes)} candidate themes from "
                  f"{run.segments} segments ({run.method}; {len(run.outliers)} outliers; "
                  f"run {run.run_id}).")
        for r in run.themes.head(8).itertuples(index=False):
            code = f" ~ {r.resembles_code}" if r.resembles_code else ""
            out.print(f"  #{r.theme_id} ({r.size}): {escape(', '.join(r.keywords[:5]))}{code}")
        if len(run.themes) > 8:
            out.print(f"  ... and {len(run.themes) - 8} more (qualkit themes shows them all)")
        for m in run.messages:
            out.print(f"  note: {escape(m)}")
    parts = ", ".join(f"{code} ({n})" for code, n in list(s.top_suggestions.items())[:5])
    out.print(f"Suggestions: a ranked code for each of {s.segments} segments (none applied); "
              f"most suggested: {parts}.")
