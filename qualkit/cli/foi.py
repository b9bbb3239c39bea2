"""``qualkit foi``: answers read from each letter, and tallies.

A tally is printed one table per question: options and groups (the longer list down the
page), each cell "count (percent)", and the base every percentage of a group uses (the
letters in the group asked the question, unclear and refused included). ``--csv`` writes the
long table (question, option, group, count, denominator, percent) for a spreadsheet.
"""
from __future__ import annotations

import math
from typing import Optional

import typer
from rich import box
from rich.table import Table

from qualkit.cli.app import (app, escape, keep_pseudonyms, open_current, out, plural,
                             screen_redactor, shown_doc, shown_text)
from qualkit.cli.tables import fit_columns, wrap_label

foi_app = typer.Typer(help="FOI letters: answers read from each letter, and tallies.",
                      no_args_is_help=True)
app.add_typer(foi_app, name="foi")


@foi_app.command("tally")
def foi_tally(
    by: str = typer.Option("authority_type", "--by",
                           help="Attribute to group councils by ('none' for totals only)."),
    question: Optional[str] = typer.Option(None, "--question", "-q",
                                           help="Only this question: its id (q1_link_edu_social) or its number (q1)."),
    csv: bool = typer.Option(False, "--csv", help="Write the tally as CSV to the output."),
) -> None:
    """Counts and percentages of authorities per question and option; ICBs apart."""
    from qualkit.foi.tally import BASE_NOTE

    df = open_current().foi_tally(by=None if by.lower() == "none" else by, question=question)
    if csv:
        import sys

        df.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    if df.empty:
        out.print("No FOI answers yet: put letters in foi/ and run qualkit ingest.")
        return
    for q, qdf in df.groupby("question", sort=False):
        table, key = _question_table(q, qdf)
        out.print(table)
        if key:
            out.print(f"[dim]{escape(key)}[/]", soft_wrap=False)
        out.print()
    out.print(f"[dim]{escape(BASE_NOTE)}.[/]", soft_wrap=False)  # between words


def _question_table(q: str, qdf) -> tuple[Table, str]:
    """Options x groups (or groups x options, whichever is narrower), "count (percent)" in
    each cell and the base of every group; two-line cells when the terminal is narrow. Also
    the key to any header word shortened to fit (empty when none was)."""
    options, groups = list(dict.fromkeys(qdf["option"])), list(dict.fromkeys(qdf["group"]))
    bases = qdf.drop_duplicates("group").set_index("group")["denominator"]
    cells = {(r.option, r.group): (r.count, r.percent) for r in qdf.itertuples(index=False)}
    by_group = len(groups) > len(options)  # the longer list goes down the page
    rows, cols = (groups, options) if by_group else (options, groups)
    label = max(map(len, rows + ["base (letters)"]))
    one_line = label + len(cols) * 13 + 4 <= out.width
    body = []
    for r in rows:
        found = [cells.get((c, r) if by_group else (r, c)) for c in cols]
        body.append([_cell(*x, one_line) if x else "" for x in found]
                    + ([str(bases[r])] if by_group else []))
    if not by_group:
        body.append([str(bases[g]) for g in groups])
    labels = rows + ([] if by_group else ["base (letters)"])
    headers = cols + (["base"] if by_group else [])
    widest = [max((len(line) for row in body for line in row[i].split("\n")), default=1)
              for i in range(len(headers))]
    fit = fit_columns(labels + ["group" if by_group else "option"], headers, widest,
                      out.width - 2 * len(headers))
    t = Table(box=None, title=escape(q), title_justify="left", title_style="bold",
              header_style="bold underline", pad_edge=False)
    t.add_column("group" if by_group else "option", width=fit.label)
    for h, w in zip(fit.headers, fit.widths):
        t.add_column(escape(h), justify="right", width=w, style="bold" if h == "base" and
                     by_group else None)
    for name, row in zip(labels, body):
        style = ("dim" if name in ("unclear", "refused") else
                 "bold" if name == "base (letters)" and not by_group else None)
        t.add_row(escape(wrap_label(name, fit.label)), *row, style=style)
    return t, fit.key_line()


def _cell(count: int, pct: float, one_line: bool) -> str:
    if math.isnan(pct):
        return str(count)
    return f"{count} ({pct:.1f}%)" if one_line else f"{count}\n{pct:.1f}%"


@foi_app.command("show")
def foi_show(letter: str = typer.Argument(..., help="Letter name (or part of it)."),
             redact: bool = typer.Option(False, "--redact", help="Pseudonymise names, "
                                         "identifiers and the letter's name.")) -> None:
    """What was read from one letter, beside the text it was read from."""
    p = open_current()
    answers, free = p.foi_letter(letter)
    name = p.resolve_document(letter)
    red = screen_redactor(p, redact)

    def shown(text: object) -> str:
        return escape(shown_text(red, text, name))

    refused = answers[answers["answer"] == "refused"]
    if len(refused):
        r = refused.iloc[0]
        out.print(f"[bold red]Refused[/]: {shown(r['qualifier'])} "
                  f"({plural(len(refused), 'question')} not answered) — "
                  f"“{shown(r['evidence'])}”")
    t = Table(expand=True, title=escape(shown_doc(red, name)), title_justify="left")
    t.add_column("question", no_wrap=True)
    t.add_column("answer", ratio=1, overflow="fold")
    t.add_column("conf.", no_wrap=True)
    t.add_column("read from", ratio=2)
    for r in answers.itertuples(index=False):
        said = "; ".join(x for x in (", ".join(r.options), r.qualifier) if x)
        answer = escape(r.answer) + (f": {shown(said)}" if said else "")
        where = "(the refusal above)" if r.answer == "refused" else shown(r.evidence)
        t.add_row(escape(r.question), answer, f"{r.confidence:.2f}",
                  f"[dim]{r.start}-{r.end}[/] {where}")
    out.print(t)
    if len(free):
        f = Table("question", "free text (segments to code)", expand=True)
        for r in free.itertuples(index=False):
            f.add_row(escape(r.question or ""), shown(r.text))
        out.print(f)
    keep_pseudonyms(p, red)
