"""The draft report: counts checked by hand and against the 2023 policy brief, the Markdown
and Word files read back, redaction, clear errors."""
from __future__ import annotations

import stat

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualkit.export.report import ReportData, build_report, write_report
from qualkit.export.report_charts import chart_png
from qualkit.export.report_foi import foi_sections
from qualkit.foi.tally import tally
from qualkit.models import Code, QualkitError

from quotes_study import CHILD, NHS, make_study

CODES = [Code("barrier", "Barriers", description="What stops linkage."),
         Code("barrier.health", "Health data", "barrier"),
         Code("barrier.ig", "Governance", "barrier"),
         Code("enabler", "Enablers"), Code("use", "Uses")]
DOCS = pd.DataFrame({"document": ["d1", "d2", "d3", "d4"], "kind": "transcript",
                     "authority_type": ["unitary", "unitary", "county council",
                                        "london borough"]})
# d4 is not coded at all, so it is in no denominator; s4 is coded by two coders (counted once)
CODINGS = pd.DataFrame(
    [("s1", "d1", "barrier.health", "ana"), ("s2", "d1", "barrier.ig", "ana"),
     ("s3", "d2", "enabler", "ana"), ("s4", "d3", "barrier.health", "ana"),
     ("s4", "d3", "barrier.health", "bo"), ("s5", "d3", "barrier.health", "ana")],
    columns=["segment_id", "document", "code_id", "coder"])


def quote_rows(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "code_id": [r[0] for r in rows], "rank": [r[1] for r in rows],
        "segment_id": [r[2] for r in rows], "document": [r[3] for r in rows],
        "speaker": "Sam", "role": "participant", "start": 0, "end": 1,
        "text": [f"Quote {r[2]}." for r in rows], "context_before": "", "context_after": "",
        "typicality": 1.0})


QUOTES = quote_rows([("barrier", 1, "s1", "d1"), ("barrier.health", 1, "s1", "d1"),
                     ("barrier.health", 2, "s4", "d3"), ("barrier.health", 3, "s5", "d3"),
                     ("enabler", 1, "s3", "d2")])


def report(**kw):
    return build_report(ReportData(CODES, CODINGS, DOCS, QUOTES, per_code=2, **kw))


def by_heading(rep):
    return {s.heading: s for s in rep.sections}


# ------------------------------------------------------------------------- code sections
def test_documents_mentioning_each_code_by_authority_type():
    sec = by_heading(report())["Barriers"]
    table = sec.table.set_index("Code")
    assert list(table.columns) == ["Segments", "county council", "unitary", "All documents"]
    assert table.loc["Barriers"].tolist() == ["4", "1 (100.0%)", "1 (50.0%)", "2 (66.7%)"]
    assert table.loc["\u2003Health data"].tolist() == ["3", "1 (100.0%)", "1 (50.0%)",
                                                        "2 (66.7%)"]
    assert table.loc["\u2003Governance"].tolist() == ["1", "0 (0.0%)", "1 (50.0%)",
                                                       "1 (33.3%)"]
    assert table.loc["Documents coded"].tolist() == ["", "1", "2", "3"]
    assert ("2 of 3 coded documents (66.7%) mention “Barriers” (or one of its sub-codes), in 4 "
            "coded segments.") in sec.paragraphs


def test_chart_of_sub_codes_stacks_documents_by_group():
    chart = by_heading(report())["Barriers"].chart
    assert chart.title == "Figure 1. Documents mentioning each sub-code of “Barriers”"
    assert chart.categories == ["Health data", "Governance"]
    assert chart.series == {"county council": [1.0, 0.0], "unitary": [1.0, 1.0]}
    assert chart.bar_labels == ["2 (66.7%)", "1 (33.3%)"]


def test_a_code_without_sub_codes_is_charted_by_group():
    chart = by_heading(report())["Enablers"].chart
    assert chart.categories == ["county council", "unitary"]
    assert chart.series == {"All documents": [0.0, 1.0]} and chart.bar_labels == ["0 of 1",
                                                                                   "1 of 2"]


