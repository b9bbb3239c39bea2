"""Write or edit a memo (on a segment or a code). Ctrl+S saves, Escape cancels; saving an
empty memo deletes it. Returns the text, or None when cancelled.

With ``on_change`` the text is handed over at every keystroke, to be saved as it is typed
(memos on the coding screen, the reconcile screen's discussion note), so quitting with the
dialog open loses nothing; Escape then hands back the text the dialog opened with, and still
returns None. ``context`` (the segment's text) is shown above the memo, so the analyst sees
what they are writing about.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea


class MemoDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    MemoDialog { align: center middle; }
    MemoDialog > Vertical { width: 80; max-width: 95%; height: 16; max-height: 90%;
                            border: thick $accent; background: $surface; padding: 0 1; }
    MemoDialog TextArea { height: 1fr; }
    MemoDialog #keys { color: $text-muted; }
    MemoDialog #about { color: $text-muted; height: auto; max-height: 3; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True),
                Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str = "",
                 on_change: Callable[[str], Any] | None = None, context: str = "") -> None:
        super().__init__()
        self.title_text, self.text, self.on_change = title, text, on_change
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            if self.context:
                yield Static(Text(" ".join(self.context.split())), id="about")
            yield TextArea(self.text, id="memo")
            keys = ("saved as you type · ctrl+s done · escape puts the old text back"
                    if self.on_change else
                    "ctrl+s save · escape cancel · an empty memo is deleted")
            yield Static(keys, id="keys")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.on_change is not None:
            self.on_change(event.text_area.text)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        if self.on_change is not None and self.query_one(TextArea).text != self.text:
            self.on_change(self.text)
        self.dismiss(None)
