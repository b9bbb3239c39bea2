"""Transcripts as researchers write them (issue #8), on the invented files in
tests/data/transcripts: headers are attributes not turns, the transcriber's marks are kept but
never themed, timestamps leave the text, one name and one party per speaker."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qualkit as qk
from conftest import write

DATA = Path(__file__).resolve().parent / "data" / "transcripts"
NORTHVALE, EASTBROOK = "northvale-interview.txt", "eastbrook-timestamps.txt"
WESTBROOK, HARBOURSIDE = "westbrook-group.docx", "harbourside-teams.vtt"


def make_project(root: Path, settings: str = "") -> qk.Project:
    p = qk.init_project(root)
    for f in DATA.iterdir():
        if f.suffix in (".txt", ".docx", ".vtt", ".csv"):
            shutil.copy(f, root / "transcripts" / f.name)
    if settings:
        (root / "qualkit.yaml").write_text(settings, encoding="utf-8")
        p.close()
        p = qk.open_project(root)
    return p


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    p = make_project(tmp_path_factory.mktemp("t") / "study")
    report = p.ingest()
    yield p, report
    p.close()


def texts(p, doc: str) -> list[str]:
    return list(p.segments(document=doc)["text"])


def test_header_lines_are_attributes_not_turns(study):
    p, report = study
    assert not report.skipped
    docs = p.documents().set_index("document")
    assert docs.loc[NORTHVALE, "interviewer"] == "Joanna Pryce; JP (Joanna Pryce)"
    assert docs.loc[NORTHVALE, "participant"] == \
        "Data and performance lead, Northvale Borough Council"
    assert docs.loc[NORTHVALE, "mode"] == "Telephone"
    assert docs.loc[NORTHVALE, "duration"] == "41 minutes"
    assert docs.loc[NORTHVALE, "transcriber"] == "K. Osei"
    assert docs.loc[NORTHVALE, "audio_file"] == "NV_P04_2024-02-13.m4a"
    assert docs.loc[NORTHVALE, "key"].startswith("[inaudible] = could not be made out")
    assert docs.loc[EASTBROOK, "date"] == "06/03/2024"
    assert docs.loc[EASTBROOK, "interviewer"] == "SM (Sam Morley)"
    assert (docs.loc[WESTBROOK, "date"], docs.loc[WESTBROOK, "interviewer"]) == \
        ("20 February 2024", "Sarah Khan")  # the Word header table
    assert docs.loc[WESTBROOK, "duration"] == "55 minutes"
    # attributes.csv wins over the header; its `role` column is namespaced, not lost
    assert docs.loc[WESTBROOK, "site"] == "Westbrook"
    assert docs.loc[NORTHVALE, "attr_role"] == "data lead"
    said = " ".join(p.segments()["text"])
    for header_text in ("Joanna Pryce", "JP (Joanna Pryce)", "Data and performance lead",
                        "Telephone", "41 minutes", "K. Osei", ".m4a", "= could not be made out",
                        "SM (Sam Morley)", "06/03/2024", "Sarah Khan", "55 minutes"):
        assert header_text not in said, header_text
    assert texts(p, NORTHVALE)[0] == "Thanks for making the time."
    assert texts(p, EASTBROOK)[0] == "Okay, we are recording now."
    assert texts(p, WESTBROOK)[0] == "Thank you all for coming."


def test_marks_are_kept_in_the_text_and_non_speech_is_flagged(study):
    p, _ = study
    segs = p.segments(document=NORTHVALE).set_index("text")
    nonspeech = list(segs[segs["flags"] == "nonspeech"].index)
    assert nonspeech == ["[Interruption – phone rings; recording paused]", "END OF TRANSCRIPT",
                         "[Recording ends 00:41:07]"]
    assert segs["speaker"].isna()["END OF TRANSCRIPT"]
    # inline marks stay in the speech the analyst reads
    assert "[laughs] Which is a grand title for four people." in segs.index
    assert "That's where it falls down, with [inaudible 00:12:31] the integrated care board." \
        in segs.index
    assert "The data sharing agreement [/] the agreement with the trust took eleven months " \
        "to sign." in segs.index
    assert "The school nurses at [school] keep their own spreadsheet, and nobody else can see " \
        "it." in segs.index
    marks = p.annotations(NORTHVALE)
    text = p.document_text(NORTHVALE)
    assert all(text[s:e] == t for s, e, t in zip(marks["start"], marks["end"], marks["text"]))
    kinds = dict(zip(marks["text"], marks["kind"]))
    assert kinds["[laughs]"] == "event" and kinds["[name redacted]"] == "redaction"
    assert kinds["[school]"] == "redaction" and kinds["[inaudible 00:12:31]"] == "inaudible"
    assert kinds["[/]"] == "note" and kinds["END OF TRANSCRIPT"] == "end"
    assert kinds["[Recording ends 00:41:07]"] == "end"
    assert kinds["[Interruption – phone rings; recording paused]"] == "event"
    ends = p.segments(document=WESTBROOK)
    assert ends.iloc[-1]["text"] == "[END OF GROUP DISCUSSION]"
    assert ends.iloc[-1]["flags"] == "nonspeech"


def test_non_speech_is_never_themed_or_suggested(study):
    from qualkit.themes.select import select_segments

    p, _ = study
    chosen = select_segments(p.segments(), p.documents(), include_interviewer=True,
                             include_short=True)
    assert not (chosen["flags"] == "nonspeech").any()
    assert "END OF TRANSCRIPT" not in set(chosen["text"])
    ids = list(p.segments(document=NORTHVALE)["segment_id"])
    p.set_embedder(__import__("qualkit.embed", fromlist=["FakeEmbedder"]).FakeEmbedder())
    suggested = set(p.suggest(segment_ids=ids, k=1)["segment_id"])
    flagged = set(p.segments(document=NORTHVALE).query("flags == 'nonspeech'")["segment_id"])
    assert flagged and not (suggested & flagged) and suggested


def test_continuation_timestamps_leave_the_text_and_become_the_timestamp(study):
    p, _ = study
    segs = p.segments(document=EASTBROOK).set_index("text")
    row = segs.loc["Which I understand, to be fair."]
    assert row["timestamp"] == "00:01:40"
    row = segs.loc["The acute trust sends a spreadsheet when we chase it, [inaudible 00:01:05] "
                   "usually weeks late."]
    assert row["timestamp"] == "00:01:02"
    assert segs.loc["Mostly it does not.", "timestamp"] == "00:00:20"
    import re

    for t in segs.index:  # a time outside a bracketed mark never stays in a segment
        assert not re.search(r"\d\d:\d\d:\d\d", re.sub(r"\[[^]]*\]", "", t)), t
    from qualkit.themes.keywords import clean_for_keywords

    assert "000140" not in clean_for_keywords(" ".join(segs.index)).replace(":", "")


def test_aliases_and_case_are_one_speaker(study):
    p, _ = study
    assert set(p.segments(document=NORTHVALE)["speaker"].dropna()) == {"Interviewer",
                                                                       "Participant"}
    assert set(p.segments(document=EASTBROOK)["speaker"].dropna()) == {"Interviewer",
                                                                       "Participant"}
    assert set(p.segments(document=WESTBROOK)["speaker"].dropna()) == {
        "SARAH KHAN", "DAVID OKAFOR", "Jo Bell"}


def test_parties_from_labels_roles_and_headers(study):
    p, report = study
    sp = p.speakers().set_index(["document", "speaker"])
    assert sp.loc[(NORTHVALE, "Participant"), "party"] == "participant"
    assert sp.loc[(NORTHVALE, "Participant"), "segments"] == 9
    assert sp.loc[(EASTBROOK, "Interviewer"), "party"] == "interviewer"
    assert sp.loc[(WESTBROOK, "SARAH KHAN"), "party"] == "interviewer"
    assert sp.loc[(WESTBROOK, "DAVID OKAFOR"), "party"] == "participant"
    assert sp.loc[(WESTBROOK, "DAVID OKAFOR"), "roles"] == "Head of SEND, Westbrook Council"
    assert sp.loc[(WESTBROOK, "Jo Bell"), "roles"] == "Designated Clinical Officer"
    # a Teams VTT names nobody as interviewer: unknown, and ingest says so
    assert set(sp.loc[HARBOURSIDE, "party"]) == {"unknown"}
    assert any(HARBOURSIDE in w and "no interviewer identified" in w for w in report.warnings)
    segs = p.segments()
    speech = segs[segs["flags"] != "nonspeech"]
    assert set(speech[speech["document"] != HARBOURSIDE]["party"]) == {"interviewer",
                                                                       "participant"}


def test_themes_by_party_keeps_word_and_vtt_interviews(tmp_path):
    from qualkit.themes.select import select_segments

    p = make_project(tmp_path / "s", "segment:\n  interviewers: [Priya Natt]\n")
    p.ingest()
    chosen = select_segments(p.segments(), p.documents(), party="participant")
    assert set(chosen["document"]) == {NORTHVALE, EASTBROOK, WESTBROOK, HARBOURSIDE}
    assert set(chosen["party"]) == {"participant"}
    assert set(chosen[chosen["document"] == HARBOURSIDE]["speaker"]) == {"Tom Healey"}
    # attributes.csv has `role`: filtering on it works by either name, and never crashes
    for name in ("role", "attr_role"):
        got = select_segments(p.segments(), p.documents(), where={name: "focus group"})
        assert set(got["document"]) == {WESTBROOK}
    with pytest.raises(qk.models.QualkitError, match="did you mean 'site'"):
        select_segments(p.segments(), p.documents(), where={"sit": "Westbrook"})
    p.close()


def test_a_party_set_by_the_analyst_survives_reingest(tmp_path):
    p = make_project(tmp_path / "s")
    p.ingest()
    changed = p.set_speaker_party("priya natt", "interviewer")
    assert changed == {HARBOURSIDE: 11}  # Priya's 5 segments, and Tom's 6 now participant
    sp = p.speakers().set_index(["document", "speaker"])
    assert sp.loc[(HARBOURSIDE, "Tom Healey"), "party"] == "participant"
    assert sp.loc[(HARBOURSIDE, "Priya Natt"), "reason"].startswith("set by you")
    (p.root / "qualkit.yaml").write_text("segment:\n  unit: turn\n", encoding="utf-8")
    q = qk.open_project(p.root)
    report = q.ingest()
    assert HARBOURSIDE in " ".join(sum(report.resegmented.values(), []))
    assert not any(HARBOURSIDE in w for w in report.warnings)
    segs = q.segments(document=HARBOURSIDE)
    assert set(zip(segs["speaker"], segs["party"])) == {("Priya Natt", "interviewer"),
                                                        ("Tom Healey", "participant")}
    with pytest.raises(qk.models.QualkitError, match="did you mean 'Tom Healey'"):
        q.set_speaker_party("Tom", "participant")
    with pytest.raises(qk.models.QualkitError, match="unknown party"):
        q.set_speaker_party("Tom Healey", "moderator")
    q.close()
    p.close()


def test_a_settings_change_is_named_before_and_at_ingest(tmp_path):
    p = make_project(tmp_path / "s")
    repo = Path(__file__).resolve().parents[1]
    shutil.copy(repo / "foi" / "kingsmere-london-borough.txt", p.root / "foi")
    p.ingest()
    assert p.pending_changes() == {}
    (p.root / "qualkit.yaml").write_text("segment:\n  unit: turn\n  interviewers: [Priya Natt]\n",
                                         encoding="utf-8")
    q = qk.open_project(p.root)
    pending = q.pending_changes()
    (why, docs), = pending.items()
    assert "segment.unit (sentence → turn)" in why and "segment.interviewers" in why
    assert len(docs) == 4  # the transcripts; an FOI letter does not depend on these settings
    report = q.ingest()
    assert report.resegmented == {why: [f"transcripts/{d}" for d in docs]}
    assert report.unchanged == ["foi/kingsmere-london-borough.txt"]
    assert q.pending_changes() == {}
    q.close()
    p.close()


def test_interviewer_hello_at_the_top_is_speech_not_a_header(project):
    write(project.root / "transcripts" / "a.txt",
          "Interviewer: Hello\nP1: Hi there\nInterviewer: How do you link the data?\n"
          "P1: Badly, on name and date of birth.\n")
    project.ingest()
    assert project.segments()["text"].iloc[0] == "Hello"
    assert project.documents().columns.tolist()[:5] == ["document", "kind", "path",
                                                        "n_segments", "format"]


def test_front_matter_is_the_header(project):
    write(project.root / "transcripts" / "fm.txt",
          "---\ninterviewer: Sam Morley\ndate: 2024-03-06\nsite: Eastbrook\n---\n\n"
          "Sam Morley: What do you link?\nDana: School census data, mostly.\n"
          "Sam Morley: Anything else?\nDana: Not yet.\n")
    project.ingest()
    docs = project.documents().set_index("document")
    assert (docs.loc["fm.txt", "interviewer"], docs.loc["fm.txt", "site"]) == \
        ("Sam Morley", "Eastbrook")
    segs = project.segments()
    assert "---" not in " ".join(segs["text"])
    assert set(zip(segs["speaker"], segs["party"])) == {("Sam Morley", "interviewer"),
                                                        ("Dana", "participant")}


def test_long_written_roles_and_teams_style_names(project):
    # found by hand: a 50-character role was not read as a label, so that speaker's words
    # went to the speaker before; Teams writes "Surname, First"
    write(project.root / "transcripts" / "g.txt",
          "SAM ELLIS (Researcher): What gets in the way?\n"
          "COLIN WARD (Children's Commissioning Manager, Brackenhurst ICB): GP data, mostly.\n"
          "SAM ELLIS (Researcher): Anything else at all?\n"
          "COLIN WARD (Children's Commissioning Manager, Brackenhurst ICB): Money, and time.\n")
    write(project.root / "transcripts" / "t.vtt",
          "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Grey, Tom>What stops you linking?</v>\n\n"
          "00:00:05.000 --> 00:00:09.000\n<v Nadia Okoye>Governance, every single year.</v>\n")
    project.ingest()
    sp = project.speakers().set_index(["document", "speaker"])
    assert sp.loc[("g.txt", "COLIN WARD"), "roles"] == \
        "Children's Commissioning Manager, Brackenhurst ICB"
    assert sp.loc[("g.txt", "COLIN WARD"), "party"] == "participant"
    assert project.set_speaker_party("Tom Grey", "interviewer") == {"t.vtt": 2}
    assert project.speakers().set_index("speaker").loc["Nadia Okoye", "party"] == "participant"


EXPORTS = DATA / "exports"  # invented text in the layouts of real Otter/Descript/Teams exports


def test_otter_and_markdown_exports_give_speakers_times_and_no_signature(project):
    for name in ("otter-export.txt", "descript-bold.md", "teams-entities.vtt"):
        shutil.copy(EXPORTS / name, project.root / "transcripts" / name)
    report = project.ingest()
    assert not report.skipped
    segs = project.segments(document="otter-export.txt")
    speech = segs[segs["flags"] != "nonspeech"]
    assert set(speech["speaker"]) == {"Priya Shah", "Tom Reid", "Unknown Speaker"}
    first = speech.iloc[0]
    assert (first["speaker"], first["timestamp"], first["text"]) == (
        "Priya Shah", "0:04", "Thanks for making the time.")
    assert not speech["text"].str.contains(r"Transcribed by|\b\d:\d\d\b").any()
    signature = segs[segs["text"] == "Transcribed by https://otter.ai"]
    assert list(signature["flags"]) == ["nonspeech"]
    md = project.segments(document="descript-bold.md")
    assert list(md["speaker"].unique()) == ["Priya Shah", "Tom Reid"]
    assert not md["text"].str.contains(r"\*\*|\[0:").any()
    assert set(project.segments(document="teams-entities.vtt")["speaker"]) == {
        "Zoë Baños", "Priya Shah (Guest)"}


def test_an_oral_history_title_names_the_participant_and_so_the_interviewer(project):
    # the shape of a 1980s oral-history transcript: a title line, initials for the historian,
    # the surname for the person interviewed, a tab after each label (text invented)
    write(project.root / "transcripts" / "oh.txt",
          "DANA WHITLOCK 3-4-89\n\nInterview with Dana Whitlock, 3-4-89\n\n"
          "JRP:\tWhat did the panel decide?\n\nWhitlock:\tTo share the records (not clear) "
          "in the end.\n\nJRP:\tWhen was that?\n\nWhitlock:\tIn March, I think.\n")
    project.ingest()
    docs = project.documents().set_index("document")
    assert docs.loc["oh.txt", "participant"] == "Dana Whitlock"
    segs = project.segments(document="oh.txt")
    assert segs["text"].iloc[0] == "What did the panel decide?"
    assert set(zip(segs["speaker"], segs["party"])) == {("JRP", "interviewer"),
                                                        ("Whitlock", "participant")}
