"""Quotes per code: typical first, spread over documents and speakers, no near-duplicates,
context from the same turn; the writers; redaction everywhere; clear errors."""
from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualkit.export.quotes import QUOTE_COLUMNS, select_quotes
from qualkit.export.quotes_files import write_quotes
from qualkit.export.redaction import NO_REDACTION, make_redactor, redact_quotes, speaker_names
from qualkit.models import Code, QualkitError

from quotes_study import CHILD, NHS, make_study


def frames(rows: list[tuple[str, str, str, list[float]]], code: str = "c"):
    """(segment_id, document, speaker, vector) rows, all coded ``code`` by ana."""
    segs = pd.DataFrame({
        "segment_id": [r[0] for r in rows], "document": [r[1] for r in rows],
        "speaker": [r[2] for r in rows], "role": ["participant"] * len(rows),
        "start": [10 * i for i in range(len(rows))], "end": [10 * i + 9 for i in range(len(rows))],
        "text": [f"text of {r[0]}" for r in rows]})
    codings = pd.DataFrame({"segment_id": segs["segment_id"], "code_id": code, "coder": "ana"})
    return codings, segs, np.array([r[3] for r in rows], dtype=float)


def angle(deg: float) -> list[float]:
    return [float(np.cos(np.radians(deg))), float(np.sin(np.radians(deg)))]


# ------------------------------------------------------------------------------ selection
def test_the_most_typical_segment_comes_first():
    # unit vectors 20+ degrees apart (cosine < 0.95), so none is dropped as a near-duplicate
    codings, segs, vecs = frames([("a", "d1", "x", angle(90)), ("b", "d2", "y", angle(0)),
                                  ("c", "d3", "z", angle(45)), ("d", "d4", "w", angle(70))])
    q = select_quotes(codings, segs, vecs, per_code=4)
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    centre = unit.mean(axis=0) / np.linalg.norm(unit.mean(axis=0))
    cosines = unit @ centre
    assert q["segment_id"].iloc[0] == segs["segment_id"].iloc[int(np.argmax(cosines))] == "c"
    assert q.set_index("segment_id")["typicality"].to_dict() == pytest.approx(
        {s: round(float(c), 4) for s, c in zip(segs["segment_id"], cosines)}, abs=1e-4)


def test_every_document_gives_one_quote_before_any_gives_two():
    # d1 (a group interview: three speakers) holds the three most typical segments; relevance
    # and speaker variety alone would quote d1 three times
    codings, segs, vecs = frames([
        ("a1", "d1", "x", angle(0)), ("a2", "d1", "v", angle(20)), ("a3", "d1", "w", angle(40)),
        ("b1", "d2", "y", angle(90)), ("c1", "d3", "z", angle(-70))])
    three = select_quotes(codings, segs, vecs, per_code=3)
    assert sorted(three["document"]) == ["d1", "d2", "d3"]
    assert three["segment_id"].iloc[0] == "a2"  # the centre of the five is near 19 degrees
    four = select_quotes(codings, segs, vecs, per_code=4)
    assert list(four["document"][:3]).count("d1") == 1 and four["document"].iloc[3] == "d1"


def test_a_second_speaker_of_a_document_comes_before_a_repeat_speaker():
    codings, segs, vecs = frames([
        ("a1", "d1", "x", angle(0)), ("a2", "d1", "x", angle(25)), ("a3", "d1", "y", angle(60)),
        ("b1", "d2", "z", angle(-30))])
    q = select_quotes(codings, segs, vecs, per_code=3)
    assert list(q["segment_id"]) == ["a2", "b1", "a3"]  # y before x's more typical a1


def test_near_duplicates_are_dropped():
    codings, segs, vecs = frames([("a", "d1", "x", angle(0)), ("b", "d2", "y", angle(3)),
                                  ("c", "d3", "z", angle(60))])
    q = select_quotes(codings, segs, vecs, per_code=3)
    assert float(np.dot(angle(0), angle(3))) > 0.95
    assert len(q) == 2 and {"a", "b"} & set(q["segment_id"]) != {"a", "b"}
    assert "c" in set(q["segment_id"])


def test_per_code_ranks_and_columns():
    rows = [(f"s{i}", f"d{i % 3}", f"p{i % 3}", angle(25 * i)) for i in range(9)]
    codings, segs, vecs = frames(rows)
    other = codings.head(2).assign(code_id="e")
    q = select_quotes(pd.concat([codings, other]), segs, vecs, per_code=2)
    assert list(q.columns) == QUOTE_COLUMNS
    assert q.groupby("code_id")["rank"].apply(list).to_dict() == {"c": [1, 2], "e": [1, 2]}
    assert select_quotes(codings, segs, vecs, per_code=20)["rank"].max() <= 9


def test_codes_come_in_codeframe_order_and_coder_filters():
    codings, segs, vecs = frames([("a", "d1", "x", angle(0)), ("b", "d2", "y", angle(50))])
    codings = pd.DataFrame({"segment_id": ["a", "b", "b"], "code_id": ["z", "y", "z"],
                            "coder": ["ana", "bo", "bo"]})
    q = select_quotes(codings, segs, vecs, known_codes=["y", "z"])
    assert list(dict.fromkeys(q["code_id"])) == ["y", "z"]
    assert set(select_quotes(codings, segs, vecs, coder="ana")["segment_id"]) == {"a"}


