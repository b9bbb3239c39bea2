"""The FOI parser on the invented letters in ``foi/``: one letter per layout, every field checked.

Layouts (file -> what it exercises):

- ashby-vale-council.txt        Leicester-like "Option<tabs/spaces>Yes" lines, health numbered 6
                                and 7, "in development" on the question line, council name
                                merged into the echoed "aren't using linked data" option
- harrowdene-metropolitan.txt   Coventry-like bullet lists of chosen options ("-", "*"), an
                                "Other - ..." bullet, a caveat sentence, "Not applicable"
- kingsmere-london-borough.txt  Barnet-like: whole request echoed, then "Our response" with
                                "Option - Yes" and "Option - explanation" lines, numbered 1-7
- thornbury-county-council.txt  markdown pipe table "| No. | Question | Response |"
- marlowe-city-council.txt      tab-separated table, options as "Option<TAB>Yes/No" rows
- eastholme-qa.txt              Q1/A1 pairs, in development, "N/A"
- wexcombe-email-reply.txt      e-mail reply answering under ">"-quoted questions (wrapped), a
                                question left unanswered after a "No" gate
- bramford-county-council.txt   "Option: Yes" / "Option: No" lists, "Answer:" prefixes
- saltmarsh-borough-council.txt prose answers, with negated options ("but not the CiN census")
- harrowdene-wexcombe-icb.txt   ICB questionnaire (variant "icb", icb_partners, icb_barriers)
- fenwick-county-council.txt    section 12 refusal that echoes the questions and answers none
- oakridge-metropolitan.txt     questions echoed, then a "Response:" list answering by number
- lindenford-city-council.docx  Word table, one cell per line once read: options followed by a
                                tick ("\u2713") or an empty cell
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qualkit.foi.parse import FoiLetter, looks_like_foi, parse_letter

FOI = Path(__file__).resolve().parents[1] / "foi"
LA = ["q1_link_edu_social", "q2_datasets", "q3_groups", "q4_uses", "q5_link_health",
      "q6_health_datasets"]
ICB = ["q2_datasets", "q3_groups", "q4_uses", "q5_link_health", "q6_health_datasets",
       "icb_partners", "icb_barriers"]

# file -> variant; answers as (question, answer, options, qualifier, confidence, evidence the
# answer's span starts with); free text as (question, text); problems.
EXPECTED = {
    'ashby-vale-council.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), '', 0.95, 'Yes'),
            ('q2_datasets', 'selected', ('school_census', 'cin_census', 'cla_return', 'other'), '',
             0.95, 'School census\t\tYes'),
            ('q3_groups', 'selected', ('send', 'cin', 'cla'), '', 0.95,
             'Children and young people with Special Educat'),
            ('q4_uses', 'selected',
             ('strategic_planning', 'data_dashboard', 'targeted_interventions'), '', 0.95,
             'Strategic planning  Yes'),
            ('q5_link_health', 'in development', (),
             'a data sharing agreement with the 0-19 public health nursing provider is being '
             'finalised',
             0.95, 'In development - a data sharing agreement wit'),
            ('q6_health_datasets', 'selected', ('child_health_records', 'births'), '', 0.95,
             'Child Health Records  Yes'),
        ],
        "free": [
            ('q2_datasets', 'Early Help assessments and Youth Justice Service records'),
            ('q5_link_health',
             'a data sharing agreement with the 0-19 public health nursing provider is being '
             'finalised'),
        ],
        "problems": [],
    },
    'bramford-county-council.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), 'in the SEND team only', 0.95,
             'Yes, in the SEND team only.'),
            ('q2_datasets', 'selected', ('school_census', 'cla_return'), '', 0.95,
             'School census: Yes'),
            ('q3_groups', 'selected', ('send', 'cla'), '', 0.95,
             'Children and young people with Special Educat'),
            ('q4_uses', 'selected', ('data_dashboard', 'service_review'), '', 0.95,
             'Data dashboard: Yes'),
            ('q5_link_health', 'yes', (), '', 0.95, 'Yes'),
            ('q6_health_datasets', 'selected', ('camhs', 'ae', 'deaths', 'births'), '', 0.95,
             'Secondary care (CAMHS): Yes'),
        ],
        "free": [
            ('q1_link_edu_social', 'in the SEND team only'),
            ('q4_uses', 'annual review of the SEND transport policy'),
            ('q6_health_datasets', 'limited to attendances of children under 5'),
        ],
        "problems": [],
    },
    'eastholme-qa.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'in development', (),
             'We are procuring a new case management system that will allow the two data sets to '
             'be matched from April 2024',
             0.95, 'In development. We are procuring a new case m'),
            ('q2_datasets', 'selected', ('school_census', 'cin_census'), '', 0.8,
             'School census and the CiN census.'),
            ('q3_groups', 'selected', ('cin', 'cla'), '', 0.8,
             'Children in need; looked after children.'),
            ('q4_uses', 'selected', ('strategic_planning', 'service_review'), '', 0.8,
             'Strategic planning and service review. The pi'),
            ('q5_link_health', 'no', (), '', 0.95, 'No.'),
            ('q6_health_datasets', 'none', (), '', 0.9, 'N/A'),
        ],
        "free": [
            ('q1_link_edu_social',
             'We are procuring a new case management system that will allow the two data sets to '
             'be matched from April 2024'),
            ('q4_uses', 'The pilot has been used to plan the virtual school budget.'),
        ],
        "problems": [],
    },
    'fenwick-county-council.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'unclear', (), '', 0.0,
             'Do you currently link your education and soci'),
            ('q2_datasets', 'unclear', (), '', 0.0, 'Which of your datasets are you linking? Schoo'),
            ('q3_groups', 'unclear', (), '', 0.0, 'Which groups of children and young people do '),
            ('q4_uses', 'unclear', (), '', 0.0, 'How are you using the linked data?'),
            ('q5_link_health', 'unclear', (), '', 0.0,
             'Do you currently link local authority data se'),
            ('q6_health_datasets', 'unclear', (), '', 0.0,
             'Which health data sets are you linking with e'),
        ],
        "free": [
        ],
        "problems": ['the authority declined to answer: section 12 (cost limit)',
                    'q1_link_edu_social: answer unclear',
                    'q2_datasets: answer unclear',
                    'q3_groups: answer unclear',
                    'q4_uses: answer unclear',
                    'q5_link_health: answer unclear',
                    'q6_health_datasets: answer unclear'],
    },
    'harrowdene-metropolitan.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), 'for children open to social care', 0.95,
             'Yes, for children open to social care.'),
            ('q2_datasets', 'selected', ('school_census', 'cla_return'), '', 0.9, 'School census'),
            ('q3_groups', 'selected', ('cin', 'cla', 'other'), '', 0.85, 'Children in Need'),
            ('q4_uses', 'selected', ('data_dashboard', 'joint_commissioning'), '', 0.9,
             'Data dashboards'),
            ('q5_link_health', 'no', (),
             'Our systems are not compatible with the NHS community health record and there is no '
             'data sharing agreement in place',
             0.95, 'No. Our systems are not compatible with the N'),
            ('q6_health_datasets', 'none', (), 'see our answer to question 5', 0.9,
             'Not applicable - see our answer to question 5'),
        ],
        "free": [
            ('q1_link_edu_social', 'for children open to social care'),
            ('q2_datasets',
             'The CiN census is not linked because the two case management systems use different '
             'child identifiers.'),
            ('q3_groups', 'young carers known to the Young Carers Service'),
            ('q5_link_health',
             'Our systems are not compatible with the NHS community health record and there is '
             'no data sharing agreement in place'),
        ],
        "problems": [],
    },
    'harrowdene-wexcombe-icb.txt': {
        "variant": 'icb',
        "answers": [
            ('q2_datasets', 'selected', ('school_census', 'cla_return'), '', 0.9, 'School census'),
            ('q3_groups', 'selected', ('send', 'cla'), '', 0.9,
             'Children and young people with Special Educat'),
            ('q4_uses', 'selected', ('strategic_planning', 'joint_commissioning'), '', 0.95,
             'Strategic planning - Yes'),
            ('q5_link_health', 'yes', (),
             'for children with an Education, Health and Care Plan, through the population health '
             'management platform',
             0.95, 'Yes - for children with an Education, Health '),
            ('q6_health_datasets', 'selected', ('gp', 'csds', 'ae'), '', 0.9,
             'Primary care (GP data)'),
            ('icb_partners', 'selected', ('local_authority', 'nhs_provider'), '', 0.6,
             'Wexcombe Borough Council and Harrowdene City '),
            ('icb_barriers', 'given', (), '', 0.9, 'Information governance: each partner requires'),
        ],
        "free": [
            ('q5_link_health',
             'for children with an Education, Health and Care Plan, through the population '
             'health management platform'),
            ('icb_partners',
             'Wexcombe Borough Council and Harrowdene City Council, and the Harrowdene Community '
             'Health NHS Trust.'),
            ('icb_barriers',
             'Information governance: each partner requires its own data sharing agreement and '
             'data protection impact assessment.'),
            ('icb_barriers',
             'There is no consistent identifier, as the NHS number is not recorded in the '
             'education systems of either council.'),
            ('icb_barriers', "Capacity: the ICB has one analyst supporting children's data."),
        ],
        "problems": [],
    },
    'kingsmere-london-borough.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), "weekly, through the council's data warehouse", 0.95,
             "Yes - weekly, through the council's data ware"),
            ('q2_datasets', 'selected', ('school_census', 'cin_census', 'other'), '', 0.85,
             'School census - Yes'),
            ('q3_groups', 'selected', ('cin', 'cla'), '', 0.95, 'Children in Need - Yes'),
            ('q4_uses', 'selected', ('strategic_planning', 'joint_commissioning'), '', 0.85,
             'Strategic planning - Yes'),
            ('q5_link_health', 'yes', (), 'for children open to the 0-19 service', 0.95,
             'Yes, for children open to the 0-19 service.'),
            ('q6_health_datasets', 'selected', ('gp', 'camhs', 'child_health_records'), '', 0.95,
             'Primary care (GP data) - Yes'),
        ],
        "free": [
            ('q1_link_edu_social', "weekly, through the council's data warehouse"),
            ('q2_datasets', 'Early Help module and Youth Justice records'),
            ('q3_groups', 'only children known to early help or social care'),
            ('q4_uses', 'with the ICB for short breaks and SEND therapies'),
            ('q5_link_health', 'for children open to the 0-19 service'),
            ('q6_health_datasets',
             'The public health team hold the health visiting records and match them to the '
             'school census each autumn.'),
        ],
        "problems": [],
    },
    'marlowe-city-council.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), 'for pupils known to social care', 0.95,
             'Yes, for pupils known to social care'),
            ('q2_datasets', 'selected', ('school_census', 'cin_census'), '', 0.95,
             'School census\tYes'),
            ('q3_groups', 'selected', ('send', 'cin', 'fsm'), '', 0.95,
             'Children and young people with Special Educat'),
            ('q4_uses', 'selected', ('strategic_planning', 'service_review', 'other'), '', 0.95,
             'Strategic planning\tYes'),
            ('q5_link_health', 'no', (), '', 0.95, 'No'),
            ('q6_health_datasets', 'none', (), '', 0.9, 'N/A'),
        ],
        "free": [
            ('q1_link_edu_social', 'for pupils known to social care'),
            ('q4_uses', 'to identify families for the Supporting Families programme'),
        ],
        "problems": [],
    },
    'oakridge-metropolitan.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (),
             "since 2021, using the council's Liquidlogic and Capita One systems", 0.85,
             "Yes, since 2021, using the council's Liquidlo"),
            ('q2_datasets', 'selected', ('school_census', 'cin_census', 'cla_return'), '', 0.72,
             'School census; Children in Need (CiN) census;'),
            ('q3_groups', 'selected', ('all',), '', 0.77, 'All children and young people'),
            ('q4_uses', 'selected',
             ('strategic_planning', 'service_review', 'targeted_interventions'), '', 0.72,
             'Strategic planning, service review and target'),
            ('q5_link_health', 'in development', (), '', 0.85, 'In development'),
            ('q6_health_datasets', 'selected', ('deaths', 'births'), '', 0.54,
             'Births and deaths registrations only, receive'),
        ],
        "free": [
            ('q1_link_edu_social',
             "since 2021, using the council's Liquidlogic and Capita One systems"),
            ('q6_health_datasets',
             'Births and deaths registrations only, received from the ICB each month.'),
            (None, 'Please note that the figures above relate to the 2022/23 financial year.'),
        ],
        "problems": [],
    },
    'saltmarsh-borough-council.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (),
             'Matching is done on name and date of birth because the unique pupil number is not '
             'held in the social care system.',
             0.6, 'We currently link our education and social ca'),
            ('q2_datasets', 'selected', ('school_census', 'cla_return'), '', 0.6,
             'We link the school census and the children lo'),
            ('q3_groups', 'selected', ('send', 'fsm', 'all'), '', 0.6,
             'Data is linked for all children and young peo'),
            ('q4_uses', 'selected', ('joint_commissioning', 'service_review'), '', 0.6,
             'The linked data feeds our service reviews and'),
            ('q5_link_health', 'no', (),
             'Discussions with the integrated care board have stalled because of concerns about '
             'information governance.',
             0.7, 'We do not currently link any health data sets'),
            ('q6_health_datasets', 'none', (), '', 0.9, 'None.'),
        ],
        "free": [
            ('q1_link_edu_social',
             'We currently link our education and social care records through a shared data '
             'warehouse, which is refreshed every night. Matching is done on name and date of '
             'birth because the unique pupil number is not held in the social care system.'),
            ('q2_datasets',
             'We link the school census and the children looked after return (SSDA903), but not '
             'the CiN census, which is still held on paper for some older cases.'),
            ('q3_groups',
             'Data is linked for all children and young people in the borough, including '
             'children with special educational needs and children eligible for free school '
             'meals.'),
            ('q4_uses',
             'The linked data feeds our service reviews and supports joint commissioning with '
             'health partners.'),
            ('q5_link_health',
             'We do not currently link any health data sets. Discussions with the integrated '
             'care board have stalled because of concerns about information governance.'),
        ],
        "problems": [],
    },
    'thornbury-county-council.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), '', 0.95, 'Yes'),
            ('q2_datasets', 'selected', ('school_census', 'cla_return'), '', 0.8,
             'School census; Children looked after return ('),
            ('q3_groups', 'selected', ('send', 'cla', 'fsm'), '', 0.8, 'SEND, CLA and FSM'),
            ('q4_uses', 'selected', ('data_dashboard', 'targeted_interventions'), '', 0.8,
             'Data dashboard; Targeted interventions (indiv'),
            ('q5_link_health', 'in development', (),
             'a data sharing agreement with the ICB is being drafted', 0.95,
             'In development - a data sharing agreement wit'),
            ('q6_health_datasets', 'none', (),
             'until the agreement is signed no health data is received', 0.9,
             'None - until the agreement is signed no healt'),
        ],
        "free": [
            ('q5_link_health', 'a data sharing agreement with the ICB is being drafted'),
            ('q6_health_datasets', 'until the agreement is signed no health data is received'),
        ],
        "problems": [],
    },
    'wexcombe-email-reply.txt': {
        "variant": 'la',
        "answers": [
            ('q1_link_edu_social', 'yes', (), 'on a termly basis, for school-age children only',
             0.95, 'Yes, on a termly basis, for school-age childr'),
            ('q2_datasets', 'selected', ('school_census', 'cla_return'), '', 0.8,
             'School census and Children looked after retur'),
            ('q3_groups', 'selected', ('send', 'cla'), '', 0.6,
             'We link data on children with SEND and childr'),
            ('q4_uses', 'selected', ('strategic_planning', 'data_dashboard'), '', 0.6,
             'Mainly for strategic planning; our analysts a'),
            ('q5_link_health', 'no', (),
             'we have no data sharing agreement with health partners at present', 0.95,
             'No - we have no data sharing agreement with h'),
            ('q6_health_datasets', 'none', (), '', 0.7,
             'No - we have no data sharing agreement with h'),
        ],
        "free": [
            ('q1_link_edu_social', 'on a termly basis, for school-age children only'),
            ('q3_groups',
             'We link data on children with SEND and children in care, but not on all children.'),
            ('q4_uses',
             'Mainly for strategic planning; our analysts also produce a quarterly dashboard for '
             'the virtual school.'),
            ('q5_link_health', 'we have no data sharing agreement with health partners at present'),
        ],
        "problems": [],
    },
}


DOCX = "lindenford-city-council.docx"


def _read(name: str) -> tuple[str, FoiLetter]:
    text = (FOI / name).read_text(encoding="utf-8")
    return text, parse_letter(text)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_letter_fields(name: str) -> None:
    text, letter = _read(name)
    want = EXPECTED[name]
    assert looks_like_foi(text)
    assert letter.variant == want["variant"]
    assert [a.question for a in letter.answers] == (ICB if want["variant"] == "icb" else LA)
    for a, (qid, answer, options, qualifier, confidence, evidence) in zip(letter.answers,
                                                                          want["answers"]):
        assert a.question == qid
        assert (a.answer, a.options, a.qualifier) == (answer, options, qualifier), qid
        assert a.confidence == pytest.approx(confidence), qid
        assert text[a.start:a.end].startswith(evidence), qid
        if qualifier:
            assert qualifier in text[a.start:a.end], qid
    assert [(f.question, f.text) for f in letter.free_text] == want["free"]
    assert letter.problems == want["problems"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spans_slice_back_and_skip_boilerplate(name: str) -> None:
    text, letter = _read(name)
    for f in letter.free_text:
        assert text[f.start:f.end] == f.text
    for a in letter.answers:
        assert 0 <= a.start <= a.end <= len(text)
        if a.answer == "unclear":
            assert (a.confidence, a.options) == (0.0, ())
        else:
            assert 0.5 <= a.confidence <= 1.0
        if a.answer == "selected":
            assert a.options
    joined = " ".join(f.text for f in letter.free_text).lower()
    for phrase in ("information commissioner", "wycliffe", "internal review", "licence",
                   "copyright", "re-use", "yours", "dear ", "@"):
        assert phrase not in joined, phrase


def test_every_layout_has_a_letter_and_attributes() -> None:
    import csv

    rows = list(csv.DictReader((FOI / "attributes.csv").open(encoding="utf-8")))
    assert [r for r in rows if r["kind"] != "foi"] == []
    files = {p.name for p in FOI.iterdir() if p.suffix in (".txt", ".docx")}
    assert {r["file"] for r in rows} == files == set(EXPECTED) | {DOCX}
    assert {r["authority_type"] for r in rows} == {"unitary", "metropolitan district",
                                                   "london borough", "county council", "icb"}
    assert len(rows) >= 10


def test_echoed_options_are_not_answers() -> None:
    # Kingsmere echoes every option before "Our response"; none of the echo is read.
    text, letter = _read("kingsmere-london-borough.txt")
    response = text.index("Our response")
    assert all(a.start > response for a in letter.answers)
    assert all(f.start > response for f in letter.free_text)
    a = {x.question: x for x in letter.answers}
    assert "all" not in a["q3_groups"].options  # "All children and young people - No, ..."
    assert "not_using" not in a["q4_uses"].options


def test_quoted_lines_are_the_echo() -> None:
    text, letter = _read("wexcombe-email-reply.txt")
    quoted = [i for i, line in enumerate(text.splitlines(keepends=True)) if line.startswith(">")]
    starts, pos = [], 0
    for line in text.splitlines(keepends=True):
        starts.append(pos)
        pos += len(line)
    spans = [(starts[i], starts[i] + len(text.splitlines(keepends=True)[i])) for i in quoted]
    for item in list(letter.answers) + list(letter.free_text):
        for s, e in spans:
            assert not (s <= item.start < e), item


def test_refusal_reports_the_reason() -> None:
    _, letter = _read("fenwick-county-council.txt")
    assert all(a.answer == "unclear" and a.confidence == 0 for a in letter.answers)
    assert letter.free_text == []
    assert any("section 12" in p for p in letter.problems)


def test_icb_extra_questions() -> None:
    text, letter = _read("harrowdene-wexcombe-icb.txt")
    a = {x.question: x for x in letter.answers}
    assert "q1_link_edu_social" not in a  # the ICB questionnaire does not ask it
    assert text[a["q5_link_health"].start:].startswith("Yes - for children with an Education")
    barriers = [f.text for f in letter.free_text if f.question == "icb_barriers"]
    assert len(barriers) == 3 and barriers[1].startswith("There is no consistent identifier")
