"""The codeframe screen: add, rename, re-parent, merge and delete codes.

Each edit goes through the ``Project``, which rewrites the YAML in ``codeframes/`` keeping its
comments and order, checks it with the normal loader before replacing the file, and moves or
removes codings in the same undo step (``u`` brings a deleted code and its codings back).
Merge and delete always ask first and say how many codings, of how many coders, they touch.
"""
from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from qualkit.tui.dialogs.code_picker import CodePicker
from qualkit.tui.dialogs.confirm import Confirm
from qualkit.tui.dialogs.prompt import Prompt
from qualkit.tui.widgets.code_tree import CodeTree
from qualkit.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from qualkit.tui.app import QualkitApp

TOP = "(top level)"


class CodeframeScreen(Screen):
    CSS_PATH = "codeframe.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back to coding"),
        Binding("a", "add(False)", "Add sub-code"),
        Binding("A", "add(True)", "Add top-level code", show=False),
        Binding("r", "rename", "Rename"),
        Binding("p", "move", "Re-parent"),
        Binding("m", "merge", "Merge into…"),
        Binding("x,delete", "delete", "Delete"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
    ]

    @property
    def qapp(self) -> "QualkitApp":
        return self.app  # type: ignore[return-value]

    @property
    def p(self) -> Any:
        return self.qapp.project

    def compose(self) -> ComposeResult:
        yield Static(id="file")
        with Horizontal(id="body"):
            yield CodeTree(id="tree")
            with VerticalScroll(id="detail-box"):
                yield Static(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tree").border_title = "Codes (all coders' counts)"
        self.query_one("#detail-box").border_title = "Code"
        self.query_one(CodeTree).focus()
        self.rebuild()

    def rebuild(self, select: str | None = None) -> None:
        s = self.qapp.session
        self.all_counts = Counter(self.p.codings()["code_id"])
        tree = self.query_one(CodeTree)
        tree.build(s.frame, self.all_counts, s.retired)
        header = self.query_one("#file", Static)
        if s.frame is None:
            header.update(Text("The codeframe cannot be edited here until the file loads:\n"
                               + "\n".join(p.detail for p in s.problems), style="red"))
        else:
            header.update(Text(f"{self.p.codeframe_path.relative_to(self.p.root)}: "
                               f"{len(s.frame.codes)} codes. Edits are saved to the file at "
                               "once (comments kept); u undoes."))
        self.call_after_refresh(self._select, select)
        self.query_one(StatusBar).show(s, None)

    def _select(self, code_id: str | None) -> None:
        tree = self.query_one(CodeTree)
        if code_id:
            tree.select_code(code_id)
        elif tree.cursor_node is None:
            tree.reset_cursor()
        self.highlighted()

    # -- the highlighted code ----------------------------------------------------------------
    @property
    def code_id(self) -> str | None:
        node = self.query_one(CodeTree).cursor_node
        return node.data if node is not None else None

    @on(Tree.NodeHighlighted)
    def highlighted(self) -> None:
        code_id, s = self.code_id, self.qapp.session
        detail = self.query_one("#detail", Static)
        if code_id is None or s.frame is None or code_id not in s.frame.ids:
            detail.update(Text(f"{code_id or ''}\nNot in the codeframe: its codings are kept."
                               if code_id else ""))
            return
        c = s.frame.get(code_id)
        out = Text()
        out.append(f"{c.name}\n", style="bold")
        out.append(f"id {c.id}" + (f" · under {c.parent}" if c.parent else " · top level")
                   + f" · {self.all_counts.get(c.id, 0)} codings ({s.counts.get(c.id, 0)} "
                   f"yours)\n\n", style="dim")
        for label, value in (("description", c.description), ("include", c.include),
                             ("exclude", c.exclude)):
            if value:
                out.append(f"{label}: ", style="bold")
                out.append(value + "\n")
        for e in c.examples:
            out.append(f"  “{e}”\n", style="italic")
        memo = self.p.memo("code", c.id, coder=s.coder)
        if memo:
            out.append("your memo: ", style="bold")
            out.append(memo + "\n")
        detail.update(out)

    # -- edits -----------------------------------------------------------------------------
    def edit(self, fn, *args: Any, select: str | None = None, done: str = "") -> None:
        """Run one Project edit; on success reload what the screens show."""
        s = self.qapp.session
        try:
            result = fn(*args, coder=s.coder)
        except Exception as e:  # noqa: BLE001 (refused edits come back as one clear line)
            self.notify(str(e), title="Codeframe", severity="error", timeout=8)
            return
        s.load_codeframe()
        s.reload_codings()
        s.suggestions.clear()
        s.last_saved = time.time()
        self.qapp.session_dirty = True
        self.rebuild(select)
        if done:
            self.notify(done.format(result=result), timeout=4)

    def _frame_ok(self) -> bool:
        if self.qapp.session.frame is None:
            self.notify("fix the codeframe file first (see the message at the top)",
                        severity="error")
            return False
        return True

    def action_add(self, top: bool) -> None:
        if not self._frame_ok():
            return
        parent = None if top else self.code_id
        where = f"under {parent}" if parent else "at the top level"
        self.app.push_screen(Prompt(f"New code {where}: its name"),
                             lambda name: name and self._ask_id(name, parent))

    def _ask_id(self, name: str, parent: str | None) -> None:
        from qualkit.codeframe_edit import suggest_id

        frame = self.qapp.session.frame
        proposed = suggest_id(name, parent, set(frame.ids))
        self.app.push_screen(
            Prompt(f"Id for “{name}” (kept for good once used)", proposed,
                   check=lambda i: f"there is already a code {i!r}" if i in frame.ids else None),
            lambda code_id: code_id and self.edit(self.p.add_code, code_id, name, parent,
                                                  select=code_id, done=f"added {code_id}"))

    def action_rename(self) -> None:
        code_id = self.code_id
        if not (self._frame_ok() and code_id in self.qapp.session.frame.ids):
            return
        old = self.qapp.session.frame.get(code_id).name
        self.app.push_screen(Prompt(f"New name for {code_id} (its id stays)", old),
                             lambda name: name and name != old and self.edit(
                                 self.p.rename_code, code_id, name, select=code_id,
                                 done=f"renamed {code_id}"))

    def _pick(self, title: str, then, top: bool = False) -> None:
        code_id = self.code_id
        if not (self._frame_ok() and code_id in self.qapp.session.frame.ids):
            return
        codes = [(c.id, c.name) for c in self.qapp.session.frame.codes if c.id != code_id]
        if top:
            codes.insert(0, (TOP, "no parent"))
        self.app.push_screen(CodePicker(codes, title.format(code=code_id)),
                             lambda target: target and then(code_id, target))

    def action_move(self) -> None:
        self._pick("Put {code} under which code?", lambda code, target: self.edit(
            self.p.move_code, code, None if target == TOP else target, select=code,
            done=f"{code} moved"), top=True)

    def action_merge(self) -> None:
        self._pick("Merge {code} into which code?", self._confirm_merge)

    def _confirm_merge(self, code: str, into: str) -> None:
        n, coders = self._usage(code)
        self.app.push_screen(Confirm(
            f"Merge {code} into {into}? {n} codings ({coders}) move to {into}, its sub-codes go "
            f"under {into}, and {code} leaves the codeframe file. One undo (u) takes it back.",
            yes="Merge"), lambda yes: yes and self.edit(
                self.p.merge_codes, code, into, select=into,
                done=f"merged {code} into {into}: {{result}} codings moved"))

    def action_delete(self) -> None:
        code = self.code_id
        if not (self._frame_ok() and code in self.qapp.session.frame.ids):
            return
        children = [c.id for c in self.qapp.session.frame.children(code)]
        if children:
            self.notify(f"{code!r} has sub-codes ({', '.join(children)}): move or delete them "
                        "first", severity="error", timeout=8)
            return
        n, coders = self._usage(code)
        self.app.push_screen(Confirm(
            f"Delete {code} ({self.qapp.session.code_name(code)})? "
            + (f"Its {n} codings ({coders}) are removed too. " if n else "Nobody has used it. ")
            + "One undo (u) brings it back.", yes="Delete"),
            lambda yes: yes and self.edit(self.p.delete_code, code,
                                          done=f"deleted {code} ({{result}} codings removed)"))

    def _usage(self, code: str) -> tuple[int, str]:
        df = self.p.codings()
        by = df[df["code_id"] == code].groupby("coder").size()
        return int(by.sum()), ", ".join(f"{k} {v}" for k, v in by.items()) or "none"

    def replay(self, redo: bool) -> None:
        try:
            rows = self.qapp.session.replay(redo)
        except Exception as e:  # noqa: BLE001 (e.g. the file was edited by hand since)
            self.notify(str(e), severity="error", timeout=8)
            return
        self.qapp.session_dirty = True
        self.qapp.session.load_codeframe()
        self.rebuild()
        self.notify(f"nothing to {'redo' if redo else 'undo'}" if rows is None else
                    ("redone" if redo else "undone"), timeout=2)

    def action_undo(self) -> None:
        self.replay(False)

    def action_redo(self) -> None:
        self.replay(True)

    def action_back(self) -> None:
        self.app.pop_screen()
