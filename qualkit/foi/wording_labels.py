"""How FOI questions and options read in tables, charts and reports: one source for the Excel
sheet and the draft report, so the two never word the same answer differently.

Question wording follows the questionnaire as sent (``shared/domain/foi.md``); an unknown id is
shown as written. ``question_text(q, numbered=True)`` prefixes "Q1." (or "ICB:") as the
published brief's tables do.
"""
from __future__ import annotations

QUESTIONS = {
    "q1_link_edu_social": "Do you currently link your education and social care data for "
                          "children and young people?",
    "q2_datasets": "Which of your datasets are you linking?",
    "q3_groups": "Which groups of children and young people do you link data on?",
    "q4_uses": "How are you using the linked data?",
    "q5_link_health": "Do you currently link local authority data sets for children and young "
                      "people with health data sets?",
    "q6_health_datasets": "Which health data sets are you linking with education and/or social "
                          "care?",
    "icb_partners": "Which local authorities or other partners do you link data with?",
    "icb_barriers": "What are the barriers to linking health data with local authority data?",
}
OPTIONS = {
    "yes": "Yes", "no": "No", "in development": "In development",
    "unclear": "Unclear (answer could not be read)", "refused": "Refused (e.g. section 12)",
    "none": "None / not applicable", "other": "Other", "given": "Barriers given",
    "school_census": "School census", "cin_census": "Children in Need (CiN) census",
    "cla_return": "Children looked after return (SSDA903)",
    "send": "Children and young people with SEND", "cin": "Children in Need",
    "cla": "Children looked after (care experienced)", "fsm": "Free School Meals",
    "all": "All children and young people", "strategic_planning": "Strategic planning",
    "data_dashboard": "Data dashboard", "joint_commissioning": "Joint commissioning",
    "service_review": "Service review", "targeted_interventions": "Targeted interventions",
    "not_using": "Not using linked data", "gp": "Primary care (GP data)",
    "csds": "Community Services Data Set (CSDS)", "camhs": "Secondary care (CAMHS)",
    "cyps": "Children and Young People's Service (CYPS)", "ae": "Accident and Emergency",
    "sus_hes": "SUS / HES", "child_health_records": "Child Health Records", "deaths": "Deaths",
    "births": "Births", "local_authority": "Local authority", "nhs_provider": "NHS provider",
    "primary_care": "Primary care", "public_health": "Public health", "police": "Police",
    "schools": "Schools",
}


def question_text(question: str, numbered: bool = False) -> str:
    text = QUESTIONS.get(question, question.replace("_", " "))
    if not numbered or question not in QUESTIONS:
        return text
    if question.startswith("icb_"):
        return f"ICB: {text}"
    return f"Q{question[1]}. {text}"


def option_label(option: str) -> str:
    return OPTIONS.get(option, option.replace("_", " ").capitalize())