def test_sections_opening_and_codes_not_applied():
    rep = report()
    assert [s.heading for s in rep.sections] == ["About this draft", "Barriers", "Enablers"]
    assert "Not applied to any document yet: Uses." in rep.sections[0].paragraphs


def test_quotes_per_code_never_repeat_within_a_section():
    groups = by_heading(report())["Barriers"].quotes
    assert [(g.heading, list(g.quotes["segment_id"])) for g in groups] == [
        ("Barriers", ["s1"]), ("Health data", ["s4", "s5"])]


def test_without_the_attribute_there_is_only_the_total():
    sec = by_heading(report(group_by="region"))["Barriers"]
    assert list(sec.table.columns) == ["Code", "Segments", "All documents"]


# ---------------------------------------------------------------------------- FOI section
def brief_answers(unclear: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """91 readable letters giving the brief's totals for Q1 (67 yes, 17 in development, 7 no)
    and Q2 (school census 64, CiN census 50, CLA return 54, other 53), plus ``unclear`` Q1s."""
    split = {"unitary": (25, 5, 3), "metropolitan district": (17, 4, 2),
             "london borough": (15, 5, 1), "county council": (10, 3, 1)}
    docs, rows = [], []
    for group, counts in split.items():
        for answer, n in zip(("yes", "in development", "no"), counts):
            for _ in range(n):
                docs.append((f"L{len(docs):02d}", group))
                rows.append((docs[-1][0], "q1_link_edu_social", answer, []))
    for i, (doc, _) in enumerate(docs):
        opts = [o for o, hit in (("school_census", i < 64), ("cin_census", i < 50),
                                 ("cla_return", i < 54), ("other", i >= 38)) if hit]
        rows.append((doc, "q2_datasets", "selected", opts))
    for k in range(unclear):
        docs.append((f"U{k}", "county council"))
        rows.append((f"U{k}", "q1_link_edu_social", "unclear", []))
    answers = pd.DataFrame(rows, columns=["document", "question", "answer", "options"])
    return answers, pd.DataFrame(docs, columns=["document", "authority_type"])


def foi_report():
    answers, docs = brief_answers()
    data = ReportData(CODES, CODINGS.iloc[:0], DOCS.iloc[:0], None, tally(answers, docs))
    return by_heading(build_report(data))


def test_foi_tables_reproduce_the_policy_brief():
    secs = foi_report()
    q1 = secs["1. Do you currently link your education and social care data for children and "
              "young people?"].table.set_index("Answer")
    assert q1["All councils"].tolist() == ["67 (73.6%)", "7 (7.7%)", "17 (18.7%)", "91"]
    assert q1["unitary"].tolist() == ["25 (75.8%)", "3 (9.1%)", "5 (15.2%)", "33"]
    assert q1["county council"].tolist() == ["10 (71.4%)", "1 (7.1%)", "3 (21.4%)", "14"]
    q2 = secs["2. Which of your datasets are you linking?"].table.set_index("Answer")
    assert q2["All councils"].tolist() == ["64 (70.3%)", "50 (54.9%)", "54 (59.3%)",
                                           "53 (58.2%)", "91"]
    assert "Unclear" not in q2.index and "None of these" not in q2.index


def test_unclear_answers_share_the_base_of_their_question():
    answers, docs = brief_answers(unclear=2)
    secs = {s.heading: s for s in foi_sections(tally(answers, docs), "authority_type")}
    q1 = secs["1. Do you currently link your education and social care data for children and "
              "young people?"].table.set_index("Answer")
    # one base of 93 letters asked: 67 + 7 + 17 + 2 = 93, and the column adds up to 100 %
    assert q1["All councils"].tolist() == ["67 (72.0%)", "7 (7.5%)", "17 (18.3%)",
                                           "2 (2.2%)", "93"]
    assert q1["county council"].tolist() == ["10 (62.5%)", "1 (6.3%)", "3 (18.8%)",
                                             "2 (12.5%)", "16"]


def test_one_bar_chart_per_question_in_percent_of_all_authorities():
    secs = foi_report()
    charts = [s.chart for s in secs.values() if s.level == 2]
    assert len(charts) == 2 and all(c.percent for c in charts)
    q1 = charts[0]
    assert q1.categories == ["Yes", "No", "In development"]
    assert q1.series == {"All councils": [73.6, 7.7, 18.7]}
    assert q1.bar_labels == ["67 (73.6%)", "7 (7.7%)", "17 (18.7%)"]
    assert q1.xlabel == "Percent of authorities asked (n = 91)"


def test_a_question_only_icbs_were_asked_has_its_table_chart_and_summary():
    # the sample project's ICB letter answers icb_partners, which no council is asked: the
    # report crashed looking for an "All councils" total (KeyError 'local_authority')
    answers = pd.DataFrame(
        [("C1", "q5_link_health", "yes", []), ("I1", "q5_link_health", "no", []),
         ("I1", "icb_partners", "selected", ["local_authority", "nhs_provider"]),
         ("I2", "icb_partners", "selected", ["local_authority"])],
        columns=["document", "question", "answer", "options"])
    docs = pd.DataFrame({"document": ["C1", "I1", "I2"],
                         "authority_type": ["unitary", "icb", "icb"]})
    secs = [s for s in foi_sections(tally(answers, docs), "authority_type") if s.level == 2]
    icb = secs[-1]
    assert list(icb.table.columns) == ["Answer", "ICBs"]
    assert icb.chart.series["ICBs"][:2] == [100.0, 50.0]
    assert icb.paragraphs[0].startswith("Of 2 authorities asked: ")


# -------------------------------------------------------------------------------- writers
def test_markdown_report_with_its_charts_beside_it(tmp_path):
    rep = report()
    path = write_report(tmp_path / "draft.md", rep)
    text = path.read_text(encoding="utf-8")
    charts = sorted((tmp_path / "draft_charts").iterdir())
    assert [c.name for c in charts] == ["figure-01.png", "figure-02.png"]
    assert all(c.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for c in charts)
    assert "](draft_charts/figure-01.png)" in text and "](draft_charts/figure-02.png)" in text
    assert "| Barriers | 4 | 1 (100.0%) | 1 (50.0%) | 2 (66.7%) |" in text
    assert "## Barriers" in text and "### Health data" in text and "> Quote s4." in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "draft_charts").stat().st_mode) == 0o700
    rep.sections = rep.sections[:2]  # one chart fewer: the old figure-02 goes
    write_report(path, rep)
    assert [c.name for c in (tmp_path / "draft_charts").iterdir()] == ["figure-01.png"]


