"""Commands about the project itself: init, ingest, status, segments, codeframe."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich import box
from rich.table import Table

from qualkit.cli.app import (EXIT_OK, EXIT_PARTIAL, app, bar, clip, coder_or_fail, err, escape,
                             keep_pseudonyms, open_current, out, plural, redacting, screen_redactor,
                             shown_doc, shown_speaker, shown_text, state, step_reporter,
                             warn_pending)

MOVES_SHOWN = 15


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


def warn_identifiers(p, report) -> None:
    """One line per newly read document holding a child's NHS number or UPN, or a name from
    ``privacy.names`` (counts by kind, never the values), unless screens are redacted."""
    if redacting(p):
        return
    read = [Path(x).name for x in list(report.added) + list(report.updated)]  # as stored
    found = p.identifier_warnings(read)
    for doc, counts in found.items():
        kinds = ", ".join(f"{n} {KIND_WORDS.get(k, k)}{'s' * (n != 1)}"
                          for k, n in counts.items())
        err.print(f"[yellow]identifiers[/] in {escape(doc)}: {escape(kinds)}; they show in "
                  "`segments`, `suggest`, themes and the app as written (`qualkit privacy "
                  "scan` lists them; `--redact` or `privacy.redact_screens: true` hides them)")


KIND_WORDS = {"nhs_number": "NHS number", "upn": "UPN", "name": "listed name"}


def print_ingest(report) -> None:
    s = report.summary()
    for why, docs in report.resegmented.items():
        out.print(f"Changed since the last ingest: {escape(why)}; read again: "
                  f"{len(docs)} document{'s' * (len(docs) != 1)}.")
    out.print(f"Ingest: {s['added']} added, {s['updated']} updated, {s['unchanged']} unchanged, "
              f"{s['skipped']} skipped; segments +{s['segments_added']} -{s['segments_removed']}")
    for path, reason in report.skipped:
        err.print(f"[red]skipped[/] {escape(str(path))}: {escape(reason)}")
    for w in report.warnings:
        err.print(f"[yellow]warning[/] {escape(w)}")
    if report.ignored:
        kinds = sorted({Path(p).suffix.lower() or "(no extension)" for p in report.ignored})
        err.print(f"[dim]ignored {len(report.ignored)} file(s) of types qualkit does not read "
                  f"({escape(', '.join(kinds))})[/]")
    for path, trace in report.errors if state["debug"] else []:
        err.print(f"[red]traceback[/] for {escape(path)}:\n{escape(trace)}")
    print_moves(report)
    for doc, sid, text in report.orphaned:
        err.print(f"[yellow]kept[/] coded segment {sid} of {escape(doc)}: its text is no longer "
                  f"in the file (retired, codings kept): {escape(repr(clip(text, 70)))}")


def print_moves(report) -> None:
    """Where codings went when segments changed: a count, then each (up to MOVES_SHOWN)."""
    if not report.carried:
        return
    out.print(f"{report.carried} coding{'s' * (report.carried != 1)} followed their text to "
              "the segments that now hold it:")
    for m in report.moved[:MOVES_SHOWN]:
        where = f"{len(m.targets)} segments" if len(m.targets) > 1 else m.targets[0]
        note = f" [yellow]({escape(m.note)})[/]" if m.note else ""
        out.print(f"  {escape(m.code_id)} ({escape(m.coder)}) {escape(repr(clip(m.text, 48)))} "
                  f"-> {where}{note}")
    if len(report.moved) > MOVES_SHOWN:
        out.print(f"  ... and {len(report.moved) - MOVES_SHOWN} more")


@app.command()
def ingest(paths: Optional[list[Path]] = typer.Argument(
        None, help="Files or folders (default: the project's sources).")) -> None:
    """Read transcripts and FOI letters into the project; re-running skips unchanged files."""
    p = open_current()
    report = run_ingest(p, paths)
    print_ingest(report)
    warn_identifiers(p, report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PARTIAL)


@app.command()
def status(
    stage: Optional[str] = typer.Option(None, "--stage", help="Only runs of this stage "
                                        "(ingest, embed, themes...)."),
    run_status: Optional[str] = typer.Option(None, "--status", help="Only runs with this "
                                             "status (ok, partial, running...)."),
    last: int = typer.Option(10, "--last", "-n", help="How many runs to show."),
) -> None:
    """Documents, segments, coders, codings and the last runs."""
    p = open_current()
    st = p.status(stage=stage, status=run_status, last=last)
    c, v = st["counts"], st["vectors"]
    out.print(f"[bold]{escape(st['root'])}[/]")
    out.print(f"  documents  {c['documents']} ({plural(c['transcripts'], 'transcript')}, "
              f"{plural(c['foi_letters'], 'FOI letter')})")
    out.print(f"  segments   {c['segments']}" +
              (f" (+{c['retired_segments']} retired, still coded)" if c["retired_segments"] else ""))
    out.print(f"  embedded   {v['with_vectors']} of {v['texts']} distinct segment texts have "
              f"vectors" + (f" (model {escape(v['model'])}); {v['cached']} vectors cached in "
                            "all, code descriptions and older texts included" if v["cached"]
                            else ""))
    emb = st.get("embedding") or {}
    out.print(f"  backend    {escape(str(emb.get('backend')))} (settings)")
    for model, n in (emb.get("vectors_by_model") or {}).items():
        out.print(f"    {escape(model)}: {n} vectors")
    if st["codeframe_error"]:
        out.print(f"  codes      [red]the codeframe does not load:[/] "
                  f"{escape(st['codeframe_error'])}")
    else:
        out.print(f"  codes      {c['codes']}")
    coders = ", ".join(f"{k} ({v})" for k, v in st["codings_by_coder"].items()) or "none yet"
    out.print(f"  coders     {c['coders']}: {escape(coders)}")
    out.print(f"  codings    {c['codings']}")
    if st["documents_done"]:
        out.print("  done       " + escape(", ".join(f"{k}: {plural(v, 'document')}"
                                                    for k, v in st["documents_done"].items())))
    if st["codes_retired"]:
        out.print(f"  [yellow]codes no longer in the codeframe but still used:[/] "
                  f"{escape(', '.join(st['codes_retired']))}")
    _status_notes(st)
    _runs_table(st["runs"], stage, run_status)


def _status_notes(st) -> None:
    for why, docs in st["pending_changes"].items():
        out.print(f"  [yellow]changed since the last ingest:[/] {escape(why)}; "
                  f"`qualkit ingest` will read {len(docs)} document{'s' * (len(docs) != 1)} "
                  "again")
    if st["unknown_party"]:
        shown = ", ".join(f"{sp} ({doc})" for doc, sp in st["unknown_party"])
        out.print(f"  [yellow]speakers of unknown party:[/] {escape(shown)}; name the "
                  "interviewer with `qualkit speakers --set NAME interviewer`")


def _runs_table(runs, stage, run_status) -> None:
    if not runs:
        if stage or run_status:
            out.print("No runs match.")
        return
    which = " ".join(x for x in (stage, run_status) if x)
    t = Table("run", "stage", "started", "status", "summary", title=f"Last {which} runs"
              .replace("  ", " "), title_justify="left")
    for r in runs:
        summary = ", ".join(f"{k} {v}" for k, v in r["summary"].items()
                            if not isinstance(v, (list, dict)))
        t.add_row(str(r["id"]), escape(r["stage"]), r["started"], escape(r["status"]),
                  escape(summary))
    out.print(t)


@app.command()
def segments(
    doc: Optional[str] = typer.Option(None, "--doc", help="Document name (or part of it)."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Only this speaker."),
    limit: int = typer.Option(50, "--limit", "-n", help="Rows to show (0 = all)."),
    redact: bool = typer.Option(False, "--redact", help="Pseudonymise names, identifiers, "
                                "speakers and documents."),
) -> None:
    """Show segments, one table per document (the transcriber's marks dimmed)."""
    p = open_current()
    warn_pending(p)
    red = screen_redactor(p, redact)
    df = p.segments(document=doc, speaker=speaker)
    total = len(df)
    if limit:
        df = df.head(limit)
    wide = out.width >= 110
    for document, group in df.groupby("document", sort=False):
        t = Table(box=box.SIMPLE_HEAD, expand=True, title=escape(shown_doc(red, document)),
                  title_justify="left", title_style="bold")
        t.add_column("id", no_wrap=True, style="dim")
        letter = group["speaker"].isna().all() and group["question"].notna().any()
        t.add_column("question" if letter else "speaker",  # an FOI letter has no speakers
                     max_width=16 if not wide else 22, overflow="fold")
        if wide:
            t.add_column("party", no_wrap=True)
            t.add_column("offsets", no_wrap=True, style="dim")
        t.add_column("text", ratio=1, min_width=30)
        for r in group.itertuples(index=False):
            t.add_row(*_segment_row(r, wide, red))
        out.print(t)
    keep_pseudonyms(p, red)
    if limit and total > limit:
        out.print(f"{limit} of {total} segments shown (--limit 0 for all).")


def _segment_row(r, wide: bool, red=None) -> list[str]:
    party = r.party if isinstance(r.party, str) else None
    who = shown_speaker(red, r.speaker, party) if isinstance(r.speaker, str) else (
        r.question if isinstance(r.question, str) else "")
    text = escape(shown_text(red, r.text, r.document))
    if r.flags == "nonspeech":
        text = f"[dim italic]{text}[/]"
    cells = [r.segment_id, escape(who)]
    if wide:
        cells += [r.party if isinstance(r.party, str) else "", f"{r.start}-{r.end}"]
    return cells + [text]


@app.command()
def codeframe() -> None:
    """Validate the project's codeframe and print it as a tree."""
    from qualkit.codeframe import code_tree_lines

    p = open_current()
    frame = p.codeframe()
    out.print(f"[bold]{escape(frame.name)}[/] ({plural(len(frame.codes), 'code')}, "
              f"{escape(p.codeframe_path.name)})")
    for depth, code in code_tree_lines(frame):
        out.print(f"{'  ' * (depth + 1)}[cyan]{escape(code.id)}[/]  {escape(code.name)}")
