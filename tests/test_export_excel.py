"""The Excel workbook, opened again with openpyxl: sheets, exact cells, formatting, safety.

Expected numbers are worked out by hand in test_export_matrices.py's docstring (the same
fixture, export_fixture.py); here they are checked where a reader sees them, in the cells.
"""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import export_fixture as fx
from qualkit.export.excel import write_workbook
from qualkit.export.excel_foi import OPTION_TEXT, QUESTION_TEXT
from qualkit.export.excel_format import sheet_title
from qualkit.export.excel_rows import fast_path_available
from qualkit.export.workbook import WorkbookData, assemble
from qualkit.foi.tally import tally
from qualkit.models import QualkitError

SHEETS = ["Summary", "Codes x Documents", "Code presence", "Codes x role", "Codes x region",
          "Co-occurrence (segments)", "Co-occurrence (documents)", "Themes", "Quotes",
          "Agreement", "FOI answers", "FOI tallies", "Codebook"]


def _book(**overrides) -> WorkbookData:
    kw = dict(project="Fixture study", coders=["ana", "ben"], exported="2024-05-01",
              codeframe="Data linkage (test)", themes=fx.themes(), quotes=fx.quotes(),
              agreement=fx.agreement(), foi_answers=fx.foi_answers(),
              foi_tally=tally(fx.foi_answers(), fx.FOI_DOCUMENTS))
    kw.update(overrides)
    book = assemble(fx.codings(), fx.segments(), fx.DOCUMENTS, fx.CODES, **kw)
    if book.foi_answers is not None:  # the FOI letters are not among the fixture's documents
        from qualkit.export.tables import foi_answer_grid

        book.foi_answers = foi_answer_grid(fx.foi_answers(), fx.FOI_DOCUMENTS)
    return book


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xl") / "study.xlsx"
    write_workbook(path, _book())
    return path


@pytest.fixture(scope="module")
def wb(xlsx: Path):
    return openpyxl.load_workbook(xlsx)


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_sheets_in_order(wb) -> None:
    assert wb.sheetnames == SHEETS


def test_summary_sheet(wb) -> None:
    ws = wb["Summary"]
    items = {r[0]: r[1] for r in _rows(ws)[1:14]}
    assert ws["A1"].value == "Item" and ws["B1"].value == "Value"
    assert items["Project"] == "Fixture study" and items["Coders"] == "ana, ben"
    assert items["Codings shown"].startswith("all coders together")
    assert items["Documents"] == 3 and isinstance(items["Documents"], int)
    assert items["Codings"] == 12 and items["Coded segments"] == 8
    listed = [r[0] for r in _rows(ws) if r[0] in SHEETS]
    assert listed == SHEETS[1:]
    freq = [r[:4] for r in _rows(ws) if r[0] in ("barrier", "enabler")]
    assert freq == [["barrier", "Barriers to data linkage", 4, 2], ["enabler", "Enablers", 4, 2]]
    assert len(ws._charts) == 1 and ws._charts[0].tagname == "barChart"
    assert ws.freeze_panes == "B2"


def test_codes_by_documents_cells(wb) -> None:
    ws = wb["Codes x Documents"]
    rows = _rows(ws)
    assert rows[0] == ["Code", "Name", "All documents", "int-01.txt", "int-02.txt",
                       "foi-leeds.txt"]
    assert rows[1] == ["barrier", "Barriers to data linkage", 4, 2, 2, 0]
    assert rows[3] == ["barrier.systems", "Incompatible systems", 3, 1, 2, 0]
    assert rows[5] == ["enabler.leadership", "Leadership", 3, 2, 0, 1]
    assert ws["B3"].alignment.indent > 0 and ws["B2"].alignment.indent == 0  # sub-code indented
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref == "A1:F6"
    assert [str(r.sqref) for r in ws.conditional_formatting] == ["D2:F6"]
    rule = ws.conditional_formatting["D2:F6"][0] if hasattr(ws.conditional_formatting, "__getitem__") \
        else None
    assert rule is None or rule.type == "colorScale"
    assert all(ws.cell(r, c).data_type == "n" and type(ws.cell(r, c).value) is int
               for r in range(2, 7) for c in range(3, 7))
    pres = _rows(wb["Code presence"])
    assert pres[0][2] == "Documents"
    assert [r[2:] for r in pres[1:6]] == [[2, 1, 1, 0], [2, 1, 1, 0], [2, 1, 1, 0], [2, 1, 0, 1],
                                           [2, 1, 0, 1]]


