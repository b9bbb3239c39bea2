"""Importing REFI-QDA files written by other tools: keep what qualkit can use, say what not.

The foreign project below is invented, written the way other tools write theirs (braced
upper-case GUIDs, inline text, a BOM in a source file, typed variables), with things qualkit
cannot hold mixed in.
"""
from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from qualkit.export.refi import read_qdc, read_qdpx, write_qdpx
from qualkit.models import QualkitError

from test_refi import sample, schema_text  # noqa: F401 - a fixture

P01 = "Inline text: naïve café — 😀 trust matters. Second sentence."
P02 = "Second interview: governance rules block us."
TRUST = (P01.index("trust"), P01.index("."))
GOV = (P02.index("governance"), P02.index(" block"))


def g(n: int, kind: str = "0") -> str:
    return f"{kind * 8}-0000-4000-8000-{n:012d}"


FOREIGN = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Other tool study" origin="OtherTool 12"
         creationDateTime="2023-11-02T14:05:00.123+01:00">
  <Users>
    <User guid="{{{g(1, 'A').upper()}}}" name="Dr Smith"/>
    <User guid="{g(2, 'A')}" name="RA Jones"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="{g(1, 'C')}" name="Barriers" isCodable="false" color="#ABC">
      <Description>Why it fails</Description>
      <Code guid="{g(2, 'C')}" name="Governance" isCodable="true"/>
      <Code guid="{g(3, 'C')}" name="" isCodable="true"/>
    </Code>
    <Code guid="{g(2, 'C')}" name="Copy with the same GUID" isCodable="true"/>
    <Code guid="{g(4, 'C')}" name="Trust &amp; relationships" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{g(1, 'B')}" name="Role" typeOfVariable="Text"/>
    <Variable guid="{g(2, 'B')}" name="Age" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="{g(1, 'E')}" name="P01">
      <VariableValue><VariableRef targetGUID="{g(1, 'B')}"/><TextValue>Parent</TextValue>
      </VariableValue>
      <VariableValue><VariableRef targetGUID="{g(2, 'B')}"/><IntegerValue>42</IntegerValue>
      </VariableValue>
      <SourceRef targetGUID="{g(1, 'D')}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{g(1, 'D')}" name="Interview P01">
      <PlainTextContent>{P01}</PlainTextContent>
      <PlainTextSelection guid="{g(1, 'F')}" startPosition="{TRUST[0]}"
                          endPosition="{TRUST[1]}" creatingUser="{{{g(1, 'A')}}}">
        <Coding guid="{g(2, 'F')}" creatingUser="{g(2, 'A').upper()}">
          <CodeRef targetGUID="{g(4, 'C')}"/></Coding>
        <Coding guid="{g(3, 'F')}"><CodeRef targetGUID="{g(2, 'C')}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(4, 'F')}" startPosition="0" endPosition="9999">
        <Coding guid="{g(5, 'F')}"><CodeRef targetGUID="{g(1, 'C')}"/></Coding>
      </PlainTextSelection>
      <WeirdSelection guid="{g(6, 'F')}" from="1" to="4">
        <Coding guid="{g(7, 'F')}"><CodeRef targetGUID="{g(1, 'C')}"/></Coding>
      </WeirdSelection>
      <Coding guid="{g(8, 'F')}" creatingUser="{g(2, 'A')}"><CodeRef targetGUID="{g(1, 'C')}"/>
      </Coding>
      <NoteRef targetGUID="{g(1, '9')}"/>
    </TextSource>
    <TextSource guid="{g(2, 'D')}" name="Interview P02" plainTextPath="internal://p02.txt">
      <PlainTextSelection guid="{g(9, 'F')}" startPosition="{GOV[0]}" endPosition="{GOV[1]}"
                          creatingUser="{g(2, 'A')}">
        <Coding guid="{g(10, 'F')}"><CodeRef targetGUID="{g(2, 'C')}"/>
          <NoteRef targetGUID="{g(2, '9')}"/></Coding>
        <Coding guid="{g(11, 'F')}"><CodeRef targetGUID="{g(99, 'C')}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="{g(3, 'D')}" name="Policy.pdf" path="relative://Policy.pdf">
      <PDFSelection guid="{g(12, 'F')}" page="1" firstX="1" firstY="1" secondX="9" secondY="9">
        <Coding guid="{g(13, 'F')}"><CodeRef targetGUID="{g(1, 'C')}"/></Coding>
      </PDFSelection>
    </PDFSource>
    <AudioSource guid="{g(4, 'D')}" name="Focus group.mp3" path="relative://fg.mp3"/>
  </Sources>
  <Notes>
    <Note guid="{g(1, '9')}" name="About P01"><PlainTextContent>Met at home.</PlainTextContent>
    </Note>
    <Note guid="{g(2, '9')}" name="Why" creatingUser="{g(1, 'A')}">
      <PlainTextContent>IG board refused.</PlainTextContent></Note>
    <Note guid="{g(3, '9')}" name="Loose"><PlainTextContent>A loose thought.</PlainTextContent>
    </Note>
  </Notes>
  <Sets><Set guid="{g(1, '7')}" name="Parents"/></Sets>
