"""``qualkit foi``: answers read from each letter, and tallies."""
from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from qualkit.cli.app import app, open_current, out

foi_app = typer.Typer(help="FOI letters: answers read from each letter, and tallies.",
                      no_args_is_help=True)
app.add_typer(foi_app, name="foi")


@foi_app.command("tally")
def foi_tally(by: str = typer.Option("authority_type", "--by",
                                     help="Attribute to group by ('none' for totals only).")) -> None:
    """Counts and percentages of authorities per question and option."""
    df = open_current().foi_tally(by=None if by.lower() == "none" else by)
    if df.empty:
        out.print("No FOI answers yet: put letters in foi/ and run qualkit ingest.")
        return
    t = Table("question", "option", "group", "count", "of", "%")
    for r in df.itertuples(index=False):
        t.add_row(r.question, r.option, escape(str(r.group)), str(r.count), str(r.denominator),
                  f"{r.percent:.1f}")
    out.print(t)


@foi_app.command("show")
def foi_show(letter: str = typer.Argument(..., help="Letter name (or part of it).")) -> None:
    """What was read from one letter, beside the text it was read from."""
    p = open_current()
    answers, free = p.foi_letter(letter)
    t = Table("question", "answer", "options", "qualifier", "conf.", "read from", expand=True,
              title=escape(p.resolve_document(letter)), title_justify="left")
    for r in answers.itertuples(index=False):
        t.add_row(r.question, r.answer, ", ".join(r.options), escape(r.qualifier),
                  f"{r.confidence:.2f}", f"[dim]{r.start}-{r.end}[/] {escape(r.evidence)}")
    out.print(t)
    if len(free):
        f = Table("question", "free text (segments to code)", expand=True)
        for r in free.itertuples(index=False):
            f.add_row(r.question or "", escape(r.text))
        out.print(f)
