"""placeholder"""
from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen


class ThemesScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
