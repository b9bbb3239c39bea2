"""Privacy: check digits, detectors on an invented fixture, redaction, pseudonyms, offsets, scan."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualkit.models import QualkitError
from qualkit.privacy import (KINDS, SCAN_COLUMNS, Finding, PseudonymMap, RedactionReport,
                             find_identifiers, is_valid_nhs_number, is_valid_upn, map_offset,
                             map_span, nhs_check_digit, pseudonymise_speaker, redact, scan,
                             upn_check_letter)
from qualkit.privacy.checks import UPN_ALPHABET

FIXTURE = (Path(__file__).parent / "data" / "privacy" / "fixture.txt").read_text(encoding="utf-8")
NAMES = [("Ellie Hart", "Ellie"), ("Tom Baker", "Tom"), "Aisha"]

# Every identifier planted in the fixture, in text order (hand-listed, not produced by the code).
PLANTED = [
    ("name", "Ellie"), ("name", "Ellie Hart"), ("nhs_number", "999 526 0182"),
    ("nhs_number", "9991590838"), ("nhs_number", "999-016-6137"), ("upn", "R201200010017"),
    ("upn", "T20120001001A"), ("phone_uk", "0161 496 0123"), ("phone_uk", "07700 900123"),
    ("name", "ELLIE"), ("postcode", "M1 1AE"), ("postcode", "CR2 6XH"), ("name", "ellie"),
    ("name", "Tom Baker"), ("name", "Tom"), ("email", "ellie.parent@example.org"),
    ("email", "senco@school.example.sch.uk"), ("name", "Aisha"), ("nhs_number", "9991860916"),
    ("upn", "Z801200005017"), ("phone_uk", "+44 7700 900456"), ("phone_uk", "07700-900-789"),
    ("name", "Aisha"), ("postcode", "DN55 1PT"), ("phone_uk", "+447700900321"),
    ("phone_uk", "020 7946 0958"), ("phone_uk", "(01632) 960 001"),
    ("email", "records@council.example.gov.uk"), ("postcode", "ec1a1bb"),
    ("phone_uk", "+44 (0)113 496 0999"), ("name", "Tom Baker"), ("name", "AISHA"),
    ("email", "aisha.k@example.net"),
]
# Text in the fixture that must never be flagged: dates, years, times, money, percentages, counts,
# ten-digit numbers failing modulus 11, misprinted phones, UPNs with a wrong letter, non-postcodes.
DECOYS = [
    "12/03/2021", "September 2019", "3 March 2022", "2021-03-12", "12.03.2021", "09:30",
    "14:05:30", "6pm", "10.15am", "4pm", "1,200 pupils", "450 children", "12%", "20 weeks",
    "1 in 5", "£1,200,000", "37.5 %", "£3.5m", "2019/20", "1,234 assessments", "aged 0-25",
    "in 2021", "FOI-2021-0456", "999 390 9964", "9990308242", "999-628-1940", "123 456 7890",
    "A123456789013", "S123456789012", "07700 90012", "020 7946 095", "0161 496 01234",
    "+44 20 7946", "B12 3rd", "M6", "SW1A,", "KS2 4th", "96 pupils", "14 Acacia Road",
    "Participant 2", "Interview 7",
]


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of ``needle`` as a whole token (not inside a longer word or number)."""
    out, i = [], text.find(needle)
    while i >= 0:
        j = i + len(needle)
        if not (text[i - 1:i].isalnum() or text[j:j + 1].isalnum()):
            out.append((i, j))
        i = text.find(needle, i + 1)
    return out


# --- check digits -------------------------------------------------------------------------

def test_nhs_modulus_11_by_hand():
    # 943 476 5919: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9
    # 401 023 2137 (NHS Digital's example): 40+0+8+0+12+15+8+3+6 = 92; 92 % 11 = 4; 11 - 4 = 7
    assert nhs_check_digit("401023213") == 7
    assert is_valid_nhs_number("943 476 5919") and is_valid_nhs_number("401-023-2137")
    # 1..9 weighted 10..2 = 210, 210 % 11 = 1 -> check 10: no tenth digit makes it valid
    assert nhs_check_digit("123456789") is None
    assert not any(is_valid_nhs_number(f"123456789{d}") for d in range(10))
    # 000 100 100: 1*7 + 1*4 = 11, remainder 0 -> 11 -> written as 0
    assert nhs_check_digit("000100100") == 0 and is_valid_nhs_number("0001001000")


@given(st.text("0123456789", min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 9))
def test_nhs_check_catches_every_single_digit_error(nine, position, shift):
    check = nhs_check_digit(nine)
    assume(check is not None)
    number = nine + str(check)
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assert is_valid_nhs_number(number) and not is_valid_nhs_number(wrong)


