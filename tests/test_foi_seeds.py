"""The FOI parser on the three real council letters kept in the shared seeds folder.

The letters are read at run time from ``../shared/seeds`` (never copied into the repo); the
whole module is skipped when that folder is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.foi.parse import FoiLetter, looks_like_foi, parse_letter

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

Q1, Q2, Q3, Q4, Q5, Q6 = ("q1_link_edu_social", "q2_datasets", "q3_groups", "q4_uses",
                          "q5_link_health", "q6_health_datasets")


def _letter(name: str) -> tuple[str, FoiLetter]:
    path = SEEDS / f"foi-response-{name}.txt"
    if not path.is_file():
        pytest.skip(f"shared seed letter {path.name} not available")
    text = path.read_text(encoding="utf-8")
    return text, parse_letter(text)


def _answers(letter: FoiLetter) -> dict:
    return {a.question: a for a in letter.answers}


def _free(letter: FoiLetter, qid: str) -> list[str]:
    return [f.text for f in letter.free_text if f.question == qid]


def _check_common(text: str, letter: FoiLetter) -> None:
    assert looks_like_foi(text)
    assert letter.variant == "la"
    assert [a.question for a in letter.answers] == [Q1, Q2, Q3, Q4, Q5, Q6]
    for a in letter.answers:
        assert 0 <= a.start <= a.end <= len(text)
        assert 0.0 <= a.confidence <= 1.0
        assert a.answer != "unclear"
    for f in letter.free_text:
        assert text[f.start:f.end] == f.text
    everything = " ".join(f.text for f in letter.free_text)
    for boilerplate in ("Information Commissioner", "Wycliffe", "internal review", "re-use",
                        "Open Government Licence", "data portal", "review our response"):
        assert boilerplate.lower() not in everything.lower()


def test_barnet() -> None:
    text, letter = _letter("barnet")
    _check_common(text, letter)
    a = _answers(letter)
    assert a[Q1].answer == "yes"
    assert a[Q1].qualifier.startswith("on an ad-hoc basis")
    assert "Ofsted inspection" in a[Q1].qualifier
    assert a[Q1].confidence >= 0.9
    assert text[a[Q1].start:a[Q1].end].startswith("Yes, on an ad-hoc basis")
    # the echoed request before "Response" is not read: the answer comes after it
    assert a[Q1].start > text.index("\nResponse\n")
    assert any("on an ad-hoc basis" in t and "Ofsted" in t for t in _free(letter, Q1))

    assert (a[Q2].answer, a[Q2].options) == ("selected", ("school_census",))
    assert a[Q2].confidence <= 0.7  # read from prose
    assert "school census data" in text[a[Q2].start:a[Q2].end]
    assert any("social care data" in t for t in _free(letter, Q2))

    assert (a[Q3].answer, a[Q3].options) == ("selected", ("send", "cin", "cla"))
    assert a[Q3].confidence >= 0.9
    assert "Children in Need - Yes" in text[a[Q3].start:a[Q3].end]

    assert (a[Q4].answer, a[Q4].options) == ("selected", ("data_dashboard", "other"))
    q4_free = _free(letter, Q4)
    assert any(t.startswith("We link those known to children social care") and
               "Family Services team" in t for t in q4_free)
    assert "on an ad-hoc basis" in q4_free

    assert a[Q5].answer == "no"
    assert a[Q5].qualifier == "we do not link this data"
    assert text[a[Q5].start:a[Q5].end] == "No, we do not link this data."

    # q7 in the Response section echoes every option bare: nothing is selected
    assert a[Q6].options == ()
    assert a[Q6].answer == "none"
    assert ("Barnet Education Learning Service provides school census data to the Public "
            "Health team.") in _free(letter, Q6)
    assert letter.problems == []


def test_barnet_echo_is_never_read_as_selected() -> None:
    text, letter = _letter("barnet")
    response = text.index("\nResponse\n")
    for a in letter.answers:
        assert a.start > response, a
    selected = {(a.question, o) for a in letter.answers for o in a.options}
    assert selected == {(Q2, "school_census"), (Q3, "send"), (Q3, "cin"), (Q3, "cla"),
                        (Q4, "data_dashboard"), (Q4, "other")}
    for f in letter.free_text:
        assert f.start > response


def test_coventry() -> None:
    text, letter = _letter("coventry")
    _check_common(text, letter)
    a = _answers(letter)
    assert (a[Q1].answer, a[Q1].qualifier) == ("yes", "")
    assert text[a[Q1].start:a[Q1].end] == "Yes."

    assert (a[Q2].answer, a[Q2].options) == ("selected",
                                             ("school_census", "cin_census", "cla_return"))
    assert "SSSDA903" in text[a[Q2].start:a[Q2].end]  # the typo still reads as the 903 return
    assert a[Q2].confidence >= 0.85
    assert any(t.startswith("We also link Children in Need") and t.endswith("weekly basis.")
               for t in _free(letter, Q2))

    assert (a[Q3].answer, a[Q3].options) == ("selected", ("send", "cla", "fsm", "all"))
    assert "cin" not in a[Q3].options
    assert "Looked after children (care experienced)" in text[a[Q3].start:a[Q3].end]

    assert a[Q4].options == ("strategic_planning", "data_dashboard", "service_review",
                             "targeted_interventions")
    assert a[Q4].answer == "selected"

    assert a[Q5].answer == "in development"
    assert a[Q5].qualifier.startswith("The NHS number is contained in social care datasets.")
    assert any("U18 integrated care record" in t for t in _free(letter, Q5))
    assert "currently in development" in text[a[Q5].start:a[Q5].end]

    assert (a[Q6].answer, a[Q6].options) == ("selected", ("cyps", "deaths", "births"))
    # lead-in lines ("We link data on the following:") are not free text
    assert not any(t.rstrip().endswith(":") for t in (f.text for f in letter.free_text))
    assert letter.problems == []


def test_leicester() -> None:
    text, letter = _letter("leicester")
    _check_common(text, letter)
    a = _answers(letter)
    assert (a[Q1].answer, a[Q1].confidence) == ("yes", 0.95)

    assert a[Q2].options == ("school_census", "cin_census", "cla_return", "other")
    q2_free = _free(letter, Q2)
    assert len(q2_free) == 1
    assert q2_free[0].startswith("Social Care and Education databases")
    assert "Alternative Provision Census returns" in q2_free[0]

    assert a[Q3].options == ("send", "cin", "cla", "fsm", "all")

    # "Leicester City Council aren't using linked data" is the echoed option, not an answer
    assert a[Q4].options == ("strategic_planning", "data_dashboard", "service_review",
                             "targeted_interventions")
    assert "not_using" not in a[Q4].options
    assert "joint_commissioning" not in a[Q4].options
    assert not any("using linked data" in f.text for f in letter.free_text)

    assert a[Q5].answer == "yes"  # numbered 6 in the letter, "Y/N/in development" echoed
    assert text[a[Q5].start:a[Q5].end] == "Yes"
    assert text.rfind("6.", 0, a[Q5].start) > text.rfind("4.", 0, a[Q5].start)

    assert a[Q6].options == ("cyps", "child_health_records", "deaths", "births")
    assert a[Q6].confidence >= 0.9
    assert [f.question for f in letter.free_text] == [Q2]
    assert letter.problems == []


def test_barnet_without_its_response_heading() -> None:
    """With no "Response" heading, the last readable occurrence of each question wins."""
    text, letter = _letter("barnet")
    plain = parse_letter(text.replace("\nResponse\n", "\n\n"))
    assert [(a.answer, a.options, a.qualifier) for a in plain.answers] == \
        [(a.answer, a.options, a.qualifier) for a in letter.answers]
    assert [f.text for f in plain.free_text] == [f.text for f in letter.free_text]
