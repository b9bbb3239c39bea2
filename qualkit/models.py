"""Plain dataclasses shared by every layer of qualkit.

Nothing here imports anything heavier than the standard library: notebooks, the CLI and the
TUI all pass these around, and the store turns them into rows.
"""
from __future__ import annotations

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

    @property
    def depth(self) -> int:
        return self.id.count(".")


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
    flags: str = ""  # e.g. "short" when a fragment was flagged rather than merged