def test_codes_by_attribute_layout(wb) -> None:
    ws = wb["Codes x region"]
    rows = _rows(ws)
    assert rows[0] == ["Code", "Name", "north\n(n = 1)", "%", "south\n(n = 1)", "%",
                       "(missing)\n(n = 1)", "%", "All documents\n(n = 3)", "%"]
    assert rows[1] == ["barrier", "Barriers to data linkage", 1, 100.0, 1, 100.0, 0, 0.0, 2, 66.7]
    assert rows[4] == ["enabler", "Enablers", 1, 100.0, 0, 0.0, 1, 100.0, 2, 66.7]
    assert rows[6][0] == "n = documents in group" and rows[6][2:10:2] == [1, 1, 1, 3]
    assert ws["D2"].number_format == "0.0" and type(ws["J2"].value) is float
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:J6"
    assert [str(r.sqref) for r in ws.conditional_formatting] == ["D2:D6 F2:F6 H2:H6 J2:J6"]


def test_cooccurrence_sheets(wb) -> None:
    rows = _rows(wb["Co-occurrence (segments)"])
    assert rows[0][2:] == ["barrier", "barrier.ig", "barrier.systems", "enabler",
                           "enabler.leadership"]
    assert [r[2:] for r in rows[1:6]] == [[4, 2, 3, 0, 0], [2, 2, 2, 0, 0], [3, 2, 3, 0, 0],
                                          [0, 0, 0, 4, 3], [0, 0, 0, 3, 3]]
    doc = _rows(wb["Co-occurrence (documents)"])
    assert doc[1][2:] == [2, 2, 2, 1, 1]
    assert len(wb["Co-occurrence (documents)"].conditional_formatting) == 1


def test_quotes_themes_agreement_codebook(wb) -> None:
    q = wb["Quotes"]
    assert _rows(q)[0] == ["Code", "Name", "Rank", "Document", "Speaker", "Start", "End", "Text"]
    assert _rows(q)[2][:7] == ["barrier", "Barriers to data linkage", 2, "int-01.txt", "P1", 0,
                               len(fx.TEXTS["s1"])]
    assert q["H2"].alignment.wrap_text and q.column_dimensions["H"].width >= 40
    assert q["C2"].alignment.vertical == "top"  # numbers line up with the quote's first line
    assert q.row_dimensions[4].height and q.row_dimensions[4].height > 15  # a 2-line quote
    assert q.freeze_panes == "B2" and q.auto_filter.ref == "A1:H4"
    th = _rows(wb["Themes"])
    assert th[0] == ["Theme", "Segments", "Keywords", "Resembles code", "Score",
                     "Representative quotes"]
    assert th[1][1:5] == [5, "consent, systems, share", "barrier", 0.61]
    ag = wb["Agreement"]
    assert _rows(ag)[1][:3] == ["barrier.ig", "Information governance", 10]
    assert ag["E2"].number_format == "0.000" and ag["E2"].value == pytest.approx(0.6153846)
    cb = _rows(wb["Codebook"])
    assert [r[0] for r in cb[1:]] == ["barrier", "barrier.ig", "barrier.systems", "enabler",
                                      "enabler.leadership"]
    assert cb[2][:4] == ["barrier.ig", "Information governance", "barrier", 1]


