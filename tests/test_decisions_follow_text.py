"""Reconcile decisions and draft notes follow their text when segments change.

A team that settled disagreements and then re-ingests (a corrected transcript, the unit switched
from sentence to turn and back) must keep every decision and every draft note, on the segment
now holding the text, and the ingest must not fail because a decision sits on a segment that
is going away.
"""
from __future__ import annotations

import json

import qualkit as qk
from conftest import write

TALK = ("Interviewer: Do you link health data?\n"
        "P2: Not yet. The ICB will not sign the agreement. We asked them twice last year.\n"
        "Interviewer: And social care?\n"
        "P2: Yes, that part works well now. The dashboard is used every week.\n")
IG, CULT = "barrier.information_governance", "barrier.culture"


def settled(tmp_path):
    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "one.txt", TALK)
    p.ingest()
    segs = p.segments()
    icb = segs.loc[segs["text"].str.contains("The ICB"), "segment_id"].item()
    dash = segs.loc[segs["text"].str.startswith("The dashboard"), "segment_id"].item()
    for sid in (icb, dash):
        p.code(sid, IG, coder="ana")
        p.code(sid, CULT, coder="ben")
    p.reconcile(icb, [IG], choice="ana", note="IG is the point here")
    p.set_reconcile_note(dash, "ask the DPO")  # a draft: not decided yet
    return p


def decisions(p):
    segs = p.segments().set_index("segment_id")["text"]
    q = p.reconcile_queue(["ana", "ben"], require_done=False)
    return {(segs[r["segment_id"]][:12], bool(r["decided"]), r["note"], r["draft"])
            for r in q.to_dict("records")}


def test_switching_the_unit_keeps_decisions_and_drafts(tmp_path):
    p = settled(tmp_path)
    before = decisions(p)
    assert ("Not yet. The", True, "IG is the point here", "") in before
    for unit in ("turn", "sentence"):
        (p.root / "qualkit.yaml").write_text(f"segment:\n  unit: {unit}\n", encoding="utf-8")
        p.close()
        p = qk.open_project(p.root)
        report = p.ingest()
        assert report.ok, report.skipped
    assert decisions(p) == before
    consensus = p.codings("consensus")
    texts = p.segments().set_index("segment_id")["text"]
    assert [texts[s][:12] for s in consensus["segment_id"]] == ["Not yet. The"]


def test_an_edited_transcript_keeps_the_decision_on_the_text(tmp_path):
    p = settled(tmp_path)
    write(p.root / "transcripts" / "one.txt",
          TALK.replace("We asked them twice", "We asked them three times").replace("Yes, that part", "Yes, that bit"))
    report = p.ingest()
    assert report.ok, report.skipped
    got = decisions(p)
    assert ("Not yet. The", True, "IG is the point here", "") in got
    assert any(r[3] == "ask the DPO" for r in got)


def test_editing_the_decided_sentence_keeps_the_decision_on_the_retired_segment(tmp_path):
    p = settled(tmp_path)
    decided = [r["segment_id"] for r in p.store.reconciliations("consensus")]
    write(p.root / "transcripts" / "one.txt", TALK.replace("will not sign", "won't sign"))
    report = p.ingest()
    assert report.ok, report.skipped
    assert [r["segment_id"] for r in p.store.reconciliations("consensus")] == decided
    retired = p.segments(include_retired=True)
    assert not retired.loc[retired["segment_id"] == decided[0]].empty
    assert decided[0] not in set(p.segments()["segment_id"])  # kept, retired, reported


def test_two_decisions_meeting_in_one_turn_are_joined_not_dropped(tmp_path):
    p = settled(tmp_path)
    segs = p.segments()
    yes = segs.loc[segs["text"].str.startswith("Yes, that"), "segment_id"].item()
    dash = segs.loc[segs["text"].str.startswith("The dashboard"), "segment_id"].item()
    p.code(yes, CULT, coder="ana")
    p.code(yes, IG, coder="ben")
    p.reconcile(yes, [CULT], choice="ana", note="culture first")
    p.reconcile(dash, [IG, CULT], choice="both", note="both apply")
    (p.root / "qualkit.yaml").write_text("segment:\n  unit: turn\n", encoding="utf-8")
    p.close()
    p = qk.open_project(p.root)
    assert p.ingest().ok
    turns = p.segments().set_index("segment_id")["text"]
    rows = {turns[r["segment_id"]][:9]: r for r in p.store.reconciliations("consensus")}
    assert set(rows) == {"Not yet. ", "Yes, that"}
    joined = rows["Yes, that"]
    assert joined["choice"] == "edit" and sorted(json.loads(joined["codes"])) == sorted([IG, CULT])
    assert set(joined["note"].split("\n\n")) == {"culture first", "both apply"}
