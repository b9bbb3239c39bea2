"""The coding app: a thin shell that knows the project, the coder, and which screen is up.

``make_app`` is the one factory the CLI (``qualkit code``) and the tests both use. The app
asks for a coder name once when neither ``--coder`` nor ``coder:`` in qualkit.yaml gives one,
and remembers it for this OS user (not in the shared settings). Screens do the work; the app
only switches between them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from qualkit.tui.dialogs.prompt import Prompt
from qualkit.tui.screens.coding import CodingScreen
from qualkit.tui.screens.help import HelpScreen
from qualkit.tui.widgets.segment_list import SegmentList


class QualkitApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "qualkit"
    BINDINGS = [
        Binding("question_mark", "help", "Keys"),
        Binding("t", "themes", "Themes"),
        Binding("e", "codeframe", "Codeframe"),
        Binding("g", "documents", "Documents", tooltip="Documents: progress per document, "
                                                       "go to one"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, project: Any, coder: str | None = None, document: str | None = None,
                 redact: bool = False, reconcile: dict[str, Any] | None = None):
        super().__init__()
        self.project = project
        self.redact = redact  # pseudonymise what is shown (privacy.redact_screens also does)
        self.reconcile = reconcile  # coders, into, require_done: opens the reconcile screen
        self.coder = coder
        self.document = document
        self.session = None  # the coding screen's Session, once loaded
        self.session_dirty = False  # another screen changed codings or codes
        self.documents_sort: str | None = None  # the documents screen's order, once chosen
        self.questions = project.foi_questions()

    def on_mount(self) -> None:
        self.title = f"qualkit — {self.project.root.name}"
        if self.reconcile is not None:
            from qualkit.tui.screens.reconcile import ReconcileScreen

            self.push_screen(ReconcileScreen(**self.reconcile))
            return
        if self.coder:
            self.push_screen(CodingScreen(self.document))
            return
        self.push_screen(Prompt("Who is coding?", help="Your coder name, used for every coding "
                                "you make. It is remembered for you on this computer (change "
                                "it with --coder)."), self._named)

    def _named(self, name: str | None) -> None:
        if not name:
            self.exit(message="No coder name given; nothing was changed.")
            return
        self.project.remember_coder(name)
        self.coder = name
        self.push_screen(CodingScreen(self.document))

    # -- screens -------------------------------------------------------------------------
    def help_sources(self) -> list[tuple[str, list]]:
        from qualkit.tui.screens.codeframe import CodeframeScreen
        from qualkit.tui.screens.documents import DocumentsScreen
        from qualkit.tui.screens.themes import ThemesScreen

        return [("Coding screen", CodingScreen.BINDINGS),
                ("Segment list", SegmentList.BINDINGS),
                ("Everywhere", self.BINDINGS),
                ("Themes screen", ThemesScreen.BINDINGS),
                ("Codeframe screen", CodeframeScreen.BINDINGS),
                ("Documents screen", DocumentsScreen.BINDINGS)]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            sources = getattr(self.screen, "help_sources", self.help_sources)
            self.push_screen(HelpScreen(sources()))

    def _can_switch(self) -> bool:
        if self.session is None:
            self.notify("still loading the project", severity="warning", timeout=2)
        return self.session is not None and isinstance(self.screen, CodingScreen)

    def action_themes(self) -> None:
        from qualkit.tui.screens.themes import ThemesScreen

        if self._can_switch():
            self.push_screen(ThemesScreen())

    def action_codeframe(self) -> None:
        from qualkit.tui.screens.codeframe import CodeframeScreen

        if self._can_switch():
            self.push_screen(CodeframeScreen())

    def action_documents(self) -> None:
        from qualkit.tui.screens.documents import DocumentsScreen

        if self._can_switch():
            coding = self.screen
            row = coding.current_row
            self.push_screen(DocumentsScreen(self.session.docs[row] if row is not None else None),
                             coding.go_to_document)


def make_app(root: str | Path = ".", coder: str | None = None, document: str | None = None,
             project: Any = None, redact: bool = False, mode: str = "code",
             coders: list[str] | None = None, into: str = "consensus",
             require_done: bool = True) -> QualkitApp:
    """The app on a project folder (or an open ``project``); the coder comes from ``coder``,
    else the settings, else the name remembered for this OS user, else it is asked.
    ``mode="reconcile"`` opens the reconcile screen on ``coders``' disagreements instead,
    settling them into the consensus coder ``into``."""
    if project is None:
        from qualkit.project import open_project

        project = open_project(root)
    if mode == "reconcile":
        return QualkitApp(project, redact=redact,
                          reconcile={"coders": list(coders or []), "into": into,
                                     "require_done": require_done})
    return QualkitApp(project, project.coder_name(coder), document, redact)
