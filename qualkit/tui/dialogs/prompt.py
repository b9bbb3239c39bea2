"""Ask for one line of text (a coder name, a new code name, a filter). Enter answers, Escape
cancels; ``check`` may refuse an answer with a message shown in the dialog."""
from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class Prompt(ModalScreen[str | None]):
    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 76; max-width: 95%; height: auto; border: thick $accent;
                        background: $surface; padding: 0 1; }
    Prompt #error { color: $error; }
    Prompt #help { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", help: str = "",
                 check: Callable[[str], str | None] | None = None,
                 allow_empty: bool = False) -> None:
        super().__init__()
        self.title_text, self.value, self.help = title, value, help
        self.check, self.allow_empty = check, allow_empty

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield Input(value=self.value, id="answer")
            yield Static(Text(self.help), id="help")
            yield Static("", id="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        if not answer and not self.allow_empty:
            self.query_one("#error", Static).update("Please type something (Escape cancels).")
            return
        problem = self.check(answer) if self.check else None
        if problem:
            self.query_one("#error", Static).update(Text(problem))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