def test_interviewer_turns_are_quoted_only_when_nothing_else_is_coded():
    codings, segs, vecs = frames([("i", "d1", "Interviewer", angle(0)),
                                  ("p", "d1", "Sam", angle(40))])
    segs.loc[0, "role"] = "interviewer"
    assert list(select_quotes(codings, segs, vecs)["segment_id"]) == ["p"]
    only = select_quotes(codings.head(1), segs, vecs)
    assert list(only["segment_id"]) == ["i"]


def test_context_stays_inside_the_turn():
    segs = pd.DataFrame({
        "segment_id": list("qabcr"), "document": "d1",
        "speaker": ["Interviewer", "Sam", "Sam", "Sam", "Interviewer"],
        "role": ["interviewer", "participant", "participant", "participant", "interviewer"],
        "start": [0, 10, 20, 30, 40], "end": [9, 19, 29, 39, 49],
        "text": ["Question?", "First.", "Second.", "Third.", "Next question?"]})
    codings = pd.DataFrame({"segment_id": ["a", "b"], "code_id": ["c", "e"], "coder": "ana"})
    vecs = np.eye(5)
    q = select_quotes(codings, segs, vecs, context=True).set_index("segment_id")
    assert (q.at["a", "context_before"], q.at["a", "context_after"]) == ("", "Second.")
    assert (q.at["b", "context_before"], q.at["b", "context_after"]) == ("First.", "Third.")
    wide = select_quotes(codings, segs, vecs, context=2).set_index("segment_id")
    assert wide.at["a", "context_after"] == "Second. Third."
    assert select_quotes(codings, segs, vecs)["context_before"].eq("").all()


# ---------------------------------------------------------------------------------- errors
def test_no_codings_is_a_clear_error():
    codings, segs, vecs = frames([("a", "d1", "x", angle(0))])
    with pytest.raises(QualkitError, match="no codings yet"):
        select_quotes(codings.iloc[:0], segs, vecs)
    with pytest.raises(QualkitError, match=r"no codings by coder 'zoe' \(coders with codings: "
                                           r"ana\)"):
        select_quotes(codings, segs, vecs, coder="zoe")


def test_unknown_code_says_did_you_mean():
    codings, segs, vecs = frames([("a", "d1", "x", angle(0))], code="barrier")
    with pytest.raises(QualkitError, match=r"no code 'barier' in the codeframe; did you mean "
                                           r"'barrier'\?"):
        select_quotes(codings, segs, vecs, code_ids=["barier"], known_codes=["barrier", "use"])


def test_vectors_must_match_the_segments():
    codings, segs, vecs = frames([("a", "d1", "x", angle(0)), ("b", "d1", "x", angle(9))])
    with pytest.raises(QualkitError, match="2 segments"):
        select_quotes(codings, segs, vecs[:1])


# --------------------------------------------------------------------------------- writers
CODES = [Code("c", "Health data is hard", description="Getting at *health* data."),
         Code("e", "Leaders help")]


def sample_quotes() -> pd.DataFrame:
    return pd.DataFrame({
        "code_id": ["c", "c", "e"], "rank": [1, 2, 1], "segment_id": ["a", "b", "c"],
        "document": ["one.txt", "two.txt", "one.txt"], "speaker": ["Sam Jones", None, "I"],
        "role": ["participant", None, "interviewer"], "start": [0, 5, 9], "end": [4, 8, 12],
        "text": ["=SUM(1) is *not* a formula", "# not a heading\nsecond line", "Fine."],
        "context_before": ["", "", "Before it."], "context_after": ["", "", ""],
        "typicality": [0.9, 0.8, 1.0]})


def test_markdown_has_a_heading_per_code_and_escapes_markup(tmp_path):
    path = write_quotes(tmp_path / "q.md", sample_quotes(), CODES)
    text = path.read_text(encoding="utf-8")
    assert "## Health data is hard (c)" in text and "## Leaders help (e)" in text
    assert "Code: Getting at \\*health\\* data." in text
    assert "> =SUM(1) is \\*not\\* a formula" in text
    assert "> \\# not a heading second line" in text
    assert "> — Sam Jones (participant), one.txt" in text and "> — two.txt" in text
    assert "> *Before it.* Fine." in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_word_has_a_heading_per_code_and_quote_paragraphs(tmp_path):
    import docx

    path = write_quotes(tmp_path / "q.docx", sample_quotes(), CODES)
    doc = docx.Document(path)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Health data is hard (c)", "Leaders help (e)"]
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes == ["=SUM(1) is *not* a formula", "# not a heading second line",
                      "Before it. Fine."]
    assert "— Sam Jones (participant), one.txt" in [p.text for p in doc.paragraphs]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_csv_round_trips_and_never_starts_a_cell_with_a_formula(tmp_path):
    path = write_quotes(tmp_path / "q.csv", sample_quotes(), CODES)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["code_name"] for r in rows] == ["Health data is hard"] * 2 + ["Leaders help"]
    assert rows[0]["text"] == "'=SUM(1) is *not* a formula"
    assert rows[1]["text"] == "# not a heading\nsecond line"


