"""Inter-coder agreement (qualkit.agreement): published worked examples and hand-computed values.

Every table is built by hand here. Code-presence data "value per unit and coder" is turned into
inputs by :func:`presence_inputs`: each unit is a segment in a document of its own, a coder
applies code ``c`` where the value is 1, and marks the document done unless the value is None
(missing), so missing values are expressed exactly as the real workflow expresses them.
"""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from qualkit.agreement import (agreement, agreement_by_code, agreement_by_document,
                               brennan_prediger, disagreements, explain_nan, gwet_ac1,
                               nominal_alpha, percent_agreement)
from qualkit.agreement.bootstrap import weighted_alpha
from qualkit.models import QualkitError

nan = math.nan
PARENTS = {"c": None}


def presence_inputs(values: dict[str, list[int | None]], code: str = "c"):
    """units, codings, done for one code from per-coder value lists (1, 0 or None=missing)."""
    n = len(next(iter(values.values())))
    units = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n)],
                          "document": [f"d{i}" for i in range(n)]})
    codings = pd.DataFrame(
        [(f"s{i}", f"d{i}", code, coder) for coder, vs in values.items()
         for i, v in enumerate(vs) if v == 1],
        columns=["segment_id", "document", "code_id", "coder"])
    done = pd.DataFrame([(f"d{i}", coder) for coder, vs in values.items()
                         for i, v in enumerate(vs) if v is not None],
                        columns=["document", "coder"])
    return units, codings, done


def by_code(values, **kw):
    units, codings, done = presence_inputs(values)
    table = agreement(units, codings, done, PARENTS, ["c"], **kw)
    return table.set_index("code_id").loc["c"]


def cross(n11: int, n10: int, n01: int, n00: int) -> dict[str, list[int]]:
    """Two coders A, B from a 2x2 table (A-yes/B-yes, A-yes/B-no, A-no/B-yes, A-no/B-no)."""
    return {"A": [1] * n11 + [1] * n10 + [0] * n01 + [0] * n00,
            "B": [1] * n11 + [0] * n10 + [1] * n01 + [0] * n00}


# ------------------------------------------------------------------- published reference values
def test_krippendorff_binary_example_through_code_presence():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", example A (binary, two
    # observers, 10 units, alpha = 0.095). Table as given for the same example in Krippendorff
    # (2004) s. 11.3.1 (jucor/krippendorff data-raw/krippendorff2004.binary.two.observers.csv).
    row = by_code({"Jon": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
                   "Han": [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]})
    assert round(row["krippendorff_alpha"], 3) == 0.095
    # coincidences o01 = 4, n0 = 14, n1 = 6, n = 20: alpha = 1 - (n - 1) o01 / (n0 n1)
    assert row["krippendorff_alpha"] == pytest.approx(1 - 19 * 4 / (14 * 6))
    assert row["n_units"] == 10 and row["n_coders"] == 2
    assert row["percent_agreement"] == pytest.approx(0.6)
    assert row["prevalence"] == pytest.approx(6 / 20)


def test_krippendorff_nominal_example_with_missing_values():
    # Krippendorff (2011), example C: nominal data, 4 observers, 12 units, missing values.
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert round(nominal_alpha(data), 3) == 0.743
    # the same table with string categories and None as missing
    words = [[None if v != v else f"v{int(v)}" for v in row] for row in data]
    assert nominal_alpha(words) == pytest.approx(nominal_alpha(data))
    # Gwet AC1 and Brennan-Prediger on the same data, 11 pairable units, 5 categories:
    # p_a = 9/11; BP = (9/11 - 1/5) / (4/5) = 17/22. AC1 0.77544 as the irrCAC package gives it.
    vc = np.zeros((12, 5))
    for row in data:
        for u, v in enumerate(row):
            if v == v:
                vc[u, int(v) - 1] += 1
    assert percent_agreement(vc) == pytest.approx(9 / 11)
    assert brennan_prediger(vc) == pytest.approx(17 / 22)
    assert gwet_ac1(vc) == pytest.approx(0.77544, abs=5e-6)


