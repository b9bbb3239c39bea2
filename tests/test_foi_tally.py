"""FOI tallies against counts worked out by hand.

Issue #8 changed the bases on purpose: every row of a question in a group now has one
denominator (the letters in the group asked the question, unclear and refused included), ICB
letters are a group of their own ("ICBs", never inside "All councils"), the total across
councils and ICBs is "All councils and ICBs" (only where both were asked), and a refusal is
the status "refused" (Fenwick's section 12 letter), not "unclear". The expectations below
were re-worked by hand for that; the letter-by-letter answers are unchanged.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from qualkit.foi.tally import COUNCILS_GROUP, ICB_GROUP, TOTAL_GROUP, percent, tally
from qualkit.foi.parse import parse_letter, stored_answers
from qualkit.models import QualkitError

FOI = Path(__file__).resolve().parents[1] / "foi"
ALL = TOTAL_GROUP  # councils and ICBs
COUNCILS = COUNCILS_GROUP


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, docs = [], []
    for attrs in csv.DictReader((FOI / "attributes.csv").open(encoding="utf-8")):
        if not attrs["file"].endswith(".txt"):  # the counts below are over the 12 .txt letters
            continue
        letter = parse_letter((FOI / attrs["file"]).read_text(encoding="utf-8"))
        docs.append({"document": attrs["file"], "kind": "foi",
                     "authority_type": attrs["authority_type"], "region": attrs["region"]})
        for a in stored_answers(letter):  # as ingest stores them: a refusal is "refused"
            rows.append({"document": attrs["file"], "question": a.question, "answer": a.answer,
                         "options": list(a.options), "qualifier": a.qualifier,
                         "confidence": a.confidence, "start": a.start, "end": a.end})
    docs.append({"document": "interview-01.txt", "kind": "transcript", "authority_type": None,
                 "region": None})  # documents without answers are not counted
    return pd.DataFrame(rows), pd.DataFrame(docs)


def _row(df: pd.DataFrame, question: str, option: str, group: str) -> tuple:
    hit = df[(df["question"] == question) & (df["option"] == option) & (df["group"] == group)]
    assert len(hit) == 1, (question, option, group)
    r = hit.iloc[0]
    return int(r["count"]), int(r["denominator"]), (None if math.isnan(r["percent"])
                                                    else float(r["percent"]))


@pytest.fixture(scope="module")
def by_type() -> pd.DataFrame:
    return tally(*_frames(), by="authority_type")


def test_columns_and_groups(by_type: pd.DataFrame) -> None:
    assert list(by_type.columns) == ["question", "option", "group", "count", "denominator",
                                     "percent"]
    assert list(by_type["question"].unique()) == [
        "q1_link_edu_social", "q2_datasets", "q3_groups", "q4_uses", "q5_link_health",
        "q6_health_datasets", "icb_partners", "icb_barriers"]
    q1_groups = list(by_type[by_type["question"] == "q1_link_edu_social"]["group"].unique())
    # the ICB questionnaire does not ask q1: no ICB group and no councils-and-ICBs total
    assert q1_groups == ["county council", "london borough", "metropolitan district", "unitary",
                         COUNCILS]
    q5_groups = list(by_type[by_type["question"] == "q5_link_health"]["group"].unique())
    assert q5_groups == ["county council", "london borough", "metropolitan district", "unitary",
                         COUNCILS, ICB_GROUP, ALL]
    q1_opts = list(by_type[(by_type["question"] == "q1_link_edu_social") &
                           (by_type["group"] == COUNCILS)]["option"])
    assert q1_opts == ["yes", "no", "in development", "unclear", "refused"]
    q2_opts = list(by_type[(by_type["question"] == "q2_datasets") &
                           (by_type["group"] == ALL)]["option"])
    assert q2_opts == ["school_census", "cin_census", "cla_return", "other", "none", "unclear",
                       "refused"]


def test_yes_no_by_hand(by_type: pd.DataFrame) -> None:
    # q1 per letter (11 councils): yes = ashby, harrowdene, kingsmere, thornbury, marlowe,
    # wexcombe, bramford, saltmarsh, oakridge (9); in development = eastholme; fenwick refused
    # (section 12). One base: all 11 councils asked.
    q = "q1_link_edu_social"
    assert _row(by_type, q, "yes", COUNCILS) == (9, 11, 81.8)
    assert _row(by_type, q, "in development", COUNCILS) == (1, 11, 9.1)
    assert _row(by_type, q, "no", COUNCILS) == (0, 11, 0.0)
    assert _row(by_type, q, "unclear", COUNCILS) == (0, 11, 0.0)
    assert _row(by_type, q, "refused", COUNCILS) == (1, 11, 9.1)
    assert _row(by_type, q, "yes", "metropolitan district") == (2, 3, 66.7)
    assert _row(by_type, q, "in development", "metropolitan district") == (1, 3, 33.3)
    assert _row(by_type, q, "yes", "county council") == (2, 3, 66.7)
    assert _row(by_type, q, "refused", "county council") == (1, 3, 33.3)
    assert _row(by_type, q, "yes", "unitary") == (3, 3, 100.0)
    # q5: yes = kingsmere, bramford, icb; no = harrowdene, marlowe, eastholme, wexcombe,
    # saltmarsh; in development = ashby, thornbury, oakridge; fenwick refused.
    q = "q5_link_health"
    assert _row(by_type, q, "yes", COUNCILS) == (2, 11, 18.2)
    assert _row(by_type, q, "yes", ICB_GROUP) == (1, 1, 100.0)
    assert _row(by_type, q, "yes", ALL) == (3, 12, 25.0)
    assert _row(by_type, q, "no", ALL) == (5, 12, 41.7)
    assert _row(by_type, q, "in development", ALL) == (3, 12, 25.0)
    assert _row(by_type, q, "refused", ALL) == (1, 12, 8.3)
    assert _row(by_type, q, "unclear", ALL) == (0, 12, 0.0)
    assert _row(by_type, q, "no", "unitary") == (2, 3, 66.7)


def test_multi_select_by_hand(by_type: pd.DataFrame) -> None:
    q = "q2_datasets"  # 12 letters asked; fenwick refused; every other links the census
    assert _row(by_type, q, "school_census", ALL) == (11, 12, 91.7)
    assert _row(by_type, q, "school_census", COUNCILS) == (10, 11, 90.9)
    # cla_return: ashby, harrowdene, thornbury, wexcombe, bramford, saltmarsh, icb, oakridge
    assert _row(by_type, q, "cla_return", ALL) == (8, 12, 66.7)
    assert _row(by_type, q, "cla_return", COUNCILS) == (7, 11, 63.6)
    # cin_census: ashby, kingsmere, marlowe, eastholme, oakridge
    assert _row(by_type, q, "cin_census", ALL) == (5, 12, 41.7)
    assert _row(by_type, q, "other", ALL) == (2, 12, 16.7)
    assert _row(by_type, q, "none", ALL) == (0, 12, 0.0)
    assert _row(by_type, q, "refused", ALL) == (1, 12, 8.3)
    assert _row(by_type, q, "cin_census", "london borough") == (1, 2, 50.0)
    q = "q6_health_datasets"
    # none: harrowdene, thornbury, marlowe, eastholme, wexcombe, saltmarsh
    assert _row(by_type, q, "none", COUNCILS) == (6, 11, 54.5)
    assert _row(by_type, q, "births", COUNCILS) == (3, 11, 27.3)  # ashby, bramford, oakridge
    assert _row(by_type, q, "gp", ALL) == (2, 12, 16.7)  # kingsmere, icb
    assert _row(by_type, q, "csds", ICB_GROUP) == (1, 1, 100.0)
    q = "q4_uses"
    # strategic planning: ashby, kingsmere, marlowe, eastholme, wexcombe, icb, oakridge
    assert _row(by_type, q, "strategic_planning", ALL) == (7, 12, 58.3)
    assert _row(by_type, q, "strategic_planning", COUNCILS) == (6, 11, 54.5)
    assert _row(by_type, q, "not_using", ALL) == (0, 12, 0.0)
    q = "icb_barriers"
    assert _row(by_type, q, "given", ICB_GROUP) == (1, 1, 100.0)


def test_by_none_gives_only_the_total() -> None:
    answers, docs = _frames()
    total = tally(answers, docs, by=None)
    assert set(total["group"]) == {COUNCILS, ICB_GROUP, ALL}
    by_type = tally(answers, docs, by="authority_type")
    merged = by_type[by_type["group"].isin([COUNCILS, ICB_GROUP, ALL])].reset_index(drop=True)
    pd.testing.assert_frame_equal(total.reset_index(drop=True), merged)


def test_region_grouping() -> None:
    answers, docs = _frames()
    by_region = tally(answers, docs, by="region")
    # London: kingsmere (cin_census) and wexcombe (not)
    assert _row(by_region, "q2_datasets", "cin_census", "London") == (1, 2, 50.0)


# --- synthetic frames: rounding, unclear handling, odd values ------------------------------
def _synthetic(yes: int, dev: int, no: int, unclear: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, docs, n = [], [], 0
    for answer, k in (("yes", yes), ("in development", dev), ("no", no), ("unclear", unclear)):
        for _ in range(k):
            n += 1
            rows.append({"document": f"la{n}", "question": "q1_link_edu_social",
                         "answer": answer, "options": [], "qualifier": "", "confidence": 0.9,
                         "start": 0, "end": 1})
            docs.append({"document": f"la{n}", "authority_type": "unitary" if n % 2 else
                         "county council"})
    return pd.DataFrame(rows), pd.DataFrame(docs)


def test_policy_brief_percentages() -> None:
    # 91 full responses: 67 yes (73.6%), 17 in development (18.7%), 7 no (7.7%)
    answers, docs = _synthetic(67, 17, 7, 0)
    t = tally(answers, docs, by=None)
    assert _row(t, "q1_link_edu_social", "yes", COUNCILS) == (67, 91, 73.6)
    assert _row(t, "q1_link_edu_social", "in development", COUNCILS) == (17, 91, 18.7)
    assert _row(t, "q1_link_edu_social", "no", COUNCILS) == (7, 91, 7.7)
    assert _row(t, "q1_link_edu_social", "unclear", COUNCILS) == (0, 91, 0.0)


def test_unclear_is_counted_apart_on_the_same_base() -> None:
    answers, docs = _synthetic(3, 0, 1, 2)  # 6 letters, 4 readable: every row over 6
    t = tally(answers, docs, by=None)
    assert _row(t, "q1_link_edu_social", "yes", COUNCILS) == (3, 6, 50.0)
    assert _row(t, "q1_link_edu_social", "no", COUNCILS) == (1, 6, 16.7)
    assert _row(t, "q1_link_edu_social", "unclear", COUNCILS) == (2, 6, 33.3)


def test_group_with_only_unclear_answers() -> None:
    answers = pd.DataFrame([
        {"document": "a", "question": "q5_link_health", "answer": "unclear", "options": "[]"},
        {"document": "b", "question": "q5_link_health", "answer": "yes", "options": "[]"},
        {"document": "c", "question": "q6_health_datasets", "answer": "selected",
         "options": '["gp", "births"]'},  # options as stored JSON text
        {"document": "d", "question": "q6_health_datasets", "answer": "selected",
         "options": ("births",)},
    ])
    docs = pd.DataFrame({"document": ["a", "b", "c"], "authority_type": ["icb", "unitary", None]})
    t = tally(answers, docs)
    # the ICB's one letter is unclear: 0 of 1 said yes (the base keeps the unclear letter)
    assert _row(t, "q5_link_health", "yes", ICB_GROUP) == (0, 1, 0.0)
    assert _row(t, "q5_link_health", "unclear", ICB_GROUP) == (1, 1, 100.0)
    # no attribute value, or no documents row at all -> "(missing)"
    assert _row(t, "q6_health_datasets", "births", "(missing)") == (2, 2, 100.0)
    assert _row(t, "q6_health_datasets", "gp", COUNCILS) == (1, 2, 50.0)


def test_round_half_up() -> None:
    assert percent(1, 16) == 6.3  # 6.25; round() would give 6.2
    assert percent(1, 8) == 12.5
    assert percent(2, 3) == 66.7
    assert percent(67, 91) == 73.6
    assert math.isnan(percent(0, 0))


def test_empty_and_bad_frames() -> None:
    empty = tally(pd.DataFrame(columns=["document", "question", "answer", "options"]),
                  pd.DataFrame(columns=["document", "authority_type"]))
    assert list(empty.columns) == ["question", "option", "group", "count", "denominator",
                                   "percent"]
    assert empty.empty
    answers, docs = _synthetic(1, 0, 0, 0)
    with pytest.raises(QualkitError):
        tally(answers, docs, by="region")
    with pytest.raises(QualkitError):
        tally(answers.drop(columns=["answer"]), docs)
