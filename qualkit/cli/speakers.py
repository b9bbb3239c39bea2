"""``qualkit speakers``: every speaker of every transcript, their party, and setting it."""
from __future__ import annotations

from typing import Optional

import typer
from rich import box
from rich.table import Table

from qualkit.cli.app import app, escape, open_current, out, warn_pending


@app.command()
def speakers(
    doc: Optional[str] = typer.Option(None, "--doc", help="Only this document (or part of "
                                      "its name); with --set, set the party there only."),
    set_party: Optional[tuple[str, str]] = typer.Option(
        None, "--set", metavar="NAME PARTY",
        help="Set a speaker's party: interviewer, participant or unknown (kept across "
             "re-ingest)."),
) -> None:
    """Speakers per document with their party and segment count; --set NAME PARTY sets one."""
    p = open_current()
    df = p.speakers()
    if set_party and set_party[0] is not None:
        name, party = set_party
        changed = p.set_speaker_party(name, party, document=doc)
        for document, n in changed.items():
            out.print(f"{escape(name)} is now {escape(party.lower())} in {escape(document)} "
                      f"({n} segment{'s' * (n != 1)} changed party).")
        df = p.speakers()
        df = df[df["document"].isin(list(changed))]
    warn_pending(p)
    if doc:
        df = df[df["document"] == p.resolve_document(doc)]
    if df.empty:
        out.print("No speakers yet: ingest some transcripts first.")
        return
    for document, group in df.groupby("document", sort=False):
        t = Table(box=box.SIMPLE_HEAD, expand=True, title=escape(document),
                  title_justify="left", title_style="bold")
        t.add_column("speaker", ratio=2)
        t.add_column("party", no_wrap=True)
        t.add_column("segments", justify="right", no_wrap=True)
        t.add_column("role (as written)", ratio=2)
        t.add_column("why this party", ratio=2, overflow="fold")
        for r in group.itertuples(index=False):
            party = r.party if r.party != "unknown" else "[yellow]unknown[/]"
            t.add_row(escape(r.speaker), party, str(r.segments), escape(r.roles),
                      escape(r.reason))
        out.print(t)
