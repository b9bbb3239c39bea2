"""The coding session as Project methods: what the coding app (``qualkit.tui``) calls.

Coding several segments as one undo step, undo and redo per coder (persisted in
``coding_log``, so they work after a restart), codeframe edits that rewrite the YAML keeping
its comments (``qualkit.codeframe_edit``), memos, the remembered coder name, and the small
reads the screens need. Each method is a few lines over the store.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualkit.models import QualkitError
from qualkit.settings import STATE_DIR

if TYPE_CHECKING:
    import pandas as pd



class CodingSessionMixin:
    store: Any
    root: Path
    settings: dict[str, Any]

    # -- coding session (TUI) ----------------------------------------------------------------
    def code_segments(self, segment_ids: Iterable[str], code_id: str, coder: str | None = None,
                      remove: bool = False, source: str = "manual") -> int:
        """Apply (``remove``: take off) one code on several segments as ONE undo step.
        Returns how many codings changed."""
        self.codeframe()
        pairs = [(sid, code_id) for sid in segment_ids]
        return self.store.code_many(pairs, self._coder(coder), remove, source)[0]

    def undo(self, coder: str | None = None) -> list[dict] | None:
        """Undo ``coder``'s last action (persisted: works after a restart). Returns its log
        rows (action, segment_id, code_id), or None when there is nothing to undo."""
        return self._replay(self._coder(coder), redo=False)

    def redo(self, coder: str | None = None) -> list[dict] | None:
        return self._replay(self._coder(coder), redo=True)

    def _replay(self, coder: str, redo: bool) -> list[dict] | None:
        from qualkit.coding_actions import replay

        return replay(self.store, self.codeframe_path, coder, redo, self._resync_codes)

    def _resync_codes(self) -> Codeframe:
        self.store.set_setting("codeframe_digest", None)
        self._codeframe = None
        return self.codeframe()

    def _edit_codeframe(self, edit: Any, *args: Any, coder: str | None,
                        move: tuple[str, str] | None = None, drop: str | None = None) -> int:
        """One codeframe edit (a ``codeframe_edit`` function) as one undo step."""
        from qualkit.coding_actions import commit_edit

        text = edit(self.codeframe_path.read_text(encoding="utf-8-sig"), self.codeframe(), *args)
        changed = commit_edit(self.store, self.codeframe_path, self._coder(coder), text, move,
                              drop)
        self._resync_codes()
        return changed

    def add_code(self, code_id: str, name: str, parent: str | None = None,
                 coder: str | None = None) -> None:
        """Add a code to the codeframe file (comments and order kept); one undo step."""
        from qualkit.codeframe_edit import add_code

        self._edit_codeframe(add_code, code_id, name, parent, coder=coder)

    def rename_code(self, code_id: str, name: str, coder: str | None = None) -> None:
        from qualkit.codeframe_edit import rename_code

        self._edit_codeframe(rename_code, code_id, name, coder=coder)

    def move_code(self, code_id: str, parent: str | None, coder: str | None = None) -> None:
        """Re-parent a code (``parent=None``: top level)."""
        from qualkit.codeframe_edit import move_code

        self._edit_codeframe(move_code, code_id, parent, coder=coder)

    def merge_codes(self, code_id: str, into: str, coder: str | None = None) -> int:
        """Merge a code into another: every coder's codings move to the survivor, sub-codes
        go under it, the merged code leaves the file. Returns how many codings moved."""
        from qualkit.codeframe_edit import merge_code

        return self._edit_codeframe(merge_code, code_id, into, coder=coder,
                                    move=(code_id, into))

    def delete_code(self, code_id: str, coder: str | None = None) -> int:
        """Delete a code and every coder's codings of it (undo restores both). Returns how
        many codings were removed."""
        from qualkit.codeframe_edit import remove_code

        return self._edit_codeframe(remove_code, code_id, coder=coder, drop=code_id)

    def memo(self, target_type: str, target_id: str, coder: str | None = None) -> str:
        """``coder``'s memo on a segment, code, document, theme or the project ('' if none)."""
        rows = [r for r in self.store.memos(target_type, self._coder(coder))
                if r["target_id"] == target_id]
        return rows[0]["text"] if rows else ""

    def set_memo(self, target_type: str, target_id: str, text: str,
                 coder: str | None = None) -> None:
        """Save a memo (an empty text deletes it)."""
        self.store.set_memo(target_type, target_id, self._coder(coder), text)

    def memos(self, target_type: str | None = None, coder: str | None = None) -> "pd.DataFrame":
        import pandas as pd

        cols = ["target_type", "target_id", "coder", "text", "created", "updated"]
        return pd.DataFrame([dict(r) for r in self.store.memos(target_type, coder)],
                            columns=cols)

    def coder_name(self, given: str | None = None) -> str | None:
        """Who is coding: ``given``, else ``coder:`` in qualkit.yaml, else the name this OS
        user gave before (remembered in .qualkit/, never in the shared settings)."""
        from qualkit.local_state import read_local

        return given or self.settings.get("coder") or read_local(self.root / STATE_DIR).get("coder")

    def remember_coder(self, name: str) -> None:
        from qualkit.local_state import write_local

        write_local(self.root / STATE_DIR, coder=name.strip())

    def unmark_done(self, document: str, coder: str | None = None) -> bool:
        doc_id = self.store.document_id(self.resolve_document(document))
        return self.store.unmark_done(doc_id, self._coder(coder))

    def coding_pairs(self, coder: str | None = None) -> list[tuple[str, str]]:
        """(segment_id, code_id) of ``coder``'s codings as plain tuples, without pandas:
        what the coding screen marks on 50,000 rows at start-up."""
        return [(r[0], r[1]) for r in self.store.coding_pairs(self._coder(coder))]

    def done_documents(self, coder: str | None = None) -> list[str]:
        coder = self._coder(coder)
        return [r["document"] for r in self.store.done() if r["coder"] == coder]

    def retired_codes(self) -> list[str]:
        """Codes no longer in the codeframe file that codings still use."""
        self.codeframe()
        used = self.store.used_code_ids()
        return [r["id"] for r in self.store.codes(active_only=False) if not r["active"]
                and r["id"] in used]

    def theme_run_ids(self) -> list[int]:
        """Ids of the successful themes runs, newest first."""
        return [r["id"] for r in self.store.runs("themes", limit=100) if r["status"] == "ok"]

    @staticmethod
    def foi_questions() -> dict[str, str]:
        """FOI question id -> how the questionnaire words it."""
        from qualkit.foi.options import QUESTION_TEXT

        return dict(QUESTION_TEXT)
