"""The coding app talks to the Project only: a TUI module importing the store breaks the
import contract (checked on a scratch copy, as tests/test_import_hygiene.py does for the core)."""
from __future__ import annotations

import shutil

from test_import_hygiene import REPO, lint_imports


def test_a_tui_module_importing_the_store_breaks_the_contract(tmp_path):
    shutil.copytree(REPO / "qualkit", tmp_path / "qualkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path, tmp_path).returncode == 0
    (tmp_path / "qualkit" / "tui" / "scratch.py").write_text(
        "from qualkit.store import Store\n", encoding="utf-8")
    res = lint_imports(tmp_path, tmp_path)
    assert res.returncode != 0
    assert "qualkit.tui.scratch -> qualkit.store" in res.stdout
