"""Quotes as a Word document (python-docx): what report writers copy into their drafts.

A heading per code (its name and id), the code's description in italics, then each quote in
Word's own "Quote" paragraph style so it restyles with the writer's template, followed by a
right-aligned attribution line. Context around a quote is grey inside the same paragraph
(the Quote style is already italic); a code's description is small and grey, never italic,
so it cannot be mistaken for a quote. Text passes through ``xml_safe`` first: a control character pasted into a
transcript would otherwise make python-docx refuse the whole document. The file is built in
memory and written atomically, private (0600).
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Code
from .quotes_md import attribution, code_names, code_title, one_line
from .redaction import Redactor, redact_quotes
from qualkit.files import atomic_write
from .refi_files import xml_safe

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

GREY = (0x6B, 0x6B, 0x6B)


def safe(text: Any) -> str:
    """Text python-docx accepts: one line, characters XML cannot hold replaced."""
    return xml_safe(one_line(text))[0]


def add_quote(doc: Any, row: Any) -> None:
    """One quote paragraph (style "Quote") and its attribution line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    para = doc.add_paragraph(style="Quote")
    para.paragraph_format.keep_with_next = True  # never split a quote from its attribution
    before = row.get("context_before")
    after = row.get("context_after")
    if isinstance(before, str) and before.strip():
        run = para.add_run(f"{safe(before)} ")
        run.font.color.rgb = RGBColor(*GREY)
    para.add_run(safe(row["text"]))
    if isinstance(after, str) and after.strip():
        run = para.add_run(f" {safe(after)}")
        run.font.color.rgb = RGBColor(*GREY)
    line = doc.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = line.add_run(f"— {safe(attribution(row))}")
    run.font.size = Pt(9)


def add_description(doc: Any, text: str) -> None:
    """A code's description: small, grey and upright, so it never reads as a quote."""
    from docx.shared import Pt, RGBColor

    run = doc.add_paragraph().add_run(safe(text))
    run.font.size, run.font.color.rgb = Pt(9), RGBColor(*GREY)


def add_code_quotes(doc: Any, code_id: str, group: "pd.DataFrame", codes: dict[str, Code],
                    level: int = 1) -> None:
    """A heading for ``code_id``, its description, and its quotes in rank order."""
    doc.add_heading(safe(code_title(code_id, codes)), level=level)
    code = codes.get(code_id)
    if code is not None and code.description:
        add_description(doc, code.description)
    for row in group.sort_values("rank").to_dict("records"):
        add_quote(doc, row)


def a4_page(doc: Any) -> None:
    """A4 with 2 cm margins: the report is for UK readers (python-docx starts on US Letter)."""
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))


def docx_bytes(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def quotes_document(quotes: "pd.DataFrame", codes: Iterable[Code] = (),
                    redactor: Redactor | None = None, title: str = "Illustrative quotes") -> Any:
    """A python-docx ``Document`` holding the quotes (see the module docstring)."""
    import docx

    shown = redact_quotes(quotes, redactor)
    names = code_names(codes)
    doc = docx.Document()
    a4_page(doc)
    doc.core_properties.title = safe(title)
    doc.core_properties.author = "qualkit"
    doc.add_heading(safe(title), level=0)
    doc.add_paragraph("Chosen by qualkit as typical of each code and spread over documents and "
                      "speakers; a first selection for the report writer to edit.")
    if redactor is not None and redactor.active:
        doc.add_paragraph("Names and identifiers are replaced by tags; speakers and documents "
                          "are pseudonymised.")
    for code_id, group in shown.groupby("code_id", sort=False):
        add_code_quotes(doc, str(code_id), group, names)
    if len(shown) == 0:
        doc.add_paragraph("No quotes: none of these codes has been applied yet.")
    return doc


def write_quotes_docx(path: str | Path, quotes: "pd.DataFrame", codes: Iterable[Code] = (),
                      redactor: Redactor | None = None, title: str = "Illustrative quotes"
                      ) -> Path:
    return atomic_write(path, docx_bytes(quotes_document(quotes, codes, redactor, title)))
