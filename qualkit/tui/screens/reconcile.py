"""The reconcile screen: one disagreement at a time, the coders' codes and memos side by side,
the segment in its context, and one key to settle it into the consensus coder.

``a``/``b`` take the first/second coder's codes, ``o`` all of them, ``x`` none, ``e`` edits a
draft with the code picker (each pick toggles a code; Escape ends, then a yes/no). With more
than two coders the letters cover the first two and ``e`` the rest. Every decision commits at
once and the screen moves to the next undecided segment; the queue is rebuilt from the store
on open, so a restart resumes where the team stopped. ``u`` undoes the decision on the segment
and ``ctrl+r`` redoes it (as on the coding screen; both survive a restart). The discussion
note (``m``) is saved while it is typed, as the segment's draft until it is settled, so
quitting with the dialog open or before deciding keeps it; Escape puts back what was there.
With ``--redact`` (or ``privacy.redact_screens``) texts, speakers, documents and memos are
shown pseudonymised, as on the coding screen.
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
from qualkit.tui.dialogs.confirm import Confirm
from qualkit.tui.dialogs.memo import MemoDialog
from qualkit.tui.reconcile_work import NOTHING, Reconcile
from qualkit.tui.widgets.context import ContextView

if TYPE_CHECKING:
    from qualkit.tui.app import QualkitApp


class ReconcileScreen(Screen):
    CSS_PATH = "reconcile.tcss"
    BINDINGS = [
        # short descriptions: at 80 columns the footer shows every key that decides; the
        # help screen (?) shows the tooltips
        Binding("a", "take('a')", "a's", tooltip="Take the first coder's codes (a)"),
        Binding("b", "take('b')", "b's", tooltip="Take the second coder's codes (b)"),
        Binding("o", "take('o')", "Both", tooltip="Take every code any coder applied"),
        Binding("x", "take('x')", "Neither", tooltip="Settle with no codes"),
        Binding("e", "edit", "Edit…", tooltip="Edit the codes with the code picker…"),
        Binding("u", "undo", "Undo", tooltip="Undo the decision on this segment"),
        Binding("m", "note", "Note", tooltip="Discussion note (saved as you type)"),
        Binding("n", "next_undecided", "Next", tooltip="Next undecided segment"),
        Binding("j,down", "move(1)", "Next segment", show=False),
        Binding("k,up", "move(-1)", "Previous segment", show=False),
        Binding("ctrl+r", "redo", "Redo an undone decision", show=False),
        Binding("t", "not_here", show=False),
        Binding("g", "not_here", show=False),
    ]

    def __init__(self, coders: list[str], into: str = "consensus",
                 require_done: bool = True) -> None:
        super().__init__()
        self.coders, self.into, self.require_done = list(coders), into, require_done
        self.work: Reconcile | None = None
        self.pos = 0
        self.last_action = ""
        self.error: str | None = None
        self.note_failed = False

    @property
    def qapp(self) -> "QualkitApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="problems")
        with Vertical(id="main"):
            yield Static(Text("Loading the disagreements…", style="italic"), id="where")
            yield ContextView(id="context")
            with Horizontal(id="coders"):
                for k, name in enumerate(self.coders):
                    yield Static(id=f"coder-{k}", classes="coder")
            yield Static(id="decision")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#context").border_title = "Segment in context"
        self.query_one("#decision").border_title = f"Decision → {self.into}"
        for k, name in enumerate(self.coders):
            key = f"{'ab'[k]}: " if k < 2 else ""
            self.query_one(f"#coder-{k}").border_title = f"{key}{name}"
        self.load()

    def help_sources(self) -> list[tuple[str, list]]:
        return [("Reconcile screen", [b for b in self.BINDINGS if b.description]),
                ("Everywhere", [b for b in self.qapp.BINDINGS if b.action in ("help", "quit")])]

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> Reconcile:
        return Reconcile(self.qapp.project, self.coders, self.into, self.require_done,
                         redact=self.qapp.redact).load()

    @on(Worker.StateChanged)
    def worker_done(self, event: Worker.StateChanged) -> None:
        w = event.worker
        if w.group == "load" and w.state == WorkerState.SUCCESS:
            self.loaded(w.result)
        elif w.group == "load" and w.state == WorkerState.ERROR:
            self.show_problem("Nothing to reconcile here.", str(w.error))

    def loaded(self, work: Reconcile) -> None:
        self.work = work
        if not work.items:
            self.show_problem(NOTHING[0].upper() + NOTHING[1:] + ".",
                              "Check with `qualkit disagreements`; ctrl+q quits.")
            return
        self.pos = work.first()
        self.show()

    def show_problem(self, title: str, detail: str) -> None:
        box = self.query_one("#problems", Static)
        box.update(Text.assemble((title + "\n", "bold"), detail))
        box.display = True
        self.query_one("#where", Static).update("")
        self.query_one("#status", Static).update(Text(title, style="bold"))

    # -- what is shown -----------------------------------------------------------------------
    def code_label(self, out: Text, code_id: str, differ: bool) -> None:
        name = self.work.session.code_name(code_id)
        out.append(code_id, style="bold yellow" if differ else "bold")
        out.append(f"  {name}\n", style="dim")

    def show(self) -> None:
        w = self.work
        if w is None or not w.items:
            return
        item = w.items[self.pos]
        where = Text(no_wrap=True, overflow="ellipsis")
        where.append(f"{self.pos + 1}/{len(w.items)} ", style="bold")
        where.append("settled ✓ " if item.decided else "open ", style="green" if item.decided
                     else "yellow")
        applied = {c for codes in item.codes.values() for c in codes}
        differ = [c for c in item.differ if c in applied] or item.differ  # not the parents
        where.append(f"differs on: {', '.join(differ)}", style="dim")  # (the document: below)
        self.query_one("#where", Static).update(where)
        self.query_one(ContextView).show(w.session, [item.row], self.qapp.questions)
        for k, coder in enumerate(w.coders):
            out = Text()
            for code in item.codes[coder]:
                self.code_label(out, code, code in item.differ)
            if not item.codes[coder]:
                out.append("(no codes)\n", style="italic dim")
            if coder in item.memos:  # (redacted at load when the screen is)
                out.append("memo: ", style="bold cyan")
                out.append(" ".join(item.memos[coder].split()), style="cyan")
            self.query_one(f"#coder-{k}", Static).update(out)
        self.show_decision()
        self.refresh_status()

    def show_decision(self) -> None:
        item, out = self.work.items[self.pos], Text()
        if item.decided:
            out.append(f"settled ({item.choice}): ", style="bold green")
            out.append(", ".join(item.settled) or "no codes")
        else:
            out.append("not settled yet: a, b, o, x or e", style="italic")
            if item.undone:
                out.append(f"  (ctrl+r redoes: {item.choice})", style="dim")
        note = item.note if item.decided else item.pending_note
        if note:
            out.append("\nnote: ", style="bold")
            out.append(" ".join(self.work.shown(note, item.document).split()))
            if not item.decided:
                out.append(" (draft, kept for the decision)", style="dim")
        self.query_one("#decision", Static).update(out)

    def refresh_status(self) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(self.work.progress(), style="bold")
        out.append(f" │ into {self.into}")
        if self.error:
            out.append(f" │ NOT SAVED: {self.error}", style="bold red")
        elif self.last_action:
            out.append(f" │ {self.last_action}", style="green")
        self.query_one("#status", Static).update(out)

    # -- moving ------------------------------------------------------------------------------
    def ready(self) -> bool:
        return self.work is not None and bool(self.work.items)

    def action_move(self, step: int) -> None:
        if self.ready():
            self.pos = (self.pos + step) % len(self.work.items)
            self.show()

    def action_next_undecided(self) -> None:
        if not self.ready():
            return
        got = self.work.next_undecided(self.pos)
        if got is None:
            self.notify(f"all {len(self.work.items)} disagreements are settled", timeout=4)
        else:
            self.pos = got
        self.show()

    def action_not_here(self) -> None:
        self.notify("themes, the codeframe and documents are in `qualkit code`", timeout=3)

    # -- deciding ----------------------------------------------------------------------------
    def settle(self, codes: list[str], choice: str) -> None:
        try:
            self.work.decide(self.pos, codes, choice)
        except Exception as e:  # noqa: BLE001 (the store refused: say so, never "saved")
            self.error = str(e)
            self.notify(f"not saved: {e}", title="Reconcile", severity="error")
            self.refresh_status()
            return
        self.error = None
        self.last_action = f"settled: {choice}"
        self.action_next_undecided()

    def action_take(self, key: str) -> None:
        if not self.ready():
            return
        if key == "b" and len(self.work.coders) < 2:
            return
        self.settle(*self.work.choice_codes(key, self.pos))

    def action_edit(self) -> None:
        if self.ready():
            self.pick(self.work.draft(self.pos))

    def pick(self, draft: set[str]) -> None:
        s = self.work.session
        if s.frame is None:
            self.notify("no codeframe to choose codes from", severity="error")
            return
        # the codes the coders applied come first, each saying who applied it
        item = self.work.items[self.pos]
        who: dict[str, list[str]] = {}
        for coder, applied in item.codes.items():
            for code in applied:
                who.setdefault(code, []).append(coder)
        frame = sorted(s.frame.codes, key=lambda c: c.id not in who)
        codes = [(c.id, ("✓ " if c.id in draft else "  ") + c.name
                  + (f"  ({', '.join(who[c.id])})" if c.id in who else "")) for c in frame]
        title = (f"Toggle a code (draft: {', '.join(sorted(draft)) or 'none'}); "
                 "Escape when done")
        self.app.push_screen(CodePicker(codes, title=title),
                             lambda got: self._picked(draft, got))

    def _picked(self, draft: set[str], got: str | None) -> None:
        if got is not None:
            self.pick(draft ^ {got})
            return
        listed = ", ".join(sorted(draft)) or "no codes"
        self.app.push_screen(Confirm(f"Settle this segment with: {listed}?", yes="Settle"),
                             lambda yes: yes and self.settle(sorted(draft), "edit"))

    def action_note(self) -> None:
        if not self.ready():
            return
        item = self.work.items[self.pos]
        text = item.note if item.decided else item.pending_note
        when = "" if item.decided else " (a draft until it is settled)"
        self.note_failed = False
        self.app.push_screen(MemoDialog(f"Discussion note on this segment{when}", text,
                                        on_change=self._save_note),
                             self._noted)

    def _save_note(self, text: str) -> bool:
        """Save the note as it stands (each keystroke, and when the dialog closes)."""
        try:
            saved = self.work.set_note(self.pos, text.strip())
        except Exception as e:  # noqa: BLE001 (the store refused: say so once, never "saved")
            self.error = str(e)
            if not self.note_failed:
                self.notify(f"not saved: {e}", title="Note", severity="error")
            self.note_failed = True
            return False
        self.error = None
        return saved

    def _noted(self, text: str | None) -> None:
        if text is None:  # escape: the dialog put back what was there
            self.last_action = "note unchanged"
        else:
            saved = self._save_note(text)
            self.last_action = "note saved" if saved else "note saved as a draft"
        self.show()

    def action_undo(self) -> None:
        if not self.ready():
            return
        try:
            undone = self.work.undo(self.pos)
        except Exception as e:  # noqa: BLE001
            self.notify(f"not undone: {e}", title="Undo", severity="error")
            return
        if not undone:
            self.notify("this segment has no decision to undo", timeout=2)
            return
        self.last_action = "decision undone (ctrl+r redoes it)"
        self.show()

    def action_redo(self) -> None:
        if not self.ready():
            return
        try:
            got = self.work.redo(self.pos)
        except Exception as e:  # noqa: BLE001
            self.notify(f"not redone: {e}", title="Redo", severity="error")
            return
        if got is None:
            self.notify("no undone decision to redo", timeout=2)
            return
        self.pos, self.error = got, None
        self.last_action = f"decision redone: {self.work.items[got].choice}"
        self.show()
