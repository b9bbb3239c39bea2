"""``qualkit reconcile``: the coding app in reconcile mode. The request is checked here first
(two coders or more, known names, a consensus coder that is not one of them, documents both
finished, something to settle) so a mistake is one line in the shell, not a screen."""
from __future__ import annotations

from typing import Optional

import typer

from qualkit.cli.app import app, escape, open_current, out, plural, redacting


@app.command()
def reconcile(
    coders: Optional[list[str]] = typer.Option(None, "--coders",
                                               help="Coders to reconcile (repeat: two or "
                                                    "more)."),
    into: str = typer.Option("consensus", "--into",
                             help="The consensus coder the decisions are written as."),
    any_coded: bool = typer.Option(False, "--any-coded",
                                   help="Count documents a coder coded in, not only those "
                                        "marked done."),
    redact: bool = typer.Option(False, "--redact",
                                help="The app shows texts, speakers, documents and memos "
                                     "pseudonymised (coder names stay)."),
) -> None:
    """Settle the coders' disagreements one segment at a time, into a consensus coder."""
    from qualkit.tui.app import make_app
    from qualkit.tui.reconcile_work import NOTHING, check_request

    p = open_current()
    chosen = check_request(p, coders, into)
    queue = p.reconcile_queue(chosen, into, require_done=not any_coded)
    if queue.empty:
        out.print(NOTHING)
        p.close()
        return
    result = make_app(project=p, mode="reconcile", coders=chosen, into=into,
                      require_done=not any_coded, redact=redacting(p, redact)).run()
    after = p.reconcile_queue(chosen, into, require_done=not any_coded)
    p.close()
    if isinstance(result, str) and result:
        out.print(escape(result))
    out.print(f"{int(after['decided'].sum())} of {plural(len(after), 'disagreement')} settled into "
              f"{escape(into)}.")
