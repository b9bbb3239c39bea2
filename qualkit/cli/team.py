"""Team commands: mark documents done, agreement between coders, and their disagreements."""
from __future__ import annotations

import math
from typing import Optional

import typer
from rich.table import Table

from qualkit.cli.app import (app, clip, coder_or_fail, escape, keep_pseudonyms, open_current,
                             out, plural, screen_redactor, shown_doc, shown_text)
from qualkit.models import QualkitError


@app.command()
def done(doc: str = typer.Argument(..., help="Document name (or part of it)."),
         coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding."),
         new_coder: bool = typer.Option(False, "--new-coder",
                                        help="The coder has coded nothing yet: mark it "
                                             "anyway.")) -> None:
    """Mark a document done for a coder: its segments then count in agreement."""
    p = open_current()
    coder = coder_or_fail(p, coder)
    known = p.coders()
    if coder not in known and not new_coder:
        # a mistyped name would become a coder who applied nothing, pulling agreement down
        raise QualkitError(f"no coder {coder!r} in this project yet (coders: "
                           f"{', '.join(known) or 'none yet'}); check the name, or pass "
                           "--new-coder if they read the document and found nothing to code")
    name = p.resolve_document(doc)
    was = name in p.done_documents(coder) if coder in known else False
    p.mark_done(name, coder=coder)
    state = "was already marked done" if was else "marked done"
    out.print(f"{escape(name)} {state} for {escape(coder)}")


def _num(v: float, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    text = f"{v:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # never "-0.00"


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
        out.print(f"[bold]{escape(row['group'])}[/] (nominal, "
                  f"{plural(row['categories'], 'category', 'categories')} used): "
                  f"{plural(row['n_units'], 'segment')}, {plural(row['n_coders'], 'coder')}; "
                  "agreement "
                  f"{_num(row['percent_agreement'])}, alpha {_num(row['krippendorff_alpha'])}, "
                  f"AC1 {_num(row['gwet_ac1'])}, Brennan-Prediger "
                  f"{_num(row['brennan_prediger'])}")
        return
    df = p.agreement(coders=coders, by=by, level=level, codes=code, document=doc,
                     require_done=not any_coded)
    key = "code_id" if by == "code" else "document"
    t = Table(title=f"Agreement between {', '.join(coders or p.coders(kind='human'))}",
              title_justify="left", expand=True)
    t.add_column(key, overflow="fold")  # a code id cut to "barr…" says nothing
    for name in ("units", "agree", "kappa", "alpha", "95% CI", "AC1", "B-P", "prev."):
        t.add_column(name)
    t.add_column("note", ratio=1)
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
    t = Table("segment", "document", "text", expand=True)
    for name in names:
        t.add_column(escape(name), overflow="fold")  # whole code ids: they are the point
    for r in df.to_dict("records"):
        text = shown_text(red, r.get("text", ""), r["document"])
        t.add_row(r["segment_id"], escape(shown_doc(red, r["document"])),
                  escape(clip(text, 200)), *[escape(", ".join(r[n])) for n in names])
    out.print(t)
    keep_pseudonyms(p, red)
    shown = f"{len(df)} of {total}" if limit and total > limit else str(total)
    out.print(f"{shown} segment{'s' * (total != 1)} where the coders differ.")
