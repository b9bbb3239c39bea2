"""Tables at 80 columns break words only where they have a boundary (issue: the new-user walk
saw "metropo/litan", "counci/l", 13-line notes and a row per uncoded FOI letter)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app
from qualkit.cli.tables import fit_columns, wrap_label
from qualkit.foi.parse import parse_letter, stored_answers
from qualkit.foi.tally import tally

FOI = Path(__file__).resolve().parents[1] / "foi"
TALK = ("Interviewer: Do you link health data?\n"
        "P2: Not yet. The ICB will not sign the agreement, honestly.\n"
        "P2: Our systems cannot talk to each other at all.\n")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_ids_wrap_after_their_own_separators():
    assert wrap_label("barrier.health_data.mismatched_scope", 20) == (
        "barrier.health_data.\nmismatched_scope")
    assert wrap_label("use.strategic_planning", 21) == "use.strategic_\nplanning"
    assert wrap_label("ashby-vale-council.txt", 21) == "ashby-vale-\ncouncil.txt"  # no "txt"
    assert wrap_label("short", 20) == "short"


def test_headers_shorten_only_when_nothing_else_fits():
    roomy = fit_columns(["yes"], ["metropolitan district", "unitary"], [6, 6], 60)
    assert roomy.headers == ["metropolitan district", "unitary"] and not roomy.key
    assert roomy.widths[0] == len("metropolitan district")  # one line when there is room
    tight = fit_columns(["yes"], ["metropolitan district", "unitary"], [6, 6], 18)
    assert tight.widths[0] < len("metropolitan")
    assert tight.key == {tight.headers[0].split()[0]: "metropolitan"}
    assert "unitary" in tight.headers  # the longest word is shortened first


def _sample_tally() -> pd.DataFrame:
    rows, docs = [], []
    for attrs in csv.DictReader((FOI / "attributes.csv").open(encoding="utf-8")):
        if not attrs["file"].endswith(".txt"):
            continue
        letter = parse_letter((FOI / attrs["file"]).read_text(encoding="utf-8"))
        docs.append({"document": attrs["file"], "kind": "foi",
                     "authority_type": attrs["authority_type"]})
        for a in stored_answers(letter):
            rows.append({"document": attrs["file"], "question": a.question, "answer": a.answer,
                         "options": list(a.options), "qualifier": a.qualifier,
                         "confidence": a.confidence, "start": a.start, "end": a.end})
    return tally(pd.DataFrame(rows), pd.DataFrame(docs), by="authority_type")


def test_foi_tally_at_80_columns_keeps_header_words_whole(monkeypatch):
    df = _sample_tally()

    class Stub:
        def foi_tally(self, by=None, question=None):
            return df

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("qualkit.cli.foi.open_current", lambda: Stub())
    res = run("foi", "tally")
    assert res.exit_code == 0, res.output
    blocks = res.output.split("\n\n")
    wide = [b for b in blocks if "metropolitan" in b or "metropol" in b]
    assert len(wide) >= 6  # every council question
    for block in wide:
        words = set(block.split())
        shortened = dict(re.findall(r"(\S+) = (\w+)", block))
        for word in ("county", "council", "london", "borough", "metropolitan", "district",
                     "unitary", "councils"):
            assert word in words or word in shortened.values(), (word, block)
        assert all(short[:-1] == long_[:len(short) - 1] for short, long_ in shortened.items())
    assert max(map(len, res.output.splitlines())) <= 80  # notes too wrap between words


def agreement_project(tmp_path):
    """Two coders who agree on one document they both marked done; a second document nobody
    marked done."""
    root = tmp_path / "study"
    run("init", str(root))
    write(root / "transcripts" / "one.txt", TALK)
    write(root / "transcripts" / "two.txt", TALK)
    run("-C", str(root), "ingest")
    with qk.open_project(root) as p:
        segs = p.segments(speaker="P2")
        a, b = segs[segs["document"] == "one.txt"]["segment_id"].iloc[:2]
        p.code(a, "barrier.data_digital.systems", coder="ana")
        p.code(a, "barrier.health_data.mismatched_scope", coder="ben")
        p.code(b, "barrier.data_digital.systems", coder="ana")
        p.code(b, "barrier.data_digital.systems", coder="ben")
        for coder in ("ana", "ben"):
            p.mark_done("one", coder=coder)
        ids = {c.id for c in p.codeframe().codes}
    return root, ids


def _first_column(output: str) -> list[list[str]]:
    """The first column of a boxed table, one list of lines per row."""
    rows: list[list[str]] = []
    for line in output.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells[1]:  # a row starts where "units" has a number
            rows.append([cells[0]])
        elif cells[0]:
            rows[-1].append(cells[0])
    return rows


def test_agree_at_80_columns_wraps_ids_at_dots_and_notes_once(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    root, ids = agreement_project(tmp_path)
    res = run("-C", str(root), "agree")
    assert res.exit_code == 0, res.output
    assert max(map(len, res.output.splitlines())) <= 80
    rows = _first_column(res.output)
    assert len(rows) == len(ids) + 1  # every code and "(all codes)"
    for pieces in rows:
        assert "".join(pieces) in ids | {"(all codes)"}
        assert all(p[-1] in "._-" for p in pieces[:-1]), pieces  # never "health_d/ata"
    # the long note is said once, below the table; the table has its mark
    note = "no variation: every coder applied it nowhere"
    assert res.output.count(note) == 1
    assert re.search(r"^¹ no variation", res.output, re.M) and "n/v¹" in res.output


def test_agree_by_document_sums_up_documents_nobody_compared(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    root, _ = agreement_project(tmp_path)
    res = run("-C", str(root), "agree", "--by", "document")
    assert res.exit_code == 0, res.output
    assert ["".join(r) for r in _first_column(res.output)] == ["one.txt"]
    assert "1 document left out: not marked done by at least two of ana, ben." in res.output
    assert "observed by two or more" not in res.output
