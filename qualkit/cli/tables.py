"""Column widths for the CLI's tables, so that words are never cut in two at 80 columns.

Rich shrinks a table that is too wide by narrowing its widest columns, and a column narrower
than a word folds that word ("metropo/litan", "counci/l"). Rich cannot be told "never below the
longest word" (its min_width is undone when the table must shrink further), so the commands
that print wide tables work out the widths here and give Rich fixed ones:

- every column is at least as wide as the longest word of its header and its widest cell;
- labels down the side (option names, code ids, document names) wrap at their own word
  boundaries, after ``_ . -`` or a space, when the table would not fit otherwise;
- if it still does not fit, the longest header words are shortened ("metropol.") and a key
  printed below the table says what each short form stands for;
- long notes become a short marker with a superscript ("n/v¹") and a legend printed once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
_PIECE = re.compile(r"[^_.\-\s]*(?:[_.\-]|\s+|$)")


def longest_word(text: str) -> int:
    return max((len(w) for w in str(text).split()), default=0)


def pieces(text: str) -> list[str]:
    """``text`` cut after each ``_ . -`` and space: the places an id may wrap."""
    return [p for p in _PIECE.findall(str(text)) if p]


def longest_piece(text: str) -> int:
    return max((len(p.rstrip()) for p in pieces(text)), default=0)


def wrap_label(text: str, width: int) -> str:
    """``text`` on lines of at most ``width``, broken only after ``_ . -`` or a space (a
    piece longer than ``width`` alone is cut, as nothing else can be done)."""
    lines, line, parts = [], "", pieces(text)
    if len(parts) > 1 and len(parts[-1]) <= 4:  # no line for an extension alone ("txt")
        parts[-2:] = [parts[-2] + parts[-1]]
    for piece in parts:
        if line and len((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        while len(piece.rstrip()) > width:
            lines.append(piece[:width])
            piece = piece[width:]
        line += piece
    lines.append(line.rstrip())
    return "\n".join(x for x in lines if x) or str(text)


@dataclass
class Fitted:
    """Widths for the label column and the data columns, the headers to print (some words
    maybe shortened) and what each short form stands for."""
    label: int
    widths: list[int]
    headers: list[str]
    key: dict[str, str] = field(default_factory=dict)

    def key_line(self) -> str:
        return "; ".join(f"{short} = {word}" for short, word in self.key.items())


def fit_columns(labels: list[str], headers: list[str], cells: list[int], room: int) -> Fitted:
    """Widths for a table of a label column then ``headers`` (``cells``: the widest cell
    of each), in ``room`` characters of content (the console width less padding and rules).

    Headers get their whole text on one line when there is room, else wrap between words;
    labels wrap at their word boundaries before any header word is shortened."""
    label_full = max(map(len, labels), default=0)
    label_min = max(map(longest_piece, labels), default=0)
    need = [max(c, longest_word(h)) for h, c in zip(headers, cells)]
    if label_full + sum(need) <= room:
        label = label_full
    else:
        label = max(label_min, room - sum(need))
    widths = _shorten(need, cells, room - label)
    spare = room - label - sum(widths)
    grow = min(max(label_full - label, 0), max(spare, 0))  # labels whole before headers
    label, spare = label + grow, spare - grow
    while True:  # spare room to the header saving a line for the fewest characters
        steps = [(w2 - widths[i], i, w2) for i, h in enumerate(headers)
                 if (w2 := _fewer_lines(h, widths[i])) and w2 - widths[i] <= spare]
        if not steps:
            break
        grow, i, w2 = min(steps)
        widths[i], spare = w2, spare - grow
    shown, key = [], {}
    for h, w in zip(headers, widths):
        words = []
        for word in h.split():
            short = word[:w - 1] + "."
            if len(word) > w and key.setdefault(short, word) == word:  # one meaning each
                word = short
            words.append(word)
        shown.append(" ".join(words))
    return Fitted(label, widths, shown, key)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped between words at ``width``."""
    lines, used = 1, -1
    for word in text.split():
        if used >= 0 and used + 1 + len(word) > width:
            lines, used = lines + 1, -1
        used += 1 + len(word)
    return lines


def _fewer_lines(text: str, width: int) -> int | None:
    """The narrowest width over ``width`` at which ``text`` takes fewer lines, if any."""
    now = _lines(text, width)
    return next((w for w in range(width + 1, len(text) + 1) if _lines(text, w) < now), None)


def _shorten(need: list[int], cells: list[int], room: int) -> list[int]:
    """Narrow the columns whose header word is longest, one character at a time, until they
    fit ``room``; never below their cells or 5 characters ("metr.")."""
    widths = list(need)
    while sum(widths) > room:
        floor = [max(c, 5) for c in cells]
        can = [i for i, w in enumerate(widths) if w > floor[i]]
        if not can:
            break  # Rich will squeeze it: nothing more can be done without losing data
        widths[max(can, key=lambda i: widths[i])] -= 1
    return widths


class Footnotes:
    """Long notes shown in a table as a short marker and a superscript, each explained once
    in a legend below the table."""

    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def mark(self, short: str, note: str) -> str:
        if note not in self.notes:
            self.notes[note] = SUPERSCRIPTS[len(self.notes) % len(SUPERSCRIPTS)]
        return short + self.notes[note]

    def legend(self) -> list[str]:
        return [f"{sup} {note}" for note, sup in self.notes.items()]
