"""The core is a library: no UI, no heavy ML at import time (style.md §1), and the package
boundaries hold (import-linter contracts in pyproject.toml)."""
from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import qualkit

REPO = Path(__file__).resolve().parents[1]
UI = ["textual", "typer", "rich"]
ML = ["torch", "sentence_transformers", "transformers", "bertopic", "umap", "hdbscan", "spacy",
      "onnxruntime"]
UI_PACKAGES = ("qualkit.cli", "qualkit.tui", "qualkit.__main__")


def all_modules() -> list[str]:
    """Every module of the qualkit package, found by walking it (no hand-kept list)."""
    return sorted(m.name for m in pkgutil.walk_packages(qualkit.__path__, "qualkit."))


def core_modules() -> list[str]:
    return [m for m in all_modules() if not m.startswith(UI_PACKAGES)]


def loaded_after_importing(modules: list[str], watched: list[str]) -> list[str]:
    """Which of ``watched`` a fresh interpreter has loaded after importing ``modules``."""
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"print(','.join(sorted(m for m in {watched!r} if m in sys.modules)))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO)
    assert res.returncode == 0, res.stderr[-1500:]
    return [m for m in res.stdout.strip().split(",") if m]


def test_walk_finds_the_packages():
    mods = all_modules()
    for expected in ("qualkit.store.connection", "qualkit.embed.onnx", "qualkit.themes.fit",
                     "qualkit.foi.tally", "qualkit.cli.app"):
        assert expected in mods


def test_the_front_loads_nothing_heavy():
    """What every command and notebook pays for first: not even pandas."""
    front = ["qualkit", "qualkit.project", "qualkit.store", "qualkit.segment",
             "qualkit.codeframe", "qualkit.ingest.pipeline", "qualkit.analyse"]
    assert loaded_after_importing(front, UI + ML + ["pandas", "sklearn"]) == []


def test_no_core_module_loads_the_ui_or_ml_at_import():
    """Every core module, found by walking the package: ML libraries load only when used."""
    assert loaded_after_importing(core_modules(), UI + ML) == []


def test_cli_help_loads_no_heavy_library():
    """`qualkit --help` pays for typer and rich only (what loads is checked, not a timing)."""
    code = ("import sys\nsys.argv = ['qualkit', '--help']\nimport qualkit.cli as c\n"
            "try:\n    c.main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED:' + ','.join(sorted(m for m in {ML + ['pandas']!r} "
            "if m in sys.modules)))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    loaded = [line for line in res.stdout.splitlines() if line.startswith("LOADED:")]
    assert loaded == ["LOADED:"], res.stdout[-500:] + res.stderr[-500:]


# -- import-linter --------------------------------------------------------------------------
def lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    env = {"PYTHONPATH": str(pythonpath), "PATH": str(exe.parent)}
    return subprocess.run([str(exe), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env=env)


def test_import_contracts_hold():
    res = lint_imports(REPO, REPO)
    assert res.returncode == 0, res.stdout[-3000:]
    assert "BROKEN" not in res.stdout and res.stdout.count("KEPT") >= 4


def test_every_core_package_is_under_the_ui_contract():
    """A new core package cannot slip past the 'no UI in the core' contract unlisted."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    ui = next(c for c in contracts if set(c["forbidden_modules"]) == set(UI))
    top_level = {".".join(m.split(".")[:2]) for m in core_modules()}
    assert top_level <= set(ui["source_modules"])


def test_a_wrong_import_breaks_the_contracts(tmp_path):
    """The contracts really bite: a store module importing rich, or a stage importing the
    Project, fails lint-imports on a scratch copy of the package."""
    shutil.copytree(REPO / "qualkit", tmp_path / "qualkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "qualkit" / "store" / "scratch.py").write_text(
        "from rich.console import Console\n", encoding="utf-8")
    (tmp_path / "qualkit" / "themes" / "scratch.py").write_text(
        "from qualkit.project import Project\n", encoding="utf-8")
    res = lint_imports(tmp_path, tmp_path)
    assert res.returncode != 0
    assert "qualkit.store.scratch -> rich" in res.stdout
    assert "qualkit.themes.scratch -> qualkit.project" in res.stdout
