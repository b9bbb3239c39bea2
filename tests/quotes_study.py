"""A small invented study for the quotes and report tests (not a test module).

Four interviews with authority types, the fake embedder, and codings made by hand. One quote
names a child (Ellie Hart) with her NHS number; it is the only segment coded
``barrier.health_data.la_knowledge``, so every export that quotes that code must show it.
"""
from __future__ import annotations

from pathlib import Path

CHILD, NHS = "Ellie Hart", "943 476 5919"

SETTINGS = """\
embed:
  backend: fake
privacy:
  names: [[Ellie Hart, Ellie]]
"""

ATTRIBUTES = """file,authority_type
northmere.txt,unitary
tannerbridge.txt,unitary
castermoor.txt,county council
ravensholt.txt,london borough
"""

TEXTS = {  # every speaker talks twice: a name used once is not taken as a speaker label
    "northmere.txt": (
        "Interviewer: How do you get health data from your partners?\n\n"
        "Sam Jones: Getting health data from the NHS trust is very slow for us. "
        "The trust never sends the health records we ask for. "
        "We wrote to the trust again about the health data last year.\n\n"
        "Interviewer: And what about governance?\n\n"
        "Sam Jones: Information governance sign-off took eighteen months for the sharing "
        "agreement.\n"),
    "tannerbridge.txt": (
        "Interviewer: Tell me about the dashboard and the data.\n\n"
        "Priya Shah: Our senior leaders backed the linked dashboard from the very start. "
        f"We matched {CHILD}, NHS number {NHS}, across the health data and the school "
        "census first.\n\n"
        "Interviewer: Did you know what the health side held?\n\n"
        "Priya Shah: Nobody here knew which health datasets even existed.\n"),
    "castermoor.txt": (
        "Interviewer: What gets in the way of health data?\n\n"
        "Tom Reid: Health data from the community provider arrives months late.\n\n"
        "Interviewer: And what helps?\n\n"
        "Tom Reid: The director championed the linking work at every board meeting.\n"),
    "ravensholt.txt": (
        "Interviewer: Is health data a problem here?\n\n"
        "Dana Whitlock: Health data from the hospital trust is very slow to arrive for us. "
        "Getting health data from the NHS trust is very slow for us.\n\n"
        "Interviewer: Thank you, Dana.\n\n"
        "Dana Whitlock: You are welcome, it was a pleasure.\n"),
}

# (coder, code, document, start of the segment's text)
CODINGS = [
    ("ana", "barrier.health_data", "northmere.txt", "Getting health data"),
    ("ana", "barrier.health_data", "northmere.txt", "The trust never sends"),
    ("ana", "barrier.health_data", "northmere.txt", "We wrote to the trust"),
    ("ana", "barrier.health_data", "castermoor.txt", "Health data from the community"),
    ("ana", "barrier.health_data", "ravensholt.txt", "Health data from the hospital"),
    ("ana", "barrier.health_data", "ravensholt.txt", "Getting health data"),
    ("ana", "barrier.information_governance", "northmere.txt", "Information governance"),
    ("ana", "barrier.health_data.la_knowledge", "tannerbridge.txt", "We matched"),
    ("ana", "enabler.senior_commitment", "tannerbridge.txt", "Our senior leaders"),
    ("bo", "enabler.senior_commitment", "castermoor.txt", "The director championed"),
]


def segment_id(p, document: str, start: str) -> str:
    segs = p.segments(document=document)
    hits = segs[segs["text"].str.startswith(start)]
    assert len(hits) == 1, (document, start, list(segs["text"]))
    return hits["segment_id"].iloc[0]


def make_study(root: Path, coded: bool = True):
    """An ingested project at ``root`` with the codings above (or none)."""
    import qualkit as qk

    root.mkdir(parents=True, exist_ok=True)
    (root / "qualkit.yaml").write_text(SETTINGS, encoding="utf-8")
    p = qk.init_project(root)
    folder = root / "transcripts"
    (folder / "attributes.csv").write_text(ATTRIBUTES, encoding="utf-8")
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    report = p.ingest([folder])
    assert not report.skipped, report.skipped
    if coded:
        for coder, code, doc, start in CODINGS:
            p.code(segment_id(p, doc, start), code, coder=coder)
    return p
