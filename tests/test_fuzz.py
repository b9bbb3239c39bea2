"""Hypothesis fuzzing (issue #9): the transcript reader, the speaker-turn detector and the FOI
parser, on text built from the pieces real files are made of (labels, timestamps, cues,
questions, answers, odd characters) and on raw bytes. Each either reads the input, keeping
every offset inside the text, or refuses it with a ``ReadError``; nothing else escapes.

The examples are derandomised so CI is repeatable; ``QUALKIT_FUZZ=deep`` runs many more,
randomly, for a local hunt.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualkit.foi.parse import looks_like_foi, parse_letter
from qualkit.ingest.readers import read_file
from qualkit.ingest.speakers import find_turns
from qualkit.models import ReadError, ReadResult
from qualkit.segment import segment_document

DEEP = os.environ.get("QUALKIT_FUZZ") == "deep"
settings.register_profile("qualkit", max_examples=3000 if DEEP else 150, deadline=None,
                          derandomize=not DEEP, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("qualkit")

LABELS = ["Interviewer:", "I:", "P1:", "P12:", "Respondent 2:", "R:", "Q:", "A:", "SAM (Interviewer):",
          "Dr Jane Smith:", "[00:01:02] Sam:", "(00:01:02) Jo:", "00:01 - Ann:", "**Name:**",
          "Note:", "Date:", "Re:", ":", "Mr.:", "Jo (00:01:02):"]
WORDS = ["we", "linked", "the", "school census", "data", "Yes.", "No.", "Mm-hm.", "[laughs]",
         "[name redacted]", "ICB", "CiN.", "e.g.", "Dr.", "–", "“quoted”", "’", "…", "£5", "\t",
         "café", "naïve", "ß", "😀", "\u200b", "\xa0", "\x0c", "\x1a", "?", "!", ":", "::", "—"]
odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
line = st.one_of(
    st.builds(lambda lab, ws: f"{lab} {' '.join(ws)}", st.sampled_from(LABELS),
              st.lists(st.sampled_from(WORDS), max_size=12)),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    odd_text,
    st.just(""),
)
ends = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])
transcript = st.lists(st.tuples(line, ends), max_size=30).map(
    lambda pairs: "".join(a + b for a, b in pairs))


def check_turns(text: str, turns) -> None:
    last = 0
    for t in turns:
        assert 0 <= t.start <= t.end <= len(text)
        assert t.start >= last  # in order, not overlapping
        last = t.end


def read_bytes(data: bytes, suffix: str) -> ReadResult | None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"f{suffix}"
        path.write_bytes(data)
        try:
            return read_file(path)
        except ReadError as e:
            assert e.reason and "\n" not in e.reason and str(path) not in e.reason
            return None


@given(transcript)
def test_speaker_turns_stay_inside_the_text(text):
    check_turns(text, find_turns(text))


@given(transcript, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       st.sampled_from([".txt", ".md", ".vtt", ".srt"]))
def test_reader_reads_or_refuses_any_text_in_any_encoding(text, encoding, suffix):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    result = read_bytes(data, suffix)
    if result is not None:
        assert result.text.strip()
        assert "\r" not in result.text and "\x00" not in result.text
        check_turns(result.text, result.turns)


@given(st.binary(max_size=400), st.sampled_from([".txt", ".vtt", ".srt", ".docx", ".pdf"]))
def test_reader_reads_or_refuses_any_bytes(data, suffix):
    result = read_bytes(data, suffix)
    if result is not None:
        check_turns(result.text, result.turns)


CUE = st.builds(
    lambda a, b, who, said: f"00:{a:02d}:{b:02d}.000 --> 00:{a:02d}:{b + 1:02d}.500\n"
                            f"{who}{said}",
    st.integers(0, 59), st.integers(0, 58),
    st.sampled_from(["", "<v Ann>", "<v.loud Bo Li>", "Ann: ", "- ", "<b>"]), line)
vtt = st.lists(st.one_of(CUE, line, st.just("NOTE a note")), max_size=12).map(
    lambda blocks: "WEBVTT\n\n" + "\n\n".join(blocks) + "\n")


@given(vtt)
def test_subtitles_read_or_refused_with_offsets_inside(text):
    result = read_bytes(text.encode(), ".vtt")
    if result is not None:
        check_turns(result.text, result.turns)
        assert all(result.text[t.start:t.end].strip() for t in result.turns)


@given(transcript)
def test_segments_index_the_document_text(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for seg in segment_document("d.txt", text, find_turns(text)):
        assert text[seg.start:seg.end] == seg.text and seg.text.strip()


FOI_LINES = ["Freedom of Information Act 2000", "Dear Requester,", "Our response", "Response:",
             "1. Do you currently link your education and social care data for children and "
             "young people?", "Yes", "No", "Yes, on an ad-hoc basis", "In development",
             "2. Which datasets do you link?", "School census  Yes", "CiN census - Yes",
             "• Children looked after return", "Other (please specify): health visiting",
             "3. Which groups?", "SEND | Yes", "Q4 | Strategic planning", "A1: Yes", "> 1. Yes",
             "5. Do you link health data?", "6. Which health datasets?", "GP records: No",
             "None", "N/A", "Not held", "Yours sincerely", "Information Commissioner's Office",
             "Section 12 applies", "Our ref: FOI-123", ""]
letter = st.lists(st.one_of(st.sampled_from(FOI_LINES), line), max_size=40).map("\n".join)


@given(letter)
def test_foi_parser_never_fails_and_every_span_is_inside_the_letter(text):
    parsed = parse_letter(text)
    assert not any("could not be parsed" in p for p in parsed.problems), parsed.problems
    for a in parsed.answers:
        assert 0 <= a.start <= a.end <= len(text) and 0 <= a.confidence <= 1
    for ft in parsed.free_text:
        assert 0 <= ft.start <= ft.end <= len(text) and text[ft.start:ft.end] == ft.text
    looks_like_foi(text)  # the detector never raises either