def test_upn_check_letter_published_and_by_hand():
    # python-stdnum's documented example: B801200005001 is valid, A801200005001 is not.
    # By hand: 8*2+0*3+1*4+2*5+0+0+0+0+5*10+0+0+1*13 = 93; 93 % 23 = 1 -> B
    assert upn_check_letter("801200005001") == "B"
    assert is_valid_upn("B801200005001") and not is_valid_upn("A801200005001")
    # 1*2+2*3+...+9*10+0*11+1*12+2*13 = 368 = 16*23 -> 0 -> A
    assert is_valid_upn("A123456789012") and not is_valid_upn("A123456789013")
    # temporary UPN: the final letter counts as its index (A = 0): 8*2+1*4+2*5+5*10 = 80 -> 80 %
    # 23 = 11 -> M
    assert upn_check_letter("80120000500A") == "M" and is_valid_upn("M80120000500A")
    assert not is_valid_upn("S123456789012")  # S is never a check letter
    assert not is_valid_upn("a123456789012")  # upper case only


@given(st.text("0123456789", min_size=11, max_size=11),
       st.sampled_from("0123456789" + UPN_ALPHABET), st.integers(1, 12), st.integers(1, 9))
def test_upn_check_catches_every_single_digit_error(eleven, last, position, shift):
    upn = upn_check_letter(eleven + last) + eleven + last
    assert is_valid_upn(upn)
    if upn[position].isdigit():
        wrong = upn[:position] + str((int(upn[position]) + shift) % 10) + upn[position + 1:]
    else:
        idx = (UPN_ALPHABET.index(upn[position]) + shift) % 23
        wrong = upn[:position] + UPN_ALPHABET[idx] + upn[position + 1:]
    assert not is_valid_upn(wrong)


# --- detectors ----------------------------------------------------------------------------

def test_fixture_recall_and_precision_are_perfect():
    found = find_identifiers(FIXTURE, names=NAMES)
    assert [(f.kind, f.text) for f in found] == PLANTED
    assert all(FIXTURE[f.start:f.end] == f.text for f in found)
    assert {k for k, _ in PLANTED} == set(KINDS)  # every kind is planted...
    assert all(sum(k == kind for k, _ in PLANTED) >= 3 for kind in KINDS)  # ...several times


@pytest.mark.parametrize("decoy", DECOYS)
def test_fixture_decoys_are_never_flagged(decoy):
    spans = occurrences(FIXTURE, decoy)
    assert spans, f"{decoy!r} is not in the fixture"
    found = find_identifiers(FIXTURE, names=NAMES)
    hits = [f for f in found for s, e in spans if f.start < e and s < f.end]
    assert hits == []


@pytest.mark.parametrize("text", [
    "07700 900123", "07700900123", "07700-900-123", "+44 7700 900123", "+447700900123",
    "+44 (0)20 7946 0958", "(020) 7946 0958", "020-7946-0958", "0161 496 0123", "01632 960123",
    "(01632) 960123", "0113 496 0999", "0800 123 456", "0300 123 4567", "+44 113 496 0999",
])
def test_uk_phone_formats(text):
    assert [(f.kind, f.text) for f in find_identifiers(f"Ring {text} today.")] == [
        ("phone_uk", text)]


