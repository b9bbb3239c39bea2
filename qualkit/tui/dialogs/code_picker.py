"""Apply a code by typing a few letters: fuzzy matching on id and name (rapidfuzz's
partial_ratio, which forgives a typo: "qualty" finds data quality), best first; Enter takes
the highlighted match. Returns the code id, or None on Escape."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

LIMIT = 12
MIN_SCORE = 70  # rapidfuzz partial_ratio below this is not a match worth showing


def rank_codes(query: str, codes: list[tuple[str, str]], limit: int = LIMIT) -> list[str]:
    """Code ids best matching ``query`` (on "id name"); all codes in order when it is empty."""
    if not query.strip():
        return [c for c, _ in codes][:limit]
    from rapidfuzz import fuzz, process, utils

    choices = {cid: f"{cid} {name}" for cid, name in codes}
    q = query.strip().lower()
    found = process.extract(q, choices, scorer=fuzz.partial_ratio,
                            processor=utils.default_process, limit=limit * 2)
    # a plain substring (or a prefix of the id's last part) beats a scattered fuzzy match;
    # weak matches (a letter or two in common) are left out rather than listed as noise
    def key(hit):
        text, score, cid = hit
        exact = q in text.lower()
        return (not exact, not cid.rsplit(".", 1)[-1].startswith(q), -score)
    kept = [h for h in found if q in h[0].lower() or h[1] >= MIN_SCORE]
    return [cid for _, _, cid in sorted(kept, key=key)][:limit]


class CodePicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    CodePicker { align: center middle; }
    CodePicker > Vertical { width: 70; max-width: 95%; height: auto; max-height: 80%;
                            border: thick $accent; background: $surface; padding: 0 1; }
    CodePicker OptionList { height: auto; max-height: 14; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("down", "cursor(1)", show=False), Binding("up", "cursor(-1)", show=False)]

    def __init__(self, codes: list[tuple[str, str]], title: str = "Apply a code") -> None:
        super().__init__()
        self.codes = codes
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield Input(placeholder="type a few letters of the code's id or name, then Enter",
                        id="query")
            yield OptionList(id="matches")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        names = dict(self.codes)
        ol = self.query_one(OptionList)
        ol.clear_options()
        for cid in rank_codes(query, self.codes):
            label = Text(cid, style="bold")
            label.append(f"  {names[cid]}", style="dim")
            ol.add_option(Option(label, id=cid))
        if ol.option_count:
            ol.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one(OptionList)
        if ol.highlighted is not None and ol.option_count:
            self.dismiss(ol.get_option_at_index(ol.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cursor(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = ((ol.highlighted or 0) + step) % ol.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)
