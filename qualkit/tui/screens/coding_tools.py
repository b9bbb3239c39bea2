"""The coding screen's tools that are not coding itself: marking a document done, memos on a
segment or a code, search and filters (a filter that needs theme members or suggestion
scores runs in a worker). A mixin of ``CodingScreen``, kept apart so each file stays short."""
from __future__ import annotations

import time
from textual import work

from qualkit.tui.dialogs.code_picker import CodePicker
from qualkit.tui.dialogs.memo import MemoDialog
from qualkit.tui.dialogs.prompt import Prompt
from qualkit.tui.filters import HELP as FILTER_HELP
from qualkit.tui.filters import Filter, FilterError, parse_filter
from qualkit.tui.widgets.segment_list import SegmentList


class CodingTools:
    """Actions of the coding screen; ``self`` is the ``CodingScreen``."""

    def action_done(self) -> None:
        row = self.current_row
        if row is None:
            return
        doc = self.session.docs[row]
        done = self.session.toggle_done(doc)
        self.last_action = f"{doc} {'done' if done else 'not done'}"
        self.refresh_panels()

    # -- memos ---------------------------------------------------------------------------------
    def action_memo_segment(self) -> None:
        row = self.current_row
        if row is None:
            return
        sid = self.session.ids[row]
        old = self.qapp.project.memo("segment", sid, coder=self.qapp.coder)
        self.app.push_screen(  # saved as it is typed: quitting mid-memo loses nothing
            MemoDialog(f"Memo on segment {sid}", old,
                       on_change=lambda text: self._save_memo("segment", sid, text),
                       context=f"{self.session.docs[row]}: {self.session.texts[row]}"),
            lambda text: self._save_memo("segment", sid, text))

    def action_memo_code(self) -> None:
        s = self.session
        if s is None or s.frame is None:
            return
        codes = [(c.id, c.name) for c in s.frame.codes]
        self.app.push_screen(CodePicker(codes, "Memo on which code?"), self._memo_code_for)

    def _memo_code_for(self, code_id: str | None) -> None:
        if code_id:
            old = self.qapp.project.memo("code", code_id, coder=self.qapp.coder)
            self.app.push_screen(
                MemoDialog(f"Memo on code {code_id}", old,
                           on_change=lambda text: self._save_memo("code", code_id, text),
                           context=self.session.code_name(code_id)),
                lambda text: self._save_memo("code", code_id, text))

    def _save_memo(self, kind: str, target: str, text: str | None) -> None:
        if text is None:
            return
        try:
            self.qapp.project.set_memo(kind, target, text, coder=self.qapp.coder)
        except Exception as e:  # noqa: BLE001
            self.notify(f"memo not saved: {e}", severity="error")
            return
        self.session.last_saved = time.time()
        self.last_action = "memo saved" if text.strip() else "memo deleted"
        self.refresh_status()

    # -- search and filter ---------------------------------------------------------------------
    def action_search(self) -> None:
        self.app.push_screen(Prompt("Search segment text", self.filter.get("text") or "",
                                    "Shows only segments containing these words; empty shows "
                                    "all.", allow_empty=True),
                             lambda words: words is not None and
                             self.start_filter(self.filter.with_text(words)))

    def action_filter(self) -> None:
        codes = self.session.code_ids() if self.session else None

        def check(line: str) -> str | None:
            try:
                parse_filter(line, codes)
            except FilterError as e:
                return str(e)
            return None

        self.app.push_screen(Prompt("Filter segments", self.filter.describe(),
                                    f"Terms (all must hold): {FILTER_HELP}. Empty shows all.",
                                    check=check, allow_empty=True),
                             lambda line: line is not None and
                             self.start_filter(parse_filter(line, codes)))

    def go_to_document(self, document: str | None) -> None:
        """Back from the documents screen: ``document`` (its shown name) alone, the cursor on
        its first uncoded segment; None (Escape) keeps the view, showing any done mark."""
        if document is None or self.session is None:
            self.refresh_panels()
            return
        self.apply_filter(Filter([("doc", document)]), keep=False)
        first = self.session.next_uncoded(-1) if self.session.view else None
        if first:
            self.query_one(SegmentList).go(first)

    def start_filter(self, f: Filter) -> None:
        if f.get("theme") is None and f.suggested is None:
            self.apply_filter(f)
        else:
            self.notify("filtering… (working out themes/scores)", timeout=2)
            self.run_filter(f)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def run_filter(self, f: Filter) -> Filter:
        from qualkit.tui.filter_work import fill_filter

        return fill_filter(self.qapp.project, self.session, f)

    def apply_filter(self, f: Filter, keep: bool = True) -> None:
        s, sl = self.session, self.query_one(SegmentList)
        if s is None:
            return
        row = self.current_row
        self.filter = f
        s.view = f.rows(s)
        pos = s.view.index(row) if keep and row in s.view else 0
        sl.show(s, pos)
        sl.border_title = f"Segments ({len(s.view)} of {len(s.ids)})" if not f.empty else \
            f"Segments ({len(s.ids)})"
        if not s.view and s.ids:
            self.notify("no segment matches this filter (Escape clears it)", severity="warning")
        self.refresh_all()
        self.request_suggestions()

