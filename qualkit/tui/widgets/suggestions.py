"""The top suggestions for the current segment: number key, code, score and the evidence the
score rests on. Shown, never applied: the coder presses 1, 2 or 3."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualkit.tui.session import STRONG, Suggestion


class SuggestionsPanel(Static):
    DEFAULT_CSS = """
    SuggestionsPanel { padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, suggestions: list[Suggestion] | None, names: dict[str, str],
             waiting: bool = False, reason: str = "") -> None:
        if suggestions is None:
            self.update(Text("working out suggestions…" if waiting else
                             f"no suggestions{': ' + reason if reason else ''}",
                             style="dim italic"), layout=False)
            return
        out = Text(no_wrap=True, overflow="ellipsis")
        compact = self.size.height and self.size.height < 9  # 80×24: two lines each
        for n, sug in enumerate(suggestions[:3], 1):
            strong = sug.score >= STRONG
            out.append(f"{n} ", style="bold reverse")
            out.append(f" {sug.score:.2f} ", style="bold yellow" if strong else "dim")
            if compact:
                out.append(f"{names.get(sug.code_id, sug.code_id)}\n",
                           style="bold" if strong else "")
            else:
                out.append(f"{sug.code_id}\n", style="bold" if strong else "")
                out.append(f"   {names.get(sug.code_id, '')}\n", style="")
            out.append(f"   {sug.evidence}\n", style="dim italic")
        if not suggestions:
            out.append("nothing left to suggest", style="dim italic")
        self.update(out, layout=False)
