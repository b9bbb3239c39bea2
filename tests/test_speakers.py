"""Speaker labels in plain text: every style, roles, continuation, false positives, a property."""
from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.ingest.speakers import find_turns, infer_role, match_label


def said(text: str) -> list[tuple[str | None, str | None, str | None, str]]:
    """(speaker, role, timestamp, utterance) for each turn, checking offsets are tight."""
    out = []
    for t in find_turns(text):
        chunk = text[t.start:t.end]
        assert chunk == chunk.strip() and chunk
        out.append((t.speaker, t.role, t.timestamp, chunk))
    return out


@pytest.mark.parametrize("label,speaker,role,stamp", [
    ("Interviewer:", "Interviewer", "interviewer", None),
    ("INTERVIEWER:", "INTERVIEWER", "interviewer", None),
    ("I:", "I", "interviewer", None),
    ("Int:", "Int", "interviewer", None),
    ("Q:", "Q", "interviewer", None),
    ("Facilitator:", "Facilitator", "interviewer", None),
    ("Researcher:", "Researcher", "interviewer", None),
    ("A:", "A", "participant", None),
    ("P3:", "P3", "participant", None),
    ("Participant 3:", "Participant 3", "participant", None),
    ("Respondent 2:", "Respondent 2", "participant", None),
    ("R2:", "R2", "participant", None),
    ("R:", "R", "participant", None),
    ("[00:01:02] Sam Ellis:", "Sam Ellis", None, "00:01:02"),
    ("(00:01:02) Sam Ellis:", "Sam Ellis", None, "00:01:02"),
    ("00:01:02 Sam Ellis:", "Sam Ellis", None, "00:01:02"),
    ("[00:01:02.500] - Sam:", "Sam", None, "00:01:02.500"),
    ("[01:02] P1:", "P1", "participant", "01:02"),
    ("Sam (00:01:02):", "Sam", None, "00:01:02"),
    ("SAM (Interviewer):", "SAM", "Interviewer", None),
    ("Jane Smith (Head Teacher):", "Jane Smith", "Head Teacher", None),
    ("Dr. Jane Smith (GP):", "Dr. Jane Smith", "GP", None),
    ("  P1:", "P1", "participant", None),
])
def test_label_styles_count_once(label, speaker, role, stamp):
    text = f"Transcript header\n{label} Hello there.\n"
    assert said(text) == [(speaker, role, stamp, "Hello there.")]


@pytest.mark.parametrize("label,speaker", [
    ("Dr Jane Smith:", "Dr Jane Smith"), ("**Kim Lee:**", "Kim Lee"), ("**Kim Lee**:", "Kim Lee"),
    ("Maria de Souza:", "Maria de Souza"), ("J. R. Hartley:", "J. R. Hartley"),
    ("Speaker 1:", "Speaker 1"), ("Zoë Ó Briain:", "Zoë Ó Briain"),
])
def test_plain_names_count_when_repeated(label, speaker):
    once = f"{label} One."
    assert said(once) == []
    assert said(f"{once}\n{label} Two.") == [(speaker, None, None, "One."), (speaker, None, None, "Two.")]


def test_markdown_bold_with_role():
    assert said("**Sam (Interviewer):** Hi.") == [("Sam", "Interviewer", None, "Hi.")]


def test_continuation_lines_header_and_trailing_space():
    text = ("INVENTED INTERVIEW\nRecorded in Northmere\n\nInterviewer: How did it start?  \n\n"
            "P1: Slowly.\nThen all at once.\n   Indented too.\t\n\n\nInterviewer: Thanks.\n")
    assert said(text) == [
        ("Interviewer", "interviewer", None, "How did it start?"),
        ("P1", "participant", None, "Slowly.\nThen all at once.\n   Indented too."),
        ("Interviewer", "interviewer", None, "Thanks."),
    ]
    assert find_turns(text)[0].start == text.index("How")


def test_label_alone_on_its_line():
    text = "Interviewer:\n  What happened?\nP1:\nNothing."
    assert [u for *_, u in said(text)] == ["What happened?", "Nothing."]


def test_label_without_words_gives_no_turn():
    assert said("Interviewer:\nP1: Yes.\nInterviewer:   \n") == [("P1", "participant", None, "Yes.")]


