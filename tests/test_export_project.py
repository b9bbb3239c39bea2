"""The workbook from a project: p.export_excel and `qualkit export excel`, read back with
openpyxl; the FOI sheet against p.foi_tally() on the three real seed letters."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app
from test_export_excel import read_foi_tally_sheet, tally_cells

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
GOV, CULT = "barrier.information_governance", "barrier.culture"
runner = CliRunner()


def coded_project(root: Path) -> qk.Project:
    p = qk.init_project(root)
    (p.root / "qualkit.yaml").write_text("embed:\n  backend: fake\n"
                                         "privacy:\n  names: [Ellie]\n", encoding="utf-8")
    write(p.root / "transcripts" / "a.txt",
          "P1: We could not agree a data sharing agreement for Ellie. The lawyers said no.\n"
          "P2: =HYPERLINK(\"http://x\") was pasted in the minutes. Culture was the problem.\n")
    write(p.root / "transcripts" / "b.txt", "P1: Nobody owned the linked dataset at all.\n")
    write(p.root / "transcripts" / "attributes.csv",
          "file,area\na.txt,north\nb.txt,south\n")
    p = qk.open_project(p.root)
    p.ingest()
    segs = p.segments()
    for sid in segs["segment_id"][:2]:
        p.code(sid, GOV, coder="ana")
    p.code(segs["segment_id"].iloc[3], CULT, coder="ana")
    p.code(segs["segment_id"].iloc[0], GOV, coder="ben")
    return p


def test_workbook_from_a_project(tmp_path):
    p = coded_project(tmp_path / "study")
    done = p.export_excel(coder="ana")
    assert done.path == p.root / "exports" / "study.xlsx"
    assert oct(done.path.stat().st_mode & 0o777) == "0o600"
    wb = openpyxl.load_workbook(done.path)
    assert {"Summary", "Codes x Documents", "Codes x area", "Quotes",
            "Codebook"} <= set(wb.sheetnames)
    ws = wb["Codes x Documents"]
    header = [c.value for c in ws[1]]
    assert "a.txt" in header and "b.txt" in header
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    gov = [k for k in rows if isinstance(k, str) and k.strip() == GOV][0]
    assert rows[gov][header.index("a.txt")] == 2  # ana's two segments of a.txt
    quotes = [c.value for row in wb["Quotes"].iter_rows() for c in row if isinstance(c.value,
                                                                                   str)]
    injected = [c for row in wb["Quotes"].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert all(c.data_type == "s" for c in injected)
    assert any("Ellie" in q for q in quotes)  # not redacted unless asked


def test_redacted_workbook_names_no_one(tmp_path):
    p = coded_project(tmp_path / "study")
    done = p.export_excel(tmp_path / "shared.xlsx", redact=True)
    wb = openpyxl.load_workbook(done.path)
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                    if c.value is not None)
    assert "Ellie" not in text and "a.txt" not in text and "Document 1" in text
    assert done.redaction is not None and done.redaction.by_kind.get("name", 0) >= 1


def test_bad_requests_are_clear_and_leave_nothing(tmp_path):
    p = coded_project(tmp_path / "study")
    res = runner.invoke(app, ["-C", str(p.root), "export", "excel", "--coder", "zed"])
    assert res.exit_code == 2 and "no coder 'zed'" in res.output
    res = runner.invoke(app, ["-C", str(p.root), "export", "excel", "-o",
                              str(tmp_path / "nope" / "x.xlsx")])
    assert res.exit_code == 2 and "does not exist" in res.output
    assert not (tmp_path / "nope").exists()
    empty = qk.init_project(tmp_path / "empty")
    write(empty.root / "transcripts" / "a.txt", "P1: Words and more words here.\n")
    (empty.root / "qualkit.yaml").write_text("embed:\n  backend: fake\n", encoding="utf-8")
    empty = qk.open_project(empty.root)
    empty.ingest()
    res = runner.invoke(app, ["-C", str(empty.root), "export", "excel"])
    assert res.exit_code == 0 and "no codings yet" in res.output


def test_foi_sheet_matches_the_tally_on_the_seed_letters(tmp_path):
    letters = sorted(SEEDS.glob("foi-response-*.txt")) if SEEDS.is_dir() else []
    if len(letters) < 3:
        pytest.skip("../shared/seeds is not present (a fresh clone has none)")
    p = qk.init_project(tmp_path / "study")
    (p.root / "qualkit.yaml").write_text("embed:\n  backend: fake\n", encoding="utf-8")
    kinds = {"barnet": "london_borough", "coventry": "metropolitan", "leicester": "unitary"}
    rows = ["file,kind,authority_type"]
    for path in letters:
        shutil.copy(path, p.root / "foi" / path.name)
        rows.append(f"{path.name},foi,{kinds[path.stem.rsplit('-', 1)[-1]]}")
    write(p.root / "foi" / "attributes.csv", "\n".join(rows) + "\n")
    p = qk.open_project(p.root)
    p.ingest()
    done = p.export_excel()
    ws = openpyxl.load_workbook(done.path)["FOI tallies"]
    assert read_foi_tally_sheet(ws) == tally_cells(p.foi_tally())
    assert len(ws._charts) >= 6  # one chart per question
