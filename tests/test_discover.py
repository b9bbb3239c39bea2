"""Discovery never drops a file silently and never ends the batch (issue #9): broken links,
link loops (inside a folder or as an argument), unreadable folders, links to folders and
folders named like files are each named with a reason."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualkit.ingest.discover import discover

from conftest import write

GOOD = "Interviewer: How do you link data?\nP1: We link school census records every term.\n"


def shown(root: Path):
    return lambda p: Path(p).relative_to(root).as_posix() if Path(p).is_relative_to(root) \
        else str(p)


@pytest.fixture
def tree(tmp_path):
    t = tmp_path / "transcripts"
    write(t / "a.txt", GOOD)
    write(t / "sub" / "b.txt", GOOD)
    write(t / ".hidden" / "c.txt", GOOD)
    write(t / "notes.rtf", "{\\rtf1}")
    os.symlink("nowhere.txt", t / "dangling.txt")
    os.symlink("l2.txt", t / "l1.txt")
    os.symlink("l1.txt", t / "l2.txt")
    os.symlink("..", t / "up")
    (t / "x.txt").mkdir()
    write(t / "x.txt" / "inside.txt", GOOD)
    return tmp_path


def test_every_unreadable_entry_in_a_folder_is_named(tree):
    found = discover([tree / "transcripts"], shown(tree))
    assert [p.relative_to(tree).as_posix() for p in found.files] == [
        "transcripts/a.txt", "transcripts/sub/b.txt", "transcripts/x.txt/inside.txt"]
    assert dict(found.skipped) == {
        "transcripts/dangling.txt": "broken link (it points to nowhere.txt, which does not "
                                    "exist)",
        "transcripts/l1.txt": "symlink loop (the link leads back to itself)",
        "transcripts/l2.txt": "symlink loop (the link leads back to itself)",
        "transcripts/up": "link to a folder, not followed (give the folder itself)",
    }
    assert found.warnings == ["transcripts/x.txt: a folder named like a file; its contents "
                              "are read as a folder"]
    assert found.ignored == ["transcripts/notes.rtf"]


def test_a_symlink_loop_given_as_an_argument_is_skipped_and_the_rest_goes_on(tree):
    os.symlink("loop2", tree / "loop1")
    os.symlink("loop1", tree / "loop2")
    found = discover([tree / "loop1", tree / "transcripts" / "a.txt", tree / "gone.txt"],
                     shown(tree))
    assert found.skipped == [("loop1", "symlink loop (the link leads back to itself)"),
                             ("gone.txt", "no such file or folder")]
    assert [p.name for p in found.files] == ["a.txt"]


def test_an_unreadable_folder_is_named_even_as_root(tree, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover([tree / "transcripts"], shown(tree))
    assert ("transcripts/sub", "cannot open folder (Permission denied); its files were not "
                               "read") in found.skipped
    assert "transcripts/sub/b.txt" not in [p.relative_to(tree).as_posix() for p in found.files]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can open any folder")
def test_an_unreadable_folder_for_real(tree):
    sub = tree / "transcripts" / "sub"
    sub.chmod(0)
    try:
        found = discover([tree / "transcripts"], shown(tree))
    finally:
        sub.chmod(0o755)
    assert ("transcripts/sub", "cannot open folder (Permission denied); its files were not "
                               "read") in found.skipped


def test_the_same_file_twice_is_read_once(tree):
    os.symlink("a.txt", tree / "transcripts" / "alias.txt")
    found = discover([tree / "transcripts", tree / "transcripts" / "a.txt"], shown(tree))
    assert [p.name for p in found.files].count("a.txt") == 1


def test_ingest_exit_code_and_messages_through_the_cli(tree):
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    subprocess.run([sys.executable, "-m", "qualkit", "init", str(tree)], check=True, env=env,
                   capture_output=True)
    r = subprocess.run([sys.executable, "-m", "qualkit", "-C", str(tree), "ingest"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1
    assert "skipped transcripts/l1.txt: symlink loop" in r.stderr
    assert "skipped transcripts/dangling.txt: broken link" in r.stderr
    assert "3 added" in r.stdout and "4 skipped" in r.stdout
