"""Regenerate the bad-input corpus beside this file: ``python tests/data/bad/make_corpus.py``.

Every file is invented and deterministic; ``manifest.yaml`` says what qualkit must do with
each. Cases that cannot sensibly be committed (symlink loops, unreadable folders, huge files)
are made by ``tests/test_bad_inputs.py`` itself.
"""
from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for test_readers.make_pdf

GOOD = ("Interviewer: How do you link health and education data?\n"
        "P1: We match school census records with social care data every term.\n"
        "Interviewer: What gets in the way?\n"
        "P1: Mostly information governance, and trust between the council and the ICB.\n")
TEXT_PAGE = b"BT /F1 12 Tf 72 720 Td (Interviewer: Any barriers?) Tj 0 -20 Td (P1: Consent.) Tj ET"


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_bomb(paragraphs: int) -> bytes:
    """A real .docx whose body is ``paragraphs`` copies of one tiny turn: ~1000x expansion."""
    seed = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"])))
    body = "<w:p><w:r><w:t>P1: Yes.</w:t></w:r></w:p>" * paragraphs
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
           '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           f"{body}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in seed.infolist():
            data = xml if info.filename == "word/document.xml" else seed.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(zi, data)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    import pypdf
    from test_readers import make_pdf

    reader = pypdf.PdfReader(io.BytesIO(make_pdf([TEXT_PAGE])))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def transcripts() -> dict[str, bytes]:
    from test_readers import make_pdf

    utf8 = ("Interviewer: Where are the records kept — “centrally”?\n"
            "P1: In the café-style hub, naïvely, with £5 of kit.\n").encode()
    full_docx = docx_bytes(GOOD.splitlines() * 10)
    zip_buf = io.BytesIO()
    with zipfile.ZipFile(zip_buf, "w") as z:
        z.writestr(zipfile.ZipInfo("notes.txt", (2024, 1, 1, 0, 0, 0)), "not a Word file")
    pdf = make_pdf([TEXT_PAGE])
    return {
        "good.txt": GOOD.encode(),
        "good-cp1252.txt": "I: It’s “fine” – costs £5 — ok\r\nR: Yes, we link it.\r\n".encode(
            "cp1252"),
        "good-utf16-bom.txt": b"\xff\xfe" + GOOD.replace("\n", "\r\n").encode("utf-16-le"),
        "good-mixed-line-endings.txt": GOOD.replace("\n", "\r", 2).encode(),
        "only-labels.txt": b"Interviewer:\nP1:\n",
        "empty.txt": b"",
        "blank-lines-only.txt": b" \r\n\t\n\n   \n",
        "bom-only.txt": b"\xef\xbb\xbf",
        "nul-bytes.txt": GOOD.encode()[:40] + b"\x00\x00\x00" + GOOD.encode()[40:],
        "png-renamed.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        "control-characters.txt": b"P1: \x01\x02\x03\x04 data \x05\x06\x07 here\n",
        "stray-escape.txt": GOOD.replace("every term", "every \x1bterm").encode(),
        "ansi-colours.txt": GOOD.replace("trust", "\x1b[1;31mtrust\x1b[0m").encode(),
        "utf8-one-bad-byte.txt": utf8 + b"P2: And one \x9d broken byte here.\n",
        "utf8-truncated.txt": utf8 + "P2: It ends “mid-character”".encode()[:-2],
        "utf8-bom-damaged.txt": b"\xef\xbb\xbf" + utf8 + b"P2: Bad \xff\xfe bytes.\n",
        "utf16-odd-length.txt": b"\xff\xfe" + GOOD.encode("utf-16-le") + b"\x00",
        "cyrillic-cp1251.txt": "P1: Мы связываем данные школ и социальных служб.\n".encode(
            "cp1251"),
        "latin1-undefined-byte.txt": "P1: café records, naïve linkage \x81.\n".encode("latin-1"),
        "binary.md": bytes(range(256)) * 4,
        "truncated.docx": full_docx[:700],
        "encrypted.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000,
        "text-renamed.docx": GOOD.encode(),
        "zip-not-word.docx": zip_buf.getvalue(),
        "no-text.docx": docx_bytes(["", "   ", ""]),
        "bomb.docx": docx_bomb(400_000),
        "good.docx": docx_bytes(GOOD.replace("P1", "P2").splitlines()),
        "scanned.pdf": make_pdf([None]),
        "truncated.pdf": pdf[: len(pdf) // 3],
        "not-a-pdf.pdf": b"%%PDX nothing like a PDF here\n" * 20,
        "encrypted.pdf": encrypted_pdf(),
        "garbage.vtt": b"This is not a subtitle file at all.\nJust words.\n",
        "header-only.vtt": b"WEBVTT\n\n",
        "bad-timestamp.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\n<v Ann>Hello</v>\n",
        "minutes-over-60.vtt": b"WEBVTT\n\n00:61:00.000 --> 00:62:00.000\nAnn: Hello\n",
        "binary.vtt": b"WEBVTT\n\n" + bytes(range(32)) * 8,
        "garbage.srt": b"Lorem ipsum, not subtitles.\n",
        "bad-timestamp.srt": b"1\n00:00:01,000 --> 00:00:0x,500\nHello\n",
        "cues-without-text.srt": b"1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> "
                                 b"00:00:04,000\n\n",
        "notes.rtf": b"{\\rtf1\\ansi Not read by qualkit.}",
        "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    }


def attribute_folders() -> dict[str, bytes]:
    """folder name -> attributes.csv bytes; each folder also gets ``<folder>.txt``."""
    return {
        "cr-only": b"file,region\rcr-only.txt,North\r",
        "utf16-tab": "file\tregion\r\nutf16-tab.txt\tNörth\r\n".encode("utf-16"),
        "binary": b"file,region\n\x00\x01\x02x,N\x00orth\n" + bytes(range(256)),
        "missing-file": b"file,region\nmissing-file.txt,East\nghost.txt,West\n",
        "extra-fields": b"file,region\nextra-fields.txt,North,East,West\n",
        "duplicate-header": b"file,region,region\nduplicate-header.txt,North,South\n",
        "no-file-column": b"name;region\nno-file-column.txt;North\n",
        "damaged-utf8": "file,region\ndamaged-utf8.txt,Nörth\n".encode() + b"x\x9d,y\n",
        "listed-twice": b"file,region\nlisted-twice.txt,North\nlisted-twice.txt,South\n",
        "unclosed-quote": b'file,region\nunclosed-quote.txt,"North\n',
    }


def codeframes() -> dict[str, bytes]:
    ok = "name: Test\ncodes:\n  - id: barrier\n    name: Barriers\n"
    return {
        "empty.yaml": b"",
        "syntax-error.yaml": b"name: Test\ncodes:\n  - id: a\n   name: [unclosed\n",
        "list-at-top.yaml": b"- id: a\n  name: A\n",
        "no-codes.yaml": b"name: Test\n",
        "codes-not-a-list.yaml": b"name: Test\ncodes: barrier\n",
        "duplicate-id.yaml": (ok + "  - id: barrier\n    name: Again\n").encode(),
        "unknown-parent.yaml": (ok + "  - id: barrier.x\n    parent: barier\n    name: X\n").encode(),
        "parent-cycle.yaml": b"name: T\ncodes:\n  - id: a\n    parent: b\n    name: A\n"
                             b"  - id: b\n    parent: a\n    name: B\n",
        "unknown-field.yaml": (ok + "    descripton: typo\n").encode(),
        "id-with-spaces.yaml": b"name: T\ncodes:\n  - id: my code\n    name: Mine\n",
        "no-name.yaml": b"name: T\ncodes:\n  - id: a\n",
        "examples-not-a-list.yaml": (ok + "    examples: just one phrase\n").encode(),
        "windows-1252.yaml": "name: Café\ncodes:\n  - id: a\n    name: “Á”\n".encode("cp1252"),
        "damaged-utf8.yaml": "name: Café\ncodes:\n  - id: a\n".encode() + b"    name: \x9d\n",
        "binary.yaml": bytes(range(256)),
        "tab-indent.yaml": b"name: T\ncodes:\n\t- id: a\n\t  name: A\n",
    }


def write_all(root: Path = HERE) -> None:
    for sub in ("transcripts", "attributes", "codeframes"):
        shutil.rmtree(root / sub, ignore_errors=True)
    for name, data in transcripts().items():
        _write(root / "transcripts" / name, data)
    for folder, data in attribute_folders().items():
        _write(root / "attributes" / folder / "attributes.csv", data)
        _write(root / "attributes" / folder / f"{folder}.txt", GOOD.encode())
    for name, data in codeframes().items():
        _write(root / "codeframes" / name, data)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


if __name__ == "__main__":
    write_all()
