"""The FOI parser on bad input: nothing answered, no questions, empty, not a letter, fuzz."""
from __future__ import annotations

import pytest

from qualkit.foi.parse import FoiLetter, looks_like_foi, parse_letter
from test_foi_layouts import FOI, LA

ACKNOWLEDGEMENT = """Freedom of Information Act 2000
Our ref: FOI-2231

Dear Researcher,

Thank you for your email. We have logged your request and will respond within 20 working days.

If you are unhappy with how we handle your request you may complain to the Information
Commissioner's Office.

Yours sincerely
Records Team
"""

NOTHING_ANSWERED = """Freedom of Information Act 2000 - request FOI/88/2023

1. Do you currently link your education and social care data for children and young people?

2. Which of your datasets are you linking?

3. Which groups of children and young people do you link data on?

4. How are you using the linked data?

5. Do you currently link local authority data sets for children and young people with health data sets?

6. Which health data sets are you linking with education and or social care?

Yours faithfully
"""

TRANSCRIPT = """Interviewer: Thanks for joining. Can you tell me about your role?
Participant: I manage the performance team in children's services.
Interviewer: Do you link education and social care data?
Participant: We do, mostly for the SEND dashboard. We sent an FOI reply about it last year.
Interviewer: What gets in the way?
Participant: Honestly, information governance. Every agreement takes months.
Interviewer: And health data?
Participant: Not yet. The ICB is keen but the NHS number is missing from our systems.
"""


def _all_unclear(letter: FoiLetter) -> None:
    assert [a.question for a in letter.answers] == LA
    for a in letter.answers:
        assert (a.answer, a.options, a.qualifier, a.confidence) == ("unclear", (), "", 0.0)


@pytest.mark.parametrize("text", ["", "   \n\t \n", None])
def test_empty_input(text) -> None:
    assert not looks_like_foi(text or "")
    letter = parse_letter(text)
    _all_unclear(letter)
    assert all((a.start, a.end) == (0, 0) for a in letter.answers)
    assert letter.free_text == []
    assert letter.problems == ["empty letter: no text to read"]


def test_no_recognisable_questions() -> None:
    assert looks_like_foi(ACKNOWLEDGEMENT)  # a valid FOI letter, just not an answer
    letter = parse_letter(ACKNOWLEDGEMENT)
    _all_unclear(letter)
    assert letter.free_text == []
    assert letter.problems == ["no recognisable questions"]


def test_questions_without_answers() -> None:
    assert looks_like_foi(NOTHING_ANSWERED)
    letter = parse_letter(NOTHING_ANSWERED)
    _all_unclear(letter)
    assert letter.free_text == []
    assert letter.problems == [f"{q}: answer unclear" for q in LA]
    for a in letter.answers:  # an unclear answer still points at its question
        assert NOTHING_ANSWERED[a.start:a.end].rstrip().endswith("?")


def test_interview_transcript_is_not_a_letter() -> None:
    assert not looks_like_foi(TRANSCRIPT)
    letter = parse_letter(TRANSCRIPT)
    _all_unclear(letter)
    assert letter.problems[0] == "the text does not look like an FOI letter"
    assert letter.free_text == []


@pytest.mark.parametrize("text", ["\x00\x01\ufffd garbage \u202e", "?" * 5000, ">" * 3000,
                                  "| " * 2000, "School census - Yes\n" * 500,
                                  "2. Which of your datasets are you linking?\n" +
                                  "School census, " * 3000])
def test_odd_input_never_raises(text: str) -> None:
    letter = parse_letter(text)
    assert len(letter.answers) == 6
    for a in letter.answers:
        assert 0 <= a.start <= a.end <= len(text)
    for f in letter.free_text:
        assert text[f.start:f.end] == f.text


def test_fuzzed_letters_never_raise() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    lines = []
    for path in sorted(FOI.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    pieces = st.one_of(st.sampled_from(lines), st.text(max_size=40))

    @hypothesis.settings(max_examples=80, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(pieces, max_size=40), st.sampled_from(["\n", "\r\n", "\n> "]))
    def check(parts, sep):
        text = sep.join(parts)
        looks_like_foi(text)
        letter = parse_letter(text)
        assert letter.problems == [] or all(isinstance(p, str) for p in letter.problems)
        assert len({a.question for a in letter.answers}) == len(letter.answers)
        for a in letter.answers:
            assert 0 <= a.start <= a.end <= len(text)
            assert 0.0 <= a.confidence <= 1.0
            assert a.answer in {"yes", "no", "in development", "selected", "none", "given",
                                "unclear"}
        for f in letter.free_text:
            assert text[f.start:f.end] == f.text

    check()
