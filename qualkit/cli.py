"""The ``qualkit`` command: a thin typer layer over the library in ``qualkit.project``.

Exit codes: 0 all done; 1 done, but some input was skipped (each named with its reason);
2 nothing done because of a problem the user can fix (message on one line); 130 interrupted.
``--debug`` shows the traceback behind an error.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .models import QualkitError

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(typer.core.TyperGroup):
    """Turns a user's mistake (QualkitError) into one red line and exit code 2."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except QualkitError as e:
            if ctx.params.get("debug"):
                raise
            err.print(f"[red]error:[/] {e}", soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from None
        except KeyboardInterrupt:
            err.print("interrupted; everything saved so far is kept")
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    cls=_Group,
    help="qualkit — qualitative thematic analysis in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
foi_app = typer.Typer(help="FOI letters: answers read from each letter, and tallies.",
                      no_args_is_help=True)
app.add_typer(foi_app, name="foi")

out = Console(highlight=False, soft_wrap=True)
state = {"project": Path("."), "debug": False}


@app.callback()
def _global(
    project: Path = typer.Option(Path("."), "--project", "-C", help="The project folder."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks behind errors."),
) -> None:
    state["project"] = project
    state["debug"] = debug


def _open():
    from .project import open_project

    return open_project(state["project"])


# -- init / ingest / status -------------------------------------------------------------------
@app.command()
def init(folder: Path = typer.Argument(Path("."), help="Folder to make a project in.")) -> None:
    """Make a new project: transcripts/, foi/, codeframes/, exports/, qualkit.yaml."""
    from .project import init_project

    p = init_project(folder)
    out.print(f"Project ready in [bold]{p.root}[/]. Put transcripts in transcripts/ and "
              f"FOI letters in foi/, then run [bold]qualkit ingest[/].")


def _ingest(p, paths: list[Path] | None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("[bold]Ingesting"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        return p.ingest(paths or None, progress=progress)


def _print_ingest(report) -> None:
    s = report.summary()
    out.print(f"Ingest: {s['added']} added, {s['updated']} updated, {s['unchanged']} unchanged, "
              f"{s['skipped']} skipped; segments +{s['segments_added']} -{s['segments_removed']}")
    for path, reason in report.skipped:
        err.print(f"[red]skipped[/] {path}: {reason}")
    for w in report.warnings:
        err.print(f"[yellow]warning[/] {w}")
    if report.carried:
        out.print(f"{report.carried} codings carried over to identical segments.")
    for doc, sid, text in report.orphaned:
        short = text if len(text) < 70 else text[:67] + "..."
        err.print(f"[yellow]kept[/] coded segment {sid} of {doc} no longer in the text "
                  f"(retired, codings kept): {short!r}")


@app.command()
def ingest(paths: Optional[list[Path]] = typer.Argument(
        None, help="Files or folders (default: the project's sources).")) -> None:
    """Read transcripts and FOI letters into the project; re-running skips unchanged files."""
    p = _open()
    report = _ingest(p, paths)
    _print_ingest(report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PARTIAL)


@app.command()
def status() -> None:
    """Documents, segments, coders, codings and the last runs."""
    st = _open().status()
    c = st["counts"]
    out.print(f"[bold]{st['root']}[/]")
    out.print(f"  documents  {c['documents']} ({c['transcripts']} transcripts, "
              f"{c['foi_letters']} FOI letters)")
    out.print(f"  segments   {c['segments']}" +
              (f" (+{c['retired_segments']} retired, still coded)" if c["retired_segments"] else ""))
    out.print(f"  embedded   {c['embedded']} vectors cached")
    out.print(f"  codes      {c['codes']}")
    coders = ", ".join(f"{k} ({v})" for k, v in st["codings_by_coder"].items()) or "none yet"
    out.print(f"  coders     {c['coders']}: {coders}")
    out.print(f"  codings    {c['codings']}")
    if st["documents_done"]:
        out.print("  done       " + ", ".join(f"{k}: {v} documents"
                                             for k, v in st["documents_done"].items()))
    if st["codes_retired"]:
        out.print(f"  [yellow]codes no longer in the codeframe but still used:[/] "
                  f"{', '.join(st['codes_retired'])}")
    if st["runs"]:
        t = Table("stage", "started", "status", "summary", title="Last runs", title_justify="left")
        for r in st["runs"]:
            summary = ", ".join(f"{k} {v}" for k, v in r["summary"].items()
                                if not isinstance(v, (list, dict)))
            t.add_row(r["stage"], r["started"], r["status"], summary)
        out.print(t)


@app.command()
def segments(
    doc: Optional[str] = typer.Option(None, "--doc", help="Document name (or part of it)."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Only this speaker."),
    limit: int = typer.Option(50, "--limit", "-n", help="Rows to show (0 = all)."),
) -> None:
    """Show segments as a table."""
    df = _open().segments(document=doc, speaker=speaker)
    total = len(df)
    if limit:
        df = df.head(limit)
    t = Table(expand=True)
    t.add_column("id", no_wrap=True, style="dim")
    t.add_column("document", max_width=24, overflow="ellipsis", no_wrap=True)
    t.add_column("speaker", max_width=18, overflow="ellipsis")
    t.add_column("offsets", no_wrap=True, style="dim")
    t.add_column("text", ratio=1)
    for r in df.itertuples(index=False):
        who = r.speaker if isinstance(r.speaker, str) else (r.question or "")
        t.add_row(r.segment_id, r.document, who or "", f"{r.start}-{r.end}", r.text)
    out.print(t)
    if limit and total > limit:
        out.print(f"{limit} of {total} segments shown (--limit 0 for all).")


@app.command()
def codeframe() -> None:
    """Validate the project's codeframe and print it as a tree."""
    from .codeframe import code_tree_lines

    p = _open()
    frame = p.codeframe()
    out.print(f"[bold]{frame.name}[/] ({len(frame.codes)} codes, {p.codeframe_path.name})")
    for depth, code in code_tree_lines(frame):
        out.print(f"{'  ' * (depth + 1)}[cyan]{code.id}[/]  {code.name}")


@app.command()
def code(segment_id: str, code_id: str,
         coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding."),
         memo: Optional[str] = typer.Option(None, "--memo")) -> None:
    """Apply a code to a segment (for scripts; the TUI is the everyday way)."""
    new = _open().code(segment_id, code_id, coder=coder, memo=memo)
    out.print("saved" if new else "already coded")


@app.command()
def uncode(segment_id: str, code_id: str,
           coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding.")) -> None:
    """Remove a code from a segment."""
    out.print("removed" if _open().uncode(segment_id, code_id, coder=coder) else "was not coded")


# -- embeddings, themes, suggestions ----------------------------------------------------------
def _bar(label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, transient=True)


def _embed_progress(bar):
    task = bar.add_task("", total=None)
    return lambda done, total: bar.update(task, completed=done, total=total)


@app.command()
def embed() -> None:
    """Embed every segment not yet cached (offline model; see qualkit.yaml `embed:`)."""
    p = _open()
    with _bar("Embedding") as bar:
        n = p.embed(progress=_embed_progress(bar))
    total = len(p.segments())
    out.print(f"Embedded {n} new texts; all {total} segments have vectors "
              f"(unchanged texts come from the cache).")


@app.command()
def themes(
    min_cluster_size: Optional[int] = typer.Option(None, "--min-cluster-size", "-m",
                                                   help="Smallest theme (HDBSCAN)."),
    reassign_outliers: bool = typer.Option(False, "--reassign-outliers",
                                           help="Put outliers into their nearest theme."),
    role: Optional[str] = typer.Option(None, "--role", help="Only this speaker role."),
    question: Optional[str] = typer.Option(None, "--question",
                                           help="Only this FOI question (e.g. q4_uses)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="transcript or foi."),
    where: Optional[list[str]] = typer.Option(None, "--where",
                                              help="ATTRIBUTE=VALUE (repeatable)."),
    include_interviewer: bool = typer.Option(False, "--include-interviewer"),
) -> None:
    """Find candidate themes (BERTopic on cached vectors) and store the run."""
    options: dict = {"reassign_outliers": reassign_outliers, "role": role, "question": question,
                     "kind": kind, "include_interviewer": include_interviewer}
    if min_cluster_size is not None:
        options["min_cluster_size"] = min_cluster_size
    if where:
        pairs = [w.split("=", 1) for w in where]
        if any(len(pair) != 2 for pair in pairs):
            raise QualkitError("--where takes ATTRIBUTE=VALUE")
        options["where"] = dict(pairs)
    options = {k: v for k, v in options.items() if v not in (None, False)}
    p = _open()
    with _bar("Embedding") as bar:
        df = p.themes(progress=_embed_progress(bar), **options)
    _print_themes(p, df)


def _print_themes(p, df) -> None:
    texts = p.segments().set_index("segment_id")["text"]
    t = Table(expand=True, title=f"Candidate themes (run {df.attrs.get('run_id')}, "
              f"{df.attrs.get('method')}, {df.attrs.get('segments')} segments)",
              title_justify="left")
    t.add_column("#", no_wrap=True)
    t.add_column("size", no_wrap=True)
    t.add_column("docs", no_wrap=True)
    t.add_column("keywords", ratio=1)
    t.add_column("resembles", ratio=1)
    t.add_column("representative", ratio=2)
    for r in df.itertuples(index=False):
        rep = texts.get(r.representative[0], "") if len(r.representative) else ""
        rep = rep if len(rep) < 160 else rep[:157] + "..."
        t.add_row(str(r.theme_id), str(r.size), f"{r.doc_share:.0%}", ", ".join(r.keywords[:6]),
                  f"{r.resembles_code or ''} ({r.score:.2f})" if r.resembles_code else "",
                  f"“{rep}”")
    out.print(t)
    for m in df.attrs.get("messages", []):
        out.print(f"[dim]{m}[/]")


@app.command()
def suggest(
    segment: Optional[list[str]] = typer.Option(None, "--segment", "-s", help="Segment id(s)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="All segments of a document."),
    k: int = typer.Option(3, "-k", help="Suggestions per segment."),
    limit: int = typer.Option(20, "--limit", "-n", help="Segments to show (0 = all)."),
) -> None:
    """Ranked code suggestions for segments (never applied: you decide)."""
    p = _open()
    ids = list(segment) if segment else None
    if ids is None and doc:
        ids = list(p.segments(document=doc)["segment_id"])
    if ids is None:
        ids = list(p.segments()["segment_id"])
    if limit:
        ids = ids[:limit]
    df = p.suggest(segment_ids=ids, k=k)
    texts = p.segments().set_index("segment_id")["text"]
    t = Table("segment", "text", "suggestions", expand=True)
    for sid, group in df.groupby("segment_id", sort=False):
        lines = "\n".join(f"{r.rank}. [cyan]{r.code_id}[/] {r.score:.2f} [dim]{r.evidence}[/]"
                          for r in group.itertuples(index=False))
        t.add_row(sid, texts.get(sid, ""), lines)
    out.print(t)


# -- FOI --------------------------------------------------------------------------------------
@foi_app.command("tally")
def foi_tally(by: str = typer.Option("authority_type", "--by",
                                     help="Attribute to group by ('none' for totals only).")) -> None:
    """Counts and percentages of authorities per question and option."""
    df = _open().foi_tally(by=None if by.lower() == "none" else by)
    if df.empty:
        out.print("No FOI answers yet: put letters in foi/ and run qualkit ingest.")
        return
    t = Table("question", "option", "group", "count", "of", "%")
    for r in df.itertuples(index=False):
        t.add_row(r.question, r.option, str(r.group), str(r.count), str(r.denominator),
                  f"{r.percent:.1f}")
    out.print(t)


@foi_app.command("show")
def foi_show(letter: str = typer.Argument(..., help="Letter name (or part of it).")) -> None:
    """What was read from one letter, beside the text it was read from."""
    p = _open()
    answers, free = p.foi_letter(letter)
    t = Table("question", "answer", "options", "qualifier", "conf.", "read from", expand=True,
              title=p.resolve_document(letter), title_justify="left")
    for r in answers.itertuples(index=False):
        t.add_row(r.question, r.answer, ", ".join(r.options), r.qualifier,
                  f"{r.confidence:.2f}", f"[dim]{r.start}-{r.end}[/] {r.evidence}")
    out.print(t)
    if len(free):
        f = Table("question", "free text (segments to code)", expand=True)
        for r in free.itertuples(index=False):
            f.add_row(r.question or "", r.text)
        out.print(f)


# -- the main job -----------------------------------------------------------------------------
@app.command()
def analyse() -> None:
    """Run every stage on the project in this folder and summarise what it produced."""
    from .analyse import run_analysis

    p = _open()
    report = _ingest(p, None)
    _print_ingest(report)
    with _bar("Working") as bar:
        lines = run_analysis(p, report, say=lambda m: err.print(f"[dim]{m}[/]"),
                             progress=_embed_progress(bar))
    for line in lines:
        out.print(line)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PARTIAL)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