def test_word_report_has_headings_tables_pictures_and_quotes(tmp_path):
    import docx

    doc = docx.Document(write_report(tmp_path / "draft.docx", report()))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "About this draft", "Barriers", "Enablers"]
    assert len(doc.inline_shapes) == 2 and len(doc.tables) == 2
    assert doc.tables[0].rows[1].cells[4].text == "2 (66.7%)"
    assert [p.text for p in doc.paragraphs if p.style.name == "Quote"] == [
        "Quote s1.", "Quote s4.", "Quote s5.", "Quote s3."]
    assert "Figure 1. Documents mentioning each sub-code of “Barriers”" in [
        p.text for p in doc.paragraphs if p.style.name == "Caption"]


def test_charts_are_reproducible():
    chart = report().figures()[0]
    assert chart_png(chart) == chart_png(chart)


def test_failed_markdown_write_leaves_nothing(tmp_path):
    (tmp_path / "draft.md").mkdir()  # the report's own path is taken by a folder
    with pytest.raises(QualkitError, match="cannot write .*draft.md: it is a folder"):
        write_report(tmp_path / "draft.md", report())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.md"]
    with pytest.raises(QualkitError, match="does not exist"):
        write_report(tmp_path / "no" / "draft.md", report())
    with pytest.raises(QualkitError, match="choose md or docx"):
        write_report(tmp_path / "draft.pdf", report())


# ---------------------------------------------------------------------- through a project
@pytest.fixture(scope="module")
def study(tmp_path_factory):
    p = make_study(tmp_path_factory.mktemp("report") / "study")
    yield p
    p.close()


