"""Layouts met in real transcripts that earlier rules missed (bench/transcripts_eval.py), each
on invented text of the same shape: who interviewed, named in a title line or a header field
that is not a turn; slide markers in a lecture; a speaker's name alone on its line."""
from __future__ import annotations

from dataclasses import replace

import pytest

from qualkit.ingest.parties import decide_parties
from qualkit.ingest.readers import read_file
from qualkit.ingest.transcript import build_transcript
from qualkit.segment import segment_document


def ingest(tmp_path, text: str, name: str = "t.txt"):
    """(header fields, speaker -> party, [(speaker, party, flags, text)]) as a project sees."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read_file(path)
    t = build_transcript(result)
    decided = decide_parties(t.labels, t.header.speaker_names)
    units = [replace(u, party=decided[u.speaker].party) if u.speaker else u for u in t.units]
    segments = segment_document(name, result.text, units)
    assert all(result.text[s.start:s.end] == s.text for s in segments)
    parties = {k: d.party for k, d in decided.items()}
    return t.header.fields, parties, [(s.speaker, s.party, s.flags, s.text) for s in segments]


DIALOGUE = ("JRP:\tWhat did the panel decide?\n\nWhitlock:\tTo share the records.\n\n"
            "JRP:\tWhen was that?\n\nWhitlock:\tIn March, I think.\n")


@pytest.mark.parametrize("title", [
    "Interview with Dana Whitlock\nInterviewed by Jo R. Pike\n",
    "Interview with Dana Whitlock, interviewed by Jo R. Pike, 3-4-89\n",
    "Dana Whitlock interviewed by Jo R. Pike\n",
    "Interview with Dana Whitlock\n\nInterview conducted by Jo R. Pike.\n",
    "Interview with Dana Whitlock\n\nInterviewer: Jo R. Pike\n",
])
def test_the_interviewer_named_in_a_title_or_header_line(tmp_path, title):
    fields, parties, segs = ingest(tmp_path, title + "\n" + DIALOGUE)
    assert fields["interviewer"] == "Jo R. Pike" and fields["participant"] == "Dana Whitlock"
    assert parties == {"JRP": "interviewer", "Whitlock": "participant"}
    assert segs[0][3] == "What did the panel decide?"


def test_interviewed_by_alone_decides_by_initials(tmp_path):
    # no participant named: JRP are the initials of the interviewer, so Whitlock answers
    fields, parties, _ = ingest(tmp_path, "Conducted by Jo R. Pike\n\n" + DIALOGUE)
    assert fields == {"interviewer": "Jo R. Pike"}
    assert parties == {"JRP": "interviewer", "Whitlock": "participant"}


def test_an_interviewer_line_is_a_header_only_when_that_label_never_speaks(tmp_path):
    named = ("Interviewer: Sam Ellis\n\nSam:\tWhat gets in the way?\nNadia:\tGP data.\n"
             "Sam:\tAnything else?\nNadia:\tMoney.\n")
    fields, parties, segs = ingest(tmp_path, named, "a.txt")
    assert fields == {"interviewer": "Sam Ellis"}
    assert parties == {"Sam": "interviewer", "Nadia": "participant"}
    assert segs[0][3] == "What gets in the way?"
    # the same first line, but "Interviewer" goes on asking: it was said, not a header
    spoken = ("Interviewer: Sam Ellis\n\nNadia: Hello.\nInterviewer: What gets in the way?\n"
              "Nadia: GP data.\n")
    fields, _, segs = ingest(tmp_path, spoken, "b.txt")
    assert fields == {} and segs[0][:2] == ("Interviewer", "interviewer")
    assert segs[0][3] == "Sam Ellis"
    # one word after the label is not a name enough to make a header
    fields, _, segs = ingest(tmp_path, "Interviewer: Hello\n\nSam: Hi.\nNadia: Hi.\n"
                             "Sam: Well.\nNadia: Yes.\n", "c.txt")
    assert fields == {} and segs[0][3] == "Hello"


def test_slide_markers_in_a_lecture_script_are_not_speech(tmp_path):
    import docx

    d = docx.Document()
    for line in ["--Title page--", "Welcome back -- today we look at linked records.",
                 "-- Slide 2 --", "The census — collected each term — goes to the council.",
                 "--What links, and why?--", "Two keys do most of the work."]:
        d.add_paragraph(line)
    d.save(tmp_path / "lecture.docx")
    result = read_file(tmp_path / "lecture.docx")
    t = build_transcript(result)
    segments = segment_document("lecture.docx", result.text, t.units)
    flagged = [(s.flags, s.text) for s in segments]
    assert flagged == [
        ("nonspeech", "--Title page--"),
        ("", "Welcome back -- today we look at linked records."),
        ("nonspeech", "-- Slide 2 --"),
        ("", "The census — collected each term — goes to the council."),
        ("nonspeech", "--What links, and why?--"),
        ("", "Two keys do most of the work.")]


def test_dashes_in_speech_are_speech(tmp_path):
    # one marker-shaped line is no convention; dashes inside speech never count
    _, _, segs = ingest(tmp_path, "Sam: So -- how often?\nNadia: -- every term, I think --\n"
                        "Sam: Right — and then?\nNadia: Then it goes.\n")
    assert [(s[0], s[2], s[3]) for s in segs] == [
        ("Sam", "", "So -- how often?"), ("Nadia", "", "-- every term, I think --"),
        ("Sam", "", "Right — and then?"), ("Nadia", "", "Then it goes.")]
