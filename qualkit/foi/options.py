"""Vocabulary of the FOI questionnaire: question ids, how each question is worded, its options.

Everything here is data plus compiled regular expressions; the parser (``foi.py``) and the
layout readers (``foi_layouts.py``) use it. Patterns run on the *normalised* letter text (see
``normalise``): same length as the original, so offsets carry over, with non-breaking spaces,
curly quotes and dashes mapped to plain ASCII. Matching is case-insensitive except for acronyms,
which are wrapped in ``(?-i:...)`` so that the verb "send" is not read as SEND.

Question ids (canonical, see design/api.md): ``q1_link_edu_social``, ``q2_datasets``,
``q3_groups``, ``q4_uses``, ``q5_link_health``, ``q6_health_datasets``. The ICB questionnaire
(variant ``"icb"``) reuses ``q2``-``q6`` where the meaning matches and adds two ids:

- ``icb_partners`` -- "Which local authorities or other partners do you link data with?";
  options ``local_authority``, ``nhs_provider``, ``primary_care``, ``public_health``,
  ``police``, ``schools``, ``other``.
- ``icb_barriers`` -- "What are the barriers to linking health data with local authority
  data?"; a free-text question: answer ``given`` / ``none`` / ``unclear``, no options.
"""
from __future__ import annotations

import re

Q1, Q2, Q3, Q4, Q5, Q6 = ("q1_link_edu_social", "q2_datasets", "q3_groups", "q4_uses",
                          "q5_link_health", "q6_health_datasets")
ICB_PARTNERS, ICB_BARRIERS = "icb_partners", "icb_barriers"

LA_QUESTIONS = (Q1, Q2, Q3, Q4, Q5, Q6)
ICB_QUESTIONS = (Q2, Q3, Q4, Q5, Q6, ICB_PARTNERS, ICB_BARRIERS)
YES_NO = frozenset({Q1, Q5})
FREE_TEXT_ONLY = frozenset({ICB_BARRIERS})
YES_NO_ANSWERS = ("yes", "no", "in development")

# How the questionnaire words each question (shown beside FOI free text in the coding app).
QUESTION_TEXT = {
    Q1: "Do you currently link your education and social care data for children and young "
        "people?",
    Q2: "Which of your datasets are you linking?",
    Q3: "Which groups of children and young people do you link data on?",
    Q4: "How are you using the linked data?",
    Q5: "Do you currently link local authority data sets for children and young people with "
        "health data sets?",
    Q6: "Which health data sets are you linking with education and or social care?",
    ICB_PARTNERS: "Which local authorities or other partners do you link data with?",
    ICB_BARRIERS: "What are the barriers to linking health data with local authority data?",
}

# A multi-select question whose gate was answered "no" and that selects nothing is "none".
GATES = {"la": {Q2: Q1, Q3: Q1, Q4: Q1, Q6: Q5},
         "icb": {Q2: Q5, Q3: Q5, Q4: Q5, Q6: Q5, ICB_PARTNERS: Q5}}

# 1:1 character map, so the normalised text has the same offsets as the letter.
_NORMAL = {0xA0: " ", 0x2007: " ", 0x2009: " ", 0x200A: " ", 0x202F: " ", 0x200B: " ",
           0xFEFF: " ", 0x2018: "'", 0x2019: "'", 0x201B: "'", 0x02BC: "'", 0x2032: "'",
           0x201C: '"', 0x201D: '"', 0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-",
           0x2014: "-", 0x2015: "-", 0x2212: "-", 0x0D: "\n", 0xF0B7: "\u2022",
           0xF0A7: "\u2022", 0x25AA: "\u2022", 0x25E6: "\u2022", 0x25CF: "\u2022",
           0x2043: "\u2022", 0x00B7: "\u2022"}


def normalise(text: str) -> str:
    """Same-length copy of ``text`` with look-alike characters made plain."""
    return text.translate(_NORMAL)


def _rx(*alternatives: str) -> re.Pattern[str]:
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(rf"(?<![\w&])(?:{body})(?![\w&])", re.IGNORECASE)


def _ac(word: str) -> str:
    """A case-sensitive acronym inside an otherwise case-insensitive pattern."""
    return f"(?-i:{word})"


_PAREN = r"(?:\s*\([^()\n]{1,80}\))?"  # an optional "(CiN)", "(care experienced)" ...
_OTHER = r"other(?:\s*\(\s*please\s+specify\s*\))?(?:\s+(?:data\s*sets?|groups?|uses?))?"

