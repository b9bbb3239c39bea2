"""Commands over the analysis stages: embed, themes, suggest, and the main job ``analyse``."""
from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from qualkit.cli.app import (EXIT_OK, EXIT_PARTIAL, app, bar, clip, err, escape,
                             keep_pseudonyms, open_current, out, plural, screen_redactor,
                             shown_text, state, step_reporter, warn_pending)

REDACT_HELP = "Pseudonymise names, identifiers, speakers and documents."
from qualkit.models import QualkitError


@app.command()
def embed() -> None:
    """Embed every segment not yet cached (offline model; see qualkit.yaml `embed:`)."""
    p = open_current()
    with bar("Embedding") as b:
        n = p.embed(progress=step_reporter(b))
    out.print(f"Embedded {plural(n, 'new text')}; all "
              f"{plural(len(p.segments()), 'segment')} have vectors "
              f"(unchanged texts come from the cache; model {escape(p.embedder.model_id)}).")


@app.command()
def themes(
    min_cluster_size: Optional[int] = typer.Option(None, "--min-cluster-size", "-m",
                                                   help="Smallest theme (HDBSCAN)."),
    reassign_outliers: Optional[bool] = typer.Option(
        None, "--reassign-outliers/--keep-outliers",
        help="Put outliers into the theme they resemble (default: the settings')."),
    party: Optional[str] = typer.Option(None, "--party", "--role",
                                        help="Only this party: interviewer, participant or "
                                             "unknown (see `qualkit speakers`)."),
    question: Optional[str] = typer.Option(None, "--question",
                                           help="Only this FOI question (e.g. q4_uses)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="transcript or foi."),
    where: Optional[list[str]] = typer.Option(None, "--where",
                                              help="ATTRIBUTE=VALUE (repeatable)."),
    include_interviewer: bool = typer.Option(False, "--include-interviewer",
                                             help="Keep the interviewers' segments (left out "
                                                  "by default)."),
    redact: bool = typer.Option(False, "--redact", help=REDACT_HELP),
) -> None:
    """Find candidate themes (BERTopic on cached vectors) and store the run."""
    options: dict = {"party": party, "question": question, "kind": kind,
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
    warn_pending(p)
    with bar("Embedding") as b:
        run = p.run_themes(progress=step_reporter(b), **options)
    red = screen_redactor(p, redact)
    print_themes(p, run, red)
    keep_pseudonyms(p, red)
    _left_out(p, options, red is not None)


def _left_out(p, options: dict, redacted: bool = False) -> None:
    """Say when speakers of unknown party were left out by a --party filter."""
    if options.get("party") in (None, "unknown"):
        return
    segs = p.speech()
    if options.get("kind"):
        segs = segs.merge(p.documents()[["document", "kind"]], on="document")
        segs = segs[segs["kind"] == options["kind"]]
    unknown = segs[segs["party"] == "unknown"]
    if len(unknown):
        docs = (plural(unknown['document'].nunique(), 'document') if redacted
                else ", ".join(sorted(set(unknown["document"]))))
        err.print(f"[yellow]note:[/] {plural(len(unknown), 'segment')} whose speaker's party "
                  "is unknown "
                  f"were left out ({escape(docs)}); `qualkit speakers` shows them")


def _keywords(red, words, n: int) -> str:
    words = [str(w) for w in list(words)[:n]]
    return escape(", ".join(red.keywords(words) if red is not None else words))


def learn_texts(p, red) -> None:
    """Let the redactor meet every segment's identifiers, so it can hide their pieces in
    theme keywords ("476 5919")."""
    if red is not None:
        segs = p.segments()
        for text, doc in zip(segs["text"], segs["document"]):
            red.text(text, doc)


def print_themes(p, run, red=None) -> None:
    learn_texts(p, red)
    segs = p.segments().set_index("segment_id")
    texts, docs = segs["text"], segs["document"]
    t = Table(expand=True, title=f"Candidate themes (run {run.run_id}, {run.method}, "
              f"{plural(run.segments, 'segment')}, {plural(len(run.outliers), 'outlier')}; "
              f"model {escape(run.model_id)})", title_justify="left")
    t.add_column("#", no_wrap=True)
    t.add_column("size", no_wrap=True)
    t.add_column("docs", no_wrap=True)
    t.add_column("keywords", ratio=1)
    t.add_column("resembles", ratio=1)
    t.add_column("representative", ratio=2)
    for r in run.themes.itertuples(index=False):
        sid = r.representative[0] if len(r.representative) else None
        rep = shown_text(red, texts.get(sid, ""), docs.get(sid, "")) if sid else ""
        t.add_row(str(r.theme_id), str(r.size), f"{r.doc_share:.0%}", _keywords(red, r.keywords, 6),
                  f"{escape(r.resembles_code)} ({r.score:.2f})" if r.resembles_code else "",
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
    redact: bool = typer.Option(False, "--redact", help=REDACT_HELP),
) -> None:
    """Ranked code suggestions for segments of speech (never applied: you decide)."""
    p = open_current()
    warn_pending(p)
    speech = p.speech()
    ids = list(segment) if segment else None
    if ids is None and doc:
        ids = list(speech[speech["document"] == p.resolve_document(doc)]["segment_id"])
    if ids is None:
        ids = list(speech["segment_id"])
    total = len(ids)
    if limit:
        ids = ids[:limit]
    df = p.suggest(segment_ids=ids, k=k)
    red = screen_redactor(p, redact)
    segs, wanted = p.segments(), set(ids)
    texts = {sid: shown_text(red, t, d) for sid, t, d in
             zip(segs["segment_id"], segs["text"], segs["document"]) if sid in wanted}
    out.print(_suggestion_table(df, texts))
    keep_pseudonyms(p, red)
    if limit and total > limit:
        out.print(f"{limit} of {total} segments shown (--limit 0 for all).")


def _suggestion_table(df, texts) -> Table:
    """Segment, text, suggestions; below 110 columns the suggestions go under the text, so
    neither the text nor a code id is squeezed."""
    wide = out.width >= 110
    t = Table(expand=True)
    t.add_column("segment", no_wrap=True, style="dim")
    t.add_column("text", ratio=3) if wide else t.add_column("text and suggestions", ratio=1)
    if wide:
        t.add_column("suggestions", ratio=2, overflow="fold")
    for sid, group in df.groupby("segment_id", sort=False):
        lines = "\n".join(f"{r.rank}. [cyan]{escape(r.code_id)}[/] {r.score:.2f} "
                          f"[dim]{escape(r.evidence)}[/]" for r in group.itertuples(index=False))
        text = escape(texts.get(sid, ""))
        t.add_row(sid, text, lines) if wide else t.add_row(sid, f"{text}\n{lines}")
    return t


@app.command()
def analyse() -> None:
    """Run every stage on the project in this folder and summarise what it produced."""
    from qualkit.analyse import run_analysis
    from qualkit.cli.project_cmds import print_ingest, run_ingest, warn_identifiers

    p = open_current()
    report = run_ingest(p, None)
    print_ingest(report)
    warn_identifiers(p, report)
    with bar("Working") as b:
        summary = run_analysis(p, report, say=lambda m: err.print(f"[dim]{escape(m)}[/]"),
                               progress=step_reporter(b))
    red = screen_redactor(p)
    learn_texts(p, red)
    print_summary(summary, red)
    keep_pseudonyms(p, red)
    from qualkit.cli.coding import app_command

    if summary.segments:
        out.print(f"Code it: [bold]{escape(app_command(state['project']))}[/] opens the coding "
                  "app (add --coder NAME the first time).")
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PARTIAL)


def print_summary(s, red=None) -> None:
    out.print(f"Documents: {plural(s.transcripts, 'transcript')}, "
              f"{plural(s.foi_letters, 'FOI letter')}; {plural(s.segments, 'segment')}; "
              f"codeframe '{escape(s.codeframe)}' with {plural(s.codes, 'code')}.")
    for question, counts in s.foi_answers.items():
        parts = ", ".join(f"{k} {v}" for k, v in counts.items())
        out.print(f"FOI {question}: {parts} (of {plural(sum(counts.values()), 'letter')})")
    if not s.segments:
        out.print("No segments yet: put transcripts in transcripts/ (FOI letters in foi/).")
        return
    out.print(f"Embeddings: {plural(s.embedded_now, 'new text')} embedded; all "
              f"{plural(s.segments, 'segment')} have "
              f"vectors (unchanged texts come from the cache; model {escape(s.model_id)}).")
    for outcome in s.themes:
        if outcome.run is None:
            out.print(f"Themes in the {escape(outcome.label)}: none "
                      f"({escape(outcome.error)}).")
            continue
        run = outcome.run
        out.print(f"Themes in the {outcome.label}: {plural(len(run.themes), 'candidate theme')} "
                  f"from {plural(run.segments, 'segment')} ({run.method}; "
                  f"{plural(len(run.outliers), 'outlier')}; "
                  f"run {run.run_id}).")
        for r in run.themes.head(8).itertuples(index=False):
            code = f" ~ {escape(r.resembles_code)}" if r.resembles_code else ""
            out.print(f"  #{r.theme_id} ({r.size}): {_keywords(red, r.keywords, 5)}{code}")
        if len(run.themes) > 8:
            out.print(f"  ... and {len(run.themes) - 8} more (`qualkit themes --kind "
                      f"{escape(outcome.kind)}` shows them all)")
        for m in run.messages:
            out.print(f"  note: {escape(m)}")
    parts = escape(", ".join(f"{code} ({n})" for code, n in list(s.top_suggestions.items())[:5]))
    out.print(f"Suggestions: a ranked code for each of {plural(s.suggested, 'segment')} of "
              "speech (none applied); "
              f"most suggested: {parts}.")
    if s.workbook:
        out.print(f"Workbook: {escape(s.workbook)} (matrices, themes, FOI tallies with charts, "
                  "codebook; `qualkit export excel` writes it again).")
    for note in s.workbook_note:
        out.print(f"  [dim]{escape(note)}[/]")
