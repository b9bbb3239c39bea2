"""Moving work in and out: ``qualkit export codings|qdc|qdpx``, ``qualkit import qdc|qdpx``,
``qualkit merge``. Output goes to the project's ``exports/`` unless ``-o`` says otherwise."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from qualkit.cli.app import (EXIT_OK, EXIT_PARTIAL, app, err, escape, open_current, out,
                             plural, redacting)

export_app = typer.Typer(help="Write codings, codebooks and projects for other people and "
                              "tools.", no_args_is_help=True)
import_app = typer.Typer(help="Bring in codebooks and coded projects from NVivo, ATLAS.ti, "
                              "MAXQDA or QualCoder (REFI-QDA).", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


OUT_HELP = "File to write (default: in the project's exports/ folder)."


def output_path(p, given: Optional[Path], default_name: str) -> Path:
    if given is not None:
        return given
    folder = p.root / "exports"
    folder.mkdir(exist_ok=True)
    return folder / default_name


def redaction_kinds(report) -> str:
    from qualkit.cli.exports import redaction_kinds as words

    return words(report)


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        err.print(f"[yellow]warning[/] {escape(w)}")


@export_app.command("codings")
def export_codings(coder: str = typer.Option(..., "--coder", help="Whose codings."),
                   output: Optional[Path] = typer.Option(None, "-o", "--output", help=OUT_HELP)
                   ) -> None:
    """One coder's codings, memos and done marks as a bundle another copy can merge."""
    p = open_current()
    path = p.export_codings(output_path(p, output, f"codings-{coder}.json"), coder)
    out.print(f"Wrote {escape(str(path))} (in the other copy of the project: "
              f"`qualkit merge {escape(str(path.resolve()))}`).")


@export_app.command("qdc")
def export_qdc(output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                     help=OUT_HELP)) -> None:
    """The codebook as REFI-QDA (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    p = open_current()
    path = output_path(p, output, f"{p.root.name}.qdc")
    _warn(p.export_qdc(path))
    out.print(f"Wrote {escape(str(path))}.")


@export_app.command("qdpx")
def export_qdpx(coder: Optional[str] = typer.Option(None, "--coder",
                                                    help="Only this coder (default: all)."),
                redact: bool = typer.Option(False, "--redact", help="Replace names and "
                                            "identifiers in texts and memos (codings move with "
                                            "the text); documents become 'Document N'."),
                output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                     help=OUT_HELP)) -> None:
    """The whole project as REFI-QDA (.qdpx): texts, codes, codings per coder, memos."""
    p = open_current()
    path = output_path(p, output, f"{p.root.name}.qdpx")
    redact = redacting(p, redact)
    _warn(p.export_qdpx(path, coder=coder, redact=redact))
    out.print(f"Wrote {escape(str(path))}.")
    if redact:
        out.print(f"Redacted: {escape(redaction_kinds(p.last_redaction) or 'nothing found')}")


def _import(path: Path) -> None:
    result = open_current().import_refi(path)
    added = result["codes_added"]
    out.print(f"Imported {escape(path.name)}: {plural(len(added), 'new code')}"
              + (f" ({escape(', '.join(added[:8]))}{'...' if len(added) > 8 else ''})"
                 if added else "")
              + f"; {plural(result['documents'], 'document')}; "
                f"{plural(result['codings'], 'coding')} on "
                f"{plural(result['segments_coded'], 'segment coding')}; "
                f"{plural(result['memos'], 'memo')}.")
    _warn(result["warnings"])
    raise typer.Exit(EXIT_PARTIAL if result["warnings"] else EXIT_OK)


@import_app.command("qdc")
def import_qdc(path: Path = typer.Argument(..., help="A REFI-QDA codebook (.qdc).")) -> None:
    """Add another tool's codebook to the codeframe (codes already there keep their ids)."""
    _import(path)


@import_app.command("qdpx")
def import_qdpx(path: Path = typer.Argument(..., help="A REFI-QDA project (.qdpx).")) -> None:
    """Bring in another tool's project: codes, text sources (ingested), codings, memos."""
    _import(path)


@app.command()
def merge(source: Path = typer.Argument(..., help="A codings bundle, or another copy of the "
                                                  "project (its folder).")) -> None:
    """Bring in coders' work done apart. Codes match by id; what cannot be placed is kept
    aside (listed here and in the store), never dropped. Merging twice changes nothing."""
    reports = open_current().merge(source)
    partial = False
    for r in reports:
        out.print(f"{escape(r['coder'])}: {plural(r['codings'], 'new coding')}, "
                  f"{plural(r['memos'], 'memo')}, {plural(r['done'], 'done mark')}"
                  + (f"; {r['moved']} placed on re-cut segments"
                                               if r["moved"] else ""))
        for kind, why in r["aside_items"]:
            partial = True
            err.print(f"[yellow]kept aside[/] a {kind}: {escape(why)}")
    raise typer.Exit(EXIT_PARTIAL if partial else EXIT_OK)


@export_app.command("excel")
def export_excel(coder: Optional[str] = typer.Option(None, "--coder",
                                                     help="One coder's codings, or the "
                                                          "consensus coder (default: all)."),
                 redact: bool = typer.Option(False, "--redact",
                                             help="Pseudonymise names and identifiers."),
                 output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                     help=OUT_HELP)) -> None:
    """The workbook: code matrices (documents, attributes), co-occurrence, themes, quotes,
    agreement, FOI answers and tallies with charts, codebook."""
    p = open_current()
    done = p.export_excel(output, coder=coder, redact=redacting(p, redact))
    out.print(f"Wrote {escape(str(done.path))} ({plural(done.quotes, 'quote')}).")
    for part in done.missing:
        err.print(f"[dim]not included: {escape(part)}[/]")
    if done.redaction is not None:
        out.print(f"Redacted: {escape(redaction_kinds(done.redaction) or 'nothing found')}")