def test_formula_injection_guard(xlsx: Path, wb) -> None:
    q = wb["Quotes"]
    hostile = {q.cell(r, 8).value: q.cell(r, 8) for r in range(2, 5)}
    for text in (fx.TEXTS["s2"], fx.TEXTS["s3"]):
        cell = hostile[text]  # the value comes back exactly as said, no apostrophe added
        assert cell.data_type == "s" and cell.quotePrefix is True
    assert hostile[fx.TEXTS["s1"]].quotePrefix is False
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)
    with zipfile.ZipFile(xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_guard_covers_every_trigger_and_headers(tmp_path: Path) -> None:
    texts = ["=1+1", "+44 1234", "-5 children", "@SUM(A1)", "\t=1", "\r=1", "a < b & c > d\r\n"]
    docs = pd.DataFrame({"document": ["=cmd|' /C calc'!A0"], "kind": ["transcript"]})
    codings = pd.DataFrame({"segment_id": ["a"], "document": ["=cmd|' /C calc'!A0"],
                            "code_id": ["barrier"], "coder": ["ana"]})
    quotes = pd.DataFrame({"code_id": ["barrier"] * len(texts), "rank": range(1, 8),
                           "text": texts})
    book = assemble(codings, fx.segments(), docs, fx.CODES, quotes=quotes)
    write_workbook(tmp_path / "g.xlsx", book)
    wb = openpyxl.load_workbook(tmp_path / "g.xlsx")
    cells = [wb["Quotes"].cell(r, 4) for r in range(2, 9)]
    assert [c.value for c in cells] == texts
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False]
    head = wb["Codes x Documents"]["D1"]
    assert head.value == "=cmd|' /C calc'!A0" and head.data_type == "s" and head.quotePrefix


def read_foi_tally_sheet(ws) -> dict:
    """(question, option, group) -> (count, denominator, percent) as the sheet shows them."""
    label_to_option = {v: k for k, v in OPTION_TEXT.items()}
    found = {}
    titles = {v: k for k, v in QUESTION_TEXT.items()}
    for row in range(1, ws.max_row + 1):
        question = titles.get(ws.cell(row, 1).value)
        if question is None:
            continue
        groups = [ws.cell(row + 1, c).value for c in range(2, ws.max_column + 1, 2)]
        groups = [g for g in groups if g]
        r = row + 3
        while ws.cell(r, 1).value != "n = authorities asked":
            option = label_to_option[ws.cell(r, 1).value]
            for j, g in enumerate(groups):
                count, pct = ws.cell(r, 2 + 2 * j), ws.cell(r, 3 + 2 * j)
                den = ws.cell(_n_row(ws, r), 2 + 2 * j).value
                if count.value is None:  # this group has no row for the option
                    continue
                assert type(count.value) is int and pct.number_format == "0.0"
                found[(question, option, g)] = (count.value, den, pct.value)
            r += 1
    return found


def tally_cells(expected) -> dict:
    return {(q, o, g): (c, d, p) for q, o, g, c, d, p in
            expected[["question", "option", "group", "count", "denominator",
                      "percent"]].itertuples(index=False)}


def test_foi_tally_sheet_equals_tally(wb) -> None:
    expected = tally(fx.foi_answers(), fx.FOI_DOCUMENTS)
    ws = wb["FOI tallies"]
    found = read_foi_tally_sheet(ws)
    want = tally_cells(expected)
    assert found == want
    assert want[("q1_link_edu_social", "yes", "unitary")] == (1, 2, 50.0)
    assert len(ws._charts) == 2  # one per question
    assert ws.freeze_panes == "B2"


def _n_row(ws, r: int) -> int:
    while ws.cell(r, 1).value != "n = authorities asked":
        r += 1
    return r


def test_foi_answers_sheet(wb) -> None:
    rows = _rows(wb["FOI answers"])
    assert rows[0] == ["Document", "Authority type", "q1_link_edu_social", "q2_datasets"]
    assert rows[1] == ["la-1.txt", "unitary", "yes", "school_census, cin_census"]


def test_missing_parts_get_no_sheet_and_summary_says_why(tmp_path: Path) -> None:
    book = _book(themes=None, agreement=None, foi_answers=None, foi_tally=None, quotes=None,
                 omitted={"quotes": "none chosen yet"})
    write_workbook(tmp_path / "small.xlsx", book)
    wb = openpyxl.load_workbook(tmp_path / "small.xlsx")
    assert wb.sheetnames == ["Summary", "Codes x Documents", "Code presence", "Codes x role",
                             "Codes x region", "Co-occurrence (segments)",
                             "Co-occurrence (documents)", "Codebook"]
    rows = _rows(wb["Summary"])
    start = [r[0] for r in rows].index("Not included")
    left_out = {r[0]: r[1] for r in rows[start + 1:] if r[0]}
    assert left_out["Agreement"] == "no agreement table was given (it needs two coders' codings)"
    assert left_out["Themes"] == "no candidate themes were given (run themes first)"
    assert left_out["Quotes"] == "none chosen yet"
    assert wb["Codes x Documents"].print_title_cols == "$A:$C"


