"""Write or edit a memo (on a segment or a code). Ctrl+S saves, Escape cancels; saving an
empty memo deletes it. Returns the text, or None when cancelled."""
from __future__ import annotations

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
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True),
                Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield TextArea(self.text, id="memo")
            yield Static("ctrl+s save · escape cancel · an empty memo is deleted", id="keys")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
