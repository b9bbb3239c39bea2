"""A project that came from another tool goes back to it with the same identities.

NVivo, ATLAS.ti and MAXQDA know codes, users and sources by GUID. An import keeps the GUIDs
it read in the store (``refi_guids``), so an export carries them back, and importing the same
file again adds no code and no coding. The other tool's notes arrive as memos on what they
were about. The foreign project is the invented one of ``test_refi_import``.
"""
from __future__ import annotations

import zipfile

import qualkit as qk
from qualkit.export.refi import read_qdpx

from test_refi_import import FOREIGN, P02, g, zip_of


def foreign_file(tmp_path):
    return zip_of(tmp_path / "other.qdpx", {
        "project.qde": FOREIGN.encode("utf-8"),
        "Sources/p02.txt": b"\xef\xbb\xbf" + P02.encode("utf-8")})


def test_an_import_exports_again_with_the_other_tools_guids(tmp_path):
    p = qk.init_project(tmp_path / "study")
    p.import_refi(foreign_file(tmp_path))
    p.export_qdpx(tmp_path / "back.qdpx")
    back, warnings = read_qdpx(tmp_path / "back.qdpx")
    assert warnings == []
    guids = {v.strip("{}").upper(): k for k, v in back.code_guids.items()}
    assert guids[g(2, "C").upper()] == "barriers.governance"
    assert guids[g(4, "C").upper()] == "trust_relationships"
    assert {d.name: d.guid.strip("{}").upper() for d in back.documents} == {
        "Interview P01.txt": g(1, "D").upper(), "Interview P02.txt": g(2, "D").upper()}
    assert back.coder_guids["Dr Smith"].strip("{}").upper() == g(1, "A").upper()
    assert back.coder_guids["RA Jones"].strip("{}").upper() == g(2, "A").upper()
    # a code renamed in qualkit keeps its id, so it keeps the other tool's GUID
    p.rename_code("barriers.governance", "Information governance", coder="ana")
    p.export_qdpx(tmp_path / "renamed.qdpx")
    again, _ = read_qdpx(tmp_path / "renamed.qdpx")
    renamed = [c for c in again.codes if c.name == "Information governance"]
    assert len(renamed) == 1
    assert again.code_guids[renamed[0].id].strip("{}").upper() == g(2, "C").upper()


def test_importing_the_same_file_twice_adds_nothing(tmp_path):
    p = qk.init_project(tmp_path / "study")
    first = p.import_refi(foreign_file(tmp_path))
    codings, memos = len(p.codings()), len(p.memos())
    second = p.import_refi(foreign_file(tmp_path))
    assert first["codes_added"] and second["codes_added"] == []
    assert second["segments_coded"] == 0
    assert (len(p.codings()), len(p.memos())) == (codings, memos)


def test_the_other_tools_notes_become_memos(tmp_path):
    p = qk.init_project(tmp_path / "study")
    result = p.import_refi(foreign_file(tmp_path))
    memos = {(m["target_type"], m["target_id"], m["text"]) for m in p.memos().to_dict("records")}
    assert memos == {("document", "Interview P01.txt", "Met at home."),
                     ("project", "", "A loose thought.")}
    assert result["memos"] == 2
    # a note on a coding stays the coding's memo (as before)
    assert "IG board refused." in set(p.codings()["memo"].dropna())


def test_a_redacted_export_mints_its_own_source_guids(tmp_path):
    p = qk.init_project(tmp_path / "study")
    p.import_refi(foreign_file(tmp_path))
    p.export_qdpx(tmp_path / "red.qdpx", redact=True)
    with zipfile.ZipFile(tmp_path / "red.qdpx") as zf:
        xml = zf.read("project.qde").decode("utf-8").upper()
    assert g(1, "D").upper() not in xml and g(2, "D").upper() not in xml
    assert g(2, "C").upper() in xml  # codes are the team's, not participants'