def test_fast_and_plain_writers_agree(tmp_path: Path, wb) -> None:
    assert fast_path_available(openpyxl.Workbook(write_only=True))  # `wb` was written fast
    write_workbook(tmp_path / "slow.xlsx", _book(), fast=False)
    slow = openpyxl.load_workbook(tmp_path / "slow.xlsx")
    assert slow.sheetnames == wb.sheetnames
    for a, b in zip(wb, slow):
        assert a.max_row == b.max_row and a.max_column == b.max_column, a.title
        for ra, rb in zip(a.iter_rows(), b.iter_rows()):
            for ca, cb in zip(ra, rb):
                assert (ca.value, ca.data_type, ca.number_format, ca.quotePrefix,
                        ca.font.b, ca.alignment.wrap_text, ca.alignment.vertical) == \
                       (cb.value, cb.data_type, cb.number_format, cb.quotePrefix,
                        cb.font.b, cb.alignment.wrap_text, cb.alignment.vertical), ca.coordinate
        assert {k: v.height for k, v in a.row_dimensions.items() if v.height} == \
               {k: v.height for k, v in b.row_dimensions.items() if v.height}, a.title
        assert a.freeze_panes == b.freeze_panes and a.auto_filter.ref == b.auto_filter.ref


def test_file_mode(tmp_path: Path, xlsx: Path) -> None:
    assert stat.S_IMODE(os.stat(xlsx).st_mode) == 0o600
    write_workbook(tmp_path / "shared.xlsx", _book(), mode=0o640)
    assert stat.S_IMODE(os.stat(tmp_path / "shared.xlsx").st_mode) == 0o640


def test_a_crash_mid_save_leaves_no_file_and_keeps_the_old_one(tmp_path: Path,
                                                               monkeypatch) -> None:
    def broken_save(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(RuntimeError):
        write_workbook(tmp_path / "new.xlsx", _book())
    assert list(tmp_path.iterdir()) == []  # neither the workbook nor the temporary file
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"previous export")
    with pytest.raises(RuntimeError):
        write_workbook(old, _book())
    assert old.read_bytes() == b"previous export" and list(tmp_path.iterdir()) == [old]


def test_unwritable_paths_say_which_and_why(tmp_path: Path) -> None:
    book = WorkbookData()
    with pytest.raises(QualkitError, match=r"cannot write .*nope/study.xlsx: the folder .*nope "
                                           r"does not exist"):
        write_workbook(tmp_path / "nope" / "study.xlsx", book)
    with pytest.raises(QualkitError, match="it is a folder"):
        write_workbook(tmp_path, book)
    (tmp_path / "file").write_text("x")
    with pytest.raises(QualkitError, match="is not a folder"):
        write_workbook(tmp_path / "file" / "study.xlsx", book)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(QualkitError, match="no permission to write in"):
        write_workbook(locked / "study.xlsx", WorkbookData())


def test_sheet_titles_are_valid_and_unique() -> None:
    used: set[str] = set()
    assert sheet_title("Codes x local/authority:type [2023]", used) == \
        "Codes x local-authority-type -2"
    assert sheet_title("Codes x local-authority-type -2", used) == "Codes x local-authority-typ (2)"
    assert all(len(t) <= 31 for t in used)