def _docx_text(path) -> str:
    import docx

    doc = docx.Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_redacted_report_hides_the_child_and_lists_what_was_replaced(study, fmt):
    done = study.export_report(fmt=fmt, redact=True)
    assert done.path == study.root / "exports" / f"report.{fmt}"
    text = done.path.read_text("utf-8") if fmt == "md" else _docx_text(done.path)
    for secret in (CHILD, "Ellie", NHS, NHS.replace(" ", ""), "Priya", "tannerbridge"):
        assert secret not in text, secret
    assert "[Person 1]" in text and "[NHS number]" in text
    assert "2 identifiers were replaced in the quoted text: 1 × NHS number, 1 × name." in text
    assert done.redaction.by_kind == {"nhs_number": 1, "name": 1}


def test_project_report_counts_documents_by_authority_type(study, tmp_path):
    done = study.export_report(tmp_path / "r.md", coder="ana")
    text = done.path.read_text(encoding="utf-8")
    # barrier: northmere, castermoor, ravensholt, tannerbridge (la_knowledge) of 4 coded
    assert "| Barriers to data linkage | 8 | 1 (100.0%) | 1 (100.0%) | 2 (100.0%) | 4 (100.0%) |" \
        in text
    assert NHS in text and done.quotes >= 5


def test_nothing_to_report_is_a_clear_error(tmp_path):
    with make_study(tmp_path / "empty", coded=False) as p:
        with pytest.raises(QualkitError, match="nothing to report yet: no codings and no FOI"):
            p.export_report()


# ------------------------------------------------------------------------------------ CLI
def test_quotes_and_report_commands(study):
    from qualkit.cli import app

    runner = CliRunner()
    root = str(study.root)
    res = runner.invoke(app, ["-C", root, "quotes", "barrier.health_data", "enabler",
                              "--format", "docx", "--per-code", "2", "--redact"])
    assert res.exit_code == 0, res.output
    assert "wrote 2 quotes to" in res.output and "not applied yet, so no quotes: enabler" \
        in res.output
    assert (study.root / "exports" / "quotes.docx").exists()
    res = runner.invoke(app, ["-C", root, "quotes", "barier"])
    assert res.exit_code == 2 and "did you mean 'barrier'" in res.output
    res = runner.invoke(app, ["-C", root, "report", "-o", str(study.root / "exports" / "x.docx"),
                              "--redact"])
    assert res.exit_code == 0, res.output
    assert "redacted 2 identifiers (1 NHS number, 1 name)" in res.output


def test_word_table_columns_hold_their_longest_header_word_whole():
    """The new-user walk saw "Segmen/ts", "All document/s" and "metropolit/an" in the Word
    report: every column must be as wide as its longest word, measured with the real metrics
    of DejaVu Sans Bold (what LibreOffice prints a .docx in without Calibri), at 8 pt plus
    LibreOffice's 0.19 cm cell margins."""
    import os

    docx = pytest.importorskip("docx")
    matplotlib = pytest.importorskip("matplotlib")
    font = pytest.importorskip("PIL.ImageFont").truetype(
        os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSans-Bold.ttf"), 800)
    from qualkit.export.report_docx import TEXT_WIDTH_IN, add_table

    codes = ["Code", "Segments", "county council", "metropolitan district", "unitary",
             "All documents"]
    answers = ["Answer", "county council", "london borough", "metropolitan district",
               "unitary", "All councils", "ICBs", "All councils and ICBs"]
    for headers in (codes, answers):
        first = ["Children looked after (care experienced)"]
        table = pd.DataFrame([first + ["2 (100.0%)"] * (len(headers) - 1)], columns=headers)
        doc = docx.Document()
        add_table(doc, table, "Table 1. Test")
        widths = [c.width.inches for c in doc.tables[0].rows[0].cells]
        for header, width in zip(headers, widths):
            longest = max(font.getlength(w) / 100 / 72 for w in header.split())  # in, 8 pt
            assert width >= longest + 2 * 0.19 / 2.54, (header, width, longest)
        assert sum(widths) <= TEXT_WIDTH_IN + 0.01  # and it still fits the page
