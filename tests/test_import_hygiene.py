"""The core is a library: no UI, no heavy ML at import time (style.md §1)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORE_FILES = [p for p in (REPO / "qualkit").rglob("*.py")
              if "tui" not in p.relative_to(REPO / "qualkit").parts and p.name != "cli.py"]
HEAVY = ["textual", "typer", "torch", "sentence_transformers", "transformers", "bertopic",
         "umap", "hdbscan", "spacy", "onnxruntime", "sklearn", "pandas", "rich"]


def loaded_after_importing(modules: list[str], watched: list[str]) -> list[str]:
    """Which of ``watched`` a fresh interpreter has loaded after importing ``modules``."""
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"print(','.join(sorted(m for m in {watched!r} if m in sys.modules)))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    return [m for m in res.stdout.strip().split(",") if m]


def test_import_qualkit_loads_nothing_heavy():
    core = ["qualkit", "qualkit.project", "qualkit.store", "qualkit.segment", "qualkit.codeframe",
            "qualkit.ingest.pipeline", "qualkit.analyse"]
    assert loaded_after_importing(core, HEAVY) == []


def test_ml_modules_import_nothing_heavy_until_used():
    """embed/themes/suggest load torch, bertopic, umap, onnxruntime only when they run."""
    ml = ["qualkit.embed", "qualkit.themes", "qualkit.suggest", "qualkit.vectors",
          "qualkit.theme_runs", "qualkit.foi_tally", "qualkit.ingest.foi"]
    assert loaded_after_importing(ml, [m for m in HEAVY if m not in ("sklearn", "pandas",
                                                                     "rich")]) == []


def test_core_modules_never_import_the_ui():
    offenders = []
    for path in CORE_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("textual", "typer") or name == "rich.console":
                    offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert not offenders


def test_cli_help_loads_no_heavy_library():
    """`qualkit --help` pays for typer and rich only (what loads is checked, not a timing)."""
    code = ("import sys\nsys.argv = ['qualkit', '--help']\nimport qualkit.cli as c\n"
            "try:\n    c.main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED:' + ','.join(sorted(m for m in {HEAVY[2:-1]!r} if m in sys.modules)))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    loaded = [line for line in res.stdout.splitlines() if line.startswith("LOADED:")]
    assert loaded == ["LOADED:"], res.stdout[-500:] + res.stderr[-500:]
