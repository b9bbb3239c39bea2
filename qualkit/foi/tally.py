"""Tallies of FOI answers by authority type (or any attribute), as researchers build by hand.

``tally(answers, documents, by="authority_type")`` returns one row per question, option and
group with columns ``question, option, group, count, denominator, percent``.

One base per question and group (issue #8): the ``denominator`` of every row of a question in
a group is the same number -- the letters in that group that were asked the question -- and
it includes the letters whose answer is ``unclear`` or ``refused``. So for a yes/no question
the rows ``yes + no + in development + unclear + refused`` add up to the denominator, and a
percentage never changes base from one row to the next.

Groups:
- councils are grouped by ``documents[by]`` (sorted; a letter with no value is in
  ``"(missing)"``), then their total ``"All councils"``;
- ICB letters are always a group of their own, ``"ICBs"`` (never inside a council group or
  the council total): a letter is an ICB's when its ``authority_type`` says ICB / integrated
  care board, or when it answers the ICB questionnaire's own questions;
- ``"All councils and ICBs"`` totals both, and only for questions both were asked (the ICB
  questionnaire does not ask q1), so it is never a mix for some questions only;
- ``by=None`` gives only the totals (``All councils``, ``ICBs``, ``All councils and ICBs``).

Options: yes/no questions (``q1_link_edu_social``, ``q5_link_health``) have ``yes``, ``no``,
``in development``; multi-select questions every canonical option plus ``none`` (count =
letters whose options include it); the free-text ICB question ``icb_barriers`` has ``given``
and ``none``; then every question has ``unclear`` (the letter answers but it could not be
read) and ``refused`` (the authority refused the request, e.g. under section 12): statuses of
their own, counted apart. ``percent`` = 100 * count / denominator rounded half-up to one
decimal (67/91 -> 73.6; NaN when the denominator is 0), as hand-made tables do.

pandas is imported inside the function: importing qualkit stays cheap.
"""
from __future__ import annotations

import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from qualkit.foi.options import (FREE_TEXT_ONLY, ICB_BARRIERS, ICB_PARTNERS, ICB_QUESTIONS,
                                 LA_QUESTIONS, OPTIONS, YES_NO, YES_NO_ANSWERS)
from qualkit.models import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

COUNCILS_GROUP = "All councils"
ICB_GROUP = "ICBs"
TOTAL_GROUP = "All councils and ICBs"
MISSING_GROUP = "(missing)"
STATUSES = ("unclear", "refused")
COLUMNS = ["question", "option", "group", "count", "denominator", "percent"]
BASE_NOTE = ("base: the letters in each group that were asked the question, unclear and "
             "refused answers included, so every row of a question has the same base")
_ICB_TYPE = re.compile(r"\bicbs?\b|integrated\s+care", re.IGNORECASE)


def percent(count: int, denominator: int) -> float:
    """100 * count / denominator, rounded half-up to one decimal; NaN for a zero denominator."""
    if not denominator:
        return math.nan
    value = Decimal(int(count)) * 100 / Decimal(int(denominator))
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _as_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, str):
            return [value]
    try:
        return [str(v) for v in value]
    except TypeError:
        return [str(value)]


def _group_of(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_GROUP
    text = str(value).strip()
    return text if text and text.lower() not in ("nan", "none") else MISSING_GROUP


def _options_for(question: str, seen: list[list[str]], answers: list[str]) -> list[str]:
    if question in YES_NO:
        return list(YES_NO_ANSWERS)
    if question in FREE_TEXT_ONLY:
        return ["given", "none"]
    if question in OPTIONS:
        return list(OPTIONS[question]) + ["none"]
    return sorted({o for opts in seen for o in opts} |
                  {a for a in answers if a not in (*STATUSES, "selected")})


def _icb_letters(df: "pd.DataFrame", documents: "pd.DataFrame | None") -> set[str]:
    icb = set(df.loc[df["question"].isin([ICB_PARTNERS, ICB_BARRIERS]), "document"])
    if documents is not None and "authority_type" in documents.columns:
        icb |= {str(d) for d, t in zip(documents["document"], documents["authority_type"])
                if isinstance(t, str) and _ICB_TYPE.search(t)}
    return icb


def _frame(answers: "pd.DataFrame", documents: "pd.DataFrame | None",
           by: str | None) -> "pd.DataFrame":
    """One row per letter and question: answer, options, sector (council/icb) and group."""
    missing = {"document", "question", "answer", "options"} - set(answers.columns)
    if missing:
        raise QualkitError(f"FOI answers lack the column(s) {', '.join(sorted(missing))}")
    df = answers[["document", "question", "answer", "options"]].copy()
    df = df.drop_duplicates(["document", "question"], keep="first")
    df["answer"] = df["answer"].fillna("unclear").astype(str).str.strip().str.lower()
    df["options"] = df["options"].map(_as_list)
    if by is not None and (documents is None or by not in documents.columns
                           or "document" not in documents.columns):
        raise QualkitError(f"no attribute {by!r} on the FOI letters to group by")
    icb = _icb_letters(df, documents)
    df["icb"] = df["document"].astype(str).isin(icb)
    if by is None:
        df["group"] = COUNCILS_GROUP
    else:
        groups = {str(d): _group_of(v) for d, v in zip(documents["document"], documents[by])}
        df["group"] = [groups.get(str(d), MISSING_GROUP) for d in df["document"]]
    df.loc[df["icb"], "group"] = ICB_GROUP
    return df


def _groups(qdf: "pd.DataFrame", by: str | None) -> list[tuple[str, "pd.DataFrame"]]:
    councils, icbs = qdf[~qdf["icb"]], qdf[qdf["icb"]]
    out = []
    if by is not None:
        names = sorted(set(councils["group"]), key=lambda g: (g == MISSING_GROUP, g))
        out += [(g, councils[councils["group"] == g]) for g in names]
    if len(councils):
        out.append((COUNCILS_GROUP, councils))
    if len(icbs):
        out.append((ICB_GROUP, icbs))
    if len(councils) and len(icbs):
        out.append((TOTAL_GROUP, qdf))
    return out


def _count(g: "pd.DataFrame", question: str, option: str) -> int:
    if option in STATUSES or question in YES_NO or question in FREE_TEXT_ONLY or option == "none":
        return int((g["answer"] == option).sum())
    return int(sum(option in o for o in g["options"]))


def tally(answers: "pd.DataFrame", documents: "pd.DataFrame",
          by: str | None = "authority_type") -> "pd.DataFrame":
    """Counts of authorities per question, option and group (see the module docstring)."""
    import pandas as pd

    if answers is None or len(answers) == 0:
        return pd.DataFrame(columns=COLUMNS)
    df = _frame(answers, documents, by)
    known = list(LA_QUESTIONS) + [q for q in ICB_QUESTIONS if q not in LA_QUESTIONS]
    questions = [q for q in known if q in set(df["question"])]
    questions += sorted(set(df["question"]) - set(known))
    rows = []
    for q in questions:
        qdf = df[df["question"] == q]
        options = _options_for(q, list(qdf["options"]), list(qdf["answer"])) + list(STATUSES)
        for group, g in _groups(qdf, by):
            base = len(g)
            for opt in options:
                count = _count(g, q, opt)
                rows.append((q, opt, group, count, base, percent(count, base)))
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"count": "int64", "denominator": "int64", "percent": "float64"})