@pytest.mark.parametrize("text", [
    "on 12/03/2021 at 09:30", "3 March 2022", "in 2019 and 2020", "£1,200.50", "12.5%", "45 %",
    "450 children", "about 1,200 pupils", "1,234,567 records", "0.07700", "07700 90012",
    "020 7946 095", "0161 496 01234", "+44 20 7946", "01632 96012", "0 to 25", "0-25",
    "12345678901", "ref 07700900123X", "9434765919%", "07700 900123 %", "v2.0161 496",
    "1 234 567 890", "943 476 59190", "9434765919.5",
])
def test_not_phones_or_numbers(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize("text,found", [
    ("SW1A 1AA", "SW1A 1AA"), ("sw1a 1aa", "sw1a 1aa"), ("M1 1AE", "M1 1AE"),
    ("B33 8TH", "B33 8TH"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"),
    ("W1A 0AX", "W1A 0AX"), ("EC1A1BB", "EC1A1BB"), ("(LS1 4AP)", "LS1 4AP"),
])
def test_postcodes(text, found):
    assert [(f.kind, f.text) for f in find_identifiers(f"Write to {text}.")] == [
        ("postcode", found)]


@pytest.mark.parametrize("text", [
    "SW1A", "the M1 motorway", "Year 6 2nd term", "KS2 4th", "block B12 3rd floor",
    "QA1 1AA", "M1 1CA", "version A1 2BC", "AB12",
])
def test_not_postcodes(text):
    assert find_identifiers(text) == []


def test_emails_stop_at_sentence_punctuation():
    text = "Mail ellie.hart+send@school.example.sch.uk. Or (tom_b@example.org), not @SENDteam."
    assert [f.text for f in find_identifiers(text)] == ["ellie.hart+send@school.example.sch.uk",
                                                        "tom_b@example.org"]


def test_names_are_whole_words_any_case_and_possessive():
    text = ("Ellie's mum, ELLIE, ellie’s brother; not Ellies, Elliesmith or Belliery. "
            "Tom Baker too.")
    found = find_identifiers(text, names=["Ellie", ("Tom  Baker", "Tom")])
    assert [f.text for f in found] == ["Ellie", "ELLIE", "ellie", "Tom Baker"]
    assert find_identifiers(text, names=[]) == []


def test_kinds_filter_and_unknown_kind():
    found = find_identifiers(FIXTURE, names=NAMES, kinds=["upn", "postcode"])
    assert [f.text for f in found] == [t for k, t in PLANTED if k in ("upn", "postcode")]
    with pytest.raises(QualkitError, match="unknown identifier kind"):
        find_identifiers("x", kinds=["passport"])


def test_overlaps_longest_first_whatever_the_input_order():
    text = "Ellie Hart at ellie.hart@example.org"
    found = find_identifiers(text, names=["Ellie", "Ellie Hart", "hart"])
    assert [(f.kind, f.text) for f in found] == [("name", "Ellie Hart"),
                                                 ("email", "ellie.hart@example.org")]
    many = [Finding("name", 0, 5, "Ellie"), Finding("name", 0, 10, "Ellie Hart"),
            Finding("name", 6, 10, "Hart"), Finding("email", 14, 36, text[14:36]),
            Finding("name", 14, 19, "ellie")]
    outcomes = set()
    for seed in range(20):
        random.Random(seed).shuffle(many)
        outcomes.add(redact(text, many).text)
    assert outcomes == {"[Person 1] at [email]"}


# --- redaction and pseudonyms -------------------------------------------------------------

def test_redacting_the_fixture_removes_every_identifier():
    pmap = PseudonymMap()
    pmap.register(NAMES)
    red = redact(FIXTURE, find_identifiers(FIXTURE, names=NAMES), pmap)
    for _, original in PLANTED:  # whole tokens: "0161 496 01234" is a misprint decoy, kept
        assert occurrences(red.text, original) == []
    assert red.counts == {"name": 10, "nhs_number": 4, "upn": 3, "phone_uk": 8, "postcode": 4,
                          "email": 4}
    assert sum(red.counts.values()) == len(red.replacements) == len(PLANTED)
    assert "[Person 1]'s plan" in red.text and "[Person 1] started" in red.text
    assert "[Person 3]'s case" in red.text and "Dr [Person 2] (SENCO): [Person 2] here" in red.text
    assert "[NHS number], the school had it as [NHS number]" in red.text
    assert "(UPN: [UPN])" in red.text and "[postcode]. We'd moved to [postcode]" in red.text
    assert "on 12/03/2021." in red.text and "About 1,200 pupils" in red.text
    for r in red.replacements:
        assert FIXTURE[r.start:r.end] == r.original and red.text[r.new_start:r.new_end] == r.tag


def test_pseudonyms_are_stable_across_documents_and_persist():
    pmap = PseudonymMap()
    pmap.register(NAMES)
    assert pmap.pseudonym("ellie") == pmap.pseudonym("ELLIE  hart") == "Person 1"
    assert pmap.pseudonym("Aisha") == "Person 3"
    first = redact("Tom met Zara.", find_identifiers("Tom met Zara.", names=["Tom", "Zara"]), pmap)
    assert first.text == "[Person 2] met [Person 4]."
    stored = pmap.to_dict()
    again = PseudonymMap.from_dict(stored)
    assert again == pmap and again.to_dict() == stored
    second = redact("Zara and Ellie; then Sam.", find_identifiers(
        "Zara and Ellie; then Sam.", names=["Zara", "Ellie", "Sam"]), again)
    assert second.text == "[Person 4] and [Person 1]; then [Person 5]."


def test_new_people_are_numbered_after_the_highest_and_hand_labels_are_kept():
    pmap = PseudonymMap.from_dict({"people": {"ellie": "Person 7", "tom": "Child A"}})
    assert pmap.pseudonym("Tom") == "Child A"
    assert pmap.pseudonym("Zara") == "Person 8"
    assert pmap.add_person("Ellie Hart", "Ellie") == "Person 7"  # joins the known person
    assert pmap.pseudonym("ellie hart") == "Person 7"
    with pytest.raises(QualkitError):
        PseudonymMap.from_dict({"people": ["ellie"]})


def test_redact_refuses_findings_from_another_text():
    with pytest.raises(QualkitError, match="does not match"):
        redact("Hello Ellie", [Finding("name", 0, 5, "Ellie")])


@pytest.mark.parametrize("speaker,party,expected", [
    ("Joanna Pryce", "interviewer", "Interviewer"),
    ("Sam Ellis", "participant", "Participant 1"),
    ("Kim Lee", None, "Participant 2"),
    ("Dr Jane Smith", "SENCO", "SENCO"),
    ("sam  ellis", "interviewer", "Participant 1"),  # first label sticks
    ("P3", "participant", "P3"),
    ("Interviewer", "interviewer", "Interviewer"),
    (None, "participant", None),
])
def test_speakers_become_roles(speaker, party, expected):
    pmap = PseudonymMap()
    for earlier, role in [("Joanna Pryce", "interviewer"), ("Sam Ellis", "participant"),
                          ("Kim Lee", None)]:
        pseudonymise_speaker(earlier, role, pmap)
    assert pseudonymise_speaker(speaker, party, pmap) == expected
    assert PseudonymMap.from_dict(pmap.to_dict()).speakers == pmap.speakers


# --- offsets ------------------------------------------------------------------------------

def test_map_offset_by_hand():
    text = "Call 07700 900123 or email a@b.org now"
    red = redact(text, find_identifiers(text))
    assert red.text == "Call [phone] or email [email] now"
    assert [map_offset(red, i) for i in (0, 5, 6, 17, 18, 27, 28, 34, len(text))] == [
        0, 5, 5, 12, 13, 22, 22, 29, len(red.text)]
    assert map_offset(red, 6, side="end") == 12 and map_offset(red, 30, side="end") == 29
    # a segment that starts inside the phone number and ends inside the email covers both tags
    assert map_span(red, 8, 30) == (5, 29)
    with pytest.raises(ValueError):
        map_offset(red, len(text) + 1)


def test_segments_without_identifiers_keep_their_text():
    pmap = PseudonymMap()
    red = redact(FIXTURE, find_identifiers(FIXTURE, names=NAMES), pmap)
    taken = [(r.start, r.end) for r in red.replacements]
    clean = [(m, m + 40) for m in range(0, len(FIXTURE) - 40, 7)
             if all(m + 40 <= s or m >= e for s, e in taken)]
    assert len(clean) > 100
    for s, e in clean:
        new_s, new_e = map_span(red, s, e)
        assert red.text[new_s:new_e] == FIXTURE[s:e]


# --- property: planted identifiers never survive; offsets never go backwards ---------------

_nhs = st.text("0123456789", min_size=9, max_size=9).filter(
    lambda n: nhs_check_digit(n) is not None).map(lambda n: n + str(nhs_check_digit(n)))
_nhs_written = st.tuples(_nhs, st.sampled_from(["", " ", "-"])).map(
    lambda t: t[1].join([t[0][:3], t[0][3:6], t[0][6:]]))
_upn = st.tuples(st.text("0123456789", min_size=11, max_size=11),
                 st.sampled_from("0123456789ABCDEFGHJKLMN")).map(
    lambda t: upn_check_letter(t[0] + t[1]) + t[0] + t[1])
_digits = st.text("0123456789", min_size=6, max_size=6)
_phone = st.tuples(st.sampled_from(["07700 {}", "+44 7700 {}", "07700-{}", "0161 496 {}",
                                    "(01632) {}", "+44 (0)20 7946 {}"]), _digits).map(
    lambda t: t[0].format(t[1][:4] if "496" in t[0] or "7946" in t[0] else t[1]))
_postcode = st.tuples(st.sampled_from(["M", "SW", "LS", "CR", "DN", "B"]), st.integers(1, 29),
                      st.integers(0, 9), st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"),
                      st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"), st.sampled_from([" ", ""])).map(
    lambda t: f"{t[0]}{t[1]}{t[5]}{t[2]}{t[3]}{t[4]}")
_email = st.tuples(st.text("abcdefghij", min_size=1, max_size=8),
                   st.sampled_from(["example.org", "school.example.sch.uk"])).map("@".join)
_name = st.sampled_from(["Ellie", "ellie's", "Tom Baker", "AISHA", "Aisha's"])
_FILLER = ["on 12/03/2021", "3 March 2022", "in 2019", "at 09:30", "£1,200", "12%",
           "450 children", "about 1,200 pupils", "999 390 9964", "and", "the plan", "07700 90012",
           "B12 3rd", "0-25", "we said", "(ref 42)"]
_planted = st.one_of(_nhs_written, _upn, _phone, _postcode, _email, _name)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_planted, st.sampled_from(_FILLER)), min_size=1, max_size=14),
       st.sampled_from([" ", ", ", ". ", "; ", "\n"]))
