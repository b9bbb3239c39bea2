"""Matrices and tables for exports, against counts worked out by hand from export_fixture.

Segments and their codes (all coders, sub-codes rolled up to their parent):
  int-01.txt  s1 barrier.ig+barrier.systems (-> barrier)   s2 barrier
              s3 enabler.leadership (-> enabler)           s4 enabler.leadership
  int-02.txt  s5 barrier.systems   s6 barrier.ig+barrier.systems    (s7, s8 uncoded)
  foi-leeds   s9 enabler           s10 enabler.leadership
"""
from __future__ import annotations

import pandas as pd
import pytest

import export_fixture as fx
from qualkit.export import matrices as m
from qualkit.export.tables import codebook_table, foi_answer_grid, summary_table, theme_table
from qualkit.export.workbook import assemble, grouping_attributes
from qualkit.models import Code, QualkitError

DOCS = ["int-01.txt", "int-02.txt", "foi-leeds.txt"]
CODE_IDS = ["barrier", "barrier.ig", "barrier.systems", "enabler", "enabler.leadership"]


def _ana() -> pd.DataFrame:
    c = fx.codings()
    return c[c["coder"] == "ana"]


def test_code_by_document_all_coders_rolls_up_once_per_segment() -> None:
    counts = m.code_by_document(fx.codings(), fx.CODES, fx.DOCUMENTS)
    assert list(counts.index) == CODE_IDS and list(counts.columns) == DOCS
    assert counts.to_dict("index") == {
        # s1 has two sub-codes of barrier (and is coded by two coders) but counts once
        "barrier": {"int-01.txt": 2, "int-02.txt": 2, "foi-leeds.txt": 0},
        "barrier.ig": {"int-01.txt": 1, "int-02.txt": 1, "foi-leeds.txt": 0},
        "barrier.systems": {"int-01.txt": 1, "int-02.txt": 2, "foi-leeds.txt": 0},
        "enabler": {"int-01.txt": 2, "int-02.txt": 0, "foi-leeds.txt": 2},
        "enabler.leadership": {"int-01.txt": 2, "int-02.txt": 0, "foi-leeds.txt": 1}}
    assert str(counts.dtypes.iloc[0]) == "int64"


def test_code_by_document_without_rollup_counts_direct_codings_only() -> None:
    counts = m.code_by_document(fx.codings(), fx.CODES, fx.DOCUMENTS, rollup=False)
    assert counts.loc["barrier"].tolist() == [1, 0, 0]  # s2 only
    assert counts.loc["enabler"].tolist() == [0, 0, 1]  # s9 only
    assert counts.loc["barrier.systems"].tolist() == [1, 2, 0]


def test_one_coders_view() -> None:
    counts = m.code_by_document(_ana(), fx.CODES, fx.DOCUMENTS)
    # ana did not code s1 with barrier.systems nor s6 with barrier.ig (ben did)
    assert counts.loc["barrier.ig"].tolist() == [1, 0, 0]
    assert counts.loc["barrier.systems"].tolist() == [0, 2, 0]
    assert counts.loc["barrier"].tolist() == [2, 2, 0]
    assert counts.loc["enabler"].tolist() == [2, 0, 1]


def test_presence() -> None:
    pres = m.presence(m.code_by_document(fx.codings(), fx.CODES, fx.DOCUMENTS))
    assert pres.to_numpy().tolist() == [[1, 1, 0], [1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1]]


def _cell(tidy: pd.DataFrame, code: str, group: str) -> tuple:
    r = tidy[(tidy["code_id"] == code) & (tidy["group"] == group)]
    assert len(r) == 1
    r = r.iloc[0]
    return int(r["count"]), int(r["denominator"]), float(r["percent"])


def test_code_by_attribute_by_hand() -> None:
    region = m.code_by_attribute(fx.codings(), fx.CODES, fx.DOCUMENTS, "region")
    assert list(region.columns) == ["code_id", "group", "count", "denominator", "percent"]
    assert list(dict.fromkeys(region["group"])) == ["north", "south", "(missing)",
                                                     "All documents"]
    assert _cell(region, "barrier", "north") == (1, 1, 100.0)
    assert _cell(region, "barrier", "(missing)") == (0, 1, 0.0)  # foi-leeds has no region
    assert _cell(region, "enabler", "south") == (0, 1, 0.0)
    assert _cell(region, "enabler", "(missing)") == (1, 1, 100.0)
    assert _cell(region, "barrier.systems", "All documents") == (2, 3, 66.7)
    role = m.code_by_attribute(_ana(), fx.CODES, fx.DOCUMENTS, "role")
    assert _cell(role, "barrier.systems", "All documents") == (1, 3, 33.3)  # int-02 only
    assert _cell(role, "barrier.systems", "professional") == (1, 2, 50.0)
    assert _cell(role, "barrier.ig", "parent") == (1, 1, 100.0)
    with pytest.raises(QualkitError, match="no document attribute 'sector'"):
        m.code_by_attribute(fx.codings(), fx.CODES, fx.DOCUMENTS, "sector")


