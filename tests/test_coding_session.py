"""The library side of the coding app: one undo step per action (surviving a restart),
codeframe edits that keep the file's comments and move codings, memos, the remembered coder."""
from __future__ import annotations

import pytest

import qualkit as qk
from qualkit.codeframe import load_codeframe
from qualkit.models import QualkitError

from conftest import write

TALK = ("Interviewer: Do you link health data?\n"
        "P2: Not yet. The ICB will not sign the agreement. We asked them twice last year. "
        "Nobody answered the second letter.\n"
        "Interviewer: And social care?\n"
        "P2: Yes, that part works well now. The dashboard is used every week.\n")
IG = "barrier.information_governance"


@pytest.fixture
def proj(tmp_path):
    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "one.txt", TALK)
    p.ingest()
    yield p
    p.close()


def coded(p, coder="ana"):
    return sorted(map(tuple, p.codings(coder)[["segment_id", "code_id"]].values.tolist()))


def test_a_range_is_one_undo_step_and_undo_survives_a_restart(proj):
    ids = list(proj.segments()["segment_id"])
    assert proj.code_segments(ids[1:4], IG, coder="ana") == 3
    proj.code(ids[0], "barrier.culture", coder="ana")
    root = proj.root
    proj.close()
    p = qk.open_project(root)  # a restart
    undone = p.undo("ana")
    assert [(r["action"], r["segment_id"]) for r in undone] == [("code", ids[0])]
    assert coded(p) == sorted((s, IG) for s in ids[1:4])
    assert len(p.undo("ana")) == 3
    assert coded(p) == []
    assert p.undo("ana") is None  # nothing left
    p.close()
    p = qk.open_project(root)
    assert len(p.redo("ana")) == 3
    assert coded(p) == sorted((s, IG) for s in ids[1:4])
    p.close()


def test_a_new_action_drops_the_redo_history_and_coders_keep_their_own_undo(proj):
    ids = list(proj.segments()["segment_id"])
    proj.code_segments(ids[:2], IG, coder="ana")
    proj.code_segments(ids[:1], IG, coder="ben")
    proj.undo("ana")
    proj.code_segments(ids[2:3], "barrier.culture", coder="ana")
    assert proj.redo("ana") is None
    assert coded(proj, "ben") == [(ids[0], IG)]  # ana's undo never touches ben's coding
    proj.undo("ben")
    assert coded(proj, "ben") == [] and coded(proj, "ana") == [(ids[2], "barrier.culture")]


def test_removing_codes_is_undone_with_the_memo_and_source_kept(proj):
    sid = proj.segments()["segment_id"].iloc[1]
    proj.code(sid, IG, coder="ana", memo="the ICB", source="suggestion")
    assert proj.code_segments([sid], IG, coder="ana", remove=True) == 1
    proj.undo("ana")
    row = proj.codings("ana").iloc[0]
    assert (row["memo"], row["source"]) == ("the ICB", "suggestion")


def test_add_rename_move_keep_the_file_comments_and_can_be_undone(proj):
    path = proj.codeframe_path
    before = path.read_text(encoding="utf-8")
    proj.add_code("barrier.trust", "Data not trusted", parent="barrier", coder="ana")
    text = path.read_text(encoding="utf-8")
    assert text.count("\n#") == before.count("\n#")  # every comment line kept
    assert text.index("barrier.trust") < text.index("# ------------------------------------"
                                                    "---------------------------- enablers")
    proj.rename_code("barrier.trust", "Data nobody trusts", coder="ana")
    proj.move_code("barrier.trust", "barrier.data_digital", coder="ana")
    frame = load_codeframe(path)  # the YAML re-read from disk
    assert frame.get("barrier.trust").name == "Data nobody trusts"
    assert frame.get("barrier.trust").parent == "barrier.data_digital"
    for _ in range(3):
        proj.undo("ana")
    assert path.read_text(encoding="utf-8") == before
    assert "barrier.trust" not in proj.codeframe().ids
    assert proj.redo("ana") is not None
    assert load_codeframe(path).get("barrier.trust").name == "Data not trusted"


