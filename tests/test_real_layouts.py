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


def test_a_name_alone_on_its_line_heads_the_turn_below(tmp_path):
    # an un-anonymised Word export: the speaker's full name on a line, the speech below
    import docx

    d = docx.Document()
    for line in ["Linking records in Eastmoor", "", "Jane Okafor", "Who holds the EHCP data?",
                 "Tom de Vries", "The council does.", "It sends a copy each term.", "",
                 "Jane Okafor", "", "And health?", "Tom de Vries", "Only on request."]:
        d.add_paragraph(line)
    d.save(tmp_path / "names.docx")
    result = read_file(tmp_path / "names.docx")
    assert [(t.speaker, result.text[t.start:t.end]) for t in result.turns] == [
        ("Jane Okafor", "Who holds the EHCP data?"),
        ("Tom de Vries", "The council does.\nIt sends a copy each term."),
        ("Jane Okafor", "And health?"), ("Tom de Vries", "Only on request.")]


def test_a_name_line_beside_role_lines_counts_too(tmp_path):
    _, parties, segs = ingest(tmp_path, "Interviewer\nWho holds it?\nTom de Vries\nWe do.\n"
                              "Interviewer\nHow often?\nTom de Vries\nEvery term.\n")
    assert parties == {"Interviewer": "interviewer", "Tom de Vries": "participant"}
    assert [s[0] for s in segs] == ["Interviewer", "Tom de Vries"] * 2


@pytest.mark.parametrize("text", [
    # a title and a heading once each: no speaker
    "Linking Records Study\nWe asked four councils.\nKey Findings\nMost link by hand.\n",
    # one name heading twice, nobody else written that way: one voice, no convention
    "Jane Okafor\nWho holds it?\nWe do.\nJane Okafor\nHow often?\nEvery term.\n",
    # a name ending in a full stop is a sentence, not a label
    "Jane Okafor.\nWho holds it?\nTom Reid.\nWe do.\nJane Okafor.\nWhen?\nTom Reid.\nNow.\n",
])
def test_titles_and_headings_are_not_speakers(text):
    from qualkit.ingest.speakers import find_turns

    assert find_turns(text) == []


def test_name_lines_give_way_to_the_documents_name_colon_labels():
    from qualkit.ingest.speakers import find_turns

    text = ("Sam: Who holds it?\nNadia: The council.\nSam: And health?\nNadia: On request.\n"
            "Sam: Thanks.\nNadia Okoye\nA line of hers\nSam Ellis\nnot labels\n"
            "Nadia Okoye\nagain\nSam Ellis\nhere\n")
    assert {t.speaker for t in find_turns(text)} == {"Sam", "Nadia"}