def test_redacted_text_never_holds_a_planted_identifier(pieces, sep):
    text = sep.join(pieces)
    planted = [p for p in pieces if p not in _FILLER]
    red = redact(text, find_identifiers(text, names=NAMES), PseudonymMap())
    for p in planted:
        core = p.removesuffix("'s")
        assert core not in red.text
    mapped = [map_offset(red, i) for i in range(len(text) + 1)]
    assert mapped == sorted(mapped) and mapped[0] == 0 and mapped[-1] == len(red.text)
    ends = [map_offset(red, i, side="end") for i in range(len(text) + 1)]
    assert ends == sorted(ends) and all(a <= b for a, b in zip(mapped, ends))



# --- report and scan ----------------------------------------------------------------------

def test_scan_counts_and_offsets_per_document():
    docs = {"int07.txt": FIXTURE, "empty.txt": "Nothing to see on 12/03/2021.",
            "foi.txt": "Contact records@council.example.gov.uk or 0113 496 0999 (LS1 4AP)."}
    frame = scan(docs, names=NAMES)
    assert list(frame.columns) == SCAN_COLUMNS
    assert list(frame["document"].unique()) == ["int07.txt", "foi.txt"]
    fixture_rows = frame[frame["document"] == "int07.txt"].set_index("kind")["count"].to_dict()
    assert fixture_rows == {"nhs_number": 4, "upn": 3, "email": 4, "phone_uk": 8,
                            "postcode": 4, "name": 10}
    foi = frame[frame["document"] == "foi.txt"]
    assert list(foi["kind"]) == ["email", "phone_uk", "postcode"]
    assert foi["examples"].tolist() == [[(8, 38)], [(42, 55)], [(57, 64)]]
    # no identifier text leaks into the report
    assert not any(t in frame.to_string() for _, t in PLANTED if len(t) > 5)


