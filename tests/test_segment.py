"""Segmentation: offsets slice back, turns are never crossed, ids are stable."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.models import QualkitError, Turn
from qualkit.segment import SegmentSettings, segment_document


def turns_of(text: str, labels: list[str]) -> list[Turn]:
    """Turns for lines 'Label: utterance' (test helper, independent of the readers)."""
    turns, pos = [], 0
    for line in text.split("\n"):
        for label in labels:
            if line.startswith(label + ": "):
                start = pos + len(label) + 2
                turns.append(Turn(start, pos + len(line), label))
        pos += len(line) + 1
    return turns


TEXT = ("INVENTED header line\n"
        "Interviewer: How do you link the data? Tell me about it.\n"
        "P1: Yeah. We match on the NHS number, e.g. for Dr. Patel's team. It took a year.\n"
        "Interviewer: Mm-hm.\n"
        "P1: Right.\n")


def test_sentences_slice_back_and_stay_in_turns():
    turns = turns_of(TEXT, ["Interviewer", "P1"])
    segs = segment_document("d.txt", TEXT, turns)
    for s in segs:
        assert TEXT[s.start:s.end] == s.text
        assert any(t.start <= s.start and s.end <= t.end and t.speaker == s.speaker for t in turns)
    texts = [s.text for s in segs]
    assert "INVENTED header line" not in " ".join(texts)  # text outside turns is not segmented
    assert "How do you link the data?" in texts
    # "Dr." and "e.g." do not end sentences
    assert any("e.g. for Dr. Patel's team." in t for t in texts)


def test_short_fragments_merge_within_a_turn_or_are_flagged():
    turns = turns_of(TEXT, ["Interviewer", "P1"])
    merged = segment_document("d.txt", TEXT, turns)
    assert merged[2].text.startswith("Yeah. We match")  # merged into its neighbour
    lone = [s for s in merged if s.text in ("Mm-hm.", "Right.")]
    assert lone and all(s.flags == "short" for s in lone)  # alone in their turn: flagged
    flagged = segment_document("d.txt", TEXT, turns, SegmentSettings(short_policy="flag"))
    assert [s.text for s in flagged if s.flags == "short"] == ["Yeah.", "Mm-hm.", "Right."]


def test_turn_unit_gives_one_segment_per_turn():
    turns = turns_of(TEXT, ["Interviewer", "P1"])
    segs = segment_document("d.txt", TEXT, turns, SegmentSettings(unit="turn"))
    assert [s.speaker for s in segs] == ["Interviewer", "P1", "Interviewer", "P1"]
    assert all(s.unit == "turn" for s in segs)


def test_no_turns_means_one_speakerless_unit():
    segs = segment_document("d.txt", "  One sentence here. Another one follows.  ", [])
    assert [s.text for s in segs] == ["One sentence here.", "Another one follows."]
    assert all(s.speaker is None for s in segs)


def test_ids_are_stable_and_survive_edits_elsewhere():
    turns = turns_of(TEXT, ["Interviewer", "P1"])
    a = segment_document("d.txt", TEXT, turns)
    assert [s.id for s in a] == [s.id for s in segment_document("d.txt", TEXT, turns)]
    edited = TEXT.replace("INVENTED header line", "A much longer header line, edited")
    b = segment_document("d.txt", edited, turns_of(edited, ["Interviewer", "P1"]))
    assert [s.id for s in a] == [s.id for s in b]
    assert len({s.id for s in a}) == len(a)


def test_repeated_text_gets_distinct_ids():
    text = "P1: Yes.\nP1: Yes.\n"
    segs = segment_document("d.txt", text, turns_of(text, ["P1"]),
                            SegmentSettings(short_policy="keep"))
    assert len(segs) == 2 and segs[0].id != segs[1].id


def test_bad_settings_are_clear_errors():
    with pytest.raises(QualkitError, match="unknown segment unit"):
        SegmentSettings(unit="paragraph")


words = st.text(alphabet=st.characters(categories=["L", "N"], include_characters="’'-é"),
                min_size=1, max_size=9)
sentence = st.builds(lambda ws, p: " ".join(ws) + p, st.lists(words, min_size=1, max_size=12),
                     st.sampled_from([".", "?", "!", "...", "", ".\n\n"]))
utterance = st.lists(sentence, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Interviewer", "P1", "Respondent 2"]), utterance),
                min_size=1, max_size=8),
       st.sampled_from(["sentence", "turn"]), st.sampled_from(["merge", "flag", "keep"]))
def test_property_every_segment_slices_back_to_its_text(dialogue, unit, policy):
    text = "Header\n" + "".join(f"{who}: {what}\n" for who, what in dialogue)
    turns = turns_of(text, ["Interviewer", "P1", "Respondent 2"])
    segs = segment_document("d.txt", text, turns, SegmentSettings(unit=unit, short_policy=policy))
    for s in segs:
        assert text[s.start:s.end] == s.text and s.text.strip() == s.text and s.text
        assert any(t.start <= s.start and s.end <= t.end and t.speaker == s.speaker
                   for t in turns)
    assert [s.start for s in segs] == sorted(s.start for s in segs)
    assert all(a.end <= b.start for a, b in zip(segs, segs[1:]))
    assert len({s.id for s in segs}) == len(segs)


def test_an_opening_bracket_goes_with_the_sentence_it_opens():
    text = "P1: Oh, several business cases. [laughs] The problem is money. “Quoted,” she said."
    segs = segment_document("d.txt", text, turns_of(text, ["P1"]))
    assert [s.text for s in segs] == ["Oh, several business cases.",
                                      "[laughs] The problem is money.",
                                      "“Quoted,” she said."]


def test_a_closing_straight_quote_stays_with_its_sentence():
    text = "P1: He said 'no.' Then he left. She said \"fine.\" So we went."
    segs = segment_document("d.txt", text, turns_of(text, ["P1"]))
    assert [s.text for s in segs] == ["He said 'no.'", "Then he left.", 'She said "fine."',
                                      "So we went."]


def test_named_interviewers_get_the_interviewer_party():
    # issue #8 moved this decision out of segmentation: who interviews is decided once, at
    # ingest (ingest.parties), and stored as `party`; the written role stays as written
    from qualkit.ingest.parties import decide_parties

    text = "Joanna Pryce: What holds linkage back?\nDana Whitlock: Governance, mostly.\n"
    turns = turns_of(text, ["Joanna Pryce", "Dana Whitlock"])
    plain = segment_document("d.txt", text, turns)
    named = segment_document("d.txt", text, turns,
                             SegmentSettings(interviewers=("joanna pryce",)))
    assert [s.role for s in plain] == [None, None] == [s.role for s in named]
    parties = decide_parties({"Joanna Pryce": set(), "Dana Whitlock": set()}, {},
                             interviewers=("joanna pryce",))
    assert {k: d.party for k, d in parties.items()} == {"Joanna Pryce": "interviewer",
                                                         "Dana Whitlock": "participant"}
    assert SegmentSettings().fingerprint() != SegmentSettings(interviewers=("x",)).fingerprint()


def test_mixed_case_acronyms_end_sentences_but_initials_do_not():
    text = "P1: We link the CiN. It took a year. J. Smith and Dr. Patel agreed, e.g. on SEND."
    segs = segment_document("d.txt", text, turns_of(text, ["P1"]))
    assert [s.text for s in segs] == ["We link the CiN.", "It took a year.",
                                      "J. Smith and Dr. Patel agreed, e.g. on SEND."]
