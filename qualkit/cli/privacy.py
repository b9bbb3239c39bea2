"""``qualkit privacy``: what identifying details the documents hold, before anything leaves."""
from __future__ import annotations

import typer
from rich.table import Table

from qualkit.cli.app import app, escape, open_current, out, plural

privacy_app = typer.Typer(help="Identifiers in the documents, and pseudonymisation.",
                          no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("scan")
def privacy_scan(limit: int = typer.Option(5, "--where", help="Offsets to show per row.")) -> None:
    """List per document the identifiers found (NHS numbers, UPNs, e-mail addresses, UK
    phone numbers, postcodes, and the names in `privacy.names`): kind, count and where.
    The identifiers themselves are not printed."""
    df = open_current().privacy_scan()
    if df.empty:
        out.print("No identifiers found (names are looked for only when listed in "
                  "`privacy.names` in qualkit.yaml).")
        return
    t = Table("document", "kind", "count", "where (character offsets)", expand=True)
    for r in df.to_dict("records"):
        spans = ", ".join(f"{a}-{b}" for a, b in r["examples"][:limit])
        more = f" (+{len(r['examples']) - limit} more)" if len(r["examples"]) > limit else ""
        t.add_row(escape(r["document"]), r["kind"], str(r["count"]), spans + more)
    out.print(t)
    out.print(f"{plural(int(df['count'].sum()), 'identifier')} in "
              f"{plural(df['document'].nunique(), 'document')}. "
              "Exports take --redact to replace them.")
