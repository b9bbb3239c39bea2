"""Tallies of FOI answers by authority type (or any attribute), as researchers build by hand.

``tally(answers, documents, by="authority_type")`` returns one row per question, option and
group with columns ``question, option, group, count, denominator, percent``:

- groups are the values of ``documents[by]`` (sorted; a letter with no value is in
  ``"(missing)"``) followed by the total group ``"All authorities"``; ``by=None`` gives only
  the total;
- yes/no questions (``q1_link_edu_social``, ``q5_link_health``) have the options ``yes``,
  ``no``, ``in development``: count = letters giving that answer;
- multi-select questions have every canonical option plus ``none``: count = letters whose
  options include it (``none`` = letters answering none / not applicable);
- the free-text ICB question ``icb_barriers`` has ``given`` and ``none``;
- ``denominator`` = letters in the group whose answer to *that* question is readable (not
  ``unclear``), so "67 of 91 linking" reads count 67, denominator 91;
- ``unclear`` answers are counted apart, as option ``"unclear"``, whose denominator is every
  letter in the group that was asked that question;
- ``percent`` = 100 * count / denominator rounded half-up to one decimal (67/91 -> 73.6;
  NaN when the denominator is 0), matching hand-made tables rather than banker's rounding.

pandas is imported inside the function: importing qualkit stays cheap.
"""
from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from qualkit.foi.options import (FREE_TEXT_ONLY, ICB_QUESTIONS, LA_QUESTIONS, OPTIONS, YES_NO,
                                 YES_NO_ANSWERS)
from qualkit.models import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TOTAL_GROUP = "All authorities"
MISSING_GROUP = "(missing)"
COLUMNS = ["question", "option", "group", "count", "denominator", "percent"]


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
    found = sorted({o for opts in seen for o in opts} |
                   {a for a in answers if a not in ("unclear", "selected")})
    return found


def tally(answers: "pd.DataFrame", documents: "pd.DataFrame",
          by: str | None = "authority_type") -> "pd.DataFrame":
    """Counts of authorities per question, option and group (see the module docstring)."""
    import pandas as pd

    if answers is None or len(answers) == 0:
        return pd.DataFrame(columns=COLUMNS)
    missing = {"document", "question", "answer", "options"} - set(answers.columns)
    if missing:
        raise QualkitError(f"FOI answers lack the column(s) {', '.join(sorted(missing))}")
    df = answers[["document", "question", "answer", "options"]].copy()
    df = df.drop_duplicates(["document", "question"], keep="first")
    df["answer"] = df["answer"].fillna("unclear").astype(str).str.strip().str.lower()
    df["options"] = df["options"].map(_as_list)
    if by is None:
        df["group"] = TOTAL_GROUP
    else:
        if documents is None or by not in documents.columns or "document" not in documents.columns:
            raise QualkitError(f"no attribute {by!r} on the FOI letters to group by")
        groups = {str(d): _group_of(v) for d, v in zip(documents["document"], documents[by])}
        df["group"] = [groups.get(str(d), MISSING_GROUP) for d in df["document"]]
    known = list(LA_QUESTIONS) + [q for q in ICB_QUESTIONS if q not in LA_QUESTIONS]
    questions = [q for q in known if q in set(df["question"])]
    questions += sorted(set(df["question"]) - set(known))
    rows = []
    for q in questions:
        qdf = df[df["question"] == q]
        options = _options_for(q, list(qdf["options"]), list(qdf["answer"]))
        names = [] if by is None else sorted(set(qdf["group"]),
                                             key=lambda g: (g == MISSING_GROUP, g))
        for group in names + [TOTAL_GROUP]:
            g = qdf if group == TOTAL_GROUP else qdf[qdf["group"] == group]
            readable = g[g["answer"] != "unclear"]
            den = len(readable)
            for opt in options:
                if q in YES_NO or q in FREE_TEXT_ONLY or opt == "none":
                    count = int((readable["answer"] == opt).sum())
                else:
                    count = int(sum(opt in o for o in readable["options"]))
                rows.append((q, opt, group, count, den, percent(count, den)))
            unclear = len(g) - den
            rows.append((q, "unclear", group, unclear, len(g), percent(unclear, len(g))))
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"count": "int64", "denominator": "int64", "percent": "float64"})
