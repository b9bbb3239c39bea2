"""The plain data qualkit exchanges with REFI-QDA files, and the naming rules both ways share.

REFI-QDA (QDA-XML 1.0) names everything by GUID; qualkit names codes by dotted ids, documents
by name and coders by name. The rules decided here:

* GUIDs qualkit mints are uuid5 over one fixed namespace and a stable key ("code", id), so the
  same data always gets the same GUIDs and a re-export is byte-identical. A GUID kept from an
  import (``code_guids``, ``coder_guids``, ``RefiDocument.guid``) is written back unchanged, so
  a project that went NVivo -> qualkit -> NVivo keeps its identities.
* REFI has one ``Description`` per code; qualkit codes also carry include/exclude rules and
  examples. They travel in the description after labelled paragraphs ("Include: ...",
  "Exclude: ...", "Examples:" and "- " lines), readable in any tool, and are split back out
  on import.
* Codes from another tool get a qualkit id from the slug of their name path
  (``Barriers`` > ``Governance`` -> ``barriers.governance``).
* Offsets are zero-based Unicode code points, end exclusive: Python ``str`` indices.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..models import Code

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
# uuid5(NAMESPACE_URL, "https://qualkit.invalid/refi-qda"), written out so it can never drift
GUID_NAMESPACE = uuid.UUID("d4cb7a28-bf6f-5b33-965d-d7ff549eecbb")
MEMO_TARGETS = ("project", "document", "segment", "code")


@dataclass(frozen=True)
class RefiDocument:
    """A text source: ``text`` is what every coding offset indexes into."""

    name: str
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    content_hash: str = ""  # sha256 hex; on import, of the UTF-8 text
    created: str | None = None  # ISO 8601
    guid: str | None = None  # the source's GUID in the file it came from, kept for re-export


@dataclass(frozen=True)
class RefiCoding:
    """``code_id`` applied by ``coder`` to ``document[start:end]`` (code points, end exclusive)."""

    document: str
    start: int
    end: int
    code_id: str
    coder: str
    memo: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class RefiMemo:
    """A memo on the project, a document (by name), a code (by id) or a segment.

    A segment memo also needs its span (``document``, ``start``, ``end``): REFI attaches it to
    the text selection there. On import ``target_id`` of a segment memo is the selection GUID.
    """

    target_type: str  # project | document | segment | code
    target_id: str
    text: str
    coder: str | None = None
    created: str | None = None
    document: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class RefiProject:
    name: str
    codes: list[Code] = field(default_factory=list)
    documents: list[RefiDocument] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    memos: list[RefiMemo] = field(default_factory=list)
    description: str = ""
    created: str | None = None
    code_guids: dict[str, str] = field(default_factory=dict)  # code id -> GUID from an import
    coder_guids: dict[str, str] = field(default_factory=dict)  # coder name -> GUID


# ------------------------------------------------------------------------------------ GUIDs
_GUID_RE = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
                      r"-[0-9a-fA-F]{12}\}?")


def make_guid(kind: str, *key: object) -> str:
    """The GUID qualkit gives the thing of ``kind`` named by ``key``: the same every time."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join([kind, *(str(k) for k in key)])))


def norm_guid(value: str | None) -> str | None:
    """Lower-case, brace-free form for comparing GUIDs; None if ``value`` is not a GUID."""
    if value is None:
        return None
    value = value.strip()
    if not _GUID_RE.fullmatch(value) or (value.startswith("{") != value.endswith("}")):
        return None
    return value.strip("{}").lower()


# ------------------------------------------------------------------------------- descriptions
def code_description(code: Code) -> str:
    """Description, include, exclude and examples as one REFI description."""
    parts = [code.description] if code.description else []
    if code.include:
        parts.append(f"Include: {code.include}")
    if code.exclude:
        parts.append(f"Exclude: {code.exclude}")
    if code.examples:
        lines = (" ".join(e.split()) for e in code.examples)
        parts.append("Examples:\n" + "\n".join(f"- {e}" for e in lines))
    return "\n\n".join(parts)


def _last_block(text: str, label: str) -> int | None:
    """Index of the last paragraph of ``text`` that starts with ``label``."""
    at = text.rfind("\n\n" + label)
    if at >= 0:
        return at + 2
    return 0 if text.startswith(label) else None


def split_description(text: str) -> tuple[str, str, str, tuple[str, ...]]:
    """Undo :func:`code_description`: (description, include, exclude, examples)."""
    rest, examples = text.strip(), ()
    at = _last_block(rest, "Examples:\n")
    if at is not None:
        lines = rest[at + len("Examples:\n"):].split("\n")
        if all(line.startswith("- ") for line in lines):
            examples = tuple(line[2:].strip() for line in lines if line[2:].strip())
            rest = rest[:at].rstrip()
    found = {}
    for label in ("Exclude: ", "Include: "):
        at = _last_block(rest, label)
        if at is not None:
            found[label] = rest[at + len(label):].strip()
            rest = rest[:at].rstrip()
    return rest, found.get("Include: ", ""), found.get("Exclude: ", ""), examples


# ------------------------------------------------------------------------------ small values
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def norm_color(value: str | None) -> str | None:
    """``#rrggbb`` (lower case) for a hex colour, None for anything else."""
    m = _HEX.fullmatch((value or "").strip())
    if not m:
        return None
    digits = m.group(1).lower()
    return "#" + (digits if len(digits) == 6 else "".join(ch * 2 for ch in digits))


def slug(name: str) -> str:
    """``Getting at Health Data (é)`` -> ``getting_at_health_data_e``; may be empty."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"\W+", "_", folded.lower()).strip("_")


def xml_datetime(value: str | None) -> str | None:
    """An ISO 8601 timestamp as an xsd:dateTime in UTC (naive means UTC); None if unreadable."""
    dt = _parse_datetime(value)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None


def iso_datetime(value: str | None) -> str | None:
    """An xsd:dateTime from a file as qualkit writes timestamps (``...+00:00``)."""
    dt = _parse_datetime(value)
    return dt.isoformat(timespec="seconds") if dt else None


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)
