"""Coders who worked apart: bundles, merging (twice = once), what cannot be placed kept aside,
agreement on the merged store, reconcile decisions as a consensus coder, REFI-QDA round trip."""
from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app

runner = CliRunner()
GOV, CULT = "barrier.information_governance", "barrier.culture"


def base_project(root):
    p = qk.init_project(root)
    write(p.root / "transcripts" / "a.txt",
          "P1: We could not agree a data sharing agreement. The lawyers said no. "
          "Culture was the real problem here.\n"
          "P2: The health board never answered our emails. We gave up in the end.\n")
    write(p.root / "transcripts" / "b.txt",
          "P1: Nobody owned the linked dataset. It sat on a shared drive for a year.\n")
    p.ingest()
    return p


def copies(tmp_path):
    a = base_project(tmp_path / "ana")
    a.close()
    shutil.copytree(tmp_path / "ana", tmp_path / "ben")
    return qk.open_project(tmp_path / "ana"), qk.open_project(tmp_path / "ben")


def test_merge_bundle_then_agree_and_reconcile(tmp_path):
    ana, ben = copies(tmp_path)
    segs = list(ana.segments()["segment_id"])
    for sid in segs[:3]:
        ana.code(sid, GOV, coder="ana")
    for sid in segs[1:4]:
        ben.code(sid, GOV, coder="ben")
    ben.code(segs[0], CULT, coder="ben")
    for doc in ("a.txt", "b.txt"):
        ana.mark_done(doc, coder="ana")
        ben.mark_done(doc, coder="ben")
    bundle = tmp_path / "ben.json"
    res = runner.invoke(app, ["-C", str(ben.root), "export", "codings", "--coder", "ben",
                              "-o", str(bundle)])
    assert res.exit_code == 0, res.output
    assert oct(bundle.stat().st_mode & 0o777) == "0o600"
    res = runner.invoke(app, ["-C", str(ana.root), "merge", str(bundle)])
    assert res.exit_code == 0 and "ben: 4 new codings" in res.output, res.output
    again = runner.invoke(app, ["-C", str(ana.root), "merge", str(bundle)])
    assert "ben: 0 new codings" in again.output  # merging twice changes nothing
    merged = ana.codings()
    assert len(merged[merged["coder"] == "ben"]) == 4 and len(merged) == 7
    row = ana.agreement(codes=[GOV]).set_index("code_id").loc[GOV]
    assert row["n_units"] == len(segs) and row["percent_agreement"] == pytest.approx(
        (len(segs) - 2) / len(segs))
    queue = ana.reconcile_queue(["ana", "ben"])
    assert set(queue["segment_id"]) == {segs[0], segs[3]} and not queue["decided"].any()
    ana.reconcile(segs[0], [GOV], choice="ana", note="culture is not named here")
    ana.reconcile(segs[3], [], choice="neither")
    queue = ana.reconcile_queue(["ana", "ben"])
    assert queue["decided"].all() and "culture is not named here" in list(queue["note"])
    consensus = ana.codings(coder="consensus")
    assert list(consensus["segment_id"]) == [segs[0]] and list(consensus["code_id"]) == [GOV]
    assert "consensus" in ana.coders(kind="consensus")
    assert ana.undo_reconcile(segs[0]) and ana.codings(coder="consensus").empty
    assert ana.store.integrity_ok()


def test_merge_another_copy_and_keep_what_cannot_be_placed(tmp_path):
    ana, ben = copies(tmp_path)
    sid = ben.segments(document="b.txt")["segment_id"].iloc[0]
    ben.code(sid, GOV, coder="ben")
    ben.code(ben.segments(document="a.txt")["segment_id"].iloc[0], CULT, coder="ben")
    # ana's copy has since changed b.txt: that sentence is gone
    write(ana.root / "transcripts" / "b.txt", "P1: Entirely different words now.\n")
    ana.ingest()
    reports = ana.merge(ben.root)
    assert [r["coder"] for r in reports] == ["ben"]
    assert reports[0]["codings"] == 1 and reports[0]["aside"] == 1
    aside = ana.merge_aside()
    assert list(aside["kind"]) == ["coding"] and "b.txt" in aside["item"].iloc[0]
    assert ana.merge(ben.root)[0]["aside"] == 0  # kept once, not twice
    res = runner.invoke(app, ["-C", str(ana.root), "merge", str(ben.root)])
    assert res.exit_code == 1 and "kept aside" in res.output


