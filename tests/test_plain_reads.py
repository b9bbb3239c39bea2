"""The coding app's start-up reads without pandas give exactly what the DataFrame API gives.

The app reads 50,000 segments through ``segment_lists``/``coding_pairs``/``document_records``
(plain lists: no pandas import, no frame build). A screen that disagreed with ``segments()`` or
``codings()`` would show analysts something other than what exports count, so each is checked
against its DataFrame twin on a project with retired segments, attributes (one clashing with a
built-in name), several coders and an FOI letter with questions.
"""
from __future__ import annotations

import sys

import qualkit as qk

from conftest import write

TALK = ("Interviewer: Do you link health data?\n"
        "P2: Not yet. The ICB will not sign the agreement. We asked them twice last year.\n"
        "Interviewer: And social care?\n"
        "P2: Yes, that part works well now. The dashboard is used every week.\n")


def test_plain_reads_match_the_dataframes(tmp_path):
    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "b.txt", TALK)
    write(p.root / "transcripts" / "a.txt", TALK.replace("health", "school"))
    write(p.root / "transcripts" / "attributes.csv",
          "document,area,role\nb.txt,North,lead\n")
    p.ingest()
    segs = p.segments()
    first, last = segs["segment_id"].iloc[1], segs["segment_id"].iloc[-1]
    p.code(first, "barrier.information_governance", coder="ana")
    p.code(last, "enabler.health_expertise", coder="ana")
    p.code(last, "enabler.health_expertise", coder="ben")
    write(p.root / "transcripts" / "a.txt", TALK.replace("health", "school") + "P2: More.\n")
    p.ingest()  # a changed file: some segments retired, new ones added

    segs = p.segments()
    lists = p.segment_lists()
    assert list(lists) == list(segs.columns)
    for col in segs.columns:
        assert lists[col] == [None if v != v else v for v in segs[col].tolist()], col
    assert p.segment_lists(["text", "segment_id"]) == {
        "text": segs["text"].tolist(), "segment_id": segs["segment_id"].tolist()}

    for coder in ("ana", "ben"):
        df = p.codings(coder)
        assert sorted(p.coding_pairs(coder)) == sorted(zip(df["segment_id"], df["code_id"]))
    assert p.coding_pairs("nobody") == []

    docs = p.documents().to_dict("records")
    records = p.document_records()
    assert [r["document"] for r in records] == [d["document"] for d in docs]
    for rec, doc in zip(records, docs):
        assert rec == {k: v for k, v in doc.items() if isinstance(v, str) or k == "n_segments"}
    assert {"area", "attr_role"} <= set(records[1]) and "area" not in records[0]
    p.close()


def test_an_empty_project_reads_as_empty_lists(project):
    assert project.segment_lists(["segment_id", "text"]) == {"segment_id": [], "text": []}
    assert project.document_records() == []


def test_the_coding_screens_load_imports_no_pandas(tmp_path):
    import subprocess

    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "a.txt", TALK)
    p.ingest()
    p.close()
    code = ("import sys, qualkit as qk\n"
            "from qualkit.tui.session import Session\n"
            f"s = Session(qk.open_project({str(p.root)!r}), 'ana').load()\n"
            "assert len(s.ids) == 6, s.ids\n"
            "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
