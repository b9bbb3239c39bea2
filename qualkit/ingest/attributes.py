"""Document attributes from ``attributes.csv`` files, keyed by file name.

An ``attributes.csv`` applies to the files in its own folder. Its first column (``file``, or
``document``/``filename``) names a file; every other column is an attribute (authority type,
region, interview date ...). A ``kind`` column (``transcript`` or ``foi``) marks FOI letters.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

ATTRIBUTES_FILE = "attributes.csv"
KEY_COLUMNS = ("file", "document", "filename", "file_name")


@dataclass
class AttributeTable:
    by_file: dict[str, dict[str, str]] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, naming the file

    def for_file(self, name: str) -> dict[str, str]:
        return self.by_file.get(name) or self.by_file.get(Path(name).stem) or {}


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def load_attributes(path: Path) -> AttributeTable:
    """Read one attributes.csv. Never raises for bad content: problems are listed."""
    table = AttributeTable()
    try:
        raw = path.read_bytes()
    except OSError as e:
        table.problems.append(f"{path}: cannot read ({e.strerror or e})")
        return table
    text = _decode(raw)
    if not text.strip():
        return table
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    key = next((h for h in header if h.lower() in KEY_COLUMNS), None)
    if key is None:
        table.problems.append(
            f"{path}: no 'file' column (the first row must name the columns, one called 'file')"
        )
        return table
    table.columns = [h for h in header if h != key]
    for lineno, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        name = row.pop(key, "")
        if not name:
            continue
        if name in table.by_file:
            table.problems.append(f"{path}:{lineno}: {name} is listed twice; the later row wins")
        table.by_file[name] = {k: v for k, v in row.items() if k and v != ""}
    return table