def test_cooccurrence_by_segment_and_document() -> None:
    seg = m.cooccurrence(fx.codings(), fx.CODES, by="segment")
    assert seg.to_numpy().tolist() == [
        # barrier, ig, systems, enabler, leadership
        [4, 2, 3, 0, 0],  # barrier: s1 s2 s5 s6
        [2, 2, 2, 0, 0],  # ig: s1 s6
        [3, 2, 3, 0, 0],  # systems: s1 s5 s6
        [0, 0, 0, 4, 3],  # enabler: s3 s4 s9 s10
        [0, 0, 0, 3, 3]]
    doc = m.cooccurrence(fx.codings(), fx.CODES, by="document")
    assert doc.loc["barrier", "enabler"] == 1  # only int-01 has both
    assert doc.loc["barrier.ig", "enabler.leadership"] == 1
    assert doc.loc["enabler", "enabler"] == 2
    assert (doc.to_numpy() == doc.to_numpy().T).all()
    with pytest.raises(QualkitError):
        m.cooccurrence(fx.codings(), fx.CODES, by="speaker")


def test_code_frequencies_per_top_level_code() -> None:
    freq = m.code_frequencies(fx.codings(), fx.CODES)
    assert freq.to_dict("records") == [
        {"code_id": "barrier", "name": "Barriers to data linkage", "segments": 4, "documents": 2},
        {"code_id": "enabler", "name": "Enablers", "segments": 4, "documents": 2}]


def test_nothing_is_dropped_silently() -> None:
    extra = pd.concat([fx.codings(), pd.DataFrame([
        {"segment_id": "x1", "document": "late.txt", "code_id": "retired.code", "coder": "ana"}])])
    counts = m.code_by_document(extra, fx.CODES, fx.DOCUMENTS)
    assert list(counts.index) == CODE_IDS + ["retired.code"]
    assert list(counts.columns) == DOCS + ["late.txt"]
    assert counts.loc["retired.code", "late.txt"] == 1
    empty = m.code_by_document(fx.codings().iloc[0:0], fx.CODES, fx.DOCUMENTS)
    assert empty.shape == (5, 3) and int(empty.to_numpy().sum()) == 0


def test_code_order_is_tree_order_even_when_parents_come_late() -> None:
    codes = [Code("a.x", "x", parent="a"), Code("b", "b"), Code("a", "a"), Code("a.x.y", "y",
                                                                              parent="a.x")]
    assert m.code_order(codes) == ["b", "a", "a.x", "a.x.y"]
    assert m.code_depths(codes) == {"a.x": 1, "b": 0, "a": 0, "a.x.y": 2}


def test_summary_table() -> None:
    s = summary_table(project="Fixture", codings=_ana(), segments=fx.segments(),
                      documents=fx.DOCUMENTS, codes=fx.CODES, coders=["ana", "ben"],
                      shown_coder="ana", exported="2024-05-01")
    items = dict(zip(s["item"], s["value"]))
    assert items["Coders"] == "ana, ben" and items["Codings shown"] == "ana only"
    assert items["Documents"] == 3 and items["Documents: transcript"] == 2
    assert items["Segments"] == 10 and items["Codings"] == 7 and items["Coded segments"] == 7
    assert items["Codes"] == 5 and items["Top-level codes"] == 2
    assert items["Exported"] == "2024-05-01"


def test_codebook_theme_and_foi_tables() -> None:
    cb = codebook_table(fx.CODES)
    assert cb["code_id"].tolist() == CODE_IDS and cb["level"].tolist() == [0, 1, 1, 0, 1]
    assert cb.loc[1, "examples"] == "IG said no" and cb.loc[1, "parent"] == "barrier"
    th = theme_table(fx.themes(), fx.segments())
    assert th.loc[0, "keywords"] == "consent, systems, share"
    assert th.loc[0, "quotes"] == fx.TEXTS["s1"] + "\n" + fx.TEXTS["s5"]
    grid = foi_answer_grid(fx.foi_answers(), fx.FOI_DOCUMENTS)
    assert list(grid.columns) == ["document", "authority_type", "q1_link_edu_social",
                                  "q2_datasets"]
    assert grid.iloc[0].tolist() == ["la-1.txt", "unitary", "yes", "school_census, cin_census"]
    assert grid.iloc[1, 3] == "none" and grid.iloc[3, 3] == "unclear"


def test_assemble_filters_one_coder_and_says_what_is_left_out() -> None:
    book = assemble(fx.codings(), fx.segments(), fx.DOCUMENTS, fx.CODES, coder="ana",
                    coders=["ana", "ben"])
    assert book.code_by_document.loc["barrier.systems"].tolist() == [0, 2, 0]
    assert set(book.code_by_attribute) == {"role", "region"}
    assert grouping_attributes(fx.DOCUMENTS) == ["role", "region"]
    assert book.themes is None and book.agreement is None and book.foi_tally is None
    assert set(book.omitted) == {"themes", "quotes", "agreement", "foi_answers", "foi_tally"}
    assert dict(zip(book.summary["item"], book.summary["value"]))["Codings shown"] == "ana only"


def test_rolled_codings_with_rollup_off_give_the_same_matrices() -> None:
    """assemble rolls up once and passes the result on with rollup=False."""
    rolled = m.rolled_codings(fx.codings(), fx.CODES)
    assert len(rolled) == 16  # 10 direct (segment, code) pairs + 6 parents not coded directly
    pd.testing.assert_frame_equal(m.code_by_document(rolled, fx.CODES, fx.DOCUMENTS, rollup=False),
                                  m.code_by_document(fx.codings(), fx.CODES, fx.DOCUMENTS))
    pd.testing.assert_frame_equal(m.cooccurrence(rolled, fx.CODES, rollup=False),
                                  m.cooccurrence(fx.codings(), fx.CODES))
    pd.testing.assert_frame_equal(
        m.code_by_attribute(rolled, fx.CODES, fx.DOCUMENTS, "role", rollup=False),
        m.code_by_attribute(fx.codings(), fx.CODES, fx.DOCUMENTS, "role"))