def test_unknown_format_and_missing_folder_are_clear(tmp_path):
    with pytest.raises(QualkitError, match="choose one of md, docx, csv"):
        write_quotes(tmp_path / "q.pdf", sample_quotes(), CODES)
    with pytest.raises(QualkitError, match="folder .* does not exist"):
        write_quotes(tmp_path / "nope" / "q.md", sample_quotes(), CODES)
    assert not (tmp_path / "nope").exists()


# ------------------------------------------------------------------------------- redaction
def test_redactor_replaces_names_numbers_speakers_and_documents():
    red, report = make_redactor([(CHILD, "Ellie")], documents=["one.txt", "two.txt"])
    quotes = sample_quotes()
    quotes.loc[0, "text"] = f"{CHILD} (NHS {NHS}) moved; Ellie is fine."
    shown = redact_quotes(quotes, red)
    assert shown.loc[0, "text"] == "[Person 1] (NHS [NHS number]) moved; [Person 1] is fine."
    assert list(shown["document"]) == ["Document 1", "Document 2", "Document 1"]
    assert list(shown["speaker"])[::2] == ["Participant 1", "I"]
    assert report.by_document["Document 1"] == {"nhs_number": 1, "name": 2}
    assert redact_quotes(shown, red).equals(shown)  # a second pass changes nothing
    assert redact_quotes(quotes, NO_REDACTION).equals(quotes)


def test_speaker_first_names_are_aliases_unless_shared_or_everyday_words():
    names = speaker_names(["Sam Jones", "Sam Patel", "Priya Shah", "Will Turner", "Dr Ann Lee",
                           "Interviewer", "P2", None])
    assert names == [("Sam Jones",), ("Sam Patel",), ("Priya Shah", "Priya"),
                     ("Will Turner",), ("Dr Ann Lee", "Ann")]


# ------------------------------------------------------------------------- through a project
@pytest.fixture(scope="module")
def study(tmp_path_factory):
    p = make_study(tmp_path_factory.mktemp("quotes") / "study")
    yield p
    p.close()


def test_project_quotes_follow_the_contract(study):
    q = study.quotes(per_code=2)
    assert {"code_id", "rank", "segment_id", "document", "speaker", "text"} <= set(q.columns)
    assert q.groupby("code_id")["rank"].max().max() == 2
    health = study.quotes(["barrier.health_data"], per_code=3)
    assert health["document"].nunique() == 3  # three documents code it: one quote each
    assert health["text"].iloc[0] == "Getting health data from the NHS trust is very slow for us."
    assert set(study.quotes(coder="bo")["code_id"]) == {"enabler.senior_commitment"}


def test_project_errors_are_clear(study, tmp_path):
    with pytest.raises(QualkitError, match="did you mean 'barrier.health_data'"):
        study.quotes(["barrier.helth_data"])
    with pytest.raises(QualkitError, match="no codings yet"):
        with make_study(tmp_path / "empty", coded=False) as empty:
            empty.quotes()


def _all_text(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        doc = docx.Document(path)
        return "\n".join(p.text for p in doc.paragraphs)
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["md", "docx", "csv"])
def test_redacted_exports_never_show_the_child_or_the_number(study, tmp_path, fmt):
    done = study.export_quotes(tmp_path / f"q.{fmt}", per_code=5, context=2, redact=True)
    text = _all_text(done.path)
    assert "[Person 1]" in text and "[NHS number]" in text
    for secret in (CHILD, "Ellie", NHS, NHS.replace(" ", ""), "Priya", "Sam Jones",
                   "tannerbridge", "northmere"):
        assert secret not in text, secret
    # the sentence is quoted for its own code and, with context=2, beside the sentence before
    # it (quoted for enabler.senior_commitment): two places, each redacted and counted
    assert done.redaction.by_kind == {"nhs_number": 2, "name": 2}
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600


def test_unredacted_export_shows_what_was_said(study, tmp_path):
    done = study.export_quotes(tmp_path / "q.md", code_ids=["barrier.health_data.la_knowledge"])
    assert NHS in done.path.read_text(encoding="utf-8") and done.redaction is None


def test_unwritable_output_is_clear_and_leaves_nothing(study, tmp_path):
    target = tmp_path / "taken"
    target.mkdir()  # a folder where the file should go
    with pytest.raises(QualkitError, match="cannot write .*taken: it is a folder"):
        study.export_quotes(target, fmt="md")
    assert list(target.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "taken"]


def test_one_code_id_may_be_given_as_a_string_and_retired_codes_are_left_out():
    codings, segs, vecs = frames([("a", "d1", "x", angle(0)), ("b", "d2", "y", angle(50))])
    codings.loc[1, "code_id"] = "retired"
    assert set(select_quotes(codings, segs, vecs, known_codes=["c"])["code_id"]) == {"c"}
    assert list(select_quotes(codings, segs, vecs, code_ids="c", known_codes=["c"])
                ["segment_id"]) == \
        ["a"]
