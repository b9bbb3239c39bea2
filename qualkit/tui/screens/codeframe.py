"""placeholder"""
from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen


class CodeframeScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
