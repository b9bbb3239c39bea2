"""The current segment in its place: the segments before and after it in the document, who
said it, and for FOI free text the question it answers. Built from ``rich.text.Text`` pieces
(never markup), so transcript text shows exactly as written."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualkit.tui.session import Session

AROUND = 2  # neighbours shown on each side


class ContextView(Static):
    DEFAULT_CSS = """
    ContextView { padding: 0 1; }
    """

    def show(self, s: Session, rows: list[int], questions: dict[str, str]) -> None:
        if not rows:
            self.update(Text("No segment here.", style="italic"), layout=False)
            return
        first, last = rows[0], rows[-1]
        around = AROUND if self.size.height >= 9 else 1  # 80×24: keep the segment in view
        clip = max(self.size.width - 12, 20)  # neighbours get one line each
        doc = s.docs[first]
        out = Text()
        kind = "FOI letter" if s.kinds.get(doc) == "foi" else "transcript"
        out.append(f"{doc}", style="bold")
        out.append(f"  ({kind}{', done' if doc in s.done else ''})\n", style="dim")
        q = s.questions[first]
        if q:
            out.append("FOI question: ", style="bold")
            out.append(f"{questions.get(q, q)}\n", style="italic")
        lo = first
        while lo > 0 and first - lo < around and s.docs[lo - 1] == doc:
            lo -= 1
        hi = last
        while hi + 1 < len(s.ids) and hi - last < around and s.docs[hi + 1] == doc:
            hi += 1
        prev_who = None
        for r in range(lo, hi + 1):
            current = first <= r <= last
            who = s.speakers[r] or (s.roles[r] and f"({s.roles[r]})") or s.questions[r]
            if who and who != prev_who:
                out.append(f"{who}: ", style="bold cyan" if current else "cyan dim")
            prev_who = who
            text = " ".join(s.texts[r].split())
            if not current and len(text) > clip:
                text = text[:clip - 1] + "…"
            out.append(text, style="bold" if current else "dim")
            out.append("\n" if r < hi else "")
        self.update(out, layout=False)
