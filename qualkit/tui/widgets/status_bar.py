"""One line at the bottom: who is coding, how far they are (overall and in this document),
when the last change was committed, and the filter in force."""
from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from qualkit.tui.session import Session


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show(self, s: Session, document: str | None, filter_text: str = "",
             shown: int | None = None, error: str | None = None, last: str = "") -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"{s.coder}", style="bold")
        out.append(f" │ coded {s.coded}/{len(s.ids)}")
        if document:
            out.append(f" │ doc {s.doc_coded[document]}/{s.doc_total[document]}")
        if error:  # first: it must never be cut off
            out.append(f" │ NOT SAVED: {error}", style="bold red")
        elif s.last_saved is not None:
            out.append(" │ saved " + time.strftime("%H:%M:%S", time.localtime(s.last_saved)),
                       style="green")
        if last and not error:
            out.append(f" ({last})", style="green")
        if filter_text:  # also in the list's title, so it may be cut here
            out.append(f" │ filter {filter_text} ({shown})", style="yellow")
        self.update(out, layout=False)
