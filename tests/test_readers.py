"""Readers: every format's happy path, and a clear ReadError for every bad input."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from qualkit.ingest.readers import decode_text, read_file
from qualkit.models import ReadError, ReadResult


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def utterances(result: ReadResult) -> list[tuple[str | None, str]]:
    return [(t.speaker, result.text[t.start:t.end]) for t in result.turns]


def reason(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_file(path)
    assert str(path) not in info.value.reason and path.name not in info.value.reason
    return info.value.reason


# ---------------------------------------------------------------- plain text

DIALOGUE = "Interview 3\n\nInterviewer: How was it?\nP1: Fine, thanks.\nIt was long.\n"


def test_txt_utf8(tmp_path):
    result = read_file(write(tmp_path, "a.txt", DIALOGUE.replace("Fine", "Fiñe ☕")))
    assert result.format == "txt" and result.encoding == "utf-8"
    assert utterances(result) == [("Interviewer", "How was it?"),
                                  ("P1", "Fiñe ☕, thanks.\nIt was long.")]
    assert [t.role for t in result.turns] == ["interviewer", "participant"]


def test_txt_utf8_bom(tmp_path):
    result = read_file(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + DIALOGUE.encode()))
    assert result.encoding == "utf-8-sig"
    assert result.text == DIALOGUE  # BOM gone, offsets start at the first real character
    assert utterances(result)[0] == ("Interviewer", "How was it?")


def test_txt_cp1252_not_mojibake(tmp_path):
    source = "I: It’s “fine” – costs £5 — ok\r\nRespondent 2: Yes.\r\n"
    result = read_file(write(tmp_path, "a.txt", source.encode("cp1252")))
    assert result.encoding == "cp1252"
    assert result.text == source.replace("\r\n", "\n")
    assert utterances(result) == [("I", "It’s “fine” – costs £5 — ok"), ("Respondent 2", "Yes.")]


def test_txt_latin1_fallback_when_cp1252_fails(tmp_path):
    data = "P1: café".encode("latin-1") + b" \x81"  # 0x81 is undefined in cp1252
    result = read_file(write(tmp_path, "a.txt", data))
    assert result.encoding == "latin-1" and result.text.startswith("P1: café")


@pytest.mark.parametrize("codec,bom,label", [
    ("utf-16-le", b"\xff\xfe", "utf-16-le"), ("utf-16-be", b"\xfe\xff", "utf-16-be"),
    ("utf-16-le", b"", "utf-16-le"),
])
def test_txt_utf16(tmp_path, codec, bom, label):
    result = read_file(write(tmp_path, "a.txt", bom + DIALOGUE.encode(codec)))
    assert result.encoding == label and result.text == DIALOGUE


def test_line_endings_normalised_nothing_else(tmp_path):
    result = read_file(write(tmp_path, "a.md", "Q:  two  spaces\r\nA:\tx\rmore  \r\n"))
    assert result.text == "Q:  two  spaces\nA:\tx\nmore  \n"
    assert utterances(result) == [("Q", "two  spaces"), ("A", "x\nmore")]


def test_txt_without_labels_has_no_turns(tmp_path):
    result = read_file(write(tmp_path, "a.txt", "Just some notes.\nNote: nothing here.\n"))
    assert result.turns == [] and result.text


def test_decode_text_directly():
    assert decode_text("x\r\ny".encode()) == ("x\ny", "utf-8")


# ---------------------------------------------------------------- Word


def make_docx(tmp_path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Interview 7 (invented)")
    doc.add_paragraph("SAM (Interviewer): First question?")
    doc.add_paragraph("JO (Participant): An answer")
    doc.add_paragraph("that goes on.")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "In a table"
    table.cell(0, 1).text = "second cell"
    doc.add_paragraph("SAM (Interviewer): After the table.")
    path = tmp_path / "t.docx"
    doc.save(path)
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    result = read_file(make_docx(tmp_path))
    assert result.format == "docx"
    assert result.text == ("Interview 7 (invented)\nSAM (Interviewer): First question?\n"
                           "JO (Participant): An answer\nthat goes on.\nIn a table\nsecond cell\n"
                           "SAM (Interviewer): After the table.")
    assert utterances(result) == [
        ("SAM", "First question?"),
        ("JO", "An answer\nthat goes on.\nIn a table\nsecond cell"),
        ("SAM", "After the table."),
    ]
    assert [t.role for t in result.turns] == ["Interviewer", "Participant", "Interviewer"]


def test_docx_runs_inside_tracked_insertions_and_links(tmp_path):
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = docx.Document()
    para = doc.add_paragraph("P1: kept ")
    para._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="T"><w:r><w:t>inserted</w:t></w:r></w:ins>'))
    para._p.append(parse_xml(f'<w:del {w} w:id="2" w:author="T"><w:r><w:delText>gone</w:delText></w:r></w:del>'))
    para._p.append(parse_xml(f'<w:hyperlink {w}><w:r><w:t> linked</w:t></w:r></w:hyperlink>'))
    doc.save(tmp_path / "tracked.docx")
    assert read_file(tmp_path / "tracked.docx").text == "P1: kept inserted linked"


def test_docx_truncated(tmp_path):
    data = make_docx(tmp_path).read_bytes()
    assert reason(write(tmp_path, "cut.docx", data[: len(data) // 2])) == (
        "not a valid Word file (truncated or corrupt?)")


def test_docx_not_a_zip(tmp_path):
    assert "not a valid Word file" in reason(write(tmp_path, "x.docx", "plain text"))


def test_docx_encrypted_ole(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(600)
    assert "password-protected or encrypted Word file" in reason(write(tmp_path, "e.docx", data))


# ---------------------------------------------------------------- PDF


def make_pdf(pages: list[bytes | None]) -> bytes:
    """A minimal PDF with Helvetica text: one content stream per page (None = no content)."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids, n = [], 4
    for content in pages:
        page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 3 0 R >> >>")
        if content is not None:
            objs[n + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
            page += b" /Contents %d 0 R" % (n + 1)
        objs[n] = page + b" >>"
        kids.append(b"%d 0 R" % n)
        n += 2
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    size, xref = max(objs) + 1, len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def test_pdf_text_layer(tmp_path):
    page1 = b"BT /F1 12 Tf 72 720 Td (Interviewer: How are you?) Tj 0 -20 Td (P1: Fine.) Tj ET"
    page2 = b"BT /F1 12 Tf 72 720 Td (Interviewer: Page two.) Tj ET"
    result = read_file(write(tmp_path, "t.pdf", make_pdf([page1, page2])))
    assert result.format == "pdf" and result.meta["pages"] == 2
    assert "\n\nInterviewer: Page two." in result.text
    assert utterances(result) == [("Interviewer", "How are you?"), ("P1", "Fine."),
                                  ("Interviewer", "Page two.")]


def test_pdf_without_text_layer(tmp_path):
    assert reason(write(tmp_path, "scan.pdf", make_pdf([None]))) == (
        "PDF has no text layer (scanned?) — run OCR first")


def test_pdf_encrypted(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "password-protected or encrypted PDF" in reason(write(tmp_path, "e.pdf", buffer.getvalue()))


def test_pdf_garbage(tmp_path):
    assert "not a valid PDF" in reason(write(tmp_path, "g.pdf", "hello"))


# ---------------------------------------------------------------- WebVTT and SRT

TEAMS_VTT = """WEBVTT

NOTE INVENTED INTERVIEW
for tests only

a1b2/10-0
00:00:01.000 --> 00:00:04.000 align:start position:10%
<v Sam Ellis>So, tell me <i>about</i> it.</v>

a1b2/11-0
00:00:04.500 --> 00:00:06.000
<v Sam Ellis>Take your time.</v>

00:00:07.000 --> 00:00:09.000
<v.loud Jo Park>It was &amp; is <c.yellow>hard</c>.</v>

01:00:10.000 --> 01:00:12.000
<v Jo Park><00:00:10.500>Really.
Two lines.</v>
"""


def test_vtt_voice_tags_notes_and_merging(tmp_path):
    result = read_file(write(tmp_path, "teams.vtt", TEAMS_VTT))
    assert result.format == "vtt" and result.meta["notes"] == ["INVENTED INTERVIEW\nfor tests only"]
    assert "INVENTED" not in result.text
    assert result.text == ("[00:00:01] Sam Ellis: So, tell me about it. Take your time.\n"
                           "[00:00:07] Jo Park: It was & is hard. Really. Two lines.")
    assert utterances(result) == [("Sam Ellis", "So, tell me about it. Take your time."),
                                  ("Jo Park", "It was & is hard. Really. Two lines.")]
    assert [t.timestamp for t in result.turns] == ["00:00:01", "00:00:07"]
    assert result.meta["turn_times"] == [[1.0, 6.0], [7.0, 3612.0]]


ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:03.000
Interviewer: Hello there.

2
00:00:03.500 --> 00:00:05.000
Jo Park: Hi.

3
00:00:05.000 --> 00:00:06.000
Jo Park: Nice to meet you.

4
00:01.000 --> 00:02.000
Just words, no speaker.

5
00:00:08.000 --> 00:00:09.000
Also no speaker.
"""


def test_vtt_name_cues(tmp_path):
    result = read_file(write(tmp_path, "zoom.vtt", ZOOM_VTT))
    assert utterances(result) == [("Interviewer", "Hello there."), ("Jo Park", "Hi. Nice to meet you."),
                                  (None, "Just words, no speaker."), (None, "Also no speaker.")]
    assert result.turns[0].role == "interviewer" and result.turns[1].role is None
    assert result.text.splitlines()[2] == "[00:00:01] Just words, no speaker."


def test_vtt_one_off_speaker_kept_when_file_uses_name_labels(tmp_path):
    extra = "\n6\n00:00:10.000 --> 00:00:11.000\nAlex Moss: Sorry to interrupt.\n"
    result = read_file(write(tmp_path, "zoom.vtt", ZOOM_VTT + extra))
    assert utterances(result)[-1] == ("Alex Moss", "Sorry to interrupt.")
    lone = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWarning: loud noise\n"
    assert utterances(read_file(write(tmp_path, "lone.vtt", lone))) == [(None, "Warning: loud noise")]


def test_vtt_malformed_timestamp_names_line(tmp_path):
    bad = ZOOM_VTT.replace("00:00:05.000 --> 00:00:06.000", "00:0l:05.000 --> 00:00:06.000")
    assert reason(write(tmp_path, "bad.vtt", bad)) == (
        "malformed timestamp on line 12: '00:0l:05.000 --> 00:00:06.000'")


def test_vtt_timing_without_arrow_is_malformed(tmp_path):
    bad = ZOOM_VTT.replace("00:00:03.500 --> 00:00:05.000", "00:00:03.500 -> 00:00:05.000")
    assert reason(write(tmp_path, "bad.vtt", bad)).startswith("malformed timestamp on line 8:")


def test_vtt_without_cues(tmp_path):
    assert reason(write(tmp_path, "e.vtt", "WEBVTT\n\nNOTE only a note\n")) == (
        "no subtitle cues with text found")


SRT = """1
00:00:01,000 --> 00:00:03,500
Interviewer: Where do you live?

2
00:00:04,000 --> 00:00:06,000
P2: Northmere,
near the <i>river</i>.

3
00:00:06,100 --> 00:00:07,000
P2: For years.
"""


def test_srt(tmp_path):
    result = read_file(write(tmp_path, "a.srt", SRT.replace("\n", "\r\n")))
    assert result.format == "srt"
    assert result.text == ("[00:00:01] Interviewer: Where do you live?\n"
                           "[00:00:04] P2: Northmere, near the river. For years.")
    assert utterances(result) == [("Interviewer", "Where do you live?"),
                                  ("P2", "Northmere, near the river. For years.")]
    assert [t.role for t in result.turns] == ["interviewer", "participant"]


def test_srt_blank_line_inside_cue_text_and_lone_speaker_cue(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nP2: First part\n\nsecond part\n\n"
           "2\n00:00:03,000 --> 00:00:04,000\nP2:\n\n3\n00:00:05,000 --> 00:00:06,000\nThird.\n")
    assert utterances(read_file(write(tmp_path, "a.srt", srt))) == [
        ("P2", "First part second part"), (None, "Third.")]


def test_vtt_title_style_and_region_blocks(tmp_path):
    vtt = ("WEBVTT - Focus group 2\nKind: captions\n\nSTYLE\n::cue { color: red }\n\n"
           "REGION\nid:left width:40%\n\n00:00.000 --> 00:01.500\n<v Moderator>Welcome.\n")
    result = read_file(write(tmp_path, "a.vtt", vtt))
    assert result.meta["title"] == "Focus group 2" and result.meta["notes"] == []
    assert result.text == "[00:00:00] Moderator: Welcome."
    assert result.turns[0].role == "interviewer"


def test_srt_malformed(tmp_path):
    bad = SRT.replace("00:00:04,000", "00:00:4,0x0")
    assert reason(write(tmp_path, "a.srt", bad)).startswith("malformed timestamp on line 6:")


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("name", ["e.txt", "e.md", "e.vtt", "e.srt", "e.docx", "e.pdf"])
def test_empty_file(tmp_path, name):
    assert reason(write(tmp_path, name, b"")) == "file is empty"


def test_whitespace_only(tmp_path):
    assert "empty" in reason(write(tmp_path, "w.txt", " \r\n\t\n  "))


def test_binary_renamed_txt(tmp_path):
    assert reason(write(tmp_path, "b.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")) == (
        "not a text file (it contains binary data)")


def test_control_characters_without_nul(tmp_path):
    assert "binary" in reason(write(tmp_path, "b.txt", b"abc\x02\x03def"))


def test_unsupported_type(tmp_path):
    assert reason(write(tmp_path, "a.xyz", "hello")) == "unsupported file type .xyz"


def test_directory(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert reason(folder) == "is a folder, not a file"


def test_missing_file(tmp_path):
    assert reason(tmp_path / "gone.txt") == "file not found"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read any file")
def test_unreadable(tmp_path):
    path = write(tmp_path, "locked.txt", "P1: hi")
    path.chmod(0)
    try:
        assert "permission denied" in reason(path)
    finally:
        path.chmod(0o644)


def test_permission_error_reason_even_as_root(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", "P1: hi")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert reason(path) == "permission denied: cannot open the file"


def test_teams_voice_names_are_unescaped(tmp_path):
    # real Teams exports write "<v Carlos Far&#237;as>": the name is "Carlos Farías"
    src = Path(__file__).resolve().parent / "data" / "transcripts" / "exports" / "teams-entities.vtt"
    result = read_file(src)
    assert [t.speaker for t in result.turns] == ["Zoë Baños", "Priya Shah (Guest)", "Zoë Baños"]
    assert result.text.splitlines()[2] == ("[00:00:08] Zoë Baños: Education, health and the "
                                           "\"early help\" team.")


def _page(lines: list[str]) -> bytes:
    ops = [b"BT /F1 12 Tf 72 740 Td"]
    for i, line in enumerate(lines):
        ops.append((b"" if i == 0 else b"0 -20 Td ") + b"(" + line.encode() + b") Tj")
    return b" ".join(ops) + b" ET"


def test_pdf_running_header_and_footer_are_not_read(tmp_path):
    # the shape of a transcript printed from a browser: date and title above, URL and
    # "n/N" below every page, the speaker on a line of its own
    talk = [("Who owns the census?", "The data team."), ("How often?", "Every term, roughly."),
            ("Any gaps?", "Health numbers, often."), ("What next?", "A sharing agreement.")]
    pages = [_page(["6/4/23, 5:44 PM Interview 7", "Interviewer 1", q, "Interviewee", a,
                    f"https://app.example.org/transcripts/99/print {n}/4"])
             for n, (q, a) in enumerate(talk, start=1)]
    result = read_file(write(tmp_path, "p.pdf", make_pdf(pages)))
    assert result.meta["furniture_lines"] == 8
    assert "example.org" not in result.text and "5:44 PM" not in result.text
    assert utterances(result)[:3] == [("Interviewer 1", "Who owns the census?"),
                                      ("Interviewee", "The data team."),
                                      ("Interviewer 1", "How often?")]
    two = read_file(write(tmp_path, "two.pdf", make_pdf(pages[:2])))  # too few pages to tell
    assert "example.org/transcripts/99/print 2/4" in two.text and "furniture_lines" not in two.meta


def test_a_speaker_label_opening_every_page_is_not_furniture():
    from qualkit.ingest.furniture import strip_furniture

    said = ["Who owns it?", "How often?", "Any gaps?"]
    pages = [f"Study 4 transcript\nInterviewer 1:\n{q}\nPage {n} of 3" for n, q in
             enumerate(said, start=1)]
    kept, removed = strip_furniture(pages)
    assert removed == 6
    assert kept == [f"Interviewer 1:\n{q}" for q in said]


def test_a_sentence_running_across_a_pdf_page_break_stays_one_sentence(tmp_path):
    # invented: a printed transcript whose answer runs over the page break, furniture on
    # every page; a page ending on a full stop or a label keeps its paragraph break
    from qualkit.segment import segment_document

    pages = [_page(["Printed 2/3/24 Study 12", "Interviewer 1", "Who holds the records?",
                    "Interviewee", "The council holds them, but the school sends", "Page 1 of 3"]),
             _page(["Printed 2/3/24 Study 12", "its own copy every term to the data team.",
                    "Interviewer 1", "And health?", "Page 2 of 3"]),
             _page(["Printed 2/3/24 Study 12", "Interviewee", "Only on request.",
                    "Page 3 of 3"])]
    result = read_file(write(tmp_path, "runon.pdf", make_pdf(pages)))
    assert result.meta["furniture_lines"] == 6
    assert "school sends\nits own copy" in result.text
    assert "And health?\n\nInterviewee" in result.text
    assert utterances(result)[1] == ("Interviewee", "The council holds them, but the school "
                                     "sends\nits own copy every term to the data team.")
    segments = segment_document("runon.pdf", result.text, result.turns)
    assert [s.text for s in segments if s.speaker == "Interviewee"] == [
        "The council holds them, but the school sends\nits own copy every term to the data team.",
        "Only on request."]
    assert all(result.text[s.start:s.end] == s.text for s in segments)


@pytest.mark.parametrize("page, following, runs", [
    ("and the school sends", "its own copy.", True),       # lower-case continues
    ("what the data team, and", "I think health, hold.", True),  # "I" continues
    ("they wrote,", "Every term.", True),                   # a comma ends the page
    ("the data team.", "next term they will.", False),      # a full stop ends the page
    ("Chapter 2 Findings", "The council holds them.", False),  # a heading, capital after
    ("the school sends", "Interviewer 1\nWhy?", False),     # the next page opens on a label
    ("Interviewee", "only on request.", False),              # the page ends on a label
])
def test_which_page_breaks_run_on(page, following, runs):
    from qualkit.ingest.furniture import runs_on

    assert runs_on(page, following) is runs