</Project>
"""


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def foreign(tmp_path) -> tuple:
    path = zip_of(tmp_path / "other.qdpx", {
        "project.qde": FOREIGN.encode("utf-8"),
        "Sources/p02.txt": b"\xef\xbb\xbf" + P02.encode("utf-8")})
    return read_qdpx(path)


def test_foreign_project_keeps_its_texts_attributes_and_codes(foreign):
    project, _ = foreign
    assert [(d.name, d.text) for d in project.documents] == [("Interview P01", P01),
                                                             ("Interview P02", P02)]
    assert project.documents[0].attributes == {"Role": "Parent", "Age": "42"}
    assert [(c.id, c.parent, c.color) for c in project.codes] == [
        ("barriers", None, "#aabbcc"), ("barriers.governance", "barriers", None),
        ("barriers.unnamed_code_cccccccc", "barriers", None),
        ("trust_relationships", None, None)]
    assert project.code_guids["barriers.governance"] == "CCCCCCCC-0000-4000-8000-000000000002"
    assert project.coders == ["Dr Smith", "RA Jones"]
    assert project.coder_guids["Dr Smith"] == "{AAAAAAAA-0000-4000-8000-000000000001}"
    assert project.created == "2023-11-02T13:05:00+00:00"


def test_foreign_codings_keep_offsets_coders_and_memos(foreign):
    project, _ = foreign
    got = {(c.document, c.start, c.end, c.code_id, c.coder, c.memo) for c in project.codings}
    assert got == {
        ("Interview P01", *TRUST, "trust_relationships", "RA Jones", None),
        ("Interview P01", *TRUST, "barriers.governance", "Dr Smith", None),  # selection's user
        ("Interview P01", 0, len(P01), "barriers", "RA Jones", None),  # coded the whole source
        ("Interview P02", *GOV, "barriers.governance", "RA Jones", "IG board refused."),
    }
    assert P01[TRUST[0]:TRUST[1]] == "trust matters"
    assert {(m.target_type, m.target_id, m.text) for m in project.memos} == {
        ("document", "Interview P01", "Met at home."), ("project", "", "A loose thought.")}


@pytest.mark.parametrize("expected", [
    "PDF source 'Policy.pdf' has no text representation; skipped (1 coding(s) lost)",
    "audio source 'Focus group.mp3' skipped: qualkit reads text only",
    "<WeirdSelection> in a text source is not supported; skipped",
    "a code has no name; imported as 'Unnamed code cccccccc'",
    "code 'Copy with the same GUID': GUID CCCCCCCC-0000-4000-8000-000000000002 is used twice",
    "source 'Interview P01': selection 0-9999 lies outside the text",
    "a coding refers to no code in the codebook; skipped",
    "1 sets not imported",
])
def test_foreign_project_warns_about_what_it_leaves(foreign, expected):
    _, warnings = foreign
    assert [w for w in warnings if expected in w], warnings


def test_foreign_codebook_file(tmp_path):
    path = tmp_path / "nvivo.qdc"
    path.write_text(f"""<?xml version="1.0"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
  <Code guid="{{{g(1, 'C').upper()}}}" name="Données partagées" isCodable="true">
    <Code guid="{g(2, 'C')}" name="Accès" isCodable="true" color="#123456"/>
    <Code name="No GUID" isCodable="true"/>
  </Code></Codes></CodeBook>""", encoding="utf-8")
    book, warnings = read_qdc(path)
    assert [(c.id, c.name) for c in book.codes] == [
        ("donnees_partagees", "Données partagées"), ("donnees_partagees.acces", "Accès"),
        ("donnees_partagees.no_guid", "No GUID")]
    assert warnings == ["code 'No GUID' has no valid GUID; no coding can refer to it"]


# ------------------------------------------------------------------------ malformed files
def damaged_member(exported: Path) -> bytes:
    data = bytearray(exported.read_bytes())
    at = 30 + len("project.qde") + 40  # inside the deflated project.qde
    data[at:at + 8] = bytes(b ^ 0xFF for b in data[at:at + 8])
    return bytes(data)


@pytest.mark.parametrize("name, content, reason", [
    ("a.qdpx", b"PK\x03\x04 not really", "not a .qdpx file"),
    ("b.qdpx", {"Sources/x.txt": b"hi"}, "no project.qde inside"),
    ("c.qdpx", {"project.qde": b"<Project name='x'><Users>"}, "not valid XML"),
    ("d.qdpx", {"project.qde": b"<CodeBook/>"}, "not a REFI-QDA project"),
    ("e.qdpx", {"project.qde": b"<!DOCTYPE p [<!ENTITY a 'aaaa'>]><Project name='&a;'/>"},
     "declares XML entities"),
    ("f.qdpx", "damaged", "damaged"),
    ("g.qdpx", "truncated", "not a .qdpx file"),
    ("h.qdc", b"<CodeBook><Codes>", "not valid XML"),
    ("i.qdc", b"<Project name='x'/>", "not a REFI-QDA codebook"),
    ("j.qdc", None, "no such file"),
])
def test_malformed_files_raise_one_clear_error(tmp_path, name, content, reason):
    path = tmp_path / name
    if content in ("damaged", "truncated"):
        write_qdpx(tmp_path / "ok.qdpx", sample())
        good = (tmp_path / "ok.qdpx").read_bytes()
        content = damaged_member(tmp_path / "ok.qdpx") if content == "damaged" \
            else good[:len(good) // 2]
    if isinstance(content, dict):
        zip_of(path, content)
    elif content is not None:
        path.write_bytes(content)
    reader = read_qdc if name.endswith(".qdc") else read_qdpx
    with pytest.raises(QualkitError, match=reason) as info:
        reader(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_any_missing_or_junk_attribute_or_element_never_crashes(tmp_path):
    """Drop each element, drop each attribute, set each attribute to junk: read still works."""
    write_qdpx(tmp_path / "ok.qdpx", sample())
    with zipfile.ZipFile(tmp_path / "ok.qdpx") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = ET.fromstring(members["project.qde"])
    variants = []
    for i, el in enumerate(root.iter()):
        if i:
            variants.append(("drop element", i, None))
        variants += [(action, i, a) for a in el.attrib for action in ("drop", "junk")]
    failures = []
    for action, i, attribute in variants:
        tree = copy.deepcopy(root)
        parents = {c: p for p in tree.iter() for c in p}
        el = list(tree.iter())[i]
        if action == "drop element":
            parents[el].remove(el)
        elif action == "drop":
            del el.attrib[attribute]
        else:
            el.set(attribute, "junk")
        path = zip_of(tmp_path / "v.qdpx", {**members, "project.qde": ET.tostring(tree)})
        try:
            read_qdpx(path, ["barrier"])
        except Exception as exc:  # noqa: BLE001 - the point is that nothing escapes
            failures.append(f"{action} {el.tag} {attribute}: {exc!r}")
    assert len(variants) > 200
    assert failures == []


SMALL = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="s" origin="{origin}">
  <Users><User guid="{u}" name="Ana"/></Users>
  <CodeBook><Codes>
    <Code guid="{c1}" name="Theme" isCodable="true"/>
    <Code guid="{case}" name="P07" isCodable="true"/>
  </Codes></CodeBook>
  <Cases><Case guid="{case}" name="P07"><SourceRef targetGUID="{s1}"/></Case></Cases>
  <Sources>
    <TextSource guid="{s1}" name="t" plainTextPath="internal://t.txt">
      <PlainTextSelection guid="{g1}" startPosition="{a}" endPosition="{b}" creatingUser="{u}">
        <Description>Key quote</Description>
        <Coding guid="{g2}" creatingUser="{u}"><CodeRef targetGUID="{c1}"/></Coding>
        <Coding guid="{g3}" creatingUser="{u}"><CodeRef targetGUID="{case}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g4}" startPosition="0" endPosition="4" creatingUser="{u}">
        <Description>An annotation</Description></PlainTextSelection>
    </TextSource>
    <PDFSource guid="{s2}" name="Policy.pdf" path="relative://p.pdf">
      <PDFSelection guid="{g5}" page="1" firstX="1" firstY="1" secondX="2" secondY="2">
        <Coding guid="{g6}"><CodeRef targetGUID="{c1}"/></Coding></PDFSelection>
      <Representation guid="{s3}" plainTextPath="internal://p.txt">
        <PlainTextSelection guid="{g7}" startPosition="0" endPosition="6" creatingUser="{u}">
          <Coding guid="{g8}"><CodeRef targetGUID="{c1}"/></Coding></PlainTextSelection>
      </Representation>
    </PDFSource>
  </Sources>
</Project>"""
RAW = "Line one\r\nLine two is the key quote.\r\n"