def test_cohen_standard_fifty_item_example():
    # 20 both yes, 15 both no, 5 A-yes/B-no, 10 A-no/B-yes: p_o = 0.70, p_e = 0.5, kappa = 0.40
    row = by_code(cross(20, 5, 10, 15))
    assert row["cohen_kappa"] == pytest.approx(0.40)
    assert row["percent_agreement"] == pytest.approx(0.70)
    # alpha: n1 = 55, n0 = 45, o01 = 15 -> 1 - 99 * 15 / (45 * 55) = 0.4
    assert row["krippendorff_alpha"] == pytest.approx(1 - 99 * 15 / (45 * 55))
    # AC1: pi = 55/100, p_e = 2 pi (1 - pi) = 0.495 -> (0.70 - 0.495) / 0.505
    assert row["gwet_ac1"] == pytest.approx((0.70 - 0.495) / 0.505)
    assert row["brennan_prediger"] == pytest.approx(2 * 0.70 - 1)
    assert row["prevalence"] == pytest.approx(0.55)
    assert row["note"] == ""


def test_rare_code_high_agreement_low_kappa():
    # 90 units: 1 both, 4 A only, 4 B only, 81 neither. p_o = 82/90;
    # kappa: p_e = (5*5 + 85*85) / 90^2 -> (738 - 725) / (810 - 725) = 13/85
    # AC1: pi = 10/180, p_e = 2 pi (1 - pi) = 85/810 -> (738 - 85) / (810 - 85) = 653/725
    # BP = 2 * 82/90 - 1 = 37/45; alpha: n = 180, n1 = 10, n0 = 170, o01 = 8 -> 1 - 179*8/1700
    row = by_code(cross(1, 4, 4, 81))
    assert row["percent_agreement"] == pytest.approx(82 / 90)
    assert row["cohen_kappa"] == pytest.approx(13 / 85)
    assert row["gwet_ac1"] == pytest.approx(653 / 725)
    assert row["brennan_prediger"] == pytest.approx(37 / 45)
    assert row["krippendorff_alpha"] == pytest.approx(1 - 179 * 8 / 1700)
    assert row["prevalence"] == pytest.approx(10 / 180)
    assert row["percent_agreement"] > 0.9 and row["cohen_kappa"] < 0.2


# ------------------------------------------------------------------------------ missing values
def two_documents():
    units = pd.DataFrame({"segment_id": ["a1", "a2", "b1", "b2", "b3", "c1"],
                          "document": ["A", "A", "B", "B", "B", "C"],
                          "text": ["t1", "t2", "t3", "t4", "t5", "t6"]})
    codings = pd.DataFrame([("a1", "A", "c", "ana"), ("a1", "A", "c", "ben"),
                            ("b1", "B", "c", "ana"), ("b2", "B", "c", "ben")],
                           columns=["segment_id", "document", "code_id", "coder"])
    return units, codings


def test_coder_who_did_not_mark_done_gives_missing_values():
    units, codings = two_documents()
    done = pd.DataFrame({"document": ["A", "B", "A", "C"], "coder": ["ana", "ana", "ben", "ana"]})
    row = agreement(units, codings, done, PARENTS, ["c"], bootstrap=0).iloc[0]
    assert row["n_units"] == 2  # only document A: ben has not finished B, never opened C
    assert row["percent_agreement"] == 1.0
    # without done marks, ben counts as having coded B (he applied a code there), not C
    loose = agreement(units, codings, done.iloc[:0], PARENTS, ["c"], require_done=False,
                      bootstrap=0).iloc[0]
    assert loose["n_units"] == 5
    assert loose["percent_agreement"] == pytest.approx(3 / 5)