# option id -> synonyms. Order does not matter: the longest match wins.
OPTIONS: dict[str, dict[str, re.Pattern[str]]] = {
    Q2: {
        "school_census": _rx(r"school\s+census(?:\s+data)?"),
        "cin_census": _rx(r"child(?:ren)?\s+in\s+need\s*(?:\(\s*cin\s*\)\s*)?census(?:\s+data)?",
                          rf"{_ac('(?:CiN|CIN)')}\s+(?:census|return)(?:\s+data)?"),
        "cla_return": _rx(
            r"children\s+looked\s+after\s+(?:return|census)(?:\s*\(?\s*s{1,3}da\s*-?\s*903\s*\)?)?"
            r"(?:\s+data\s+collection)?",
            rf"(?:looked\s+after\s+children|{_ac('CLA|LAC')})\s+(?:return|census)"
            r"(?:\s*\(?\s*s{1,3}da\s*-?\s*903\s*\)?)?(?:\s+data\s+collection)?",
            r"s{1,3}da\s*-?\s*903(?:\s+(?:return|data(?:\s+collection)?))?",
            r"903\s+(?:return|data)"),
        "other": _rx(_OTHER),
    },
    Q3: {
        "send": _rx(r"(?:children\s+and\s+young\s+people|children|pupils)\s+with\s+special\s+"
                    r"educational\s+needs?(?:\s+and\s*(?:/\s*or\s+)?disabilit(?:y|ies))?" + _PAREN,
                    r"special\s+educational\s+needs?(?:\s+and\s*(?:/\s*or\s+)?disabilit(?:y|ies))?"
                    + _PAREN,
                    rf"(?:(?:children|pupils)\s+with\s+)?{_ac('SEN/?D|SEN')}",
                    rf"(?:children|pupils)\s+with\s+{_ac('EHCPs?')}"),
        "cin": _rx(r"child(?:ren)?\s+in\s+need(?!\s*(?:\(\s*cin\s*\)\s*)?(?:census|return))"
                   r"(?:\s*\(\s*cin\s*\))?",
                   rf"{_ac('CiN|CIN')}(?!\s+(?:census|return))"),
        "cla": _rx(r"children\s+looked\s+after(?!\s+return)" + _PAREN,
                   r"looked[\s-]+after\s+children" + _PAREN,
                   rf"{_ac('CLA/LAC|CLA|LAC|CYPIC')}(?!\s+return)",
                   r"children\s+in\s+care", r"care[\s-]+experienced(?:\s+children)?",
                   r"care\s+leavers"),
        "fsm": _rx(r"(?:children\s+and\s+young\s+people|children|pupils)\s+(?:on|eligible\s+for|"
                   r"in\s+receipt\s+of|claiming)\s+free\s+school\s+meals" + _PAREN,
                   r"free\s+school\s+meals?" + _PAREN, _ac("FSM")),
        "all": _rx(r"all\s+children(?:\s+and\s+young\s+people)?", r"all\s+pupils",
                   r"whole\s+(?:child\s+)?population"),
        "other": _rx(_OTHER),
    },
    Q4: {
        "strategic_planning": _rx(r"strategic\s+planning"),
        "data_dashboard": _rx(r"(?:data\s+)?dashboards?"),
        "joint_commissioning": _rx(r"joint\s+commissioning"),
        "service_review": _rx(r"service\s+reviews?"),
        "targeted_interventions": _rx(r"targeted\s+interventions?" + _PAREN),
        "not_using": _rx(r"(?:we\s+)?(?:are\s+not|aren't|arent)\s+(?:currently\s+)?using\s+"
                         r"(?:the\s+)?linked\s+data",
                         r"not\s+using\s+(?:the\s+)?linked\s+data",
                         r"we\s+(?:do\s+not|don't)\s+use\s+(?:the\s+)?linked\s+data"),
        "other": _rx(_OTHER),
    },
    Q6: {
        "gp": _rx(r"primary\s+care(?!\s+networks?)" + _PAREN, rf"{_ac('GP')}\s+(?:data|records?)",
                  r"general\s+practice\s+(?:data|records?)", _ac("GP")),
        "csds": _rx(r"community\s+services?\s+data\s*sets?" + _PAREN, _ac("CSDS")),
        "camhs": _rx(r"secondary\s+care" + _PAREN, rf"{_ac('CAMHS')}(?:\s+data)?",
                     r"child\s+and\s+adolescent\s+mental\s+health\s+services?" + _PAREN),
        "cyps": _rx(r"children\s+and\s+young\s+peoples?'?s?\s+services?" + _PAREN,
                    _ac("CYPS")),
        "ae": _rx(r"accident\s+(?:and|&)\s+emergency(?:\s+(?:data|attendances?))?",
                  r"A\s*&\s*E(?:\s+data)?", _ac("ECDS"), r"emergency\s+department\s+data"),
        "sus_hes": _rx(r"secondary\s+uses?\s+services?" + _PAREN +
                       r"(?:\s+also\s+known\s+as\s+HES" + _PAREN + ")?",
                       r"hospital\s+episode\s+statistics" + _PAREN,
                       rf"{_ac('SUS|HES')}(?:\s*/\s*{_ac('HES')})?(?:\s+data)?"),
        "child_health_records": _rx(r"child\s+health\s+records?",
                                    r"child\s+health\s+information\s+(?:system|service)s?" + _PAREN,
                                    _ac("CHIS")),
        "deaths": _rx(r"deaths?(?:\s+(?:data|registrations?|records?))?", r"mortality\s+data"),
        "births": _rx(r"births?(?:\s+(?:data|registrations?|records?|notifications?))?"),
        "other": _rx(_OTHER),
    },
    ICB_PARTNERS: {
        "local_authority": _rx(r"local\s+authorit(?:y|ies)",
                               r"(?:(?:city|county|borough|district)\s+)?councils?", _ac("LAs?")),
        "nhs_provider": _rx(r"(?:nhs\s+)?(?:foundation\s+)?trusts?", r"(?:nhs\s+)?providers?"),
        "primary_care": _rx(r"gp\s+practices?", r"primary\s+care(?:\s+networks?)?",
                            _ac("PCNs?")),
        "public_health": _rx(r"public\s+health(?:\s+teams?)?"),
        "police": _rx(r"police(?:\s+forces?)?"),
        "schools": _rx(r"schools?(?:\s+and\s+academ(?:y|ies))?", r"academ(?:y|ies)"),
        "other": _rx(_OTHER),
    },
}

