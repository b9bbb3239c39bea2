"""What an ingest did, in plain data: the CLI prints it, ``status`` keeps its summary.

Besides files added, updated and skipped it says why documents were read again (settings that
affect segmentation changed since the last ingest), where codings went when segments changed,
and which attribute names were renamed because they clash with built-in columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# columns of documents() and segments(): an attribute of the same name would shadow one
BUILT_IN = frozenset("""document kind path n_segments format segment_id unit speaker question
start end text role timestamp flags party seq active""".split())


def namespaced(name: str) -> str:
    """An attribute's name as stored: ``attr_<name>`` when it clashes with a built-in column."""
    return f"attr_{name}" if name.strip().lower() in BUILT_IN else name


@dataclass
class Moved:
    """One coding that followed its text to other segment(s)."""

    document: str
    code_id: str
    coder: str
    text: str  # the old segment's text
    targets: list[str]  # the segment ids it is on now
    note: str = ""  # e.g. "part of its text is gone"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files of types qualkit does not read
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, traceback) of bugs
    segments_added: int = 0
    segments_removed: int = 0
    carried: int = 0  # codings moved to the segments now holding their text
    orphaned: list[tuple[str, str, str]] = field(default_factory=list)  # (document, id, text)
    moved: list[Moved] = field(default_factory=list)
    # what changed in the settings -> the documents read again because of it
    resegmented: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.skipped

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "segments_added": self.segments_added,
            "segments_removed": self.segments_removed,
            "codings_carried": self.carried,
            "codings_orphaned": len(self.orphaned),
        }
