"""Issue #13, part 2: two wordings in multi-select answers, in four layouts each.

(a) Datasets or uses named beyond the listed options select "Other", and the text naming them
    is kept as free text. (b) Options named as planned or in development are not selected:
    the wording is the answer's qualifier and free text; with nothing current the answer is
    "none". The letters are invented (tests/data/foi_wording/README.md).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.foi.parse import parse_letter

DATA = Path(__file__).resolve().parent / "data" / "foi_wording"
Q2, Q4, Q6 = "q2_datasets", "q4_uses", "q6_health_datasets"


def read(name: str):
    text = (DATA / name).read_text(encoding="utf-8")
    letter = parse_letter(text)
    for f in letter.free_text:
        assert text[f.start:f.end] == f.text
    return text, {a.question: a for a in letter.answers}, letter


def free(letter, qid) -> list[str]:
    return [f.text for f in letter.free_text if f.question == qid]


# (a) "Other" with its free text ------------------------------------------------------------------
OTHER = {  # file -> {question: (options, a phrase the free text must hold)}
    "brackenmoor-prose.txt": {Q2: (("school_census", "cin_census", "other"), "youth offending"),
                              Q4: (("strategic_planning", "other"), "sufficiency assessment")},
    "corrieston-bullets.txt": {Q2: (("school_census", "cin_census", "other"), "Early help"),
                               Q4: (("strategic_planning", "data_dashboard", "other"),
                                    "Sufficiency planning")},
    "dunmere-marked.txt": {Q2: (("school_census", "cin_census", "other"), "youth justice"),
                           Q4: (("strategic_planning", "data_dashboard", "other"),
                                "sufficiency review")},
    "elverton-table.txt": {Q2: (("school_census", "cin_census", "other"), "early help data"),
                           Q4: (("strategic_planning", "other"), "family hubs")},
}


@pytest.mark.parametrize("name", sorted(OTHER))
def test_items_beyond_the_list_select_other_and_keep_their_text(name):
    _, answers, letter = read(name)
    for qid, (options, phrase) in OTHER[name].items():
        assert (answers[qid].answer, answers[qid].options) == ("selected", options), qid
        assert any(phrase in t for t in free(letter, qid)), (qid, free(letter, qid))


def test_the_other_side_of_a_linkage_is_not_an_extra_dataset():
    head = "Freedom of Information Act 2000\nOur ref: 77\n\n"
    q = "2. Which of your datasets are you linking?\n\n"
    for answer in ("We usually link our school census data with social care data.",
                   "We link the school census to educational data sets on a weekly basis.",
                   "School census, CiN census"):
        a = {x.question: x for x in parse_letter(head + q + answer + "\n").answers}[Q2]
        assert "other" not in a.options, answer


# (b) planned, not current -------------------------------------------------------------------------
PLANNED = {  # file -> (answer, options, words the qualifier holds, words it must not)
    "brackenmoor-prose.txt": ("none", (), ["plan to link CAMHS and GP"], []),
    "corrieston-bullets.txt": ("none", (), ["planned", "Primary care (GP data)",
                                            "Secondary care (CAMHS)"], []),
    "dunmere-marked.txt": ("none", (), ["Planned for 2024", "CAMHS", "In development"], []),
    "elverton-table.txt": ("selected", ("deaths", "births"),
                           ["plan to add CAMHS and A&E data next year"], ["births"]),
}


@pytest.mark.parametrize("name", sorted(PLANNED))
def test_planned_items_are_not_selected_but_kept(name):
    text, answers, letter = read(name)
    answer, options, holds, lacks = PLANNED[name]
    a = answers[Q6]
    assert (a.answer, a.options) == (answer, options)
    for words in holds:
        assert words in a.qualifier, (words, a.qualifier)
    for words in lacks:
        assert words not in a.qualifier
    kept = " ".join(free(letter, Q6))
    for words in holds:
        assert words.rstrip(".") in kept or words in a.qualifier
    assert a.confidence > 0
    assert text[a.start:a.end].strip()


def test_one_sentence_mixing_a_current_option_with_planned_ones():
    _, answers, letter = read("elverton-table.txt")
    a = answers[Q6]
    assert a.options == ("deaths", "births")  # current
    assert "camhs" not in a.options and "ae" not in a.options  # planned
    assert a.qualifier == "plan to add CAMHS and A&E data next year."
    assert any("plan to add CAMHS" in t for t in free(letter, Q6))


@pytest.mark.parametrize("wording", [
    "GP data (planned), Births",
    "Births; GP data is planned for 2025",
    "We link births data. CAMHS will be linked from April 2025.",
])
def test_planned_wording_in_lists_and_sentences(wording):
    text = ("Freedom of Information Act 2000\nOur ref: 91\n\n6. Which health data sets are you "
            "linking with education and or social care?\n\n" + wording + "\n")
    a = {x.question: x for x in parse_letter(text).answers}[Q6]
    assert a.answer == "selected" and a.options == ("births",), wording
    assert a.qualifier


def test_what_cannot_be_read_stays_unclear():
    text = ("Freedom of Information Act 2000\nOur ref: 12\n\n6. Which health data sets are you "
            "linking with education and or social care?\n\nPlease see the attached spreadsheet.\n")
    a = {x.question: x for x in parse_letter(text).answers}[Q6]
    assert (a.answer, a.options, a.confidence) == ("unclear", (), 0.0)
