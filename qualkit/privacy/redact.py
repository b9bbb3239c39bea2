"""Replace identifiers in a text by tags and pseudonyms, keeping track of how offsets move.

Why offsets matter: segments and codings index into the original document text. An exporter that
redacts a document (REFI-QDA in particular, which stores the text and character positions) must
move every segment boundary by what the replacements before it added or removed; ``map_offset``
does that from the ``Redaction`` alone, so nothing else needs the original text.

Decisions:
- Tags name the kind and never carry any of the original characters ("[NHS number]", "[phone]").
  Names become the person's stable pseudonym in brackets ("[Person 1]"), from a ``PseudonymMap``
  the caller keeps for the project; without one, numbering starts afresh on every call.
- An offset inside a replaced identifier has no exact image. ``side="start"`` sends it to the
  start of the tag, ``side="end"`` to its end, so a segment that starts or ends inside an
  identifier still covers the whole tag. Either way the mapping never decreases.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qualkit.models import QualkitError
from qualkit.privacy.detect import Finding, resolve_overlaps
from qualkit.privacy.pseudonyms import PseudonymMap

TAGS = {"nhs_number": "[NHS number]", "upn": "[UPN]", "email": "[email]", "phone_uk": "[phone]",
        "postcode": "[postcode]"}


@dataclass(frozen=True)
class Replacement:
    """``original`` at ``start:end`` of the old text became ``tag`` at ``new_start:new_end``."""

    kind: str
    original: str
    tag: str
    start: int
    end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class Redaction:
    """The redacted text, what was replaced (in text order) and how many of each kind."""

    text: str
    replacements: tuple[Replacement, ...]
    counts: dict[str, int]
    original_length: int


def _tag(finding: Finding, pmap: PseudonymMap) -> str:
    if finding.kind == "name":
        return f"[{pmap.pseudonym(finding.text)}]"
    try:
        return TAGS[finding.kind]
    except KeyError:
        raise QualkitError(f"privacy: no tag for identifier kind {finding.kind!r}") from None


def redact(text: str, findings: Iterable[Finding], pmap: PseudonymMap | None = None) -> Redaction:
    """Replace each finding in ``text`` by its tag; overlapping findings are resolved first."""
    pmap = PseudonymMap() if pmap is None else pmap
    parts: list[str] = []
    replacements: list[Replacement] = []
    pos = new_pos = 0
    for f in resolve_overlaps(findings):
        if not (0 <= f.start < f.end <= len(text)) or text[f.start:f.end] != f.text:
            raise QualkitError(f"privacy: a {f.kind} finding at {f.start}-{f.end} does not match "
                               "the text being redacted (was it found in another version?)")
        tag = _tag(f, pmap)
        parts += [text[pos:f.start], tag]
        new_pos += f.start - pos
        replacements.append(Replacement(f.kind, f.text, tag, f.start, f.end,
                                        new_pos, new_pos + len(tag)))
        new_pos += len(tag)
        pos = f.end
    parts.append(text[pos:])
    counts = dict(Counter(r.kind for r in replacements))
    return Redaction("".join(parts), tuple(replacements), counts, len(text))


def map_offset(redaction: Redaction, old_offset: int, side: str = "start") -> int:
    """Where ``old_offset`` of the original text lies in ``redaction.text`` (see module doc)."""
    if not 0 <= old_offset <= redaction.original_length:
        raise ValueError(f"offset {old_offset} is outside the original text "
                         f"(length {redaction.original_length})")
    if side not in ("start", "end"):
        raise ValueError(f"side must be 'start' or 'end', not {side!r}")
    reps = redaction.replacements
    i = bisect_right([r.start for r in reps], old_offset) - 1
    if i < 0:
        return old_offset
    r = reps[i]
    if old_offset == r.start:
        return r.new_start
    if old_offset < r.end:
        return r.new_end if side == "end" else r.new_start
    return old_offset + r.new_end - r.end


def map_span(redaction: Redaction, start: int, end: int) -> tuple[int, int]:
    """A segment's ``(start, end)`` in the redacted text; it covers any tag it touched."""
    return map_offset(redaction, start, "start"), map_offset(redaction, end, "end")
