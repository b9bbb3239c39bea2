"""REFI-QDA exchange: what qualkit writes is valid QDA-XML and comes back unchanged.

The schema (../shared/standards/refi-qda/Project.xsd) is reference data outside the repo;
the tests that need it skip when it is absent.
"""
from __future__ import annotations

import random
import stat
import zipfile
from pathlib import Path

import pytest

from qualkit.export.refi import (RefiCoding, RefiDocument, RefiMemo, RefiProject, read_qdc,
                                 read_qdpx, write_qdc, write_qdpx)
from qualkit.export.refi_model import make_guid
from qualkit.models import Code, QualkitError

SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "standards" / "refi-qda" \
    / "Project.xsd"

T1 = "Interviewer: Tell me about the naïve café — 😀 it was closed. Sharing data is hard."
T2 = "Ünïcödé 😀😀 first: trust between agencies matters more than any system."
EMOJI_SPAN = (T1.index("😀"), T1.index(" it was"))  # "😀": starts after non-ASCII text
TRUST = (T2.index("trust"), T2.index(" between"))


def sample() -> RefiProject:
    codes = [
        Code("barrier", "Barriers", None, "Things that stop linkage.\n\nSecond paragraph.",
             "General statements", "Fixes (use suggestion)", ("it is hard", "nobody shares"),
             "#c0392b"),
        Code("barrier.governance", "Governance", "barrier", "Information-governance rules",
             color="#8e44ad"),
        Code("enabler", "Enablers", color="#27ae60"),
        Code("enabler.trust", "Trust between agencies", "enabler", "Relationships"),
    ]
    docs = [
        RefiDocument("int01", T1, {"role": "parent", "area": "Leeds"}, "h1",
                     "2024-05-01T10:00:00+00:00"),
        RefiDocument("int02", T2, {"role": "SENCo — teacher"}, "h2"),
    ]
    sharing = (T1.index("Sharing"), len(T1))
    codings = [
        RefiCoding("int01", *sharing, "barrier", "alice", "hard, generally",
                   "2024-05-02T09:00:00+00:00"),
        RefiCoding("int01", *sharing, "barrier.governance", "bob", None,
                   "2024-05-03T11:30:00+00:00"),
        RefiCoding("int01", *EMOJI_SPAN, "enabler", "alice"),
        RefiCoding("int02", *TRUST, "enabler.trust", "bob", created="2024-05-04T08:00:00+00:00"),
        RefiCoding("int02", *TRUST, "enabler.trust", "alice"),
    ]
    memos = [
        RefiMemo("project", "", "Pilot coding round.", "alice", "2024-05-01T12:00:00+00:00"),
        RefiMemo("code", "barrier.governance", "Merge with IG?", "bob"),
        RefiMemo("document", "int02", "Recorded at school — noisy.", "alice"),
        RefiMemo("segment", "int01:0007", "Is the café relevant? 😀", "bob",
                 document="int01", start=EMOJI_SPAN[0], end=EMOJI_SPAN[1]),
        RefiMemo("segment", "int02:0001", "Uncoded span with a memo", "alice",
                 document="int02", start=0, end=7),
    ]
    return RefiProject("SEND linkage — pilot", codes, docs, codings, ["alice", "bob"], memos,
                       description="Test project", created="2024-05-01T09:00:00+00:00")


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


@pytest.fixture
def exported(tmp_path) -> Path:
    path = tmp_path / "study.qdpx"
    assert write_qdpx(path, sample()) == []
    return path


@pytest.fixture
def schema_text() -> str:
    if not SCHEMA.is_file():
        pytest.skip("../shared/standards/refi-qda/Project.xsd is not present")
    pytest.importorskip("xmlschema")
    return SCHEMA.read_text(encoding="utf-8")


def codebook_schema(project_xsd: str):
    """The codebook form of the schema: the same types in the codebook namespace, with a
    ``CodeBook`` root element of ``CodeBookType`` (derived in memory, never stored)."""
    import xmlschema

    text = project_xsd.replace('targetNamespace="urn:QDA-XML:project:1.0"',
                               'targetNamespace="urn:QDA-XML:codebook:1.0"')
    text = text.replace('xmlns="urn:QDA-XML:project:1.0"', 'xmlns="urn:QDA-XML:codebook:1.0"')
    text = text.replace("<!-- ===== Type Definitions ===== -->",
                        '<xsd:element name="CodeBook" type="CodeBookType"/>', 1)
    return xmlschema.XMLSchema(text)


# ------------------------------------------------------------------------------- validation
def test_project_qde_is_valid_qda_xml(exported, schema_text):
    import xmlschema

    xmlschema.XMLSchema(schema_text).validate(qde_of(exported).decode("utf-8"))


