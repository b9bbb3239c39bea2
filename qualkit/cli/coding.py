"""Coding from the command line: ``qualkit code`` opens the coding app; with a segment and a
code it applies one coding (for scripts), as ``uncode`` removes one."""
from __future__ import annotations

from typing import Optional

import typer

from qualkit.cli.app import app, coder_or_fail, open_current, out, redacting
from qualkit.models import QualkitError


def app_command(project_dir) -> str:
    """The command that opens the coding app on this project, as a user would type it."""
    where = "" if str(project_dir) in ("", ".") else f"-C {project_dir} "
    return f"qualkit {where}code"


@app.command()
def code(segment_id: Optional[str] = typer.Argument(None, help="Segment id (scripts)."),
         code_id: Optional[str] = typer.Argument(None, help="Code id (scripts)."),
         coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding."),
         doc: Optional[str] = typer.Option(None, "--doc",
                                           help="Open the app on one document."),
         memo: Optional[str] = typer.Option(None, "--memo",
                                            help="A memo kept with the coding (scripts)."),
         redact: bool = typer.Option(False, "--redact", help="The app shows names, "
                                     "identifiers, speakers and documents pseudonymised.")
         ) -> None:
    """Open the coding app (no arguments), or apply CODE to SEGMENT (for scripts)."""
    if segment_id is None:
        run_app(coder, doc, redact)
        return
    if code_id is None:
        raise QualkitError("give a SEGMENT and a CODE to apply, or neither to open the app")
    p = open_current()
    new = p.code(segment_id, code_id, coder=coder_or_fail(p, coder), memo=memo)
    out.print("saved" if new else "already coded")


def run_app(coder: str | None, doc: str | None, redact: bool = False) -> None:
    from qualkit.tui.app import make_app

    p = open_current()
    if doc is not None:
        p.resolve_document(doc)  # a wrong name is one line here, not a screen later
    result = make_app(project=p, coder=coder, document=doc,
                      redact=redacting(p, redact)).run()
    p.close()
    if isinstance(result, str) and result:
        out.print(result)


@app.command()
def uncode(segment_id: str, code_id: str,
           coder: Optional[str] = typer.Option(None, "--coder", help="Who is coding.")) -> None:
    """Remove a code from a segment."""
    p = open_current()
    out.print("removed" if p.uncode(segment_id, code_id, coder=coder_or_fail(p, coder))
              else "was not coded")
