"""Ingest through the library API: re-ingest, carry-over, attributes, and bad input."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from makers import make_docx
from test_readers import make_pdf

from conftest import write

INTERVIEW = ("INVENTED INTERVIEW — test data\n\n"
             "Interviewer: How do you link education and social care data?\n"
             "P1: We match on the UPN. The health side uses the NHS number, so nothing lines up.\n"
             "Interviewer: And governance?\n"
             "P1: The data sharing agreement took eleven months to sign off.\n")


def test_ingest_reads_a_folder_with_attributes(project):
    src = project.root / "transcripts"
    write(src / "a.txt", INTERVIEW)
    write(src / "b.txt", INTERVIEW.replace("eleven", "nine"), encoding="cp1252")
    write(src / "attributes.csv", "file,authority_type,region\na.txt,unitary,North East\n"
                                  "b.txt,county council,South West\n")
    report = project.ingest()
    assert sorted(report.added) == ["transcripts/a.txt", "transcripts/b.txt"]
    assert report.ok and not report.skipped
    docs = project.documents().set_index("document")
    assert docs.loc["a.txt", "authority_type"] == "unitary"
    assert docs.loc["b.txt", "region"] == "South West"
    assert (docs["kind"] == "transcript").all() and (docs["n_segments"] == 5).all()
    segs = project.segments(document="a")
    assert list(segs.columns[:8]) == ["segment_id", "document", "unit", "speaker", "question",
                                      "start", "end", "text"]
    text = project.document_text("a.txt")
    assert all(text[s:e] == t for s, e, t in zip(segs["start"], segs["end"], segs["text"]))
    assert set(segs["speaker"]) == {"Interviewer", "P1"}


def test_reingest_unchanged_does_nothing(project):
    write(project.root / "transcripts" / "a.txt", INTERVIEW)
    project.ingest()
    ids = list(project.segments()["segment_id"])
    again = project.ingest()
    assert again.unchanged == ["transcripts/a.txt"] and not again.added and not again.updated
    assert list(project.segments()["segment_id"]) == ids


def test_changed_file_carries_codings_and_reports_the_rest(project):
    path = write(project.root / "transcripts" / "a.txt", INTERVIEW)
    project.ingest()
    segs = project.segments().set_index("text")
    keep = segs.loc["We match on the UPN.", "segment_id"]
    gone = segs.loc["The data sharing agreement took eleven months to sign off.", "segment_id"]
    project.code(keep, "barrier.data_digital.identifier", coder="ana")
    project.code(gone, "barrier.information_governance", coder="ana")
    # an edit at the top (offsets shift) and one sentence rewritten
    write(path, "Edited header.\n" + INTERVIEW.replace("eleven months", "a year"))
    report = project.ingest()
    assert report.updated == ["transcripts/a.txt"]
    assert [o[2] for o in report.orphaned] == [
        "The data sharing agreement took eleven months to sign off."]
    codings = project.codings()
    assert set(codings["code_id"]) == {"barrier.data_digital.identifier",
                                       "barrier.information_governance"}
    active = set(project.segments()["segment_id"])
    assert keep in active and gone not in active  # identical text keeps its id
    assert project.store.integrity_ok()


def test_attributes_change_alone_is_picked_up(project):
    src = project.root / "transcripts"
    write(src / "a.txt", INTERVIEW)
    write(src / "attributes.csv", "file,authority_type\na.txt,unitary\n")
    project.ingest()
    write(src / "attributes.csv", "file,authority_type\na.txt,london borough\n")
    project.ingest()
    assert project.documents().loc[0, "authority_type"] == "london borough"


def test_segmentation_setting_change_resegments(project):
    write(project.root / "transcripts" / "a.txt", INTERVIEW)
    project.ingest()
    (project.root / "qualkit.yaml").write_text("segment:\n  unit: turn\n")
    import qualkit as qk

    p2 = qk.open_project(project.root)
    report = p2.ingest()
    assert report.updated == ["transcripts/a.txt"]
    assert set(p2.segments()["unit"]) == {"turn"} and len(p2.segments()) == 4
    p2.close()


def bad_batch(root: Path) -> dict[str, str]:
    """Every bad input of the foundation issue, beside one good file. name -> expected reason."""
    src = root / "transcripts"
    write(src / "good.txt", INTERVIEW)
    write(src / "empty.txt", "")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    full = make_docx(root / "tmp" / "full.docx", ["Interviewer: Hello?", "P1: Hi there."] * 20)
    (src / "truncated.docx").write_bytes(full.read_bytes()[:700])
    (src / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (src / "scanned.pdf").write_bytes(make_pdf([None]))
    write(src / "broken.vtt", "WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\n<v Ann>Hello</v>\n")
    return {"empty.txt": "empty", "binary.txt": "binary", "truncated.docx": "not a valid word",
            "locked.docx": "password-protected", "scanned.pdf": "no text layer",
            "broken.vtt": "malformed timestamp"}


def test_bad_input_is_reported_and_the_rest_goes_in(project):
    expected = bad_batch(project.root)
    report = project.ingest([project.root / "transcripts", project.root / "nowhere"])
    assert report.added == ["transcripts/good.txt"]
    skipped = {Path(p).name: reason for p, reason in report.skipped}
    assert set(skipped) == set(expected) | {"nowhere"}
    for name, words in expected.items():
        assert words in skipped[name].lower(), (name, skipped[name])
    assert skipped["nowhere"] == "no such file or folder"
    assert project.store.integrity_ok()
    assert not report.ok


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_reported(project):
    path = write(project.root / "transcripts" / "secret.txt", INTERVIEW)
    path.chmod(0)
    try:
        report = project.ingest()
    finally:
        path.chmod(0o644)
    assert report.skipped and "permission" in report.skipped[0][1].lower()


def test_same_name_in_two_folders_is_refused_not_merged(project):
    write(project.root / "transcripts" / "a.txt", INTERVIEW)
    write(project.root / "foi" / "a.txt", INTERVIEW.replace("UPN", "ULN"))
    report = project.ingest()
    assert len(report.added) == 1 and len(report.skipped) == 1
    assert "same name" in report.skipped[0][1]


def test_bad_attributes_csv_is_a_warning_not_a_failure(project):
    write(project.root / "transcripts" / "a.txt", INTERVIEW)
    write(project.root / "transcripts" / "attributes.csv", "name;type\na.txt;x\n")
    report = project.ingest()
    assert report.ok and any("no 'file' column" in w for w in report.warnings)


def test_foi_letters_are_recognised_without_attributes(project):
    """Sample letters, copied without attributes.csv, are still read as FOI letters —
    including one whose 'Option: Yes' lines look like speaker turns."""
    import shutil

    repo_foi = Path(__file__).resolve().parents[1] / "foi"
    dest = project.root / "foi"
    for name in ("bramford-county-council.txt", "eastholme-qa.txt"):
        shutil.copy(repo_foi / name, dest / name)
    write(project.root / "transcripts" / "a.txt", INTERVIEW)
    project.ingest()
    kinds = project.documents().set_index("document")["kind"].to_dict()
    assert kinds == {"bramford-county-council.txt": "foi", "eastholme-qa.txt": "foi",
                     "a.txt": "transcript"}
    answers = project.foi_answers()
    assert set(answers["document"]) == {"bramford-county-council.txt", "eastholme-qa.txt"}
    free = project.segments()
    free = free[free["document"] == "eastholme-qa.txt"]
    assert (free["unit"] == "answer").all() and free["question"].notna().any()


def test_bad_foi_letters_are_reported_plainly_and_the_batch_goes_on(project):
    foi = project.root / "foi"
    write(foi / "nothing.txt", "Dear Requester,\n\nFreedom of Information request FOI-1.\n\n"
          "We acknowledge your request and will reply in due course.\n\nYours faithfully\n")
    write(foi / "empty.txt", "")
    write(foi / "chat.txt", INTERVIEW)
    write(foi / "good.txt", "Freedom of Information Act 2000 — our response\n\n"
          "1. Do you currently link your education and social care data for children and "
          "young people?\nYes\n")
    write(foi / "attributes.csv", "file,kind\nnothing.txt,foi\nchat.txt,foi\ngood.txt,foi\n")
    report = project.ingest([foi])
    assert sorted(report.added) == ["foi/chat.txt", "foi/good.txt", "foi/nothing.txt"]
    assert [(Path(p).name, r) for p, r in report.skipped] == [("empty.txt", "file is empty")]
    joined = "\n".join(report.warnings)
    assert "foi/nothing.txt" in joined and "foi/chat.txt" in joined
    answers = project.foi_answers().set_index(["document", "question"])
    assert answers.loc[("good.txt", "q1_link_edu_social"), "answer"] == "yes"
    assert (answers.loc["nothing.txt", "answer"] == "unclear").all()
    assert project.store.integrity_ok()


def test_a_deleted_file_is_reported_and_its_document_kept(project):
    path = write(project.root / "transcripts" / "a.txt", INTERVIEW)
    project.ingest()
    sid = project.segments()["segment_id"].iloc[1]
    project.code(sid, "barrier.culture", coder="ana")
    path.unlink()
    report = project.ingest()
    assert report.ok and any("a.txt: file is gone" in w for w in report.warnings)
    assert list(project.documents()["document"]) == ["a.txt"] and len(project.codings()) == 1