def test_colons_inside_a_turn_stay_in_it():
    text = "P1: I said: no.\nThe point is: nobody came.\nInterviewer: Why: really?"
    assert said(text) == [("P1", "participant", None, "I said: no.\nThe point is: nobody came."),
                          ("Interviewer", "interviewer", None, "Why: really?")]


HEADER_NOISE = """Note: invented for testing
Date: 2023-03-01
Time: 10:30
Area: Northmere
Location: Library
Re: follow-up
Subject: housing
From: Sam
To: Jo
http://example.org/a
Https://example.org/b
Website: example.org
Page 2: continued
Interview Notes: none
"""


def test_header_noise_is_not_turns():
    assert said(HEADER_NOISE) == []
    text = HEADER_NOISE + "Interviewer: Shall we start?\nP4: Yes.\n"
    assert [s for s, *_ in said(text)] == ["Interviewer", "P4"]


def test_stoplisted_labels_never_count_even_repeated():
    text = "Note: one\nNote: two\nDate: a\nDate: b\nSo: then\nSo: again\n"
    assert said(text) == []


def test_sentences_with_colons_are_not_labels():
    text = ("The thing is: nobody came.\nThe thing is: nobody came.\n"
            "One, two, three: go.\nOne, two, three: go.\n"
            "Sometimes when I go to the shops late: it is shut.\n")
    assert said(text) == []


def test_nothing_found():
    assert find_turns("") == [] and find_turns("Just prose.\nMore prose.") == []


def test_infer_role():
    assert [infer_role(s) for s in ["Interviewer 2", "Moderator", "Q1", "P12", "Respondent",
                                    "Interviewee", "Sam", "Int"]] == [
        "interviewer", "interviewer", "interviewer", "participant", "participant",
        "participant", None, "interviewer"]


def test_match_label_on_one_line():
    label = match_label("[00:00:05] Sam Ellis (Interviewer): hello")
    assert (label.speaker, label.role, label.timestamp, label.known) == (
        "Sam Ellis", "Interviewer", "00:00:05", True)
    assert "[00:00:05] Sam Ellis (Interviewer): hello"[label.end:] == " hello"
    assert match_label("Note: x") is None and match_label("no label here") is None


# ---------------------------------------------------------------- property test


class Style(NamedTuple):
    template: str  # {ts} is replaced by a timestamp
    speaker: str
    role: str | None
    timed: bool = False
    known: bool = True


STYLES = [
    Style("Interviewer:", "Interviewer", "interviewer"), Style("I:", "I", "interviewer"),
    Style("Int:", "Int", "interviewer"), Style("Q:", "Q", "interviewer"),
    Style("A:", "A", "participant"), Style("P3:", "P3", "participant"),
    Style("Participant 3:", "Participant 3", "participant"),
    Style("Respondent 2:", "Respondent 2", "participant"), Style("R2:", "R2", "participant"),
    Style("[{ts}] Sam Ellis:", "Sam Ellis", None, True),
    Style("({ts}) Sam Ellis:", "Sam Ellis", None, True),
    Style("{ts} Sam Ellis:", "Sam Ellis", None, True),
    Style("SAM (Interviewer):", "SAM", "Interviewer"),
    Style("Jane Doe (Participant):", "Jane Doe", "Participant"),
    Style("Dr Jane Smith:", "Dr Jane Smith", None, known=False),
    Style("**Kim Lee:**", "Kim Lee", None, known=False),
    Style("**Kim Lee**:", "Kim Lee", None, known=False),
]

# Words never contain a colon, so an utterance line can never look like a label.
WORDS = st.one_of(
    st.text(st.characters(exclude_categories=("C", "Z"), exclude_characters=":"),
             min_size=1, max_size=8),
    st.sampled_from(["well,", "—", "“quoted”", "don’t", "(aside)", "...", "naïve", "日本語",
                     "**", "[x]", "-", "?", "Note", "Sam", "P3", "£5", "🙂", "I", "A"]),
)
LINES = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
UTTERANCES = st.builds(lambda lines, glue: glue.join(lines),
                       st.lists(LINES, min_size=1, max_size=3),
                       st.sampled_from(["\n", "\n\n", "\n  ", "  \n"]))
