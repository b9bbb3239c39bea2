"""FOI tallies have one base per question (issue #8): every row of a question in a group has
the same denominator, ICBs are a group of their own, and refusals are a status apart."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualkit.cli import app
from qualkit.foi.tally import COUNCILS_GROUP, ICB_GROUP, TOTAL_GROUP, tally

REPO = Path(__file__).resolve().parents[1]
YES_NO = ("q1_link_edu_social", "q5_link_health")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    import qualkit as qk

    root = tmp_path_factory.mktemp("foi") / "study"
    qk.init_project(root).close()
    shutil.rmtree(root / "foi")
    shutil.copytree(REPO / "foi", root / "foi")
    p = qk.open_project(root)
    p.ingest([root / "foi"])
    yield p
    p.close()


def test_every_row_of_a_question_shares_its_groups_denominator(sample):
    t = sample.foi_tally()
    for (q, g), rows in t.groupby(["question", "group"]):
        assert rows["denominator"].nunique() == 1, (q, g)
        if q in YES_NO:  # the answers of a yes/no question add up to the base
            assert rows["count"].sum() == rows["denominator"].iloc[0], (q, g)


def test_icbs_are_a_group_of_their_own(sample):
    t = sample.foi_tally()
    base = t.drop_duplicates(["question", "group"]).set_index(["question", "group"])[
        "denominator"]
    docs = sample.documents()
    icbs = int((docs["authority_type"] == "icb").sum())
    councils = int(((docs["kind"] == "foi") & (docs["authority_type"] != "icb")).sum())
    assert "icb" not in set(t["group"])  # never a council group
    for q in ("q2_datasets", "q5_link_health", "q6_health_datasets"):
        assert base[(q, COUNCILS_GROUP)] == councils
        assert base[(q, ICB_GROUP)] == icbs
        assert base[(q, TOTAL_GROUP)] == councils + icbs
        types = t[(t["question"] == q) & ~t["group"].isin([COUNCILS_GROUP, ICB_GROUP,
                                                          TOTAL_GROUP])]
        assert types.drop_duplicates("group")["denominator"].sum() == councils
    # q1 is not asked of ICBs: its only total is the councils', for the same councils
    q1 = set(t[t["question"] == "q1_link_edu_social"]["group"])
    assert ICB_GROUP not in q1 and TOTAL_GROUP not in q1
    assert base[("q1_link_edu_social", COUNCILS_GROUP)] == councils


def test_a_refusal_is_counted_apart_and_shown(sample, tmp_path):
    answers = sample.foi_answers()
    fenwick = answers[answers["document"] == "fenwick-county-council.txt"]
    assert set(fenwick["answer"]) == {"refused"}
    assert set(fenwick["qualifier"]) == {"section 12 (cost limit)"}
    t = sample.foi_tally(question="q1_link_edu_social")
    row = t[(t["group"] == "county council") & (t["option"] == "refused")].iloc[0]
    assert (row["count"], row["denominator"]) == (1, 3)
    unclear = t[(t["group"] == "county council") & (t["option"] == "unclear")].iloc[0]
    assert unclear["count"] == 0
    res = CliRunner().invoke(app, ["-C", str(sample.root), "foi", "show", "fenwick"])
    assert res.exit_code == 0
    assert "Refused" in res.output and "section 12 (cost limit)" in res.output
    assert "Section 12 of the Freedom of Information Act" in " ".join(res.output.split())


def test_tally_one_question_and_csv(sample):
    run = CliRunner().invoke
    res = run(app, ["-C", str(sample.root), "foi", "tally", "--question", "q5_link_health",
                    "--csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert {r["question"] for r in rows} == {"q5_link_health"}
    assert list(rows[0]) == ["question", "option", "group", "count", "denominator", "percent"]
    icb = {r["option"]: r for r in rows if r["group"] == ICB_GROUP}
    assert (icb["yes"]["count"], icb["yes"]["denominator"]) == ("1", "1")
    res = run(app, ["-C", str(sample.root), "foi", "tally", "-q", "q1_link_edu_social"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "q1_link_edu_social" in text and "q5_link_health" not in text
    assert "base (letters)" in text and "refused" in text and ICB_GROUP not in text
    res = run(app, ["-C", str(sample.root), "foi", "tally", "-q", "q9"])
    assert res.exit_code == 2 and "q1_link_edu_social" in res.output
    # the number alone is enough when one question has it; an ambiguous start is refused
    assert sample.foi_tally(question="q5").equals(sample.foi_tally(question="q5_link_health"))
    res = run(app, ["-C", str(sample.root), "foi", "tally", "-q", "q"])
    assert res.exit_code == 2 and "matches several questions" in res.output


def test_refusal_rows_by_hand():
    answers = pd.DataFrame([
        {"document": "a", "question": "q1_link_edu_social", "answer": "yes", "options": []},
        {"document": "b", "question": "q1_link_edu_social", "answer": "refused", "options": []},
        {"document": "c", "question": "q1_link_edu_social", "answer": "unclear", "options": []},
        {"document": "d", "question": "q1_link_edu_social", "answer": "no", "options": []},
    ])
    docs = pd.DataFrame({"document": list("abcd"), "authority_type": ["unitary"] * 4})
    t = tally(answers, docs).set_index(["group", "option"])
    got = {o: (int(t.loc[(COUNCILS_GROUP, o), "count"]),
               float(t.loc[(COUNCILS_GROUP, o), "percent"]))
           for o in ("yes", "no", "unclear", "refused")}
    assert got == {"yes": (1, 25.0), "no": (1, 25.0), "unclear": (1, 25.0),
                   "refused": (1, 25.0)}
    assert set(t["denominator"]) == {4}