# --- how the questions are worded ---------------------------------------------------------
# ``strict`` wordings are interrogative and are recognised anywhere near the start of a line;
# ``loose`` wordings only right after a question number ("Q3", "3.", "Question 3:") or as the
# first cell of a table row.
_W = r"[\s>]+"  # words may wrap onto a new (possibly quoted) line


def _q(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives).replace(" ", _W), re.IGNORECASE)


QUESTION_STRICT: dict[str, re.Pattern[str]] = {
    Q1: _q(r"(?:do|does) (?:you|the council|your (?:council|authority)) (?:currently )?link "
           r"(?:your |its )?education and(?:\s*/\s*or)? social care"),
    Q2: _q(r"which (?:of your |(?:local authority|LA|council) )?data\s*sets (?:are|do) you "
           r"(?:currently )?link"),
    Q3: _q(r"which groups of (?:children|pupils)"),
    Q4: _q(r"how (?:are|do) you (?:currently )?us(?:e|ing) (?:the |this )?linked data"),
    Q5: _q(r"(?:do|does) (?:you|the council|your (?:council|authority)) (?:currently )?link "
           r"(?:your )?(?:local authority|LA|council) data\s*sets?\b[^?]{0,80}?with health data",
           r"(?:do|does) (?:you|the ICB) (?:currently )?link (?:your |any )?health data\b"
           r"[^?]{0,80}?with (?:local authority|LA|council)"),
    Q6: _q(r"which (?:of your )?health data\s*sets"),
    ICB_PARTNERS: _q(r"which (?:local authorities|partners|organisations|organizations)"
                     r"(?: or (?:other )?(?:partners|organisations|organizations))? (?:do|are) you "
                     r"(?:currently )?(?:link|shar)"),
    ICB_BARRIERS: _q(r"what (?:are|have been) (?:the )?(?:main |key )?barriers"),
}

QUESTION_LOOSE: dict[str, re.Pattern[str]] = {
    Q1: _q(r"(?:link\w* (?:of )?)?education and(?:\s*/\s*or)? social care data"),
    Q2: _q(r"(?:which )?data\s*sets? (?:are )?(?:being )?linked", r"datasets linking"),
    Q3: _q(r"(?:which )?groups? of (?:children|pupils)", r"groups linked"),
    Q4: _q(r"(?:how (?:is |are )?)?(?:the )?(?:linked data (?:is )?used|"
           r"uses? of (?:the )?linked data)"),
    Q5: _q(r"link\w* (?:with |to )?health data\s*sets?", r"health data linkage"),
    Q6: _q(r"health data\s*sets? (?:are )?(?:being )?linked", r"which health data"),
    ICB_PARTNERS: _q(r"(?:linkage )?partners", r"local authorities linked"),
    ICB_BARRIERS: _q(r"barriers"),
}

# Wording only the ICB questionnaire uses (decides the variant).
ICB_WORDING = _q(r"(?:do|does) (?:you|the ICB) (?:currently )?link (?:your |any )?health data\b"
                 r"[^?]{0,80}?with (?:local authority|LA|council)")
ICB_MARKER = re.compile(r"integrated\s+care\s+(?:board|system)|(?-i:\bICB\b)", re.IGNORECASE)

