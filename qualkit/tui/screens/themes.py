"""The themes screen: a stored run of candidate themes, and coding straight from a theme.

Left, the run's themes (size, keywords); right, the chosen theme's keywords, share of
documents, the code it most resembles and its representative quotes, above the list of its
segments. A coder can step through the segments and code each (``c``), or apply one code to
every segment of the theme (``a``) after a confirmation that says how many: one undo step.
``r`` fits a new run in a worker (with progress), ``[``/``]`` step through earlier runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from qualkit.models import Step
from qualkit.tui.dialogs.code_picker import CodePicker
from qualkit.tui.dialogs.confirm import Confirm
from qualkit.tui.widgets.segment_list import SegmentList
from qualkit.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from qualkit.tui.app import QualkitApp


class ThemesScreen(Screen):
    CSS_PATH = "themes.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back to coding"),
        Binding("c", "code_one", "Code segment"),
        Binding("a", "code_all", "Code whole theme"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("r", "rerun", "New run"),
        Binding("left_square_bracket", "other_run(1)", "Older run", show=False),
        Binding("right_square_bracket", "other_run(-1)", "Newer run", show=False),
        Binding("tab", "switch_focus", "Themes/segments", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.run: Any = None
        self.members: dict[int, list[int]] = {}
        self.run_ids: list[int] = []

    @property
    def qapp(self) -> "QualkitApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the latest themes run…", style="italic"), id="run")
        with Horizontal(id="body"):
            yield OptionList(id="themes")
            with Vertical(id="detail"):
                yield Static(id="theme")
                yield SegmentList(id="members")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#themes").border_title = "Themes"
        self.query_one("#theme").border_title = "Theme"
        self.query_one("#members").border_title = "Its segments (c codes one, a codes all)"
        self.query_one("#themes").focus()
        self.load_run(None)

    # -- loading (worker) ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="themes", exit_on_error=False)
    def load_run(self, run_id: int | None) -> tuple[Any, Any, list[int]]:
        p = self.qapp.project
        ids = p.theme_run_ids()
        if not ids:
            return None, None, []
        run = p.theme_run(run_id if run_id is not None else ids[0])
        return run, p.theme_members(run.run_id), ids

    @work(thread=True, exclusive=True, group="themes", exit_on_error=False)
    def fit_run(self, options: dict[str, Any]) -> tuple[Any, Any, list[int]]:
        p = self.qapp.project

        def progress(step: Step) -> None:
            self.app.call_from_thread(self.query_one("#run", Static).update,
                                      Text(f"Fitting themes: {step.stage} {step.done}/"
                                           f"{step.total}", style="italic"))
        run = p.run_themes(progress=progress, **options)
        return run, p.theme_members(run.run_id), p.theme_run_ids()

    @on(Worker.StateChanged)
    def worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "themes":
            return
        if event.worker.state == WorkerState.SUCCESS:
            self.show_run(*event.worker.result)
        elif event.worker.state == WorkerState.ERROR:
            self.query_one("#run", Static).update(Text(
                f"No themes to show: {event.worker.error}", style="red"))

    def show_run(self, run: Any, members: Any, run_ids: list[int]) -> None:
        self.run, self.run_ids = run, run_ids
        header = self.query_one("#run", Static)
        themes = self.query_one("#themes", OptionList)
        themes.clear_options()
        if run is None:
            header.update(Text("No candidate themes yet. Press r to find them (or run "
                               "`qualkit themes` / `qualkit analyse`).", style="bold"))
            return
        s = self.qapp.session
        self.members = {}
        for sid, theme in zip(members["segment_id"], members["theme_id"]):
            if sid in s.index:
                self.members.setdefault(int(theme), []).append(s.index[sid])
        where = ", ".join(f"{k}={v}" for k, v in run.filters.items()) or "all segments"
        pos = run_ids.index(run.run_id) + 1 if run.run_id in run_ids else 0
        started = str(run.started)[:16].replace("T", " ")
        header.update(Text(f"Themes run {run.run_id} ({pos} of {len(run_ids)}, newest first; "
                           f"{started}, {run.method}): "
                           f"{len(run.themes)} themes from {run.segments} segments ({where}); "
                           f"{len(run.outliers)} outliers. [ ] older/newer run, r new run."))
        for t in run.themes.itertuples(index=False):
            label = Text(f"#{t.theme_id} ", style="bold")
            label.append(f"({t.size}) ", style="dim")
            label.append(s.keywords(list(t.keywords)[:4]))
            themes.add_option(Option(label, id=str(t.theme_id)))
        if themes.option_count:
            themes.highlighted = 0
        self.refresh_status()

    # -- showing one theme ---------------------------------------------------------------------
    @property
    def theme(self) -> Any:
        ol = self.query_one("#themes", OptionList)
        if self.run is None or ol.highlighted is None:
            return None
        return self.run.themes.iloc[ol.highlighted]

    @on(OptionList.OptionHighlighted, "#themes")
    def theme_changed(self) -> None:
        t = self.theme
        if t is None:
            return
        s = self.qapp.session
        rows = self.members.get(int(t["theme_id"]), [])
        out = Text()
        out.append(f"#{t['theme_id']}  {t['size']} segments, in {t['doc_share']:.0%} of "
                   "documents\n", style="bold")
        out.append("keywords: ", style="bold")
        out.append(s.keywords(t["keywords"]) + "\n")
        if t["resembles_code"]:
            out.append("resembles: ", style="bold")
            out.append(f"{t['resembles_code']} {s.code_name(t['resembles_code'])} "
                       f"({t['score']:.2f})\n")
        for sid in list(t["representative"])[:3]:
            if sid in s.index:
                out.append("“" + " ".join(s.texts[s.index[sid]].split()) + "”\n", style="italic")
        coded = sum(1 for r in rows if s.applied[r])
        out.append(f"{coded} of {len(rows)} coded by {s.coder}", style="dim")
        self.query_one("#theme", Static).update(out)
        self.query_one(SegmentList).show(s, 0, rows)

    def refresh_status(self) -> None:
        s, sl = self.qapp.session, self.query_one(SegmentList)
        doc = s.docs[sl.view[sl.cursor]] if sl.rows else None
        self.query_one(StatusBar).show(s, doc)

    @on(SegmentList.Moved)
    def moved(self) -> None:
        self.refresh_status()

    # -- coding --------------------------------------------------------------------------------
    def _codes(self) -> list[tuple[str, str]] | None:
        s = self.qapp.session
        if s.frame is None:
            self.notify("no codeframe to code with", severity="error")
            return None
        codes = [(c.id, c.name) for c in s.frame.codes]
        t = self.theme
        if t is not None and t["resembles_code"]:  # the likely one first
            codes.sort(key=lambda c: c[0] != t["resembles_code"])
        return codes

    def action_code_one(self) -> None:
        sl = self.query_one(SegmentList)
        codes = self._codes()
        if codes and sl.rows:
            self.app.push_screen(CodePicker(codes), self._code_current)

    def _code_current(self, code_id: str | None) -> None:
        sl = self.query_one(SegmentList)
        if not code_id or not sl.rows:
            return
        if self._save(code_id, sl.selected_rows, toggle=True):
            sl.go(sl.cursor + 1)

    def action_code_all(self) -> None:
        codes = self._codes()
        if codes and self.query_one(SegmentList).rows:
            self.app.push_screen(CodePicker(codes, "Apply which code to the whole theme?"),
                                 self._confirm_all)

    def _confirm_all(self, code_id: str | None) -> None:
        rows = self.query_one(SegmentList).view
        if not code_id or not rows:
            return
        s = self.qapp.session
        todo = [r for r in rows if code_id not in s.applied[r]]
        if not todo:
            self.notify(f"every segment of this theme already has {code_id}")
            return
        question = (f"Apply {code_id} ({s.code_name(code_id)}) to {len(todo)} segments of "
                    f"theme #{self.theme['theme_id']}?"
                    + (f" ({len(rows) - len(todo)} already have it.)" if len(todo) < len(rows)
                       else "") + " One undo (u) takes it all back.")
        self.app.push_screen(Confirm(question, yes=f"Apply to {len(todo)}"),
                             lambda yes: yes and self._save(code_id, todo, toggle=False))

    def _save(self, code_id: str, rows: list[int], toggle: bool) -> bool:
        s = self.qapp.session
        try:
            if toggle:
                s.toggle(code_id, rows)
            else:
                n = s.set_code(code_id, rows, source="theme")
                self.notify(f"{code_id} applied to {n} segments (u undoes)")
        except Exception as e:  # noqa: BLE001 (the store refused: say so)
            self.notify(f"not saved: {e}", severity="error")
            return False
        self.qapp.session_dirty = True
        self.after_change()
        return True

    def after_change(self) -> None:
        self.query_one(SegmentList).refresh()
        sl = self.query_one(SegmentList)
        cursor = sl.cursor
        self.theme_changed()
        sl.go(cursor)
        self.refresh_status()

    def replay(self, redo: bool) -> None:
        try:
            rows = self.qapp.session.replay(redo)
        except Exception as e:  # noqa: BLE001
            self.notify(str(e), severity="error")
            return
        self.qapp.session_dirty = True
        self.notify(f"nothing to {'redo' if redo else 'undo'}" if rows is None else
                    f"{'redone' if redo else 'undone'}: {len(rows)} segment(s)", timeout=2)
        self.after_change()

    def action_undo(self) -> None:
        self.replay(False)

    def action_redo(self) -> None:
        self.replay(True)

    # -- runs ----------------------------------------------------------------------------------
    def action_other_run(self, step: int) -> None:
        if self.run is None or self.run.run_id not in self.run_ids:
            return
        i = self.run_ids.index(self.run.run_id) + step
        if 0 <= i < len(self.run_ids):
            self.load_run(self.run_ids[i])

    def action_rerun(self) -> None:
        options = dict(self.run.filters) if self.run is not None else {"kind": "transcript"}
        self.query_one("#run", Static).update(Text("Fitting themes…", style="italic"))
        self.fit_run(options)

    def action_switch_focus(self) -> None:
        ol, sl = self.query_one("#themes"), self.query_one(SegmentList)
        (sl if ol.has_focus else ol).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
