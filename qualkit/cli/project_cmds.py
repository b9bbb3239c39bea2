"""Commands about the project itself: init, ingest, status, segments, codeframe, code/uncode."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from qualkit.cli.app import (EXIT_OK, EXIT_PARTIAL, app, bar, clip, err, open_current, out,
                             step_reporter)


@app.command()
def init(folder: Path = typer.Argument(Path("."), help="Folder to make a project in.")) -> None:
    """Make a new project: transcripts/, foi/, codeframes/, exports/, qualkit.yaml."""
    from qualkit.project import init_project

    p = init_project(folder)
    out.print(f"Project ready in [bold]{escape(str(p.root))}[/]. Put transcripts in "
              "transcripts/ and FOI letters in foi/, then run [bold]qualkit ingest[/].")


def run_ingest(p, paths: list[Path] | None):
    with bar("Ingesting") as b:
        return p.ingest(paths or None, progress=step_reporter(b))


def print_ingest(report) -> None:
    s = report.summary()
    out.print(f"Ingest: {s['added']} added, {s['updated']} updated, {s['unchanged']} unchanged, "
              f"{s['skipped']} skipped; segments +{s['segments_added']} -{s['segments_removed']}")
    for path, reason in report.skipped:
        err.print(f"[red]skipped[/] {escape(str(path))}: {escape(reason)}")
    for w in report.warnings:
        err.print(f"[yellow]warning[/] {escape(w)}")
    if report.carried:
        out.print(f"{report.carried} codings carried over to identical segments.")
    for doc, sid, text in report.orphaned:
        err.print(f"[yellow]kept[/] coded segment {sid} of {escape(doc)} no longer in the text "
                  f"(retired, codings kept): {escape(repr(clip(text, 70)))}")


@app.command()
def ingest(paths: Optional[list[Path]] = typer.Argument(
        None, help="Files or folders (default: the project's sources).")) -> None:
    """Read transcripts and FOI letters into the project; re-running skips unchanged files."""
    report = run_ingest(open_current(), paths)
    print_ingest(report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PARTIAL)


@app.command()
def status() -> None:
    """Documents, segments, coders, codings and the last runs."""
    st = open_current().status()
    c = st["counts"]
    out.print(f"[bold]{escape(st['root'])}[/]")
    out.print(f"  documents  {c['documents']} ({c['transcripts']} transcripts, "
              f"{c['foi_letters']} FOI letters)")
    out.print(f"  segments   {c['segments']}" +
              (f" (+{c['retired_segments']} retired, still coded)" if c["retired_segments"] else ""))
    out.print(f"  embedded   {c['embedded']} vectors cached")
    emb = st.get("embedding") or {}
    out.print(f"  backend    {escape(str(emb.get('backend')))} (settings)")
    for model, n in (emb.get("vectors_by_model") or {}).items():
        out.print(f"    {escape(model)}: {n} vectors")
    out.print(f"  codes      {c['codes']}")
    coders = ", ".join(f"{k} ({v})" for k, v in st["codings_by_coder"].items()) or "none yet"
    out.print(f"  coders     {c['coders']}: {escape(coders)}")
    out.print(f"  codings    {c['codings']}")
    if st["documents_done"]:
        out.print("  done       " + escape(", ".join(f"{k}: {v} documents"
                                                    for k, v in st["documents_done"].items())))
    if st["codes_retired"]:
        out.print(f"  [yellow]codes no longer in the codeframe but still used:[/] "
                  f"{escape(', '.join(st['codes_retired']))}")
    if st["runs"]:
        t = Table("run", "stage", "started", "status", "summary", title="Last runs",
                  title_justify="left")
        for r in st["runs"]:
            summary = ", ".join(f"{k} {v}" for k, v in r["summary"].items()
                                if not isinstance(v, (list, dict)))
            t.add_row(str(r["id"]), r["stage"], r["started"], r["status"], escape(summary))
        out.print(t)


@app.command()
def segments(
    doc: Optional[str] = typer.Option(None, "--doc", help="Document name (or part of it)."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Only this speaker."),
    limit: int = typer.Option(50, "--limit", "-n", help="Rows to show (0 = all)."),
) -> None:
    """Show segments as a table."""
    df = open_current().segments(document=doc, speaker=speaker)
    total = len(df)
    if limit:
        df = df.head(limit)
    t = Table(expand=True)
    t.add_column("id", no_wrap=True, style="dim")
    t.add_column("document", max_width=24, overflow="ellipsis", no_wrap=True)
    t.add_column("speaker", max_width=18, overflow="ellipsis")
    t.add_column("offsets", no_wrap=True, style="dim")
    t.add_column("text", ratio=1, min_width=30)
    for r in df.itertuples(index=False):
        who = r.speaker if isinstance(r.speaker, str) else (
            r.question if isinstance(r.question, str) else "")
        t.add_row(r.segment_id, escape(r.document), escape(who), f"{r.start}-{r.end}",
                  escape(r.text))
    out.print(t)
    if limit and total > limit:
        out.print(f"{limit} of {total} segments shown (--limit 0 for all).")


@app.command()
def codeframe() -> None:
    """Validate the project's codeframe and print it as a tree."""
    from qualkit.codeframe import code_tree_lines

    p = open_current()
    frame = p.codeframe()
    out.print(f"[bold]{escape(frame.name)}[/] ({len(frame.codes)} codes, "
              f"{escape(p.codeframe_path.name)})")
    for depth, code in code_tree_lines(frame):
        out.print(f"{'  ' * (depth + 1)}[cyan]{escape(code.id)}[/]  {escape(code.name)}")


@app.command()
def code(segment_id: str, code_id: str,
         coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding."),
         memo: Optional[str] = typer.Option(None, "--memo")) -> None:
    """Apply a code to a segment (for scripts; the TUI is the everyday way)."""
    new = open_current().code(segment_id, code_id, coder=coder, memo=memo)
    out.print("saved" if new else "already coded")


@app.command()
def uncode(segment_id: str, code_id: str,
           coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding.")) -> None:
    """Remove a code from a segment."""
    out.print("removed" if open_current().uncode(segment_id, code_id, coder=coder)
              else "was not coded")
