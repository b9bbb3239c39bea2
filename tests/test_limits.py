"""Size limits on ingest (issue #9): long paragraphs cut safely, too many segments, .docx
expansion (zip bombs) and file size refused with the setting named; all set in qualkit.yaml."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import qualkit as qk
from qualkit.ingest.limits import Limits, split_long_units
from qualkit.models import QualkitError, ReadError, Turn
from qualkit.segment import segment_document
from qualkit.settings import DEFAULTS, TEMPLATE

from conftest import write
from makers import make_docx

GOOD = "Interviewer: How do you link data?\nP1: We link school census records every term.\n"


def settings(project, **limits) -> qk.Project:
    body = "".join(f"  {k}: {v}\n" for k, v in limits.items())
    (project.root / "qualkit.yaml").write_text(f"limits:\n{body}", encoding="utf-8")
    return qk.open_project(project.root)


def docx_bomb(path: Path, paragraphs: int) -> Path:
    """A real .docx whose document.xml is ``paragraphs`` tiny turns: compresses ~1000 times."""
    buf = io.BytesIO()
    make_docx(path.with_suffix(".seed.docx"), ["x"]).replace(path.with_suffix(".seed.docx"))
    body = "<w:p><w:r><w:t>P1: Yes.</w:t></w:r></w:p>" * paragraphs
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
           '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           f"{body}</w:body></w:document>")
    with zipfile.ZipFile(path.with_suffix(".seed.docx")) as zin, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in zin.infolist():
            data = xml if info.filename == "word/document.xml" else zin.read(info.filename)
            out.writestr(info.filename, data)
    path.with_suffix(".seed.docx").unlink()
    path.write_bytes(buf.getvalue())
    return path


def test_a_million_character_paragraph_is_cut_at_sentence_ends_and_the_batch_goes_on(project):
    write(project.root / "transcripts" / "a.txt", GOOD)
    write(project.root / "transcripts" / "b.txt", "We shared data with the ICB. " * 40000)
    report = project.ingest()
    assert report.ok and sorted(report.added) == ["transcripts/a.txt", "transcripts/b.txt"]
    assert any("b.txt: line 1: 1,159,999 characters without a speaker change were cut into 12 "
               "parts" in w and "limits.paragraph_chars" in w for w in report.warnings)
    segs = project.segments(document="b.txt")
    assert len(segs) == 40000 and set(segs["text"]) == {"We shared data with the ICB."}
    assert project.store.integrity_ok()


def test_cutting_keeps_offsets_and_never_cuts_inside_a_sentence():
    text = "P1: " + " ".join(f"Sentence number {i} is here." for i in range(3000)) + "\n"
    turns = [Turn(4, len(text) - 1, "P1", "participant")]
    cut, warnings = split_long_units(text, turns, Limits(paragraph_chars=5000))
    assert len(cut) > 1 and len(warnings) == 1
    assert all(t.end - t.start <= 5000 and t.speaker == "P1" for t in cut)
    assert all(text[t.start:t.end].endswith("is here.") for t in cut)
    whole = segment_document("d", text, turns)
    parts = segment_document("d", text, cut)
    assert [s.text for s in parts] == [s.text for s in whole]
    assert [s.id for s in parts] == [s.id for s in whole]


def test_text_without_spaces_over_the_limit_is_refused_with_its_line():
    text = "header\n" + "x" * 3000
    with pytest.raises(ReadError, match=r"line 2: over 1,000 characters with no space"):
        split_long_units(text, [], Limits(paragraph_chars=1000))


def test_a_docx_bomb_is_refused_before_it_is_parsed(project):
    bomb = docx_bomb(project.root / "transcripts" / "bomb.docx", 400_000)
    write(project.root / "transcripts" / "a.txt", GOOD)
    assert bomb.stat().st_size < 100_000
    report = project.ingest()
    assert report.added == ["transcripts/a.txt"]
    [(path, reason)] = report.skipped
    assert path == "transcripts/bomb.docx"
    assert reason.startswith("Word file would expand from") and "limits.docx_expansion" in reason


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_docx_with_too_many_paragraphs_is_refused_before_it_is_parsed(tmp_path, monkeypatch,
                                                                       chunk):
    from qualkit.ingest import limits as limits_module
    from qualkit.ingest.readers import read_file

    monkeypatch.setattr(limits_module, "_CHUNK", chunk)  # tags across chunk boundaries too
    path = docx_bomb(tmp_path / "many.docx", 201)
    lax = Limits(docx_expansion=1_000_000, segments_per_document=100)
    with pytest.raises(ReadError, match=r"^Word file has over 200 paragraphs, more than twice"):
        read_file(path, lax)
    assert len(read_file(path, Limits(docx_expansion=1_000_000,
                                      segments_per_document=101)).turns) == 201


def test_too_many_turns_are_refused_before_segmenting(project):
    p = settings(project, segments_per_document=100)
    write(p.root / "transcripts" / "many.txt", "".join(f"P{i % 2}: Yes {i}.\n" for i in range(500)))
    write(p.root / "transcripts" / "a.txt", GOOD)
    report = p.ingest()
    assert report.skipped == [("transcripts/many.txt", "500 speaker turns, over the limit of 100 "
                               "segments per document (limits.segments_per_document in "
                               "qualkit.yaml); is this one transcript?")]
    assert report.added == ["transcripts/a.txt"]
    p.close()


def test_too_many_segments_are_refused(project):
    p = settings(project, segments_per_document=50)
    write(p.root / "transcripts" / "long.txt",
          "P1: " + " ".join(f"This is sentence {i} of many." for i in range(80)) + "\n")
    [(_, reason)] = p.ingest().skipped
    assert reason.startswith("80 segments, over the limit of 50 segments per document")
    p.close()


def test_a_file_over_the_size_limit_is_refused_unread(project):
    p = settings(project, file_mb=1)
    write(p.root / "transcripts" / "big.txt", "P1: " + "word " * 314_572)  # 1.5 MB
    assert p.ingest().skipped == [("transcripts/big.txt", "file is 1.5 MB, over the limit of "
                                   "1 MB (limits.file_mb in qualkit.yaml)")]
    p.close()


def test_changing_the_paragraph_limit_recuts_only_documents_it_affects(project):
    write(project.root / "transcripts" / "a.txt", GOOD)
    write(project.root / "transcripts" / "b.txt", "P1: " + "We shared data. " * 1000)
    project.ingest()
    p = settings(project, paragraph_chars=5000)
    report = p.ingest()
    assert report.updated == ["transcripts/b.txt"] and report.unchanged == ["transcripts/a.txt"]
    assert p.ingest().updated == []
    p.close()


@pytest.mark.parametrize("bad", ["0", "-5", "2000000", "lots", "true"])
def test_bad_limit_values_are_refused_naming_the_setting(project, bad):
    (project.root / "qualkit.yaml").write_text(f"limits:\n  paragraph_chars: {bad}\n")
    p = qk.open_project(project.root)
    with pytest.raises(QualkitError, match=r"limits\.paragraph_chars must be a whole number"):
        p.ingest()
    p.close()


def test_defaults_and_template_agree():
    import yaml

    assert yaml.safe_load(TEMPLATE)["limits"] == DEFAULTS["limits"]
    assert Limits.from_settings(DEFAULTS["limits"]) == Limits()
