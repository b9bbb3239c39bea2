"""Codings follow their text when segments change (issue #8): switching the unit from
sentence to turn and back loses no coding, and only text that is truly gone retires one."""
from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app

DATA = Path(__file__).resolve().parent / "data" / "transcripts"
CODES = ["barrier.information_governance", "barrier.data_digital.identifier",
         "enabler", "use", "barrier.health_data.reluctance"]


def coded_project(root: Path) -> qk.Project:
    p = qk.init_project(root)
    for f in DATA.iterdir():
        if f.suffix in (".txt", ".docx", ".vtt"):
            shutil.copy(f, root / "transcripts" / f.name)
    p.ingest()
    speech = p.speech()
    for i, sid in enumerate(speech["segment_id"].iloc[::3]):  # every third segment
        p.code(sid, CODES[i % len(CODES)], coder="ana" if i % 2 else "ben",
               memo=f"memo {i}" if i % 4 == 0 else None)
        if i % 5 == 0:  # some coded by both coders
            p.code(sid, CODES[(i + 1) % len(CODES)], coder="cas")
    return p


def set_unit(p: qk.Project, unit: str) -> tuple[qk.Project, object]:
    (p.root / "qualkit.yaml").write_text(f"segment:\n  unit: {unit}\n", encoding="utf-8")
    p.close()
    q = qk.open_project(p.root)
    return q, q.ingest()


def snapshot(p: qk.Project) -> set[tuple]:
    k = p.codings()
    return set(zip(k["segment_id"], k["code_id"], k["coder"], k["memo"].fillna("")))


def test_sentence_to_turn_and_back_loses_no_coding(tmp_path):
    p = coded_project(tmp_path / "s")
    before = snapshot(p)
    sentences = p.segments().set_index("segment_id")
    assert len(before) >= 20
    p, to_turns = set_unit(p, "turn")
    assert to_turns.carried == len(before) and not to_turns.orphaned
    assert len(to_turns.moved) == len(before)
    turns = p.segments().set_index("segment_id")
    assert set(turns["unit"]) == {"turn"}
    for m in to_turns.moved:  # each coded sentence is now on the turn that holds it
        (target,) = m.targets
        assert m.text in turns.loc[target, "text"]
    # every coding is on an active turn; none on a retired segment
    assert set(p.codings()["segment_id"]) <= set(turns.index)
    p, back = set_unit(p, "sentence")
    assert back.carried == len(p.codings()) and not back.orphaned
    assert snapshot(p) == before  # the same segments, codes, coders and memos
    assert set(p.segments()["segment_id"]) == set(sentences.index)
    assert p.store.integrity_ok()
    p.close()


def test_a_turn_coding_goes_to_its_sentences_and_comes_back_whole(tmp_path):
    root = tmp_path / "s"
    p = qk.init_project(root)
    shutil.copy(DATA / "northvale-interview.txt", root / "transcripts")
    (root / "qualkit.yaml").write_text("segment:\n  unit: turn\n", encoding="utf-8")
    p.close()
    p = qk.open_project(root)
    p.ingest()
    turn = p.segments().query("text.str.startswith('Sure. I lead')").iloc[0]
    p.code(turn["segment_id"], "enabler", coder="ana")
    p, report = set_unit(p, "sentence")
    (moved,) = report.moved
    assert len(moved.targets) == 2  # the turn's sentences ("Sure." merged as short)
    texts = p.segments().set_index("segment_id")["text"]
    assert {texts[s] for s in p.codings()["segment_id"]} == {
        "Sure. I lead the data and performance team for children's services.",
        "[laughs] Which is a grand title for four people."}
    p, report = set_unit(p, "turn")
    assert list(p.codings()["segment_id"]) == [turn["segment_id"]]
    p.close()


def test_only_deleted_text_retires_a_coding(tmp_path):
    root = tmp_path / "s"
    p = qk.init_project(root)
    path = shutil.copy(DATA / "eastbrook-timestamps.txt", root / "transcripts")
    p.ingest()
    segs = p.segments().set_index("text")
    kept = segs.loc["Which I understand, to be fair.", "segment_id"]
    gone = segs.loc["They carry the risk if it goes wrong.", "segment_id"]
    grown = segs.loc["Mostly it does not.", "segment_id"]
    p.code(kept, "enabler", coder="ana")
    p.code(gone, "barrier.information_governance", coder="ana")
    p.code(grown, "use", coder="ben")
    text = Path(path).read_text(encoding="utf-8")
    # a new line above (offsets shift), the coded sentence's line re-timed, one sentence cut
    write(Path(path), text.replace("[00:00:04] I:", "[00:00:01] I: Hello.\n[00:00:04] I:")
          .replace("[00:01:40] Which", "[00:01:41] Which")
          .replace(" They carry the risk if it goes wrong.", "")
          .replace("R: Mostly it does not.", "R: Yes. Mostly it does not."))
    report = p.ingest()
    assert [o[2] for o in report.orphaned] == ["They carry the risk if it goes wrong."]
    # "Yes." is short, so it joins the coded sentence: the coding follows into that segment
    (moved,) = report.moved
    texts = p.segments().set_index("segment_id")["text"]
    assert [texts[t] for t in moved.targets] == ["Yes. Mostly it does not."]
    codings = p.codings().set_index("code_id")
    assert codings.loc["enabler", "segment_id"] == kept  # same text, same speaker: same id
    assert codings.loc["use", "segment_id"] == moved.targets[0]
    assert codings.loc["barrier.information_governance", "segment_id"] == gone
    assert gone not in set(p.segments()["segment_id"])
    p.close()


def test_ingest_says_where_codings_went(tmp_path):
    p = coded_project(tmp_path / "s")
    n = len(p.codings())
    (p.root / "qualkit.yaml").write_text("segment:\n  unit: turn\n", encoding="utf-8")
    p.close()
    res = CliRunner().invoke(app, ["-C", str(p.root), "ingest"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "Changed since the last ingest: segment.unit (sentence → turn)" in out
    assert f"{n} codings followed their text to the segments that now hold it" in out
    assert "no longer in the file" not in out