def test_three_coders_with_missing_values_have_no_kappa():
    row = by_code({"A": [1, 0, 1, 0, None], "B": [1, 0, None, 0, 1], "C": [None, 0, 1, 1, 1]},
                  bootstrap=0)
    assert row["n_units"] == 5 and row["n_coders"] == 3
    assert math.isnan(row["cohen_kappa"])
    assert "cohen_kappa needs exactly two coders (3 here)" in row["note"]
    # per unit agreeing pairs: 1, 1, 1, 1/3, 1 -> mean 13/15
    assert row["percent_agreement"] == pytest.approx(13 / 15)
    assert row["krippendorff_alpha"] == pytest.approx(nominal_alpha(
        [[1, 0, 1, 0, nan], [1, 0, nan, 0, 1], [nan, 0, 1, 1, 1]]))


def test_code_nobody_used_gets_an_explained_row():
    units, codings, done = presence_inputs({"A": [1, 0, 0], "B": [1, 0, 1]})
    table = agreement(units, codings, done, {"c": None, "unused": None}, ["c", "unused"],
                      bootstrap=0)
    row = table.set_index("code_id").loc["unused"]
    assert row["n_units"] == 3 and row["prevalence"] == 0.0
    assert math.isnan(row["cohen_kappa"]) and math.isnan(row["krippendorff_alpha"])
    assert row["percent_agreement"] == 1.0 and row["gwet_ac1"] == 1.0
    assert row["note"] == "no variation: every coder applied it nowhere (kappa and alpha undefined)"
    assert explain_nan(row.drop("note"), bootstrap=0) == row["note"]
    everywhere = by_code({"A": [1, 1], "B": [1, 1]}, bootstrap=0)
    assert everywhere["note"].startswith("no variation: every coder applied it everywhere")


# ------------------------------------------------------------------------ rollup and levels
FRAME = {"p": None, "p.a": "p", "p.b": "p", "q": None}


def rollup_inputs():
    """s1: sibling sub-codes; s2: same code; s3: ana a sub-code, ben nothing; s4: ana the parent,
    ben a sub-code; s5: ana parent and sub-code, ben the sub-code (equal after rollup)."""
    units = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4", "s5"], "document": ["D"] * 5,
                          "text": ["one", "two", "three", "four", "five"]})
    codings = pd.DataFrame([("s1", "p.a", "ana"), ("s1", "p.b", "ben"), ("s2", "q", "ana"),
                            ("s2", "q", "ben"), ("s3", "p.a", "ana"), ("s4", "p", "ana"),
                            ("s4", "p.a", "ben"), ("s5", "p", "ana"), ("s5", "p.a", "ana"),
                            ("s5", "p.a", "ben")], columns=["segment_id", "code_id", "coder"])
    codings.insert(1, "document", "D")
    done = pd.DataFrame({"document": ["D", "D"], "coder": ["ana", "ben"]})
    return units, codings, done


def test_parent_counts_where_a_descendant_is_applied():
    units, codings, done = rollup_inputs()
    table = agreement(units, codings, done, FRAME, list(FRAME), bootstrap=0)
    assert list(table["code_id"]) == ["p", "p.a", "p.b", "q", "(all codes)"]
    rows = table.set_index("code_id")
    # p present for ana on s1, s3, s4, s5 and for ben on s1, s4, s5: only s3 differs
    assert rows.loc["p", "percent_agreement"] == pytest.approx(4 / 5)
    assert rows.loc["p", "prevalence"] == pytest.approx(7 / 10)
    assert rows.loc["p.a", "percent_agreement"] == pytest.approx(2 / 5)  # s1, s3, s4 differ
    assert rows.loc["p.b", "percent_agreement"] == pytest.approx(4 / 5)  # s1 differs
    assert rows.loc["q", "percent_agreement"] == 1.0
    # pooled: 20 (segment, code) pairs, 5 disagreements
    assert rows.loc["(all codes)", "n_units"] == 20
    assert rows.loc["(all codes)", "percent_agreement"] == pytest.approx(15 / 20)