def test_importing_the_export_api_loads_no_heavy_library() -> None:
    """The Project can import write_workbook/assemble at module top without paying for them."""
    import subprocess
    import sys

    code = ("import sys, qualkit.export.excel, qualkit.export.workbook, qualkit.export.matrices, "
            "qualkit.export.tables, qualkit.files\n"
            "print(','.join(m for m in ('pandas', 'openpyxl', 'numpy', 'lxml') "
            "if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    assert res.stdout.strip() == ""


def test_values_excel_cannot_hold_are_made_safe(tmp_path: Path) -> None:
    long = "word " * 8000  # 40,000 characters: more than one cell holds
    quotes = pd.DataFrame({"code_id": ["barrier", "barrier"], "rank": [1, 2],
                           "text": [long, "bell\x07 and nul\x00 gone"]})
    matrix = pd.DataFrame({"d.txt": [1.5, float("nan")]}, index=["barrier", "enabler"])
    book = WorkbookData(quotes=quotes, code_by_document=matrix)
    write_workbook(tmp_path / "odd.xlsx", book)
    wb = openpyxl.load_workbook(tmp_path / "odd.xlsx")
    text = wb["Quotes"]["C2"].value
    assert len(text) == 32_767 and text.endswith("cell holds]") and text.startswith("word word")
    assert wb["Quotes"]["C3"].value == "bell and nul gone"
    assert wb["Codes x Documents"]["D2"].value == 1.5 and wb["Codes x Documents"]["D3"].value is None


def test_every_agreement_column_has_a_readable_header(tmp_path: Path) -> None:
    # the sheet showed raw column names (alpha_low, gwet_ac1, n_coders) beside "Cohen's kappa"
    agreement = fx.agreement().assign(n_coders=2, alpha_low=[0.2, 1.0], alpha_high=[0.9, 1.0],
                                      gwet_ac1=[0.85, 1.0], brennan_prediger=[0.8, 1.0],
                                      note=["", "no variation"])
    quotes = fx.quotes().assign(role="participant")
    write_workbook(tmp_path / "ag.xlsx", _book(agreement=agreement, quotes=quotes))
    wb = openpyxl.load_workbook(tmp_path / "ag.xlsx")
    header = _rows(wb["Agreement"])[0]
    assert "Alpha 95% CI low" in header and "Gwet's AC1" in header and "Coders" in header
    assert not [h for h in header if "_" in str(h)], header
    low = header.index("Alpha 95% CI low") + 1
    assert wb["Agreement"].cell(2, low).number_format == "0.000"
    assert "Role" in _rows(wb["Quotes"])[0]


def test_attribute_sheets_only_for_attributes_that_group_documents(tmp_path) -> None:
    """Free-text attributes (a date per interview, one transcriber note, long descriptions)
    get no Codes x <attribute> sheet; the Summary says which were left out and why."""
    docs = fx.DOCUMENTS.assign(
        interview_date=["2023-03-14", "2023-05-09", "2023-06-21"],
        transcriber=["typed from the audio"] * 3,
        mode=["Microsoft Teams meeting, automatic transcript, about twenty minutes long"] * 2
        + ["In person at the council offices, typed up from notes the same afternoon"])
    book = assemble(fx.codings(), fx.segments(), docs, fx.CODES, project="Fixture study")
    path = tmp_path / "attrs.xlsx"
    write_workbook(path, book)
    wb = openpyxl.load_workbook(path)
    attribute_sheets = [s for s in wb.sheetnames if s.startswith("Codes x ")
                        and s != "Codes x Documents"]
    assert attribute_sheets == ["Codes x role", "Codes x region"]
    rows = _rows(wb["Summary"])
    start = next(i for i, r in enumerate(rows) if r[0] == "Not included")
    left_out = {r[0]: r[1] for r in rows[start + 1:] if r[0] and r[0].startswith("Codes x ")}
    assert set(left_out) == {"Codes x interview_date", "Codes x transcriber", "Codes x mode"}
    assert "own value" in left_out["Codes x interview_date"]
    assert "same one" in left_out["Codes x transcriber"]
    assert "descriptions" in left_out["Codes x mode"]


def test_the_grouping_rule_at_its_edges() -> None:
    from qualkit.export.workbook import attribute_verdicts

    n = 40
    docs = pd.DataFrame({"document": [f"d{i}.txt" for i in range(n)],
                         "twenty": [f"g{i % 20}" for i in range(n)],  # half the documents
                         "twentyone": [f"g{i % 21}" for i in range(n)],
                         "twelve_of_20": [f"g{i % 12}" for i in range(20)] + [None] * 20,
                         "thirteen_of_20": [f"g{i % 13}" for i in range(20)] + [None] * 20,
                         "blank": [""] * n})
    verdicts = attribute_verdicts(docs)
    assert verdicts["twenty"] is None and verdicts["twelve_of_20"] is None
    assert "21 different values over 40" in verdicts["twentyone"]
    assert "13 different values over 20" in verdicts["thirteen_of_20"]  # max(12, 10) = 12
    assert verdicts["blank"] == "no document has a value"
