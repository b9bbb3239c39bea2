"""Exports are private and atomic (issue #9): 0600 whatever the umask, and a failed write
leaves the previous file whole."""
from __future__ import annotations

import os
import stat

import pytest

from qualkit.safe_write import private_file, write_private


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_files_are_0600_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        text = write_private(tmp_path / "exports" / "quotes.md", "“A quote”\n")
        raw = write_private(tmp_path / "exports" / "codes.xlsx", b"PK\x03\x04data")
    finally:
        os.umask(old)
    assert mode(text) == 0o600 and mode(raw) == 0o600
    assert text.read_text(encoding="utf-8") == "“A quote”\n"
    assert raw.read_bytes() == b"PK\x03\x04data"


def test_replacing_a_world_readable_file_makes_it_private(tmp_path):
    target = tmp_path / "old.csv"
    target.write_text("old")
    target.chmod(0o644)
    write_private(target, "new")
    assert mode(target) == 0o600 and target.read_text() == "new"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_private(tmp_path / "report.docx", b"complete old export")
    with pytest.raises(RuntimeError):
        with private_file(target) as f:
            f.write(b"half of the new")
            raise RuntimeError("disk full, say")
    assert target.read_bytes() == b"complete old export"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


def test_a_library_can_save_into_it(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "barrier.culture"
    with private_file(tmp_path / "codes.xlsx") as f:
        wb.save(f)
    assert mode(tmp_path / "codes.xlsx") == 0o600
    assert openpyxl.load_workbook(tmp_path / "codes.xlsx").active["A1"].value == "barrier.culture"
