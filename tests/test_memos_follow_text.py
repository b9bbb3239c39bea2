"""A memo on a segment nobody coded is analyst work too: when its sentence changes or goes, the
memo follows the text or its segment is kept (retired) and reported, never dropped silently."""
from __future__ import annotations

import qualkit as qk
from conftest import write


def project(tmp_path, text: str) -> qk.Project:
    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "a.txt", text)
    p.ingest()
    return p


def test_memo_follows_its_sentence_into_a_longer_unit(tmp_path):
    p = project(tmp_path, "P1: We tried to link the data. The lawyers said no.\n")
    sid = p.segments()["segment_id"].iloc[0]
    p.set_memo("segment", sid, "ask about the lawyers", coder="ana")
    (p.root / "qualkit.yaml").write_text("segment:\n  unit: turn\n", encoding="utf-8")
    p = qk.open_project(p.root)
    p.ingest()
    turn = p.segments()["segment_id"].iloc[0]
    memos = p.memos("segment")
    assert list(memos["target_id"]) == [turn] and list(memos["text"]) == ["ask about the lawyers"]


def test_memo_on_deleted_text_keeps_its_segment_retired_and_reported(tmp_path):
    p = project(tmp_path, "P1: We tried to link the data. The lawyers said no.\n")
    sid = p.segments()["segment_id"].iloc[1]
    p.set_memo("segment", sid, "follow up", coder="ana")
    write(p.root / "transcripts" / "a.txt", "P1: We tried to link the data.\n")
    report = p.ingest()
    assert any(s == sid for _, s, _ in report.orphaned)
    assert sid in set(p.segments(include_retired=True)["segment_id"])
    assert list(p.memos("segment")["text"]) == ["follow up"]
