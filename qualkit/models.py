"""Plain dataclasses shared by every layer of qualkit.

Nothing here imports anything heavier than the standard library: notebooks, the CLI and the
TUI all pass these around, and the store turns them into rows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class QualkitError(Exception):
    """A problem the user can fix: printed as one line, never as a traceback."""


class ReadError(QualkitError):
    """A file could not be read; ``reason`` says why in words a researcher understands."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Turn:
    """One speaker turn found by a reader.

    ``start``/``end`` index into the document text and cover what was said (not the speaker
    label), so ``text[start:end]`` is the utterance.
    """

    start: int
    end: int
    speaker: str | None = None
    role: str | None = None
    timestamp: str | None = None  # "00:01:02" or "00:01:02.500" as written in the source
    party: str | None = None  # interviewer | participant | unknown, decided at ingest
    nonspeech: bool = False  # a line that holds only annotations or an end mark


@dataclass
class ReadResult:
    """What a reader returns: the document text every offset indexes into, and its turns.

    ``turns`` is empty when no speaker labels were recognised; the whole text is then one unit.
    When turns exist, text outside them (a header, a title) is kept but not segmented.
    """

    text: str
    turns: list[Turn] = field(default_factory=list)
    format: str = "txt"  # txt | docx | pdf | vtt | srt
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # read, but changed: one line each


@dataclass(frozen=True)
class Code:
    id: str
    name: str
    parent: str | None = None
    description: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    color: str | None = None
    line: int | None = field(default=None, compare=False)  # line in the file, for messages


@dataclass
class Codeframe:
    name: str
    codes: list[Code]
    path: str | None = None
    version: str | None = None

    def get(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes if c.parent == code_id]

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def ancestors(self, code_id: str) -> list[str]:
        """Parent, grandparent... of a code, following ``parent`` (ids need not contain dots);
        stops at an unknown parent or a cycle."""
        parents = {c.id: c.parent for c in self.codes}
        out: list[str] = []
        current = parents.get(code_id)
        while current is not None and current in parents and current not in out \
                and current != code_id:
            out.append(current)
            current = parents[current]
        return out

    def depth(self, code_id: str) -> int:
        """0 for a top-level code, 1 for its children..."""
        return len(self.ancestors(code_id))

    def top(self, code_id: str) -> str:
        """The top-level code a code belongs to (itself when top-level)."""
        chain = self.ancestors(code_id)
        return chain[-1] if chain else code_id


@dataclass(frozen=True)
class Segment:
    id: str
    document: str
    unit: str  # "sentence" | "turn" | "answer"
    start: int
    end: int
    text: str
    speaker: str | None = None
    role: str | None = None
    question: str | None = None
    timestamp: str | None = None
    seq: int = 0
    flags: str = ""  # "short" (a fragment flagged rather than merged) or "nonspeech"
    party: str | None = None  # interviewer | participant | unknown (None for FOI answers)


@dataclass(frozen=True)
class Step:
    """One progress report of a long step (ingest, embed, themes...): the one shape every
    stage reports in, so the CLI draws one kind of bar and the TUI posts one kind of message."""

    stage: str
    done: int
    total: int
    item: str = ""  # what is being worked on, e.g. the file being read


Progress = Callable[[Step], None]


@dataclass
class ThemeRun:
    """One stored run of candidate themes: what was asked, how it went, and the themes.

    ``themes`` is a DataFrame (theme_id, size, keywords, representative, doc_share,
    resembles_code, score, label); ``outliers`` are the segment ids no theme took."""

    run_id: int
    started: str
    status: str
    params: dict[str, Any]
    filters: dict[str, Any]
    model_id: str
    segments: int
    method: str
    messages: list[str]
    outliers: list[str]
    themes: Any