def test_level_top_reports_top_level_codes_only():
    units, codings, done = rollup_inputs()
    table = agreement(units, codings, done, FRAME, list(FRAME), level="top", bootstrap=0)
    assert list(table["code_id"]) == ["p", "q", "(all codes)"]
    rows = table.set_index("code_id")
    assert rows.loc["p", "percent_agreement"] == pytest.approx(4 / 5)
    assert rows.loc["(all codes)", "n_units"] == 10
    assert rows.loc["(all codes)", "percent_agreement"] == pytest.approx(9 / 10)
    # sub-codes asked for are reported as their top-level codes
    only_sub = agreement(units, codings, done, FRAME, ["p.b"], level="top", bootstrap=0)
    assert list(only_sub["code_id"]) == ["p", "(all codes)"]


def test_by_document_units_are_segment_code_pairs():
    units, codings = two_documents()
    done = pd.DataFrame({"document": ["A", "B", "A", "B"], "coder": ["ana", "ana", "ben", "ben"]})
    table = agreement(units, codings, done, FRAME | PARENTS, ["c", "q"], by="document",
                      bootstrap=0)
    assert list(table.columns[:2]) == ["document", "n_units"]
    rows = table.set_index("document")
    assert rows.loc["A", "n_units"] == 4 and rows.loc["A", "percent_agreement"] == 1.0
    assert rows.loc["B", "n_units"] == 6
    assert rows.loc["B", "percent_agreement"] == pytest.approx(4 / 6)
    assert rows.loc["C", "n_units"] == 0
    assert rows.loc["C", "note"].startswith("no segment here was observed by two")
    assert table.equals(agreement_by_document(units, codings, done, FRAME | PARENTS, ["c", "q"],
                                              bootstrap=0))


# ------------------------------------------------------------------------------- bootstrap
def test_bootstrap_interval_is_reproducible_and_brackets_alpha():
    values = cross(20, 5, 10, 15)
    first = by_code(values, seed=7)
    again = by_code(values, seed=7)
    assert (first["alpha_low"], first["alpha_high"]) == (again["alpha_low"], again["alpha_high"])
    assert first["alpha_low"] < first["krippendorff_alpha"] < first["alpha_high"]
    assert 0.1 < first["alpha_high"] - first["alpha_low"] < 0.8
    none = by_code(values, bootstrap=0)
    assert math.isnan(none["alpha_low"]) and none["note"] == "no alpha interval: bootstrap=0"


def test_weighted_alpha_equals_krippendorff_package_on_expanded_units():
    import krippendorff

    kinds = np.array([[2, 0], [1, 1], [0, 2], [1, 2], [3, 0]])
    weights = np.array([3, 2, 1, 4, 2])
    expanded = np.repeat(kinds, weights, axis=0)
    expected = krippendorff.alpha(value_counts=expanded, value_domain=[0, 1],
                                  level_of_measurement="nominal")
    assert weighted_alpha(kinds, weights)[0] == pytest.approx(expected)


def test_bootstrap_matches_plain_unit_resampling_with_the_package():
    import krippendorff

    vc = np.array([[0, 2]] * 20 + [[1, 1]] * 15 + [[2, 0]] * 15, dtype=float)  # Cohen's table
    rng = np.random.default_rng(1)
    plain = [krippendorff.alpha(value_counts=vc[rng.integers(0, 50, 50)], value_domain=[0, 1],
                                level_of_measurement="nominal") for _ in range(2000)]
    units, codings, done = presence_inputs(cross(20, 5, 10, 15))
    row = agreement(units, codings, done, PARENTS, ["c"], bootstrap=2000, seed=1).iloc[0]
    low, high = np.percentile(plain, [2.5, 97.5])
    assert row["alpha_low"] == pytest.approx(low, abs=0.03)
    assert row["alpha_high"] == pytest.approx(high, abs=0.03)


