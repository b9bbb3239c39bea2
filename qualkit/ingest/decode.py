"""Bytes of a plain-text file to text: never mojibake, never a silent guess.

Decided (issue #9): strict UTF-8 first (with or without BOM), then UTF-16 (with a BOM, or the
NUL pattern of ASCII text in UTF-16). A file that is not valid UTF-8 is either an 8-bit file
(Windows-1252, as Word and Notepad save "ANSI" text in the UK) or a UTF-8 file with a few
damaged bytes. They are told apart by counting, among the non-ASCII bytes, those that form
valid UTF-8 sequences: in a Windows-1252 file they almost never do (a curly quote is one lone
byte), in a damaged UTF-8 file nearly all of them do. A damaged UTF-8 file is refused with the
line and column of the first bad byte; decoding it as Windows-1252 would store "cafÃ©" for
"café" everywhere in it. An 8-bit file is read as Windows-1252 (Latin-1 when a byte is undefined
there) only if the result looks like Western European text; Cyrillic or Greek 8-bit files would
come out as accented-letter soup, so they are refused, naming the encoding charset-normalizer
guesses, with the advice to re-save as UTF-8.

Control characters: a few stray ones (an ESC from a terminal colour code, a Word optional
hyphen) are removed and reported, with the line of the first; many of them, or any NUL outside
UTF-16, mean the file is not text. Line endings become ``\\n``; nothing else is changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualkit.models import ReadError

BINARY = "not a text file (it contains binary data)"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "utf-8"), (b"\xff\xfe", "utf-16-le", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be", "utf-16-be"))
# a valid multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, <= U+10FFFF)
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# ANSI terminal sequences (colours, cursor moves), C0/DEL controls and the C1 controls a
# Latin-1 reading of an undefined byte gives; \t \n \v \f \r and \x1a (DOS end of file) are text
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {"\x1b": "ESC", "\x00": "NUL", "\x7f": "DEL", "\x08": "backspace",
                  "\x07": "bell", "\x1e": "non-breaking hyphen", "\x1f": "optional hyphen"}
MAX_CONTROL_SHARE = 0.01  # more control characters than this (and at least 2): not text
WESTERN_MIN_ASCII_LETTERS = 0.7  # of the letters of a Windows-1252 reading, this many are a-z


@dataclass
class Decoded:
    text: str
    encoding: str  # utf-8 | utf-8-sig | utf-16-le | utf-16-be | cp1252 | latin-1
    warnings: list[str] = field(default_factory=list)  # one line each, without the file name


def decode(data: bytes) -> Decoded:
    """Decode a text file's bytes; raise ``ReadError`` naming the line of any damage."""
    label, codec, body = _sniff(data)
    if codec is not None:
        text = _strict(body, codec, label)
    elif b"\x00" in data:
        raise ReadError(BINARY)
    else:
        try:
            text, label = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            text, label = _not_utf8(data, exc)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, warnings = _remove_controls(text)
    if label in ("cp1252", "latin-1") and not _looks_western(text):
        raise ReadError(f"not UTF-8, and not Western European 8-bit text either "
                        f"({_guess(data)}); save the file as UTF-8 and ingest it again")
    if not text.strip():
        raise ReadError("file is empty (only blank lines or spaces)")
    return Decoded(text, label, warnings)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding); see :func:`decode`, which also returns the warnings."""
    result = decode(data)
    return result.text, result.encoding


def _sniff(data: bytes) -> tuple[str, str | None, bytes]:
    """(label, codec, body) from a BOM or a UTF-16 NUL pattern; codec None when unknown."""
    for bom, label, codec in _BOMS:
        if data.startswith(bom):
            return label, codec, data[len(bom):]
    if len(data) >= 4 and len(data) % 2 == 0:
        even, odd = data[0::2], data[1::2]
        if odd.count(0) >= 0.9 * len(odd) and 0 not in even:
            return "utf-16-le", "utf-16-le", data
        if even.count(0) >= 0.9 * len(even) and 0 not in odd:
            return "utf-16-be", "utf-16-be", data
    return "", None, data


def _strict(body: bytes, codec: str, label: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        raise _damaged(body, exc, codec) from None


def _damaged(data: bytes, exc: UnicodeDecodeError, codec: str) -> ReadError:
    """The reason for a file in ``codec`` with bytes that are not: where, and what to do."""
    name = "UTF-16" if codec.startswith("utf-16") else "UTF-8"
    if exc.end >= len(data) and exc.reason.startswith(("unexpected end", "truncated")):
        return ReadError(f"damaged {name}: the file ends in the middle of a character "
                         "(truncated?); it was not read")
    line, col = _position(data, exc.start, codec)
    replaced = data.decode(codec, errors="replace").count("\ufffd")
    more = replaced - data.decode(codec, errors="ignore").count("\ufffd") - 1
    where = f"byte 0x{data[exc.start]:02X} at line {line}, column {col}"
    where += f" (and {more} more place{'s' * (more != 1)})" if more > 0 else ""
    return ReadError(f"damaged {name}: {where} is not valid {name}; fix that line or save the "
                     f"file again as {name} (it was not read, so no mojibake was stored)")


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    """An 8-bit file (cp1252, latin-1) or a damaged UTF-8 file (refused with the line)."""
    non_ascii = len(_NON_ASCII.findall(data))
    in_sequences = sum(len(m) for m in _UTF8_SEQ.findall(data))
    if in_sequences and in_sequences >= non_ascii - in_sequences:
        raise _damaged(data, exc, "utf-8")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252
        return data.decode("latin-1"), "latin-1"


def _looks_western(text: str) -> bool:
    """Most letters of an English (or French, German...) text are a-z even in 8-bit files."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    ascii_letters = sum(1 for c in letters if c.isascii())
    return ascii_letters >= WESTERN_MIN_ASCII_LETTERS * len(letters)


def _guess(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency; the advice stands without it
        return "encoding unknown"
    best = from_bytes(data[:200_000]).best()
    return f"it looks like {best.encoding}" if best is not None else "encoding unknown"


def _position(data: bytes, index: int, codec: str) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``index``; \\r, \\n and \\r\\n end lines."""
    prefix = data[:index].decode(codec, errors="replace")
    prefix = prefix.replace("\r\n", "\n").replace("\r", "\n")
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _remove_controls(text: str) -> tuple[str, list[str]]:
    """Text without stray control characters, and a warning saying what went where."""
    found = [m for m in (_ANSI.search(text), _CONTROL.search(text)) if m]
    if not found:
        return text, []
    first = min(found, key=lambda m: m.start())
    line = text.count("\n", 0, first.start()) + 1
    name = _CONTROL_NAMES.get(first.group()[0], f"U+{ord(first.group()[0]):04X}")
    cleaned, ansi = _ANSI.subn("", text)
    cleaned, controls = _CONTROL.subn("", cleaned)
    if controls >= 2 and controls > MAX_CONTROL_SHARE * len(text):
        raise ReadError(BINARY)
    what = []
    if ansi:
        what.append(f"{ansi} terminal colour code{'s' * (ansi != 1)}")
    if controls:
        what.append(f"{controls} control character{'s' * (controls != 1)}")
    return cleaned, [f"removed {' and '.join(what)} (the first, {name}, on line {line})"]