def test_redaction_report_aggregates_by_kind_and_document():
    report = RedactionReport()
    report.add("a.txt", redact(FIXTURE, find_identifiers(FIXTURE, names=NAMES)))
    report.add("b.txt", {"email": 2, "upn": 0})
    report.add("b.txt", {"email": 1, "name": 1})
    assert report.by_document["b.txt"] == {"email": 3, "name": 1}
    assert report.by_kind == {"nhs_number": 4, "upn": 3, "email": 7, "phone_uk": 8,
                              "postcode": 4, "name": 11}
    assert report.total == len(PLANTED) + 4
    frame = report.to_frame()
    assert list(frame.columns) == ["document", "kind", "count"] and frame["count"].sum() == 37


def test_importing_privacy_loads_no_pandas():
    import subprocess
    import sys
    code = "import sys, qualkit.privacy; print('pandas' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    assert res.stdout.strip() == "False"


# ------------------------------------------------------------------ through the project and CLI
def test_privacy_scan_and_a_stable_pseudonym_map(tmp_path):
    from typer.testing import CliRunner

    import qualkit as qk
    from qualkit.cli import app

    p = qk.init_project(tmp_path / "study")
    (p.root / "qualkit.yaml").write_text("privacy:\n  names: [[Ellie Hart, Ellie]]\n",
                                         encoding="utf-8")
    (p.root / "transcripts" / "a.txt").write_text(
        "P1: Ellie's NHS number is 943 476 5919 and her mum's e-mail is mum@example.org.\n"
        "P1: We met on 12/03/2021 with 450 children in the cohort.\n", encoding="utf-8")
    p = qk.open_project(p.root)
    p.ingest()
    res = CliRunner().invoke(app, ["-C", str(p.root), "privacy", "scan"])
    assert res.exit_code == 0, res.output
    assert "nhs_number" in res.output and "email" in res.output and "name" in res.output
    assert "943 476 5919" not in res.output and "Ellie" not in res.output
    scan = p.privacy_scan().set_index("kind")["count"].to_dict()
    assert scan == {"nhs_number": 1, "email": 1, "name": 1}  # the date and the 450 survive
    pmap = p.pseudonym_map()
    first = pmap.pseudonym("Ellie")
    p.save_pseudonym_map(pmap)
    assert qk.open_project(p.root).pseudonym_map().pseudonym("Ellie Hart") == first
