"""Bytes in and out for REFI-QDA: XML that any parser accepts, reproducible zips, safe writes.

Decided here:
* XML 1.0 cannot carry control characters or lone surrogates, and UTF-8 cannot encode lone
  surrogates. Each such character becomes U+FFFD - one code point for one, so every offset
  into a text stays right - and the writer reports it.
* A zip is reproducible when its members come in a fixed order with a fixed timestamp
  (1980-01-01, the zip epoch), fixed permissions and the same compression.
* Files are written to a temporary file beside the target, then moved over it, so a crash
  never leaves half a file; the result is readable by its owner only (0600), because
  transcripts are personal data.
* Reading refuses DTD entity declarations (nothing in REFI needs them) and over-large zip
  members, and turns every parse failure into a one-line :class:`QualkitError`.
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

from ..files import atomic_write  # noqa: F401  (re-exported for the writers)
from ..models import QualkitError

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB uncompressed: anything bigger is not a text project
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` with characters XML 1.0 forbids replaced by U+FFFD, and how many there were."""
    return _NOT_XML.subn("\ufffd", text)


def utf8_safe(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates (not encodable as UTF-8) replaced by U+FFFD."""
    return _SURROGATE.subn("\ufffd", text)


def xml_bytes(root: ET.Element) -> bytes:
    """Indented UTF-8 XML with a declaration; leaf text (descriptions, memos) is untouched."""
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A deflated zip of ``members`` in the order given, identical for identical input."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the permission bits below mean what they say
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ reading
def read_file_bytes(path: str | Path) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise QualkitError(f"{path}: no such file") from None
    except OSError as exc:
        raise QualkitError(f"{path}: cannot read ({exc.strerror or exc})") from None


def parse_xml(data: bytes, where: str) -> ET.Element:
    """The root element of ``data``; ``where`` names the file in the error."""
    if b"<!ENTITY" in data:
        raise QualkitError(f"{where}: not accepted, it declares XML entities")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise QualkitError(f"{where}: not valid XML ({exc})") from None


def local(tag: object) -> str:
    """``{urn:QDA-XML:project:1.0}Code`` -> ``Code`` (comments and PIs give '')."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def open_zip(data: bytes, where: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise QualkitError(f"{where}: not a .qdpx file, the zip cannot be opened ({exc})") from None


def zip_member(zf: zipfile.ZipFile, name: str, where: str) -> bytes:
    """The bytes of one member; QualkitError if it is too big or damaged."""
    info = zf.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise QualkitError(f"{where}: {name} is too big ({info.file_size} bytes)")
    if info.flag_bits & 0x1:
        raise QualkitError(f"{where}: {name} is encrypted")
    try:
        data = zf.read(info)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise QualkitError(f"{where}: {name} is damaged ({exc})") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise QualkitError(f"{where}: {name} is too big")
    return data
