"""Makes westbrook-group.docx (committed beside it): a Word group interview with a header
table and `NAME (Role):` labels. Invented test data. Run: python make_westbrook_docx.py"""
from __future__ import annotations

from pathlib import Path

HEADER = [("Date", "20 February 2024"), ("Interviewer", "Sarah Khan"), ("Site", "Westbrook"),
          ("Participants", "David Okafor; Jo Bell"), ("Duration", "55 minutes")]
TALK = [
    "SARAH KHAN (Interviewer): Thank you all for coming. Could each of you say who you are?",
    "DAVID OKAFOR (Head of SEND, Westbrook Council): I run the SEND service. [laughs] "
    "For my sins, as they say.",
    "JO BELL (Designated Clinical Officer): I am the designated clinical officer, so I sit "
    "between health and the council.",
    "SARAH KHAN (Interviewer): What stops you linking the data?",
    "JO BELL (Designated Clinical Officer): Consent, mostly, or what people think consent "
    "means for a child with a plan.",
    "DAVID OKAFOR (Head of SEND, Westbrook Council): And the systems. [inaudible] the case "
    "management system cannot export an NHS number at all.",
    "Jo Bell (Designated Clinical Officer): We asked the supplier twice and heard nothing back.",
    "[END OF GROUP DISCUSSION]",
]


def make(path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Westbrook focus group – invented test data")
    table = doc.add_table(rows=0, cols=2)
    for key, value in HEADER:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
    doc.add_paragraph("")
    for line in TALK:
        doc.add_paragraph(line)
    doc.save(path)
    return path


if __name__ == "__main__":
    make(Path(__file__).with_name("westbrook-group.docx"))
