"""Document attributes from ``attributes.csv`` files, keyed by file name.

An ``attributes.csv`` applies to the files in its own folder. Its first column (``file``, or
``document``/``filename``) names a file; every other column is an attribute (authority type,
region, interview date ...). A ``kind`` column (``transcript`` or ``foi``) marks FOI letters.

Decided (issue #9): a bad attributes.csv never stops an ingest and is never ignored in
silence. It is decoded like a transcript (UTF-8, UTF-16 as Excel's "Unicode text", Windows-1252;
any line ending, including the CR-only endings of Excel's "CSV (Macintosh)"); binary content,
a damaged encoding or a CSV the parser rejects is one problem naming the file and line. Rows
naming files that are not in the folder, rows with more fields than the header, columns named
twice and files listed twice are each reported (rows grouped, one line per kind of problem).
Problems become ingest warnings: the documents themselves are still read.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from qualkit.models import ReadError

ATTRIBUTES_FILE = "attributes.csv"
KEY_COLUMNS = ("file", "document", "filename", "file_name")


@dataclass
class AttributeTable:
    by_file: dict[str, dict[str, str]] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, naming the file

    def for_file(self, name: str) -> dict[str, str]:
        return self.by_file.get(name) or self.by_file.get(Path(name).stem) or {}


def load_attributes(path: Path, shown: str | None = None) -> AttributeTable:
    """Read one attributes.csv. Never raises for bad content: problems are listed."""
    from qualkit.ingest.decode import decode

    shown = shown or str(path)
    table = AttributeTable()
    try:
        raw = path.read_bytes()
    except OSError as e:
        table.problems.append(f"{shown}: cannot read ({e.strerror or e}); no attributes used")
        return table
    if not raw.strip():
        return table
    try:
        decoded = decode(raw)
    except ReadError as e:
        table.problems.append(f"{shown}: {e.reason}; no attributes used")
        return table
    table.problems.extend(f"{shown}: {w}" for w in decoded.warnings)
    try:
        _parse(decoded.text, shown, table)
    except _CsvError as e:
        table.problems.append(f"{shown}:{e.line}: not a readable CSV file ({e.reason}); no "
                              "attributes used")
        table.by_file.clear()
        return table
    _check_files(path.parent, shown, table)
    return table


class _CsvError(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _records(text: str):
    """(first line number, fields) per CSV record; ``_CsvError`` names where one broke.

    Excel's quoting with the delimiter of the header line (comma, semicolon or tab); strict,
    so an unclosed quote is an error rather than a value running to the end of the file."""
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise _CsvError(start, str(e)) from None
        yield start, row


def _parse(text: str, shown: str, table: AttributeTable) -> None:
    records = _records(text)
    header = [h.strip() for h in next(records, (1, []))[1]]
    key_at = next((i for i, h in enumerate(header) if h.lower() in KEY_COLUMNS), None)
    if key_at is None:
        table.problems.append(f"{shown}: no 'file' column (the first row must name the "
                              "columns, one called 'file')")
        return
    _check_header(header, shown, table)
    table.columns = [h for i, h in enumerate(header) if i != key_at and h]
    extra: list[int] = []
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            extra.append(line)
        name = row[key_at].strip() if key_at < len(row) else ""
        if not name:
            continue
        if name in table.by_file:
            table.problems.append(f"{shown}:{line}: {name} is listed twice; the "
                                  "later row wins")
        values: dict[str, str] = {}
        for i, h in enumerate(header):
            if i != key_at and h and i < len(row) and row[i].strip() and h not in values:
                values[h] = row[i].strip()
        table.by_file[name] = values
    if extra:
        table.problems.append(f"{shown}: {_lines(extra)} more fields than the header names "
                              f"({len(header)}); the extra fields were ignored (a comma in "
                              "a value needs quotes)")


def _check_header(header: list[str], shown: str, table: AttributeTable) -> None:
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            table.problems.append(f"{shown}: column '{h}' appears twice in the header; the "
                                  "first is used")
        seen.add(h)


def _check_files(folder: Path, shown: str, table: AttributeTable) -> None:
    """Rows naming a file that is not in the folder (by name or by name without extension)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    present = set(names) | {Path(n).stem for n in names}
    missing = [n for n in table.by_file if n not in present]
    if missing:
        shown_names = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more"
                                                 if len(missing) > 5 else "")
        table.problems.append(f"{shown}: names {len(missing)} file(s) not in its folder "
                              f"({shown_names}); their attributes were not used")


def _lines(numbers: list[int]) -> str:
    listed = ", ".join(map(str, numbers[:5]))
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"line{'s' * (len(numbers) != 1)} {listed}{more} {'has' if len(numbers) == 1 else 'have'}"