STAMPS = st.builds("{:02d}:{:02d}:{:02d}".format, st.integers(0, 9), st.integers(0, 59),
                   st.integers(0, 59))
TURNS = st.tuples(st.sampled_from(STYLES), UTTERANCES, STAMPS,
                  st.sampled_from([" ", "  ", "\t", "\n", " \n"]),  # label -> utterance
                  st.sampled_from(["", "\n", "\n\n", "  \n", "\t\n"]),  # blank lines after
                  st.sampled_from(["", "", "  "]))  # indentation of the label


@st.composite
def transcripts(draw):
    header = draw(st.lists(LINES, max_size=2))
    turns = draw(st.lists(TURNS, min_size=1, max_size=8))
    counts = Counter(turn[0].speaker for turn in turns)
    for turn in list(turns):  # a plain name only counts once it is used twice
        if not turn[0].known and counts[turn[0].speaker] < 2:
            turns.append(turn)
            counts[turn[0].speaker] += 1
    text = "".join(line + "\n" for line in header)
    expected = []
    for style, utterance, stamp, sep, blanks, indent in turns:
        text += indent + style.template.format(ts=stamp) + sep + utterance + "\n" + blanks
        expected.append((style.speaker, style.role, stamp if style.timed else None, utterance.strip()))
    return text, expected


@settings(max_examples=300, deadline=None)
@given(transcripts())
def test_property_turns_match_what_was_written(case):
    text, expected = case
    turns = find_turns(text)
    for before, after in zip(turns, turns[1:]):
        assert before.start < before.end <= after.start
    assert [(t.speaker, t.role, t.timestamp, text[t.start:t.end]) for t in turns] == expected


# ---------------------------------------------------------------- exported layouts
# (shapes seen in real Otter, Descript/Markdown and printed-PDF transcripts; text invented)

def test_otter_headings_name_and_time_on_their_own_line():
    text = ("Priya Shah  0:04  \nCould you start with the census?\n\n"
            "Tom Reid  0:19  \nSure. We pull it every term.\nIt takes weeks.\n\n"
            "Unknown Speaker  1:07\nSorry, my phone.\n")
    assert said(text) == [
        ("Priya Shah", None, "0:04", "Could you start with the census?"),
        ("Tom Reid", None, "0:19", "Sure. We pull it every term.\nIt takes weeks."),
        ("Unknown Speaker", None, "1:07", "Sorry, my phone.")]


def test_a_time_colon_is_not_a_label_colon():
    # found on a real Otter export: "Emma  0:00" was read as speaker "Emma 0" saying "00"
    assert match_label("Emma  0:00") is None
    assert match_label("Emma 12:30 we started") is None
    assert match_label("P3: 12 people came") is not None


def test_bold_headings_with_the_text_below_or_beside():
    text = ("**Priya Shah** [0:00] Welcome back.\n\n**Tom Reid** [0:09] Yes, the record.\n\n"
            "**Priya Shah**  0:31  \nWhat stops it?\n")
    assert said(text) == [("Priya Shah", None, "0:00", "Welcome back."),
                          ("Tom Reid", None, "0:09", "Yes, the record."),
                          ("Priya Shah", None, "0:31", "What stops it?")]


def test_a_one_space_heading_counts_only_when_the_name_heads_two_turns():
    assert said("Tuesday 10:30\nWe met the panel.\n") == []
    assert [s for s, *_ in said("Sam 0:01\nHello.\n\nSam 0:09\nStill me.\n")] == ["Sam", "Sam"]


def test_role_lines_alone_head_turns_once_the_document_has_two():
    text = ("Interviewer 1\nHow long have you been in post?\n"
            "Interviewee\nThree years, give or take.\n"
            "Interviewer 2\nAnd before that?\n")
    assert said(text) == [("Interviewer 1", "interviewer", None, "How long have you been in post?"),
                          ("Interviewee", "participant", None, "Three years, give or take."),
                          ("Interviewer 2", "interviewer", None, "And before that?")]
    assert said("Participant\nThe list of people we asked.\n") == []
