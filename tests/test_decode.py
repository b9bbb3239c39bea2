"""Plain-text decoding (issue #9): strict UTF-8, UTF-16 with BOM, Windows-1252 told apart
from damaged UTF-8, never mojibake, stray control characters removed and reported."""
from __future__ import annotations

import pytest

from qualkit.ingest.decode import BINARY, decode
from qualkit.models import ReadError

UTF8_LINES = "P1: café naïve – “quoted”\nP2: line two\n"


def refused(data: bytes) -> str:
    with pytest.raises(ReadError) as info:
        decode(data)
    return info.value.reason


def test_one_bad_byte_in_utf8_is_refused_with_its_line_not_read_as_cp1252():
    reason = refused(UTF8_LINES.encode() + b"P3: bad \x9d byte\n")
    assert reason.startswith("damaged UTF-8: byte 0x9D at line 3, column 9 ")
    assert "no mojibake" in reason


def test_damage_after_a_bom_and_with_crlf_gives_the_right_line():
    data = b"\xef\xbb\xbf" + "P1: ok\r\nP2: “fine”\r\n".encode() + b"P3: bad \xff"
    assert "byte 0xFF at line 3, column 9 " in refused(data)


def test_several_damaged_places_are_counted():
    reason = refused(UTF8_LINES.encode() + b"P3: \x9d and \xff\n")
    assert "line 3, column 5 (and 1 more place)" in reason


def test_a_file_cut_inside_a_character_is_called_truncated():
    assert "ends in the middle of a character" in refused("P1: “x”".encode()[:-1])
    assert "ends in the middle" in refused(b"\xff\xfe" + "P1: hi".encode("utf-16-le") + b"\x00")


def test_windows_1252_is_read_as_such():
    source = "I: It’s “fine” – costs £5 — ok\nR: Yes.\n"
    d = decode(source.encode("cp1252"))
    assert (d.text, d.encoding, d.warnings) == (source, "cp1252", [])


def test_cyrillic_8bit_is_refused_not_stored_as_accented_soup():
    reason = refused("P1: Привет, как дела? Мы обсуждаем данные.\n".encode("cp1251"))
    assert reason.startswith("not UTF-8, and not Western European") and "UTF-8" in reason


def test_utf16_with_bom_and_utf8_with_bom():
    text = "P1: “quoted” café\n"
    assert decode(b"\xff\xfe" + text.encode("utf-16-le")).text == text
    assert decode(b"\xfe\xff" + text.encode("utf-16-be")).encoding == "utf-16-be"
    assert decode(b"\xef\xbb\xbf" + text.encode()).encoding == "utf-8-sig"


def test_one_stray_escape_is_removed_and_reported_not_binary():
    d = decode(b"Interviewer: hello\nP1: we shared \x1bdata with the ICB.\n")
    assert d.text == "Interviewer: hello\nP1: we shared data with the ICB.\n"
    assert d.warnings == ["removed 1 control character (the first, ESC, on line 2)"]


def test_terminal_colour_codes_are_removed_whole():
    d = decode(b"P1: \x1b[1;31mred\x1b[0m words and more words\n")
    assert d.text == "P1: red words and more words\n"
    assert d.warnings[0].startswith("removed 2 terminal colour codes")


@pytest.mark.parametrize("data", [b"abc\x02\x03def", b"P1: hi\x00there", bytes(range(1, 32)) * 9])
def test_many_control_characters_or_a_nul_are_binary(data):
    assert refused(data) == BINARY


def test_only_blank_is_empty():
    assert "empty" in refused(b"\xef\xbb\xbf \r\n\t")