def test_codebook_is_valid_in_the_codebook_namespace(tmp_path, schema_text):
    path = tmp_path / "codes.qdc"
    write_qdc(path, sample().codes)
    schema = codebook_schema(schema_text)
    schema.validate(path.read_text(encoding="utf-8"))
    broken = path.read_text(encoding="utf-8").replace(' isCodable="true"', "", 1)
    assert not schema.is_valid(broken)  # the check can fail


# --------------------------------------------------------------------------------- content
def test_offsets_are_code_points_into_the_stored_text(exported):
    """After "Ünïcödé 😀😀", code points, UTF-16 units and UTF-8 bytes all differ."""
    import xml.etree.ElementTree as ET

    ns = {"q": "urn:QDA-XML:project:1.0"}
    with zipfile.ZipFile(exported) as zf:
        root = ET.fromstring(zf.read("project.qde"))
        source = root.find("q:Sources/q:TextSource[@name='int02']", ns)
        file = source.get("plainTextPath").removeprefix("internal://")
        text = zf.read(f"Sources/{file}").decode("utf-8")
    assert text == T2
    spans = {(int(s.get("startPosition")), int(s.get("endPosition")))
             for s in source.findall("q:PlainTextSelection", ns)}
    assert TRUST in spans
    assert text[TRUST[0]:TRUST[1]] == "trust"
    before = T2[:TRUST[0]]
    assert TRUST[0] == len(before) == 18
    assert len(before.encode("utf-16-le")) // 2 == 20 and len(before.encode("utf-8")) == 28