@pytest.mark.parametrize("origin, counted", [("ATLAS.ti 23.1", RAW.replace("\r\n", "\n")),
                                              ("MAXQDA 2022", RAW)])
def test_comments_case_codes_pdf_text_and_line_breaks(tmp_path, origin, counted):
    a = counted.index("key quote")
    ids = {k: g(i, "D") for i, k in enumerate(
        ["u", "c1", "case", "s1", "s2", "s3", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"])}
    qde = SMALL.format(origin=origin, a=a, b=a + len("key quote"), **ids)
    path = zip_of(tmp_path / "s.qdpx", {"project.qde": qde.encode(), "sources/t.txt": RAW.encode(),
                                        "sources/p.txt": b"Policy text."})
    project, warnings = read_qdpx(path)
    assert [c.id for c in project.codes] == ["theme"]  # P07 is a case, not a code
    assert [(d.name, d.text) for d in project.documents] == [("t", counted),
                                                             ("Policy.pdf", "Policy text.")]
    assert {(c.document, counted[c.start:c.end] if c.document == "t" else c.start, c.code_id,
             c.coder, c.memo) for c in project.codings} == {
        ("t", "key quote", "theme", "Ana", "Key quote"), ("Policy.pdf", 0, "theme", "Ana", None)}
    assert [(m.target_type, m.document, m.start, m.end, m.text) for m in project.memos] == [
        ("segment", "t", 0, 4, "An annotation")]
    assert "1 code(s) standing for cases (same GUID as a case) were not imported as codes" \
        in warnings
    assert "PDF source 'Policy.pdf': 1 page-region selection(s) skipped; its text was " \
        "imported" in warnings


def test_a_foreign_import_exports_again_as_valid_qda_xml(tmp_path, foreign, schema_text):
    import xmlschema

    project, _ = foreign
    assert write_qdpx(tmp_path / "again.qdpx", project) == []
    with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
        xmlschema.XMLSchema(schema_text).validate(zf.read("project.qde").decode("utf-8"))
    back, warnings = read_qdpx(tmp_path / "again.qdpx")
    assert warnings == []
    assert back.code_guids == project.code_guids  # the other tool's GUIDs went out and back
    assert {(c.document, c.start, c.end, c.coder, c.memo) for c in back.codings} == \
        {(c.document, c.start, c.end, c.coder, c.memo) for c in project.codings}


def test_known_guids_from_an_earlier_import_map_back_to_their_ids(tmp_path):
    path = zip_of(tmp_path / "other.qdpx", {"project.qde": FOREIGN.encode("utf-8")})
    project, _ = read_qdpx(path, known_code_ids={"ig": g(2, "C").lower(), "barrier": None})
    assert [(c.id, c.parent) for c in project.codes][:2] == [("barriers", None),
                                                            ("ig", "barriers")]
