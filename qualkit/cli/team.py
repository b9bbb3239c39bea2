"""Team commands: mark documents done, agreement between coders, and their disagreements."""
from __future__ import annotations

import math
from typing import Optional

import typer
from rich.table import Table

from qualkit.cli.app import (app, clip, escape, keep_pseudonyms, open_current, out,
                             screen_redactor, shown_doc, shown_text)


@app.command()
def done(doc: str = typer.Argument(..., help="Document name (or part of it)."),
         coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding.")) -> None:
    """Mark a document done for a coder: its segments then count in agreement."""
    p = open_current()
    p.mark_done(doc, coder=coder)
    out.print(f"{escape(p.resolve_document(doc))} marked done for "
              f"{escape(coder or str(p.settings.get('coder')))}")


def _num(v: float, digits: int = 3) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


@app.command()
def agree(
    coders: Optional[list[str]] = typer.Option(None, "--coders",
                                               help="Coders to compare (repeat; default all)."),
    code: Optional[list[str]] = typer.Option(None, "--code", help="Only this code (repeat)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="Only this document's segments."),
    by: str = typer.Option("code", "--by", help="code or document."),
    level: str = typer.Option("all", "--level", help="all codes, or top-level codes only."),
    group: Optional[str] = typer.Option(None, "--group",
                                        help="A parent whose children exclude each other: "
                                             "nominal agreement over them."),
    any_coded: bool = typer.Option(False, "--any-coded",
                                   help="Count documents a coder coded in, not only those "
                                        "marked done."),
) -> None:
    """Inter-coder agreement per code (or document): percent, Cohen's kappa, Krippendorff's
    alpha with a bootstrap 95% interval, Gwet's AC1, Brennan-Prediger, prevalence."""
    p = open_current()
    if group:
        row = p.group_agreement(group, coders=coders, require_done=not any_coded)
        out.print(f"[bold]{escape(row['group'])}[/] (nominal, {row['categories']} categories "
                  f"used): {row['n_units']} segments, {row['n_coders']} coders; agreement "
                  f"{_num(row['percent_agreement'])}, alpha {_num(row['krippendorff_alpha'])}, "
                  f"AC1 {_num(row['gwet_ac1'])}, Brennan-Prediger "
                  f"{_num(row['brennan_prediger'])}")
        return
    df = p.agreement(coders=coders, by=by, level=level, codes=code, document=doc,
                     require_done=not any_coded)
    key = "code_id" if by == "code" else "document"
    t = Table(key, "units", "agree", "kappa", "alpha", "95% CI", "AC1", "B-P", "prev.", "note",
              title=f"Agreement between {', '.join(coders or p.coders(kind='human'))}",
              title_justify="left", expand=True)
    for r in df.to_dict("records"):
        ci = (f"{_num(r['alpha_low'], 2)}–{_num(r['alpha_high'], 2)}"
              if _num(r["alpha_low"]) else "")
        t.add_row(escape(str(r[key])), str(r["n_units"]), _num(r["percent_agreement"], 2),
                  _num(r["cohen_kappa"], 2), _num(r["krippendorff_alpha"], 2), ci,
                  _num(r["gwet_ac1"], 2), _num(r["brennan_prediger"], 2),
                  _num(r["prevalence"], 2), escape(r.get("note") or ""))
    out.print(t)


@app.command()
def disagreements(
    coders: Optional[list[str]] = typer.Option(None, "--coders", help="Coders to compare."),
    doc: Optional[str] = typer.Option(None, "--doc", help="Only this document."),
    level: str = typer.Option("all", "--level", help="all codes, or top-level codes only."),
    limit: int = typer.Option(50, "--limit", "-n", help="Rows to show (0 = all)."),
    redact: bool = typer.Option(False, "--redact", help="Pseudonymise names, identifiers and "
                                "documents in the text shown."),
) -> None:
    """Each segment where the coders applied different codes: who applied what."""
    p = open_current()
    red = screen_redactor(p, redact)
    df = p.disagreements(coders=coders, level=level, document=doc)
    names = [c for c in df.columns if c not in ("segment_id", "document", "text",
                                                "codes_differ")]
    total = len(df)
    if limit:
        df = df.head(limit)
    t = Table("segment", "document", "text", *names, expand=True)
    for r in df.to_dict("records"):
        text = shown_text(red, r.get("text", ""), r["document"])
        t.add_row(r["segment_id"], escape(shown_doc(red, r["document"])),
                  escape(clip(text, 200)), *[escape(", ".join(r[n])) for n in names])
    out.print(t)
    keep_pseudonyms(p, red)
    shown = f"{len(df)} of {total}" if limit and total > limit else str(total)
    out.print(f"{shown} segments where the coders differ.")
