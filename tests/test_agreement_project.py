"""Agreement through qualkit's own data path: codings in a store -> p.agreement.

Each unit is a one-sentence transcript of its own, so "coder X did not mark this document
done" expresses a missing value exactly as the workflow does. Reference values: Krippendorff
(2011) examples A (binary, two observers, alpha 0.095) and C (nominal, four observers, missing
values, alpha 0.743), and the standard 50-item Cohen example (kappa 0.40)."""
from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app

CODEFRAME = """name: Test frame
codes:
  - id: c
    name: The code
    description: A code.
  - id: stance
    name: Stance
    description: A choice of one.
  - id: stance.v1
    name: One
    parent: stance
    description: v1
  - id: stance.v2
    name: Two
    parent: stance
    description: v2
  - id: stance.v3
    name: Three
    parent: stance
    description: v3
  - id: stance.v4
    name: Four
    parent: stance
    description: v4
  - id: stance.v5
    name: Five
    parent: stance
    description: v5
"""


def project_with_units(tmp_path, n: int) -> tuple[qk.Project, list[tuple[str, str]]]:
    p = qk.init_project(tmp_path / "study")
    (p.root / "codeframes" / "data-linkage.yaml").write_text(CODEFRAME, encoding="utf-8")
    for i in range(n):
        write(p.root / "transcripts" / f"u{i:03d}.txt", f"Unit number {i} says something.\n")
    p.ingest()
    segs = p.segments()
    units = [(segs[segs["document"] == f"u{i:03d}.txt"]["segment_id"].iloc[0], f"u{i:03d}.txt")
             for i in range(n)]
    return p, units


def code_presence(p, units, values: dict[str, list], code="c"):
    for coder, vs in values.items():
        for (sid, doc), v in zip(units, vs):
            if v is None:
                continue  # missing: the coder never finished this document
            if v == 1:
                p.code(sid, code, coder=coder)
            p.mark_done(doc, coder=coder)


def test_krippendorff_binary_example_from_the_store(tmp_path):
    p, units = project_with_units(tmp_path, 10)
    code_presence(p, units, {"Jon": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
                             "Han": [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]})
    row = p.agreement(codes=["c"]).set_index("code_id").loc["c"]
    assert round(row["krippendorff_alpha"], 3) == 0.095
    assert row["n_units"] == 10 and row["percent_agreement"] == pytest.approx(0.6)


def test_cohen_fifty_items_from_the_store(tmp_path):
    p, units = project_with_units(tmp_path, 50)
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    code_presence(p, units, {"ana": a, "ben": b})
    row = p.agreement(codes=["c"]).set_index("code_id").loc["c"]
    assert round(row["cohen_kappa"], 2) == 0.40
    assert row["percent_agreement"] == pytest.approx(0.70)
    # the CLI prints the same figures
    res = CliRunner().invoke(app, ["-C", str(p.root), "agree", "--code", "c"])
    assert res.exit_code == 0, res.output
    assert "0.40" in res.output and "0.70" in res.output


def test_high_agreement_low_kappa_from_prevalence(tmp_path):
    # 90 units: both apply the code to 1, A alone to 4, B alone to 4, neither to 81
    p, units = project_with_units(tmp_path, 90)
    a = [1] + [1] * 4 + [0] * 4 + [0] * 81
    b = [1] + [0] * 4 + [1] * 4 + [0] * 81
    code_presence(p, units, {"ana": a, "ben": b})
    row = p.agreement(codes=["c"]).set_index("code_id").loc["c"]
    assert row["percent_agreement"] == pytest.approx(82 / 90)
    # kappa by hand: po = 82/90, pe = (5/90)^2 + (85/90)^2 = 7250/8100
    pe = (5 / 90) ** 2 + (85 / 90) ** 2
    assert row["cohen_kappa"] == pytest.approx((82 / 90 - pe) / (1 - pe))
    assert row["cohen_kappa"] < 0.2 and row["prevalence"] == pytest.approx(10 / 180)


def test_krippendorff_nominal_example_with_missing_values_from_the_store(tmp_path):
    nan = math.nan
    data = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            "C": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]}
    p, units = project_with_units(tmp_path, 12)
    for coder, values in data.items():
        for (sid, doc), v in zip(units, values):
            if v == v:
                p.code(sid, f"stance.v{int(v)}", coder=coder)
                p.mark_done(doc, coder=coder)
    row = p.group_agreement("stance")
    assert round(row["krippendorff_alpha"], 3) == 0.743
    assert row["n_units"] == 11 and row["percent_agreement"] == pytest.approx(9 / 11)
    res = CliRunner().invoke(app, ["-C", str(p.root), "agree", "--group", "stance"])
    assert res.exit_code == 0 and "alpha 0.743" in res.output


def test_disagreements_and_bad_requests(tmp_path):
    p, units = project_with_units(tmp_path, 4)
    code_presence(p, units, {"ana": [1, 0, 1, 0], "ben": [1, 1, 0, 0]})
    dis = p.disagreements()
    assert list(dis["segment_id"]) == [units[1][0], units[2][0]]
    assert list(dis["ana"]) == [[], ["c"]] and list(dis["ben"]) == [["c"], []]
    runner = CliRunner()
    res = runner.invoke(app, ["-C", str(p.root), "disagreements"])
    assert res.exit_code == 0 and "2 segments where the coders differ" in res.output
    for args, message in [(["agree", "--coders", "ana"], "two coders"),
                          (["agree", "--coders", "ana", "--coders", "zed"], "zed"),
                          (["agree", "--code", "nope"], "nope")]:
        res = runner.invoke(app, ["-C", str(p.root), *args])
        assert res.exit_code == 2 and message in res.output, res.output
        assert "Traceback" not in res.output and "nan" not in res.output.lower()


def test_one_coder_and_no_overlap_are_clear(tmp_path):
    p, units = project_with_units(tmp_path, 4)
    code_presence(p, units, {"ana": [1, 0, None, None]})
    with pytest.raises(qk.QualkitError, match="two coders"):
        p.agreement()
    code_presence(p, units, {"ben": [None, None, 1, 0]})  # ben finished other documents
    with pytest.raises(qk.QualkitError, match="no document marked done"):
        p.agreement()
