"""``qualkit quotes`` and ``qualkit report``: quotes per code and a draft report, to files.

Both write into the project's ``exports/`` unless ``-o`` names a file, print where they wrote,
and with ``--redact`` say how many identifiers were replaced (never which).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from qualkit.cli.app import app, escape, open_current, out, plural, redacting


def redaction_kinds(report) -> str:
    """ "3 names, 1 NHS number": what a redaction replaced, in words (never the values)."""
    from qualkit.export.report import kind_label

    def words(n: int, label: str) -> str:
        return f"{n} {label}" if n == 1 else f"{n} {label}{'es' if label.endswith('s') else 's'}"

    return ", ".join(words(n, kind_label(k)) for k, n in report.by_kind.items())


def _redaction_line(report) -> str:
    if report is None:
        return ""
    kinds = redaction_kinds(report)
    return (f"; redacted {plural(report.total, 'identifier')} ({kinds})" if report.total
            else "; redacted (no identifiers found in the text, speakers and documents "
                 "pseudonymised)")


@app.command()
def quotes(
    codes: Optional[list[str]] = typer.Argument(None, help="Code ids (default: every code "
                                                           "applied so far)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="md, docx or csv (default: "
                                                                  "from -o, else md)."),
    per_code: int = typer.Option(5, "--per-code", "-n", help="Quotes per code."),
    context: bool = typer.Option(False, "--context", help="Add the sentence before and after "
                                                          "from the same turn."),
    coder: Optional[str] = typer.Option(None, "--coder", help="Only this coder's codings."),
    redact: bool = typer.Option(False, "--redact", help="Replace names and identifiers; "
                                                        "pseudonymise speakers and documents."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="File to write (default exports/quotes.<format>)."),
) -> None:
    """Illustrative quotes per code: typical of the code and spread over documents and
    speakers, as Markdown, Word or CSV."""
    p = open_current()
    done = p.export_quotes(output, fmt, codes or None, per_code, coder, context,
                           redacting(p, redact))
    out.print(f"wrote {plural(done.quotes, 'quote')} to {escape(str(done.path))}"
              f"{escape(_redaction_line(done.redaction))}")
    if done.missing:
        out.print(f"not applied yet, so no quotes: {escape(', '.join(done.missing))}")


@app.command()
def report(
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="md or docx (default: "
                                                                  "from -o, else md)."),
    coder: Optional[str] = typer.Option(None, "--coder", help="Only this coder's codings."),
    redact: bool = typer.Option(False, "--redact", help="Redact the quotes (names, "
                                                        "identifiers, speakers, documents)."),
    by: str = typer.Option("authority_type", "--by", help="Document attribute to count by "
                                                          "('none' for totals only)."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="File to write (default exports/report.<format>)."),
) -> None:
    """A first draft of the report: a section per top-level code (documents mentioning it by
    authority type, a chart, quotes) and the FOI tables and charts."""
    p = open_current()
    done = p.export_report(output, fmt, coder, redacting(p, redact),
                           by=None if by.lower() == "none" else by)
    out.print(f"wrote the draft report ({plural(done.quotes, 'quote')}) to {escape(str(done.path))}"
              f"{escape(_redaction_line(done.redaction))}")