def test_each_coding_is_a_selection_naming_its_coder(exported):
    """Two coders on one span: two selections, each with the coder on selection and coding
    (importers such as QualCoder read the coder from the selection)."""
    import xml.etree.ElementTree as ET

    ns = {"q": "urn:QDA-XML:project:1.0"}
    root = ET.fromstring(qde_of(exported))
    users = {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", ns)}
    assert set(users) == {"alice", "bob"}
    sels = [s for s in root.iterfind(".//q:PlainTextSelection", ns)
            if (int(s.get("startPosition")), int(s.get("endPosition"))) == TRUST]
    found = []
    for sel in sels:
        (coding,) = sel.findall("q:Coding", ns)
        found.append((sel.get("creatingUser"), coding.get("creatingUser"),
                      coding.find("q:CodeRef", ns).get("targetGUID")))
    trust = make_guid("code", "enabler.trust")
    assert sorted(found) == sorted([(users["alice"], users["alice"], trust),
                                    (users["bob"], users["bob"], trust)])


def test_a_coding_memo_is_its_selections_description(exported):
    import xml.etree.ElementTree as ET

    ns = {"q": "urn:QDA-XML:project:1.0"}
    root = ET.fromstring(qde_of(exported))
    described = [s.find("q:Description", ns).text
                 for s in root.iterfind(".//q:PlainTextSelection", ns)
                 if s.find("q:Description", ns) is not None]
    assert described == ["hard, generally"]


def test_round_trip_gives_the_same_project(exported):
    original = sample()
    back, warnings = read_qdpx(exported, known_code_ids=[c.id for c in original.codes])
    assert warnings == []
    assert back.name == original.name and back.description == original.description
    assert back.created == original.created
    assert back.codes == original.codes  # ids, parents, descriptions, include/exclude, colours
    assert sorted(back.codings, key=repr) == sorted(original.codings, key=repr)
    assert back.coders == ["alice", "bob"]
    assert {(d.name, d.text, tuple(sorted(d.attributes.items())), d.created)
            for d in back.documents} == \
        {(d.name, d.text, tuple(sorted(d.attributes.items())), d.created)
         for d in original.documents}

    def key(m: RefiMemo):
        target = m.target_id if m.target_type in ("code", "document") else ""
        return (m.target_type, target, m.document, m.start, m.end, m.text, m.coder, m.created)

    assert sorted(map(key, back.memos), key=repr) == sorted(map(key, original.memos), key=repr)


def test_reexport_is_byte_identical_whatever_the_input_order(tmp_path, exported):
    shuffled = sample()
    rng = random.Random(7)
    for items in (shuffled.documents, shuffled.codings, shuffled.memos, shuffled.coders):
        rng.shuffle(items)
    again = tmp_path / "again.qdpx"
    write_qdpx(again, shuffled)
    assert again.read_bytes() == exported.read_bytes()
    assert stat.S_IMODE(again.stat().st_mode) == 0o600
    with zipfile.ZipFile(again) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.namelist()[0] == "project.qde"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_codes_from_a_fresh_import_get_name_path_ids_and_keep_their_guids(tmp_path, exported):
    back, _ = read_qdpx(exported)  # no known ids: as if another tool had written the file
    assert [c.id for c in back.codes] == ["barriers", "barriers.governance", "enablers",
                                          "enablers.trust_between_agencies"]
    assert {(c.code_id, c.coder) for c in back.codings if c.document == "int02"} == \
        {("enablers.trust_between_agencies", "alice"), ("enablers.trust_between_agencies", "bob")}
    assert back.code_guids["barriers.governance"] == make_guid("code", "barrier.governance")
    assert write_qdpx(tmp_path / "re.qdpx", back) == []
    # ... and a re-export keeps those GUIDs, so qualkit ids come back where they are known
    again, _ = read_qdpx(tmp_path / "re.qdpx", known_code_ids=[c.id for c in sample().codes])
    assert [c.id for c in again.codes] == [c.id for c in sample().codes]


def test_codebook_round_trip(tmp_path):
    codes = sample().codes
    path = tmp_path / "codes.qdc"
    assert write_qdc(path, codes) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    back, warnings = read_qdc(path, known_code_ids=[c.id for c in codes])
    assert warnings == [] and back.codes == codes
    fresh, _ = read_qdc(path)
    assert [(c.id, c.parent) for c in fresh.codes][:2] == [("barriers", None),
                                                           ("barriers.governance", "barriers")]
    write_qdc(path, list(reversed(codes[2:])) + codes[:2])  # children before parents is fine
    assert read_qdc(path, [c.id for c in codes])[0].codes == codes[2:] + codes[:2]


def test_colours_are_written_as_six_digit_hex_and_bad_ones_reported(tmp_path):
    codes = [Code("a", "A", color="#ABC"), Code("b", "B", color="red")]
    warnings = write_qdc(tmp_path / "c.qdc", codes)
    text = (tmp_path / "c.qdc").read_text(encoding="utf-8")
    assert 'color="#aabbcc"' in text and "red" not in text
    assert warnings == ["code 'b': colour 'red' is not #RRGGBB, left out"]


# ------------------------------------------------------------------------------ edge cases
def test_text_xml_cannot_hold_keeps_every_offset(tmp_path):
    text = "a\ud800b\x01c 😀 end"  # a lone surrogate (not UTF-8) and a control character
    project = RefiProject("p", [Code("x", "X\x02")], [RefiDocument("d", text)],
                          [RefiCoding("d", 5, 8, "x", "me")])
    warnings = write_qdpx(tmp_path / "p.qdpx", project)
    assert warnings == ["2 character(s) that XML or UTF-8 cannot hold were written as U+FFFD"]
    back, _ = read_qdpx(tmp_path / "p.qdpx", ["x"])
    assert back.documents[0].text == "a\ufffdb\x01c 😀 end"
    assert back.documents[0].text[5:8] == text[5:8] == " 😀 "


def test_memos_qualkit_cannot_place_are_reported(tmp_path):
    project = sample()
    project.memos += [RefiMemo("theme", "t3", "a theme memo"),
                      RefiMemo("segment", "s9", "no span given")]
    warnings = write_qdpx(tmp_path / "p.qdpx", project)
    assert warnings == ["memo on segment 's9' left out: its target is not in the export",
                        "memo on theme 't3' left out: REFI-QDA has no place for it"]


@pytest.mark.parametrize("change, message", [
    (lambda p: p.codings.append(RefiCoding("int01", 5, 999, "barrier", "x")), "outside the text"),
    (lambda p: p.codings.append(RefiCoding("int01", 0, 2, "nope", "x")), "unknown code"),
    (lambda p: p.codings.append(RefiCoding("int09", 0, 2, "barrier", "x")), "unknown document"),
    (lambda p: p.codes.append(Code("orphan", "O", "missing")), "unknown parent 'missing'"),
])
def test_inconsistent_data_is_refused_and_nothing_written(tmp_path, change, message):
    project = sample()
    change(project)
    with pytest.raises(QualkitError, match=message):
        write_qdpx(tmp_path / "p.qdpx", project)
    assert list(tmp_path.iterdir()) == []


def test_any_text_and_span_survive_the_round_trip(tmp_path_factory):
    """Astral characters, combining marks, CR/LF, control characters: offsets stay put."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    folder = tmp_path_factory.mktemp("prop")

    @settings(max_examples=40, deadline=None)
    @example(text="\ufeffa\r\nb", a=1, b=4)  # a text that itself starts with U+FEFF
    @given(text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
           a=st.integers(0, 40), b=st.integers(0, 40))
    def check(text, a, b):
        start, end = sorted(min(x, len(text)) for x in (a, b))
        project = RefiProject("p", [Code("x", "X")], [RefiDocument("d", text)],
                              [RefiCoding("d", start, end, "x", "me")])
        assert write_qdpx(folder / "p.qdpx", project) == []
        back, warnings = read_qdpx(folder / "p.qdpx", ["x"])
        assert warnings == [] and back.documents[0].text == text
        assert back.codings == project.codings

    check()
