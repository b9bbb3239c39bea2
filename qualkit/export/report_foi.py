"""The report's FOI part: the policy brief's tables and charts, rebuilt from ``foi.tally``.

Per question, as the 2023 brief lays them out: options as rows, authority groups as columns,
each cell "count (percent%)", and a last row of denominators (the authorities in the group
asked that question: one base for every row, as the tally computes it, so a group's rows add
up to it); then one bar chart of the percentage of all authorities giving each option,
labelled with "count (percent%)". Nothing is recounted here: every number comes from the
tally frame, so the report and ``qualkit foi tally`` agree.

Rows for "unclear" answers, refusals and "none" (a multi-select question answered with
nothing) appear only when some letter gave them, and are not charted.
A question with fewer than two options to compare gets no chart. Question wording and option
labels follow the questionnaire as sent (``shared/domain/foi.md``); an unknown id is shown as
written.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..foi.tally import COUNCILS_GROUP, ICB_GROUP, TOTAL_GROUP
from ..foi.wording_labels import option_label, question_text
from .report import Chart, Section, cell

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

OPTIONAL_ROWS = ("unclear", "refused", "none")
APART = ("unclear", "refused")  # statuses, not answers: in the table, not in the chart


def question_title(question: str) -> str:
    return question_text(question)


def _rows(q: "pd.DataFrame") -> list[str]:
    options = list(dict.fromkeys(q["option"]))
    shown = []
    for opt in options:
        if opt in OPTIONAL_ROWS and not (q.loc[q["option"] == opt, "count"] > 0).any():
            continue
        shown.append(opt)
    return shown


def question_table(q: "pd.DataFrame") -> "pd.DataFrame":
    """Options x groups of "count (percent%)" cells and a row of denominators."""
    import pandas as pd

    groups = list(dict.fromkeys(q["group"]))
    rows = []
    for opt in _rows(q):
        mine = q[q["option"] == opt].set_index("group")
        row = {"Answer": option_label(opt)}
        row.update({g: cell(mine.at[g, "count"], mine.at[g, "percent"]) if g in mine.index
                    else "" for g in groups})
        rows.append(row)
    base = q.drop_duplicates("group").set_index("group")
    last = {"Answer": "Authorities asked (n)"}
    last.update({g: str(int(base.at[g, "denominator"])) for g in groups})
    return pd.DataFrame(rows + [last])


def question_chart(q: "pd.DataFrame", title: str) -> Chart | None:
    """Percent of all authorities per option; None for fewer than two options to compare."""
    group = total_group(q)
    total = q[q["group"] == group]
    opts = [o for o in _rows(q) if o not in APART]
    if len(opts) < 2:
        return None
    mine = total.set_index("option")
    values = [0.0 if mine.at[o, "percent"] != mine.at[o, "percent"] else
              float(mine.at[o, "percent"]) for o in opts]
    den = int(mine.at[opts[0], "denominator"])
    return Chart(title, [option_label(o) for o in opts], {group: values},
                 f"Percent of authorities asked (n = {den})",
                 [cell(mine.at[o, "count"], mine.at[o, "percent"]) for o in opts], percent=True)


def total_group(q: "pd.DataFrame") -> str:
    """The widest total this question has: councils and ICBs where both were asked, else all
    councils, else the ICBs (a question only the ICB questionnaire asks)."""
    groups = set(q["group"])
    return next((g for g in (TOTAL_GROUP, COUNCILS_GROUP, ICB_GROUP) if g in groups),
                COUNCILS_GROUP)


def _lower_answer(option: str) -> str:
    label = option_label(option)
    return label.lower() if option in ("yes", "no", "in development") else label


def _summary(q: "pd.DataFrame") -> str:
    total = q[(q["group"] == total_group(q)) & ~q["option"].isin(APART)]
    if len(total) == 0:
        return ""
    den = int(total["denominator"].iloc[0])
    ranked = total[total["count"] > 0].sort_values("count", ascending=False, kind="stable")
    parts = [f"{_lower_answer(r.option)} {int(r.count)} ({r.percent:.1f}%)"
             for r in ranked.itertuples()]
    who = "authority" if den == 1 else "authorities"
    return (f"Of {den} {who} asked: " + "; ".join(parts) + "."
            if parts else f"None of the {den} {who} asked chose any option.")


def foi_sections(tally: "pd.DataFrame", group_by: str | None) -> list[Section]:
    """An FOI heading section and one section per question (see the module docstring)."""
    label = (group_by or "group").replace("_", " ")
    totals = tally[tally["group"].isin([TOTAL_GROUP, COUNCILS_GROUP])]
    letters = int(totals.groupby("question")["denominator"].max().max()) if len(totals) else 0
    intro = Section("Responses to the FOI request", 1, [
        f"Answers read from the FOI letters (up to {letters} authorities per question), by "
        f"{label}. Each cell is the number of authorities and, in brackets, the percentage of "
        "the authorities in that column asked the question (the last row), so a column adds "
        "up to 100%. Percentages are rounded half-up to one decimal place.",
        "Answers the parser could not read are counted as unclear and refusals (e.g. under "
        "section 12) as refused, on the same base; check them against the letters before "
        "publishing."])
    sections = [intro]
    for number, (question, q) in enumerate(tally.groupby("question", sort=False), start=1):
        title = question_title(str(question))
        sections.append(Section(f"{number}. {title}", 2, [_summary(q)], question_table(q),
                                f"Answers to question {number} by {label}",
                                question_chart(q, title)))
    return sections
