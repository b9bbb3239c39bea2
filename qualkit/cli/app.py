"""The ``qualkit`` command's frame: the typer app, error handling, consoles and helpers.

Exit codes: 0 all done; 1 done, but some input was skipped (each named with its reason);
2 nothing done because of a problem the user can fix (message on one line); 3 qualkit itself
failed (an unexpected error: one line, and ``--debug`` shows the traceback); 130 interrupted.
Everything a user wrote (transcript text, names, codes) is printed through ``escape``, so
``[laughs]``, ``[/]``, ``C:\\data\\[2023]`` or a trailing backslash in a transcript show as
written instead of being read as markup (rich's own ``escape`` drops the backslash of
``\\[2023]`` and doubles a trailing one); emoji codes such as ``:joy:`` stay text too.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from qualkit.models import QualkitError, Step

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR, EXIT_CRASH, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# emoji off too: ":joy:" in a transcript prints as written, not as an emoji
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = Console(highlight=False, soft_wrap=True, emoji=False)
state: dict[str, Any] = {"project": Path("."), "debug": False, "redact": False}
_TAG = re.compile(r"\[[a-z#/@][^[]*?\]")  # what rich's markup parser reads as a tag


def escape(text: object) -> str:
    """Markup that prints ``text`` exactly as written, whatever markup comes after it.

    Rich reads ``[x]`` as a tag and ``\\[`` as an escaped bracket: a bracket that would start
    a tag gets its preceding backslashes doubled plus one, any other bracket after backslashes
    one more backslash, and trailing backslashes are closed off with an empty tag so that the
    markup we add next cannot be swallowed."""
    text = str(text)

    def one(m: re.Match[str]) -> str:
        k = len(m.group(1))
        if _TAG.match(text, m.end() - 1):
            return "\\" * (2 * k + 1) + "["
        return "\\" * (k + 1) + "[" if k else "["

    out = re.sub(r"(\\*)\[", one, text)
    tail = re.search(r"\\+$", out)
    if tail:
        out = out[:tail.start()] + "\\" * (2 * len(tail.group())) + "[dim][/dim]"
    return out


class _Group(typer.core.TyperGroup):
    """A user's mistake (QualkitError) is one red line and exit 2; an unexpected error is one
    line and exit 3 (the traceback with ``--debug``); Ctrl-C is exit 130."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except QualkitError as e:
            if state["debug"]:
                raise
            err.print(f"[red]error:[/] {escape(str(e))}", soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from None
        except KeyboardInterrupt:
            err.print("interrupted; everything saved so far is kept")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:  # `qualkit foi tally --csv | head`: the reader had enough
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_OK) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as e:  # a bug in qualkit, not the user's doing
            if state["debug"] or isinstance(e, typer.BadParameter):
                raise
            err.print(f"[red]qualkit failed:[/] {escape(type(e).__name__)}: {escape(str(e))} "
                      "(your data is saved; run again with --debug for the details, and "
                      "please report it)", soft_wrap=True)
            raise typer.Exit(EXIT_CRASH) from None


app = typer.Typer(
    cls=_Group,
    help="qualkit — qualitative thematic analysis in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _global(
    project: Path = typer.Option(Path("."), "--project", "-C", help="The project folder."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks behind errors."),
    redact: bool = typer.Option(False, "--redact", help="Pseudonymise everything shown and "
                                "exported: names, identifiers, speakers, documents."),
) -> None:
    state["project"] = project
    state["debug"] = debug
    state["redact"] = redact


def open_current():
    from qualkit.project import open_project

    return open_project(state["project"])


def redacting(p, redact: bool = False) -> bool:
    """Whether to redact: the command's --redact, the global one, or privacy.redact_screens."""
    return bool(redact or state["redact"] or p.redact_screens)


def screen_redactor(p, redact: bool = False):
    """The project's redactor when redacting (see ``redacting``), else None. Pass it to
    ``keep_pseudonyms`` when done, so speakers met while printing keep their labels."""
    return p.redactor() if redacting(p, redact) else None


def keep_pseudonyms(p, red) -> None:
    if red is not None:
        p.save_pseudonym_map(red.pmap)


def shown_text(red, text: object, document: str = "") -> str:
    """Text as it may be shown: redacted when ``red`` is a redactor."""
    text = "" if text is None else str(text)
    return red.text(text, document) if red is not None else text


def shown_doc(red, document: str) -> str:
    return red.document(document) if red is not None else document


def shown_speaker(red, speaker, party=None):
    return red.speaker(speaker, party) if red is not None else speaker


def bar(label: str):
    """A progress bar on stderr; ``step_reporter(bar)`` feeds it the library's Steps."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeRemainingColumn)

    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), TextColumn("{task.description}"), console=err,
                    transient=True)


def step_reporter(progress_bar):
    task = progress_bar.add_task("", total=None)

    def report(step: Step) -> None:
        progress_bar.update(task, completed=step.done, total=step.total,
                            description=escape(step.item))

    return report


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the noun agreeing with it: "1 document", "0 documents", "2 documents"
    (``many`` for a plural that is not ``word + "s"``)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def coder_or_fail(p, coder: str | None) -> str:
    """The coder for a CLI command: --coder, else `coder:` in qualkit.yaml, else one line."""
    coder = coder or p.settings.get("coder")
    if not coder:
        raise QualkitError("say who is coding: pass --coder NAME (or set `coder:` in "
                           "qualkit.yaml)")
    return coder


def warn_pending(p) -> None:
    """Say when segmentation settings changed since the last ingest (and what it re-reads)."""
    for why, docs in p.pending_changes().items():
        err.print(f"[yellow]changed since the last ingest:[/] {escape(why)}; "
                  f"`qualkit ingest` will read {plural(len(docs), 'document')} again "
                  "(codings follow their text)")
