"""The coding screen: the segment list, the current segment in context, the top suggestions and
the codeframe with this coder's counts; every binding that changes data commits at once.

What a right suggestion costs is one key (``1``/``2``/``3`` applies it and moves to the next
uncoded segment); any other code is ``c``, a few letters and Enter, or Enter in the tree.
Loading, suggestions and filters that need scores run in thread workers, so the screen never
waits on them; a change the store refused is shown as NOT SAVED, never as saved.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from qualkit.tui.dialogs.code_picker import CodePicker
from qualkit.tui.filters import Filter
from qualkit.tui.screens.coding_tools import CodingTools
from qualkit.tui.session import Session, Suggestion
from qualkit.tui.widgets.code_tree import CodeTree
from qualkit.tui.widgets.context import ContextView
from qualkit.tui.widgets.segment_list import SegmentList
from qualkit.tui.widgets.status_bar import StatusBar
from qualkit.tui.widgets.suggestions import SuggestionsPanel

if TYPE_CHECKING:
    from qualkit.tui.app import QualkitApp

VISIBLE_BATCH = 60  # segments whose suggestions one worker call computes
SUGGEST_DELAY = 0.25  # seconds of no key presses before suggestions are asked for


class CodingScreen(CodingTools, Screen):
    CSS_PATH = "coding.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    suggest_delay = SUGGEST_DELAY
    BINDINGS = [
        Binding("1", "suggestion(0)", "Apply 1st"),
        Binding("2", "suggestion(1)", "2nd", show=False),
        Binding("3", "suggestion(2)", "3rd", show=False),
        Binding("full_stop", "repeat", "Repeat last code", show=False),
        Binding("c", "pick_code", "Code…"),
        Binding("n", "next_uncoded(1)", "Next uncoded"),
        Binding("N", "next_uncoded(-1)", "Previous uncoded", show=False),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("m", "memo_segment", "Memo", show=False),
        Binding("M", "memo_code", "Memo on a code", show=False),
        Binding("/", "search", "Search"),
        Binding("f", "filter", "Filter"),
        Binding("d", "done", "Doc done", show=False),
        Binding("escape", "clear", "Clear selection/filter", show=False),
        Binding("tab", "switch_focus", "List/tree", show=False),
    ]

    def __init__(self, document: str | None = None) -> None:
        super().__init__()
        self.start_document = document
        self.session: Session | None = None
        self.filter = Filter()
        self.error: str | None = None
        self.last_action = ""
        self.last_code: str | None = None  # what `.` applies again
        self._suggest_timer = None

    @property
    def qapp(self) -> "QualkitApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="problems")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SegmentList(id="segments")
                yield ContextView(Text("Loading the project…", style="italic"), id="context")
            with Vertical(id="right"):
                yield SuggestionsPanel(id="suggestions")
                yield CodeTree(id="codes")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#segments").border_title = "Segments"
        self.query_one("#context").border_title = "Segment"
        self.query_one("#suggestions").border_title = "Suggestions (1 2 3)"
        self.query_one("#codes").border_title = "Codeframe (your counts)"
        self.query_one(SegmentList).focus()
        self.load()

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> Session:
        return Session(self.qapp.project, self.qapp.coder, redact=self.qapp.redact).load()

    @on(Worker.StateChanged)
    def worker_done(self, event: Worker.StateChanged) -> None:
        w = event.worker
        if w.group == "load" and w.state == WorkerState.SUCCESS:
            self.loaded(w.result)
        elif w.group == "load" and w.state == WorkerState.ERROR:
            self.show_problems([("The project could not be loaded.", str(w.error))])
        elif w.group == "suggest" and w.state == WorkerState.SUCCESS:
            self.suggested(w.result)
        elif w.group == "suggest" and w.state == WorkerState.ERROR:
            self.query_one(SuggestionsPanel).update(Text(
                f"suggestions unavailable: {w.error}", style="red"))
        elif w.group == "filter" and w.state == WorkerState.SUCCESS:
            self.apply_filter(w.result)
        elif w.group == "filter" and w.state == WorkerState.ERROR:
            self.notify(str(w.error), title="Filter", severity="error")

    def loaded(self, session: Session) -> None:
        self.session = self.qapp.session = session
        self.rebuild_tree()
        self.show_problems([(p.title, p.detail) for p in session.problems])
        if session.retired:
            self.notify("Still coded but no longer in the codeframe: "
                        + ", ".join(session.retired) + ". Their codings are kept.",
                        title="Codeframe", severity="warning", timeout=10)
        if self.start_document:
            try:
                doc = self.qapp.project.resolve_document(self.start_document)
                self.filter = Filter([("doc", session.doc_label(doc))])
            except Exception as e:  # noqa: BLE001 (a name the user typed: say so, show all)
                self.notify(str(e), title="--doc", severity="error")
        self.apply_filter(self.filter, keep=False)
        first = session.next_uncoded(-1) if session.view else None
        if first:  # pick up where this coder left off
            self.query_one(SegmentList).go(first)

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        box = self.query_one("#problems", Static)
        text = Text()
        for title, detail in problems:
            text.append(title + "\n", style="bold")
            text.append(detail + "\n" if detail else "")
        box.update(text)
        box.display = bool(problems)

    def rebuild_tree(self) -> None:
        s = self.session
        if s is not None:
            self.query_one(CodeTree).build(s.frame, s.counts, s.retired)

    # -- what is shown -----------------------------------------------------------------------
    @property
    def current_row(self) -> int | None:
        sl = self.query_one(SegmentList)
        if self.session is None or not sl.rows:
            return None
        return self.session.view[sl.cursor]

    def refresh_all(self) -> None:
        """The list and every panel (after a filter, an undo, a codeframe change)."""
        if self.session is None:
            return
        self.query_one(SegmentList).refresh()
        self.refresh_panels()

    def refresh_panels(self) -> None:
        """What depends on the cursor: context, suggestions, status (the list draws itself)."""
        if self.session is None:
            return
        sl = self.query_one(SegmentList)
        self.query_one(ContextView).show(self.session, sl.selected_rows, self.qapp.questions)
        self.show_suggestions()
        self.refresh_status()

    def refresh_status(self) -> None:
        row = self.current_row
        doc = self.session.docs[row] if row is not None else None
        self.query_one(StatusBar).show(self.session, doc, self.filter.describe(),
                                       len(self.session.view), self.error, self.last_action)

    def current_suggestions(self) -> list[Suggestion] | None:
        row = self.current_row
        if row is None:
            return None
        got = self.session.suggestions.get(self.session.ids[row])
        if got is None:
            return None
        return [g for g in got if g.code_id not in self.session.applied[row]][:3]

    def show_suggestions(self) -> None:
        tree, panel = self.query_one(CodeTree), self.query_one(SuggestionsPanel)
        if self.session is not None and self.session.frame is None:
            panel.show(None, {}, waiting=False, reason="none until the codeframe loads")
            return
        panel.show(self.current_suggestions(), tree.names, waiting=self.current_row is not None)

    @on(SegmentList.Moved)
    def moved(self, event: SegmentList.Moved) -> None:
        self.refresh_panels()
        self.request_suggestions()

    @on(SegmentList.Refused)
    def refused(self, event: SegmentList.Refused) -> None:
        self.notify(event.reason, severity="warning")

    # -- suggestions (worker) ------------------------------------------------------------------
    def request_suggestions(self, force: bool = False) -> None:
        """Ask a worker for the suggestions of the current and visible segments, once the
        keys have paused (a worker per key press would compete with the keys)."""
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        self._suggest_timer = self.set_timer(self.suggest_delay, lambda: self._request(force))

    def _request(self, force: bool) -> None:
        s, sl = self.session, self.query_one(SegmentList)
        if s is None or not sl.rows or s.frame is None:
            return
        top = int(sl.scroll_y)
        positions = [sl.cursor] + list(range(top, min(top + VISIBLE_BATCH, sl.rows)))
        ids = [s.ids[sl.view[p]] for p in dict.fromkeys(positions)]
        want = [i for i in ids if i not in s.suggestions]
        if force:
            want = list(dict.fromkeys([ids[0]] + want))
        if want:
            self.fetch_suggestions(want[:VISIBLE_BATCH])

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def fetch_suggestions(self, ids: list[str]) -> dict[str, list[Suggestion]]:
        df = self.qapp.project.suggest(segment_ids=ids, k=6, coder=self.qapp.coder)
        out: dict[str, list[Suggestion]] = {i: [] for i in ids}
        for r in df.itertuples(index=False):
            out[r.segment_id].append(Suggestion(r.code_id, float(r.score), r.evidence))
        return out

    def suggested(self, found: dict[str, list[Suggestion]]) -> None:
        self.session.suggestions.update(found)
        self.query_one(SegmentList).refresh()
        self.show_suggestions()

    # -- coding ----------------------------------------------------------------------------
    def apply(self, code_id: str, rows: list[int] | None = None, source: str = "manual",
              advance: bool = False, add_only: bool = False) -> None:
        """Toggle ``code_id`` on the selection (or ``rows``); committed before it is shown.
        ``add_only``: never take it off (``.`` and the suggestion keys)."""
        s, sl = self.session, self.query_one(SegmentList)
        rows = rows if rows is not None else sl.selected_rows
        if s is None or not rows:
            return
        if add_only and all(code_id in s.applied[r] for r in rows):
            if advance:
                self.action_next_uncoded(1)
            return
        try:
            applied, changed = s.toggle(code_id, rows, source)
        except Exception as e:  # noqa: BLE001 (the store refused: say so, never "saved")
            self.error = str(e)
            self.notify(f"not saved: {e}", title="Coding", severity="error")
            self.refresh_status()
            return
        self.error = None
        if applied:
            self.last_code = code_id
            self.query_one(SuggestionsPanel).border_subtitle = f". again: {code_id}"
        self.query_one(CodeTree).update_counts([code_id])
        self.last_action = (f"{code_id} {'on' if applied else 'off'}"
                            + (f" ×{len(rows)}" if len(rows) > 1 else ""))
        positions = range(min(sl.cursor, sl.anchor if sl.anchor is not None else sl.cursor),
                          max(sl.cursor, sl.anchor if sl.anchor is not None else sl.cursor) + 1)
        sl.anchor = None
        sl.refresh_rows(list(positions))
        if advance:
            self.action_next_uncoded(1)
        else:
            self.refresh_panels()
        self.request_suggestions(force=True)

    def action_suggestion(self, n: int) -> None:
        got = self.current_suggestions()
        if not got or n >= len(got):
            self.notify("no such suggestion (yet)", severity="warning", timeout=2)
            return
        self.apply(got[n].code_id, source="suggestion", advance=True, add_only=True)

    def action_repeat(self) -> None:
        """Apply the last code applied again (runs of segments on one topic) and move on."""
        if self.last_code is None:
            self.notify("no code applied yet in this session", severity="warning", timeout=2)
            return
        self.apply(self.last_code, advance=True, add_only=True)

    def action_pick_code(self) -> None:
        s = self.session
        if s is None or s.frame is None:
            self.notify("no codeframe to code with", severity="error")
            return
        codes = [(c.id, c.name) for c in s.frame.codes]
        self.app.push_screen(CodePicker(codes), self._picked)

    def _picked(self, code_id: str | None) -> None:
        if code_id:
            self.apply(code_id)

    @on(CodeTree.Chosen)
    def tree_chosen(self, event: CodeTree.Chosen) -> None:
        if self.session and self.session.frame and event.code_id in self.session.frame.ids:
            self.apply(event.code_id)
        else:
            self.notify(f"{event.code_id} is no longer in the codeframe", severity="warning")

    def action_next_uncoded(self, step: int) -> None:
        s, sl = self.session, self.query_one(SegmentList)
        if s is None or not sl.rows:
            return
        pos = s.next_uncoded(sl.cursor, step)
        if pos is None:
            self.notify("every segment shown is coded", timeout=3)
            self.refresh_panels()
            return
        sl.go(pos)

    def replay(self, redo: bool) -> None:
        s = self.session
        if s is None:
            return
        try:
            rows = s.replay(redo)
        except Exception as e:  # noqa: BLE001 (e.g. the codeframe file changed since)
            self.notify(str(e), title="Redo" if redo else "Undo", severity="error")
            return
        if rows is None:
            self.notify(f"nothing to {'redo' if redo else 'undo'}", timeout=2)
            return
        self.rebuild_tree()
        sl = self.query_one(SegmentList)
        pos = {r: p for p, r in enumerate(s.view)}
        if rows and rows[0] in pos:
            sl.go(pos[rows[0]])
        self.last_action = f"{'redone' if redo else 'undone'}: {len(rows)} segment(s)"
        self.refresh_all()

    def action_undo(self) -> None:
        self.replay(redo=False)

    def action_redo(self) -> None:
        self.replay(redo=True)

    def action_clear(self) -> None:
        sl = self.query_one(SegmentList)
        if sl.anchor is not None:
            sl.anchor = None
            self.refresh_all()
            sl._drawn_anchor = None
        elif not self.filter.empty:
            self.apply_filter(Filter())

    def action_switch_focus(self) -> None:
        tree, sl = self.query_one(CodeTree), self.query_one(SegmentList)
        (sl if tree.has_focus else tree).focus()

    def on_screen_resume(self) -> None:
        """Back from the themes or codeframe screen: codings or codes may have changed."""
        if self.session is not None and self.qapp.session_dirty:
            self.qapp.session_dirty = False
            self.session.load_codeframe()
            self.session.reload_codings()
            self.session.suggestions.clear()
            self.rebuild_tree()
            self.show_problems([(p.title, p.detail) for p in self.session.problems])
            self.apply_filter(self.filter)