# "1.", "Q1", "Question 1:", "| 1 |", "> 2)" -- what may precede a question on its line.
QUESTION_PREFIX = re.compile(
    r"^[\s>|*#_\u2022-]*(?:(?:Q(?:uestion)?|Request|Part|Item)\s*\.?\s*)?(\d{1,2})?[a-z]?"
    r"\s*[.):\-]?\s*(?:\|\s*)?(?:\*\*)?\s*$", re.IGNORECASE)

# Echoed parts of the request that are not answers.
ECHO_TOKEN = re.compile(
    r"\(?\s*(?:(?:Y|Yes)\s*/\s*(?:N|No)\s*/\s*(?:in\s+development|I\.?D\.?)"
    r"|(?:please\s+)?(?:select|tick|state|list|choose|specify)\s+(?:all|any)\s+(?:that|the|which)"
    r"\s+appl(?:y|ies)(?:\s+to\s+you)?)\s*\)?\s*[.:]?", re.IGNORECASE)

# Headings that start the authority's answers after an echoed request.
RESPONSE_HEADING = re.compile(
    r"(?:(?:our|the\s+council'?s?|council|authority'?s?|icb'?s?|foi|trust'?s?)\s+)?"
    r"(?:response|reply|answers?|responses|information\s+provided|information\s+held)"
    r"(?:\s+to\s+(?:your\s+)?(?:request|questions?|foi(?:\s+request)?|enquiry))?"
    r"(?:\s+(?:is|are)\s+(?:as\s+follows|below))?", re.IGNORECASE)

# Lines that start the closing boilerplate: everything after them is neither answer nor text.
BOILERPLATE_START = re.compile(
    r"re-?use\s+(?:the|this|any)?\s*information|open\s+government\s+licen[cs]e|"
    r"if\s+you\s+are\s+(?:unhappy|dissatisfied|not\s+satisfied)|"
    r"(?:ask|apply|request|write)\s+(?:\w+\s+){0,3}(?:an\s+)?internal\s+review|^internal\s+review\s*$|"
    r"information\s+commissioner|^your\s+rights\b|^further\s+information\s*$|"
    r"^advice\s+and\s+assistance|^yours\s+(?:sincerely|faithfully)|^kind\s+regards|"
    r"^(?:best|many)\s+(?:regards|thanks)|the\s+supply\s+of\s+information|"
    r"we\s+publish\s+a\s+variety|quote\s+the\s+reference|\bcopyright\b|direct\s+marketing|"
    r"you\s+are\s+free\s+to\s+use|non-commercial\s+research|any\s+other\s+re-?use|"
    r"right\s+to\s+(?:complain|appeal|request\s+a\s+review)|^-{2,}\s*original\s+message",
    re.IGNORECASE)

# Lines to skip wherever they are (addresses, contacts, references).
BOILERPLATE_LINE = re.compile(
    r"^(?:e-?mail|tel(?:ephone)?|phone|fax|web(?:site)?|date|ref(?:erence)?)\s*:|"
    r"^(?:our\s+ref|your\s+ref|request\s+(?:id|ref(?:erence)?|number)|dear|postal\s+address)\b|"
    r"^(?:www\.|https?://)\S+$|^\S+@\S+\.\S+$|(?-i:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\s*$|"
    r"\bhold\w*\s+(?:all\s+|some\s+(?:of\s+)?)?(?:the\s+|this\s+)?information\s+(?:that\s+)?"
    r"(?:you\s+)?(?:requested|asked\s+for|sought|you\s+(?:requested|asked))|"
    r"\banswers?\s+(?:to\s+your\s+questions?\s+)?(?:are\s+|is\s+)?(?:below|as\s+follows|follows?|"
    r"set\s+out|shown|given)\b|processed\s+(?:this|your)\s+request\s+under|"
    r"thank\s+you\s+for\s+your\s+(?:request|e-?mail|enquiry)|following\s+information\s*:?\s*$",
    re.IGNORECASE)

# Refusals and "not held" -- reported as problems, not as answers.
REFUSAL = re.compile(
    r"section\s+(12|14|21|22|40|43)\b|\bs\.?\s?(12|14|21|22|40|43)\b|exceed\w*\s+the\s+"
    r"(?:appropriate|cost)\s+limit|(?:does|do)\s+not\s+hold\s+(?:this|the|any)\s+information|"
    r"information\s+is\s+not\s+held|refus\w+\s+(?:your|this)\s+request", re.IGNORECASE)
REFUSAL_REASONS = {"12": "section 12 (cost limit)", "14": "section 14 (vexatious/repeated)",
                   "21": "section 21 (reasonably accessible)", "22": "section 22 (future "
                   "publication)", "40": "section 40 (personal data)", "43": "section 43 "
                   "(commercial interests)"}

FOI_MARKER = re.compile(
    r"freedom\s+of\s+information|(?-i:\bFOIA?\b|\bFoI\b|\bEIR\b)|information\s+request|"
    r"environmental\s+information\s+regulations", re.IGNORECASE)
