"""The FOI parser on odd wording, numbering and line endings, and on letters answered out of
the request's order (top-posted replies, Word tables, "Answer" labels)."""
from __future__ import annotations

import pytest

from qualkit.foi.parse import looks_like_foi, parse_letter
from test_foi_layouts import DOCX, FOI

LOOSE = """Freedom of Information request 4471

Q1 Linking of education and social care data: Y/N/in development - Y
Q2 Datasets linked: School census, CiN census
Q3 Groups of children: SEND; Children in Need
Q4 Uses of the linked data: Strategic planning
Q5 Linking with health data sets: No
Q6 Health datasets linked: n/a
"""


def test_terse_numbered_wording() -> None:
    letter = parse_letter(LOOSE)
    assert looks_like_foi(LOOSE)
    got = [(a.answer, a.options) for a in letter.answers]
    assert got == [("yes", ()), ("selected", ("school_census", "cin_census")),
                   ("selected", ("send", "cin")), ("selected", ("strategic_planning",)),
                   ("no", ()), ("none", ())]
    assert LOOSE[letter.answers[1].start:letter.answers[1].end] == "School census, CiN census"


def test_crlf_and_unicode_spaces_keep_offsets() -> None:
    text = (FOI / "kingsmere-london-borough.txt").read_text(encoding="utf-8")
    variant = text.replace("\n", "\r\n").replace("Children in Need - Yes",
                                                 "Children\u00a0in Need \u2013 Yes")
    plain, odd = parse_letter(text), parse_letter(variant)
    assert [(a.answer, a.options, a.qualifier) for a in odd.answers] == \
        [(a.answer, a.options, a.qualifier) for a in plain.answers]
    assert [f.text for f in odd.free_text] == [f.text for f in plain.free_text]
    for f in odd.free_text:
        assert variant[f.start:f.end] == f.text
    q3 = odd.answers[2]
    assert "Children\u00a0in Need \u2013 Yes" in variant[q3.start:q3.end]




TOP_POSTED = """Subject: RE: FOI request 2023/551 - data linkage

Hello,

Our answers:
1. Yes, but only for children with an EHCP.
2. All of the above
3. Children and young people with Special Educational Needs and
Disabilities; children looked after
4. **Data dashboard**
5. No
6. N/A

Regards
Records Team

-----Original Message-----
> 1. Do you currently link your education and social care data for children
> and young people? Y/N/in development
> 2. Which of your datasets are you linking?
> 3. Which groups of children and young people do you link data on?
> 4. How are you using the linked data?
> 5. Do you currently link local authority data sets for children and young
> people with health data sets? Y/N/in development
> 6. Which health data sets are you linking with education and or social care?
"""


def test_top_posted_reply_answers_by_number() -> None:
    """Answers above the quoted request, by number; a wrapped line; "All of the above"."""
    assert looks_like_foi(TOP_POSTED)
    letter = parse_letter(TOP_POSTED)
    got = [(a.answer, a.options, a.qualifier) for a in letter.answers]
    assert got == [
        ("yes", (), "but only for children with an EHCP"),
        ("selected", ("school_census", "cin_census", "cla_return"), ""),
        ("selected", ("send", "cla"), ""),
        ("selected", ("data_dashboard",), ""),
        ("no", (), ""),
        ("none", (), ""),
    ]
    assert all(a.confidence < 0.9 for a in letter.answers)  # numbered answers: a bit less sure
    q3 = letter.answers[2]
    assert TOP_POSTED[q3.start:q3.end].endswith("Disabilities; children looked after")
    assert [(f.question, f.text) for f in letter.free_text] == [
        ("q1_link_edu_social", "but only for children with an EHCP")]
    assert letter.problems == []


def test_word_table_letter() -> None:
    """A .docx read by qualkit's own reader: each table cell becomes a line."""
    pytest.importorskip("docx")
    from qualkit.ingest.readers import read_file

    text = read_file(FOI / DOCX).text
    assert looks_like_foi(text)
    letter = parse_letter(text)
    got = [(a.question, a.answer, a.options, a.qualifier) for a in letter.answers]
    assert got == [
        ("q1_link_edu_social", "yes", (), "through the council's Synergy and Mosaic systems"),
        ("q2_datasets", "selected", ("school_census", "cin_census", "other"), ""),
        ("q3_groups", "selected", ("send", "cin", "cla"), ""),
        ("q4_uses", "selected", ("strategic_planning", "service_review"), ""),
        ("q5_link_health", "no", (), "health partners have not agreed to share identifiable data"),
        ("q6_health_datasets", "none", (), ""),
    ]
    assert [a.confidence for a in letter.answers] == [0.95, 0.95, 0.95, 0.95, 0.95, 0.9]
    q2 = letter.answers[1]
    assert text[q2.start:q2.end].startswith("School census\n\u2713\nChildren in Need")
    assert [(f.question, f.text) for f in letter.free_text] == [
        ("q1_link_edu_social", "through the council's Synergy and Mosaic systems"),
        ("q2_datasets", "Early Help records"),
        ("q5_link_health", "health partners have not agreed to share identifiable data"),
    ]
    assert letter.problems == []


QUESTION_ANSWER_LABELS = """Freedom of Information Act 2000 - reference 2023/0917

Question 1: Do you currently link your education and social care data for children and young people?
Answer
Yes
Question 2: Which of your datasets are you linking?
Answer
School census
Question 3: Which groups of children and young people do you link data on?
Answer:
Children looked after (care experienced)
Question 4: How are you using the linked data?
Answer:
Service review
Question 5: Do you currently link local authority data sets for children and young people with health data sets?
Answer:
No
Question 6: Which health data sets are you linking with education and or social care?
Answer:
"""


def test_answer_labels_are_not_a_response_heading() -> None:
    letter = parse_letter(QUESTION_ANSWER_LABELS)
    got = [(a.answer, a.options) for a in letter.answers]
    assert got == [("yes", ()), ("selected", ("school_census",)), ("selected", ("cla",)),
                   ("selected", ("service_review",)), ("no", ()), ("none", ())]
    assert letter.free_text == [] and letter.problems == []
