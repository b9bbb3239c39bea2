"""The codeframe as a tree with this coder's count beside each code. Choosing a code (Enter
or a click) posts ``CodeTree.Chosen``; the screen applies it to the selection."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qualkit.models import Codeframe

RETIRED = "(no longer in the codeframe)"


class CodeTree(Tree[str]):
    DEFAULT_CSS = """
    CodeTree { padding: 0; overflow-x: hidden; }
    """

    @dataclass
    class Chosen(Message):
        code_id: str

    def __init__(self, **kwargs) -> None:
        super().__init__("codes", **kwargs)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.nodes_by_code: dict[str, TreeNode[str]] = {}
        self.counts: Counter = Counter()
        self.names: dict[str, str] = {}

    def build(self, frame: Codeframe | None, counts: Counter, retired: list[str] = ()) -> None:
        self.clear()
        self.nodes_by_code.clear()
        self.counts = counts
        if frame is None:
            return
        self.names = {c.id: c.name for c in frame.codes}
        ids = set(frame.ids)
        for code in frame.codes:  # file order; parents may come later in the file
            self._add(frame, code.id, ids)
        if retired:
            parent = self.root.add(Text(RETIRED, style="red"), expand=True)
            for code_id in retired:
                self.names[code_id] = RETIRED
                self.nodes_by_code[code_id] = parent.add_leaf(self._label(code_id),
                                                              data=code_id)
        self.root.expand_all()

    def _add(self, frame: Codeframe, code_id: str, ids: set[str]) -> TreeNode[str]:
        if code_id in self.nodes_by_code:
            return self.nodes_by_code[code_id]
        code = frame.get(code_id)
        parent = self.root
        if code.parent in ids and code.parent not in frame.ancestors(code.parent):
            parent = self._add(frame, code.parent, ids)
        if frame.children(code_id):
            node = parent.add(self._label(code_id), data=code_id, expand=True)
        else:
            node = parent.add_leaf(self._label(code_id), data=code_id)
        self.nodes_by_code[code_id] = node
        return node

    def _label(self, code_id: str) -> Text:
        n = self.counts.get(code_id, 0)
        label = Text(self.names.get(code_id, code_id))
        label.append(f"  {n}" if n else "", style="bold green")
        return label

    def update_counts(self, code_ids) -> None:
        for code_id in code_ids:
            node = self.nodes_by_code.get(code_id)
            if node is not None:
                node.set_label(self._label(code_id))

    def select_code(self, code_id: str) -> None:
        node = self.nodes_by_code.get(code_id)
        if node is not None:
            self.move_cursor(node)

    def reset_cursor(self) -> None:
        """Put the cursor on the first code (posting NodeHighlighted) after a rebuild."""
        self.cursor_line = -1
        self.cursor_line = 0

    def on_focus(self) -> None:
        if self.cursor_line < 0:
            self.cursor_line = 0

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.Chosen(event.node.data))