# --------------------------------------------------------------------------- disagreements
def test_disagreements_lists_each_coders_codes_and_what_differs():
    units, codings, done = rollup_inputs()
    table = disagreements(units, codings, done, FRAME, list(FRAME))
    assert list(table.columns) == ["segment_id", "document", "text", "ana", "ben", "codes_differ"]
    # s2 agrees; s5 agrees after rollup (ana's parent code is implied by the sub-code)
    assert list(table["segment_id"]) == ["s1", "s3", "s4"]
    s1, s3, s4 = (table.iloc[i] for i in range(3))
    assert (s1["ana"], s1["ben"], s1["codes_differ"]) == (["p.a"], ["p.b"], ["p.a", "p.b"])
    assert (s3["ana"], s3["ben"], s3["codes_differ"]) == (["p.a"], [], ["p", "p.a"])
    assert (s4["ana"], s4["ben"], s4["codes_differ"]) == (["p"], ["p.a"], ["p.a"])
    assert s4["text"] == "four"
    top = disagreements(units, codings, done, FRAME, list(FRAME), level="top")
    assert list(top["segment_id"]) == ["s3"]
    assert (top.iloc[0]["ana"], top.iloc[0]["codes_differ"]) == (["p"], ["p"])


def test_disagreements_skip_segments_not_observed_by_every_coder():
    units, codings = two_documents()
    done = pd.DataFrame({"document": ["A", "B", "A"], "coder": ["ana", "ana", "ben"]})
    table = disagreements(units.drop(columns="text"), codings, done, PARENTS, ["c"])
    assert list(table.columns) == ["segment_id", "document", "ana", "ben", "codes_differ"]
    assert table.empty  # they agree on A; B is unfinished for ben


# ---------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, message", [
    ({"coders": ["ana"]}, "agreement needs at least two coders; got: ana"),
    ({"coders": ["ana", "zed"]}, "unknown coder 'zed'; known coders: ana, ben"),
    ({"codes": ["c", "nope"]}, "unknown code id 'nope': not in the codeframe"),
    ({"by": "segment"}, "by='segment' is not one of: code, document"),
    ({"level": "leaf"}, "level='leaf' is not one of: all, top"),
])
def test_bad_requests_raise_one_clear_line(kwargs, message):
    units, codings = two_documents()
    done = pd.DataFrame({"document": ["A", "A"], "coder": ["ana", "ben"]})
    args = {"codes": ["c"], **kwargs}
    with pytest.raises(QualkitError) as err:
        agreement(units, codings, done, PARENTS, **args)
    assert str(err.value) == message


def test_no_document_done_by_two_coders_says_how_to_fix_it():
    units, codings = two_documents()
    done = pd.DataFrame({"document": ["A", "B"], "coder": ["ana", "ben"]})
    with pytest.raises(QualkitError) as err:
        agreement_by_code(units, codings, done, PARENTS, ["c"], coders=["ana", "ben"])
    assert str(err.value) == ("no document marked done by at least two of: ana, ben — mark "
                              "documents done with `d` in the TUI or `qualkit done`")
    with pytest.raises(QualkitError, match="no document marked done by all of: ana, ben"):
        disagreements(units, codings, done, PARENTS, ["c"])


def test_disagreements_need_a_document_every_compared_coder_finished():
    units, codings = two_documents()
    done = pd.DataFrame({"document": ["A", "A", "B"], "coder": ["ana", "ben", "cy"]})
    assert agreement(units, codings, done, PARENTS, ["c"], bootstrap=0).iloc[0]["n_units"] == 2
    with pytest.raises(QualkitError, match="no document marked done by all of: ana, ben, cy"):
        disagreements(units, codings, done, PARENTS, ["c"])
    assert disagreements(units, codings, done, PARENTS, ["c"], coders=["ana", "ben"]).empty


def test_importing_the_package_loads_no_heavy_library():
    code = ("import sys, qualkit.agreement\n"
            "print(sorted(m for m in ('pandas', 'sklearn', 'krippendorff') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
