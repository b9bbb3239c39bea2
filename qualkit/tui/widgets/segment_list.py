"""The segment list: one line per segment, drawn with Textual's line API.

A widget per row (or a DataTable holding 50,000 rows) costs memory and seconds to build; this
draws only the lines on screen, straight from the session's column lists, so 50,000 segments
open as fast as 50. Text is turned into ``rich.segment.Segment`` pieces with plain styles, never
markup, so ``[laughs]`` and ``[/]`` show as written.

The widget owns the cursor and the selection (a run of consecutive rows of one turn); it posts
``Moved`` when the cursor moves and leaves every decision about codes to the screen.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualkit.tui.session import Session


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width else ""
    return set_cell_size(text, width)


def short_code(code_id: str) -> str:
    return code_id.rsplit(".", 1)[-1]


class SegmentList(ScrollView, can_focus=True):
    """Rows of the session's view; ``cursor`` and ``anchor`` are view positions."""

    DEFAULT_CSS = """
    SegmentList { overflow-x: hidden; }
    SegmentList > .segment-list--cursor { background: $accent 40%; text-style: bold; }
    SegmentList:focus > .segment-list--cursor { background: $accent 70%; }
    SegmentList > .segment-list--selected { background: $primary 35%; }
    SegmentList > .segment-list--coded { color: $text-muted; }
    SegmentList > .segment-list--codes { color: $success; }
    SegmentList > .segment-list--strong { color: $warning; text-style: bold; }
    SegmentList > .segment-list--meta { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"segment-list--cursor", "segment-list--selected",
                         "segment-list--coded", "segment-list--codes", "segment-list--strong",
                         "segment-list--meta"}
    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("J,shift+down", "extend(1)", "Extend down", show=False),
        Binding("K,shift+up", "extend(-1)", "Extend up", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, always_update=True)

    @dataclass
    class Moved(Message):
        """The cursor moved (or the rows changed under it)."""

        segment_list: "SegmentList"
        position: int

    @dataclass
    class Refused(Message):
        """A move that was not made, with the reason to show."""

        reason: str

    def __init__(self, session: Session | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.view: list[int] = []
        self.anchor: int | None = None
        self._drawn_anchor: int | None = None

    # -- data ------------------------------------------------------------------------------
    def show(self, session: Session, position: int = 0, view: list[int] | None = None) -> None:
        """Show (or re-show after a filter) rows of the session: its view by default."""
        self.session = session
        self.view = session.view if view is None else view
        self.anchor = None
        self.virtual_size = Size(self.size.width, len(self.view))
        self.cursor = min(max(position, 0), max(len(self.view) - 1, 0))
        self.refresh()

    @property
    def rows(self) -> int:
        return len(self.view) if self.session else 0

    @property
    def selected_rows(self) -> list[int]:
        """Session rows under the selection (the cursor row when nothing is extended)."""
        if not self.rows:
            return []
        lo, hi = sorted((self.cursor, self.cursor if self.anchor is None else self.anchor))
        return [self.view[p] for p in range(lo, hi + 1)]

    def refresh_rows(self, positions: list[int] | None = None) -> None:
        if positions is None:
            self.refresh()
            return
        for p in positions:
            self.refresh_line(p)

    # -- movement ----------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if not self.rows:
            return
        top = round(self.scroll_y)
        self._keep_visible(new)
        if round(self.scroll_y) == top and self.anchor is None and self._drawn_anchor is None:
            self.refresh_line(old)  # only the two rows that changed look
            self.refresh_line(new)
        else:
            self.refresh()
        self._drawn_anchor = self.anchor
        self.post_message(self.Moved(self, new))

    def _keep_visible(self, pos: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_y)
        if pos < top + 1:
            self.scroll_to(y=max(pos - 1, 0), animate=False, immediate=True)
        elif pos >= top + height - 1:
            self.scroll_to(y=pos - height + 2, animate=False, immediate=True)

    def go(self, position: int) -> None:
        self.anchor = None
        if self.rows:
            self.cursor = min(max(position, 0), self.rows - 1)

    def action_move(self, step: int) -> None:
        self.go(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.go(self.cursor + step * max(self.scrollable_content_region.height - 1, 1))

    def action_edge(self, end: int) -> None:
        self.go(self.rows - 1 if end else 0)

    def action_extend(self, step: int) -> None:
        """Grow (or shrink) the selection by one row, within one speaker turn."""
        if not self.rows:
            return
        target = self.cursor + step
        if not 0 <= target < self.rows:
            return
        s = self.session
        anchor = self.cursor if self.anchor is None else self.anchor
        if s.turn[self.view[target]] != s.turn[self.view[anchor]] or \
                abs(self.view[target] - self.view[self.cursor]) != 1:
            self.post_message(self.Refused("a selection covers consecutive segments of one "
                                           "turn"))
            return
        self.anchor = anchor
        self.cursor = target

    def on_click(self, event: events.Click) -> None:
        self.focus()
        self.go(round(self.scroll_y) + event.y)

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        pos = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.session is None or pos >= self.rows:
            return Strip.blank(width, base)
        row = self.view[pos]
        lo, hi = sorted((self.cursor, self.cursor if self.anchor is None else self.anchor))
        style = base
        if pos == self.cursor:
            style = base + self.get_component_rich_style("segment-list--cursor")
        elif lo <= pos <= hi:
            style = base + self.get_component_rich_style("segment-list--selected")
        return Strip(self._cells(row, width, style), width).adjust_cell_length(width, style)

    def _fg(self, name: str) -> Style:
        """A component's colour and weight only, so the row's cursor/selection background
        shows through every column."""
        c = self.get_component_rich_style(name)
        return Style(color=c.color, bold=c.bold, italic=c.italic, dim=c.dim)

    def _cells(self, row: int, width: int, style: Style) -> list[Segment]:
        s = self.session
        meta = style + self._fg("segment-list--meta")
        w_doc, w_who, w_codes = (16, 12, 22) if width >= 100 else (
            (12, 8, 12) if width >= 60 else (0, 7, 9))
        w_text = max(width - 2 - w_doc - w_who - w_codes - 3 + (w_doc == 0), 8)
        codes = ",".join(sorted(short_code(c) for c in s.applied[row]))
        who = s.speakers[row] or s.questions[row] or s.roles[row]
        text_style = style + self._fg("segment-list--coded") if s.applied[row] else style
        cells = [Segment("★ " if s.strong(row) else "  ",
                         style + self._fg("segment-list--strong"))]
        if w_doc:
            doc = s.docs[row]
            cells.append(Segment(_cell(s.doc_short.get(doc, doc), w_doc) + " ", meta))
        cells += [Segment(_cell(who, w_who) + " ", meta),
                  Segment(_cell(s.texts[row], w_text) + " ", text_style),
                  Segment(_cell(codes, w_codes), style + self._fg("segment-list--codes"))]
        return cells

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.rows)
