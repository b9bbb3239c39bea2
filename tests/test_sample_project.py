"""The bundled sample project is what the README promises: invented, varied, ingestible."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import qualkit as qk

REPO = Path(__file__).resolve().parents[1]
TRANSCRIPTS = REPO / "transcripts"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(TRANSCRIPTS, root / "transcripts")
    shutil.copy(REPO / "qualkit.yaml", root / "qualkit.yaml")
    shutil.copytree(REPO / "codeframes", root / "codeframes")
    p = qk.open_project(root)
    report = p.ingest([root / "transcripts"])
    yield p, report
    p.close()


def test_every_sample_transcript_ingests_cleanly(sample):
    p, report = sample
    assert not report.skipped and not report.warnings
    docs = p.documents()
    assert len(docs) >= 6
    assert {"txt", "docx", "vtt"} <= set(docs["format"])
    assert docs["authority_type"].notna().all() and docs["region"].notna().all()


def test_sample_interviews_are_marked_invented_and_long_enough(sample):
    p, _ = sample
    from qualkit.ingest.readers import read_file

    for name in p.documents()["document"]:
        read = read_file(TRANSCRIPTS / name)
        header = read.text[:600] + " ".join(read.meta.get("notes", []))
        assert re.search(r"invented", header, re.I), name
        speech = " ".join(p.segments(document=name)["text"])
        assert 1500 <= len(speech.split()) <= 4000, (name, len(speech.split()))


def test_sample_speakers_are_recognised(sample):
    p, _ = sample
    segs = p.segments()
    for name, group in segs.groupby("document"):
        speakers = set(group["speaker"].dropna())
        assert len(speakers) >= 2, (name, speakers)
        assert group["speaker"].notna().all(), name  # headers are not segmented
    roles = set(segs["role"].dropna())
    assert {"interviewer", "participant"} <= roles


def test_windows_1252_sample_is_not_mojibake(sample):
    p, _ = sample
    text = p.document_text("interview-06-orrinsby.txt")
    assert "’" in text and "Ã" not in text and "\r" not in text


def test_packaged_codeframe_matches_the_projects():
    packaged = REPO / "qualkit" / "data" / "data-linkage.yaml"
    assert packaged.read_bytes() == (REPO / "codeframes" / "data-linkage.yaml").read_bytes()
