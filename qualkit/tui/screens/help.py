"""Every binding of the app, gathered from the screens and widgets themselves (so the list
cannot drift from what the keys do). A binding's tooltip, when it has one, is the longer
wording of a description kept short for the footer."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "esc", "full_stop": ".",
             "left_square_bracket": "[", "right_square_bracket": "]"}


def _keys(binding: Binding) -> str:
    return ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


def bindings_table(sources: list[tuple[str, list]]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("key", style="bold cyan", no_wrap=True, width=16)
    table.add_column("does", ratio=1)
    for title, bindings in sources:
        table.add_row(Text(title, style="bold underline"), "")
        for b in bindings:
            b = b if isinstance(b, Binding) else Binding(*b)
            table.add_row(_keys(b), Text(b.tooltip or b.description or b.action))
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, sources: list[tuple[str, list]]) -> None:
        super().__init__()
        self.sources = sources

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(bindings_table(self.sources))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Keys (Escape closes)"

    def action_close(self) -> None:
        self.dismiss(None)