def test_merge_moves_every_coders_codings_and_undo_restores_them(proj):
    ids = list(proj.segments()["segment_id"])
    proj.code_segments(ids[:2], "barrier.culture", coder="ana")
    proj.code_segments(ids[1:3], "barrier.culture", coder="ben")
    proj.code(ids[1], IG, coder="ben")  # already has the survivor
    moved = proj.merge_codes("barrier.culture", IG, coder="ana")
    assert moved == 4
    assert "barrier.culture" not in load_codeframe(proj.codeframe_path).ids
    assert coded(proj, "ana") == sorted((s, IG) for s in ids[:2])
    assert coded(proj, "ben") == sorted((s, IG) for s in ids[1:3])
    assert "barrier.culture" not in [r["id"] for r in proj.store.codes(active_only=False)]
    proj.undo("ana")
    assert "barrier.culture" in load_codeframe(proj.codeframe_path).ids
    assert coded(proj, "ana") == sorted((s, "barrier.culture") for s in ids[:2])
    assert coded(proj, "ben") == sorted([(s, "barrier.culture") for s in ids[1:3]]
                                        + [(ids[1], IG)])


def test_delete_asks_for_a_leaf_and_undo_restores_the_codings(proj):
    ids = list(proj.segments()["segment_id"])
    with pytest.raises(QualkitError, match="has sub-codes"):
        proj.delete_code("barrier.health_data", coder="ana")
    proj.code_segments(ids[:2], "barrier.culture", coder="ana")
    assert proj.delete_code("barrier.culture", coder="ana") == 2
    assert coded(proj) == [] and "barrier.culture" not in proj.codeframe().ids
    proj.undo("ana")
    assert coded(proj) == sorted((s, "barrier.culture") for s in ids[:2])


def test_undo_refuses_when_the_file_was_edited_by_hand(proj):
    proj.add_code("barrier.trust", "Data not trusted", parent="barrier", coder="ana")
    path = proj.codeframe_path
    path.write_text(path.read_text(encoding="utf-8") + "\n# my note\n", encoding="utf-8")
    with pytest.raises(QualkitError, match="changed after that edit"):
        proj.undo("ana")
    assert "barrier.trust" in proj.codeframe().ids


def test_an_edit_that_breaks_the_codeframe_is_refused_and_the_file_kept(proj):
    before = proj.codeframe_path.read_text(encoding="utf-8")
    with pytest.raises(QualkitError, match="already a code"):
        proj.add_code("barrier", "Again", coder="ana")
    with pytest.raises(QualkitError, match="its own sub-code"):
        proj.move_code("barrier", "barrier.culture", coder="ana")
    assert proj.codeframe_path.read_text(encoding="utf-8") == before


def test_memos_one_per_target_and_coder(proj):
    sid = proj.segments()["segment_id"].iloc[1]
    proj.set_memo("segment", sid, "ICB refusal, again", coder="ana")
    proj.set_memo("segment", sid, "ICB refusal (twice)", coder="ana")
    proj.set_memo("code", IG, "covers DSAs too", coder="ben")
    assert proj.memo("segment", sid, coder="ana") == "ICB refusal (twice)"
    assert proj.memo("segment", sid, coder="ben") == ""
    assert len(proj.memos()) == 2
    proj.set_memo("segment", sid, "  ", coder="ana")
    assert list(proj.memos()["target_type"]) == ["code"]


def test_the_coder_name_is_remembered_per_user_not_in_the_shared_settings(proj):
    assert proj.coder_name() is None
    proj.remember_coder("ana")
    settings = (proj.root / "qualkit.yaml").read_text(encoding="utf-8")
    again = qk.open_project(proj.root)
    assert again.coder_name() == "ana" and again.coder_name("ben") == "ben"
    assert "ana" not in settings
    again.close()


def test_done_can_be_taken_back(proj):
    proj.mark_done("one", coder="ana")
    assert proj.done_documents("ana") == ["one.txt"]
    assert proj.unmark_done("one", coder="ana") is True
    assert proj.done_documents("ana") == []
