"""Helpers for the coding-app tests (not a test module): the bundled sample project, ingested
once per session and copied for each test, with the fast fake embedder; and a pilot helper
that waits for the app's workers."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_TEMPLATE: dict[str, Path] = {}


def sample_root(base: Path) -> Path:
    """The sample project (transcripts, FOI letters, codeframe) with ``embed: fake``."""
    root = base / "sample"
    root.mkdir(parents=True)
    for folder in ("transcripts", "foi", "codeframes"):
        shutil.copytree(REPO / folder, root / folder)
    text = (REPO / "qualkit.yaml").read_text(encoding="utf-8")
    (root / "qualkit.yaml").write_text(text.replace("backend: onnx-int8", "backend: fake"),
                                       encoding="utf-8")
    return root


def ingested_sample(tmp_path_factory, tmp_path: Path, themes: bool = False) -> Path:
    """A copy of the sample project, ingested and embedded (and with themes run)."""
    import qualkit as qk

    key = "themes" if themes else "plain"
    if key not in _TEMPLATE:
        root = sample_root(tmp_path_factory.mktemp(f"sample-{key}"))
        with qk.open_project(root) as p:
            p.ingest()
            p.embed()
        if themes:  # in a fresh process: a fit after other fits in this one may differ
            import subprocess
            import sys

            code = ("import sys, qualkit as qk\n"
                    "with qk.open_project(sys.argv[1]) as p:\n"
                    "    p.run_themes(kind='transcript', min_cluster_size=8)\n")
            subprocess.run([sys.executable, "-c", code, str(root)], check=True, cwd=REPO)
        _TEMPLATE[key] = root
    dest = tmp_path / "sample"
    shutil.copytree(_TEMPLATE[key], dest)
    return dest


def no_suggestion_delay() -> None:
    """Tests ask for suggestions at once (the app waits for a pause in typing first)."""
    from qualkit.tui.screens.coding import CodingScreen

    CodingScreen.suggest_delay = 0.001  # (a zero-delay timer is refused by textual)


no_suggestion_delay()


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let messages, workers (load, suggestions, filters) and their results land."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        await pilot.pause()
        for _attempt in range(10):
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:  # an exclusive worker replaced by a newer one
                continue
    await pilot.pause()


def codings(root: Path, coder: str) -> list[tuple[str, str]]:
    """What the store holds for ``coder``, read by a separate Project (as another process
    would)."""
    import qualkit as qk

    with qk.open_project(root) as p:
        df = p.codings(coder)
        return sorted(zip(df["segment_id"], df["code_id"]))
