"""Small file makers shared by tests (not a test module)."""
from __future__ import annotations

from pathlib import Path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