def test_bad_bundles_are_clear(tmp_path):
    p = base_project(tmp_path / "p")
    (tmp_path / "x.json").write_text("{\"hello\": 1}", encoding="utf-8")
    (tmp_path / "y.json").write_text("not json", encoding="utf-8")
    for name, message in [("x.json", "not a qualkit codings bundle"),
                          ("y.json", "not JSON"), ("missing.json", "cannot read")]:
        res = runner.invoke(app, ["-C", str(p.root), "merge", str(tmp_path / name)])
        assert res.exit_code == 2 and message in res.output, res.output
    res = runner.invoke(app, ["-C", str(p.root), "export", "codings", "--coder", "zed"])
    assert res.exit_code == 2 and "no coder 'zed'" in res.output
    res = runner.invoke(app, ["-C", str(p.root), "merge", str(p.root)])
    assert res.exit_code == 2 and "this project" in res.output


def test_reconcile_into_a_human_coder_is_refused(tmp_path):
    p = base_project(tmp_path / "p")
    sid = p.segments()["segment_id"].iloc[0]
    p.code(sid, GOV, coder="ana")
    with pytest.raises(qk.QualkitError, match="human coder"):
        p.reconcile(sid, [GOV], into="ana")


def test_refi_round_trip_through_two_projects(tmp_path):
    src = base_project(tmp_path / "src")
    segs = list(src.segments()["segment_id"])
    src.code(segs[0], GOV, coder="ana")
    src.code(segs[2], CULT, coder="ben")
    qdpx = tmp_path / "study.qdpx"
    res = runner.invoke(app, ["-C", str(src.root), "export", "qdpx", "-o", str(qdpx)])
    assert res.exit_code == 0, res.output
    dst = qk.init_project(tmp_path / "dst")
    res = runner.invoke(app, ["-C", str(dst.root), "import", "qdpx", str(qdpx)])
    assert res.exit_code in (0, 1), res.output
    dst = qk.open_project(dst.root)
    got = dst.codings().merge(dst.segments()[["segment_id", "text"]], on="segment_id")
    want = src.codings().merge(src.segments()[["segment_id", "text"]], on="segment_id")
    key = ["text", "code_id", "coder"]
    assert sorted(map(tuple, got[key].values)) == sorted(map(tuple, want[key].values))
    assert set(dst.documents()["document"]) == {"a.txt", "b.txt"}


def test_import_qdc_appends_new_codes_keeping_the_file(tmp_path):
    src = base_project(tmp_path / "src")
    frame = src.codeframe_path.read_text(encoding="utf-8")
    extra = frame + ("  - id: extra\n    name: An extra code\n    description: Added.\n"
                     "    examples: [\"x\"]\n")
    src.codeframe_path.write_text(extra, encoding="utf-8")
    qdc = tmp_path / "book.qdc"
    assert src.export_qdc(qdc) == []
    dst = qk.init_project(tmp_path / "dst")
    before = dst.codeframe_path.read_text(encoding="utf-8")
    result = dst.import_refi(qdc)
    # a code qualkit does not know gets the slug of its name (REFI names codes by GUID only)
    assert result["codes_added"] == ["an_extra_code"]
    after = dst.codeframe_path.read_text(encoding="utf-8")
    assert after.startswith(before)  # every comment and code kept, the new one appended
    assert "an_extra_code" in qk.open_project(dst.root).codeframe().ids
    assert dst.import_refi(qdc)["codes_added"] == []
    json.dumps(result)  # plain data
