"""The documents screen (``g``): every document with this coder's progress, and a jump to one.

Over dozens of interviews and hundreds of FOI letters a coder needs to see what is left and
go straight to it, not type ``doc:NAME``. The table is built from the loaded ``Session``
(``doc_table``), so it opens at once; Enter hands the chosen name back to the coding screen,
which filters with its own ``doc:`` filter and puts the cursor on the first uncoded segment.
``d`` marks done through ``Session.toggle_done`` (committed at once), ``s`` cycles the sort.

A DataTable suits a few hundred rows. Its columns are sized here from the screen width, so at
80 columns the names and attribute values are cut with an ellipsis, never the counts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from qualkit.tui.doc_table import (SORTS, DocRow, attribute_columns, doc_rows, percent,
                                   sort_rows, summary)

if TYPE_CHECKING:
    from qualkit.tui.app import QualkitApp

NARROW = 100  # below this many columns: short kind labels and headers
MIN_DOC, MIN_ATTR = 12, 9
KINDS = {"transcript": ("transcript", "transcr"), "foi": ("FOI letter", "FOI")}


class DocumentsScreen(Screen[str | None]):
    CSS_PATH = "documents.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Go to document", priority=True,
                tooltip="Go to the document: the coding screen filtered to it, on its first "
                        "uncoded segment"),
        Binding("d", "done", "Done/not done", tooltip="Mark the document done (or not done)"),
        Binding("s", "sort", "Sort", tooltip="Sort by name / least coded first / not done "
                                             "first"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.start = current  # the coding screen's document: the cursor starts on it
        self.sort = SORTS[0]
        self.rows: list[DocRow] = []
        self.columns: list[str] = []
        self._width = 0
        self._drawn_for: tuple[int, ...] = ()

    @property
    def qapp(self) -> "QualkitApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        s = self.qapp.session
        self.sort = self.qapp.documents_sort or self.sort  # as chosen when last open
        self.columns = attribute_columns(s.attributes)
        self.rows = sort_rows(doc_rows(s, self.columns), self.sort)
        self.build(self.app.size.width)
        table = self.query_one(DataTable)
        if self.start in table.rows:
            table.move_cursor(row=table.get_row_index(self.start), animate=False)
        table.focus()

    def on_resize(self) -> None:
        if tuple(self.app.size) != self._drawn_for:  # widths, and whether a scrollbar takes two
            self.build(self.app.size.width)

    # -- drawing ------------------------------------------------------------------------------
    def widths(self, width: int) -> tuple[int, list[int]]:
        """The document column's width and the attribute columns': each as wide as its
        longest value when they fit; else the widest attribute gives way first (down to
        ``MIN_ATTR``), then the name (down to ``MIN_DOC``). Counts are never cut."""
        fixed = self.fixed_columns(width < NARROW)
        n_cols = 1 + len(fixed) + len(self.columns)
        bar = 2 if len(self.rows) > self.app.size.height - 5 else 0  # a scrollbar, when
        room = width - 2 - bar - 2 * n_cols - sum(w for _, _, w in fixed)  # border, gaps
        attrs = [max([len(c)] + [len(r.attributes[i]) for r in self.rows])
                 for i, c in enumerate(self.columns)]
        doc = max([8] + [len(r.label) for r in self.rows])
        while doc + sum(attrs) > room and attrs and max(attrs) > MIN_ATTR:
            attrs[attrs.index(max(attrs))] -= 1
        return min(doc, max(MIN_DOC, room - sum(attrs))), attrs

    def fixed_columns(self, narrow: bool) -> list[tuple[str, str, int]]:
        """(key, header, width) of the kind and count columns."""
        segs = len(str(max([r.segments for r in self.rows], default=0)))
        kind = max([len(KINDS.get(r.kind, (r.kind, r.kind))[narrow]) for r in self.rows],
                   default=4)
        return [("kind", "Kind", max(4, kind)),
                ("segments", "Segs" if narrow else "Segments", max(4 if narrow else 8, segs)),
                ("coded", "Coded", max(5, segs + 5)),
                ("done", "✓" if narrow else "Done", 1 if narrow else 4)]

    def build(self, width: int, keep: bool = True) -> None:
        """(Re)draw the table for ``width`` columns; ``keep``: the cursor stays on its row."""
        table = self.query_one(DataTable)
        key = self.current.label if keep and self.current is not None else None
        self._width, self._drawn_for = width, tuple(self.app.size)
        narrow = width < NARROW
        doc_w, attr_ws = self.widths(width)
        table.clear(columns=True)
        table.add_column("Document", width=doc_w, key="document")
        for key_, name, w in self.fixed_columns(narrow):
            table.add_column(name if key_ == "kind" else name.rjust(w), width=w, key=key_)
        for name, w in zip(self.columns, attr_ws):
            table.add_column(name.replace("_", " "), width=w, key=f"attr:{name}")
        for r in self.rows:
            table.add_row(*self.cells(r, narrow), key=r.label)
        if key is not None:
            table.move_cursor(row=table.get_row_index(key), animate=False)
        self.show_summary()

    def cells(self, r: DocRow, narrow: bool) -> list[Text]:
        """The row's cells; counts right-aligned by padding (the table does not justify)."""
        cut = {"no_wrap": True, "overflow": "ellipsis"}
        w = {key: width for key, _, width in self.fixed_columns(narrow)}
        coded = f"{r.coded} {percent(r.coded, r.segments):>4}" if r.segments else "–"
        full = r.segments and r.coded == r.segments
        return [Text(r.label, **cut),
                Text(KINDS.get(r.kind, (r.kind, r.kind))[narrow], **cut),
                Text(str(r.segments).rjust(w["segments"])),
                Text(coded.rjust(w["coded"]), style="green" if full else ""),
                Text(("✓" if r.done else "").rjust(w["done"]), style="bold green"),
                *[Text(v, **cut) for v in r.attributes]]

    def show_summary(self) -> None:
        s = self.qapp.session
        self.query_one("#summary", Static).update(
            Text(summary(s, self.rows), no_wrap=True, overflow="ellipsis"))
        order = "sorted by name" if self.sort == "name" else self.sort
        self.query_one(DataTable).border_title = f"Documents, {order} (s)"

    @property
    def current(self) -> DocRow | None:
        table = self.query_one(DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[table.cursor_row]

    # -- actions ------------------------------------------------------------------------------
    def action_open(self) -> None:
        row = self.current
        if row is None:
            return
        if not row.segments:
            self.notify(f"{row.label} has no segments", severity="warning")
            return
        self.dismiss(row.label)

    @on(DataTable.RowSelected)
    def clicked(self) -> None:  # a mouse click (Enter is the screen's binding)
        self.action_open()

    def action_done(self) -> None:
        row, s = self.current, self.qapp.session
        if row is None:
            return
        try:
            done = s.toggle_done(row.label)
        except Exception as e:  # noqa: BLE001 (the store refused: say so, never "done")
            self.notify(f"not saved: {e}", severity="error")
            return
        i = self.rows.index(row)
        self.rows[i] = DocRow(row.label, row.kind, row.segments, row.coded, done,
                              row.attributes)
        cells = self.cells(self.rows[i], self._width < NARROW)
        self.query_one(DataTable).update_cell(row.label, "done", cells[4])
        self.show_summary()

    def action_sort(self) -> None:
        self.sort = self.qapp.documents_sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.rows = sort_rows(self.rows, self.sort)
        self.build(self._width, keep=False)  # the top of the new order is what was asked for

    def action_move(self, step: int) -> None:
        table = self.query_one(DataTable)
        (table.action_cursor_down if step > 0 else table.action_cursor_up)()

    def action_back(self) -> None:
        self.dismiss(None)
