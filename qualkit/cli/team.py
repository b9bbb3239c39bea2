"""Team commands: mark documents done, agreement between coders, and their disagreements."""
from __future__ import annotations

import math
from typing import Optional

import typer
from rich.table import Table

from qualkit.cli.app import (app, clip, coder_or_fail, escape, keep_pseudonyms, open_current,
                             out, plural, screen_redactor, shown_doc, shown_text)
from qualkit.cli.tables import Footnotes, longest_piece, wrap_label
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
    who = ", ".join(coders or p.coders(kind="human"))
    empty = df[df["n_units"] == 0]
    table, legend = _agreement_table(df[df["n_units"] > 0], key, f"Agreement between {who}")
    out.print(table)
    for line in legend:  # wrapped between words, as a terminal would not
        out.print(f"[dim]{escape(line)}[/]", soft_wrap=False)
    if len(empty):
        how = "coded in (or marked done)" if any_coded else "marked done"
        out.print(f"{plural(len(empty), key.replace('_id', ''))} left out: not {how} by at "
                  f"least two of {escape(who)}.", soft_wrap=False)


# a blank statistic's reason (the start of the agreement note) -> the columns that show it
# and the short mark there; the note itself is printed once below the table
_MARKS = {"no variation": (("kappa", "alpha"), "n/v"),
          "cohen_kappa needs": (("kappa",), "n/a"),
          "no alpha interval": (("95% CI",), "n/a")}
_STATS = [("units", "n_units"), ("agree", "percent_agreement"), ("kappa", "cohen_kappa"),
          ("alpha", "krippendorff_alpha"), ("95% CI", None), ("AC1", "gwet_ac1"),
          ("B-P", "brennan_prediger"), ("prev.", "prevalence")]


def _agreement_rows(df, key: str, notes: Footnotes) -> list[tuple[str, dict[str, str]]]:
    """(label, {column: cell}) per row; a blank statistic shows why, as a footnote mark."""
    rows = []
    for r in df.to_dict("records"):
        cells = {h: (str(r[c]) if c == "n_units" else _num(r[c], 2)) for h, c in _STATS if c}
        cells["95% CI"] = (f"{_num(r['alpha_low'], 2)}–{_num(r['alpha_high'], 2)}"
                           if _num(r["alpha_low"]) else "")
        label = str(r[key])
        for reason in filter(None, (r.get("note") or "").split("; ")):
            where, short = next((v for k, v in _MARKS.items() if reason.startswith(k)),
                                ((), ""))
            mark = notes.mark(short, reason)
            for column in where:
                cells[column] = mark
            if not where:
                label += f" {mark}"
        rows.append((label, cells))
    return rows


def _agreement_table(df, key: str, title: str) -> tuple[Table, list[str]]:
    """The agreement rows as a boxed table whose code ids (or document names) wrap only after
    ``. _ -`` and whose statistics never wrap; two-line intervals when that leaves the ids
    too little room. The legend of its footnote marks comes with it."""
    notes = Footnotes()
    rows = _agreement_rows(df, key, notes)
    heads = [h for h, _ in _STATS]
    widths = {h: max([len(h)] + [len(c[h]) for _, c in rows]) for h in heads}
    labels = [label for label, _ in rows] or [key]
    room = out.width - 2 * len(heads) - 4  # a rule and a space of padding per column, and
    # the label column's leading space
    label_w = room - sum(widths.values())
    if label_w < min(max(map(len, labels)), 20) and widths["95% CI"] > 6:
        widths["95% CI"] = max(6, max((len(c["95% CI"].split("–")[0]) + 1 for _, c in rows),
                                      default=6))
        for _, cells in rows:
            cells["95% CI"] = cells["95% CI"].replace("–", "–\n")
        label_w = room - sum(widths.values())
    gap = int(label_w - len(heads) >= max(map(len, labels)))  # room for a space each side
    label_w = min(max(map(len, labels)), max(label_w, max(map(longest_piece, labels)), 8))
    t = Table(title=title, title_justify="left", padding=(0, 1, 0, 0))
    t.add_column(" " + key, width=label_w + 1, overflow="fold")
    for h in heads:
        t.add_column(h, justify="right", width=widths[h] + gap, no_wrap=True)
    for label, cells in rows:
        lines = wrap_label(escape(label), label_w).split("\n")
        t.add_row("\n".join(" " + x for x in lines), *[cells[h] for h in heads])
    return t, notes.legend()


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
