"""The sentences around a quote, taken from the same speaker turn only.

A sentence quoted alone can mislead ("No." answers what?), so quotes may carry the segments just
before and after. Context never crosses a turn: the neighbours must be in the same document, be
adjacent in text order, and have the same speaker and the same FOI question (so an interviewer's
question is never presented as part of the participant's answer).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _key(value: Any) -> Any:
    return None if value is None or value != value else value  # NaN -> None


def _turn_key(row: Any, has_question: bool) -> tuple[Any, ...]:
    return (row.document, _key(row.speaker), _key(row.question) if has_question else None)


def context_columns(segments: "pd.DataFrame", positions: list[int], k: int
                    ) -> tuple[list[str], list[str]]:
    """For each row position of ``segments``, the text of up to ``k`` segments of the same turn
    before it and after it (joined by spaces; "" when none or ``k`` is 0)."""
    if k <= 0 or not positions:
        return [""] * len(positions), [""] * len(positions)
    has_question = "question" in segments.columns
    ordered = segments.assign(qk_pos=range(len(segments))).sort_values(
        ["document", "start", "qk_pos"], kind="stable")
    rows = list(ordered.itertuples(index=False))
    where = {row.qk_pos: i for i, row in enumerate(rows)}
    keys = [_turn_key(r, has_question) for r in rows]
    before, after = [], []
    for pos in positions:
        i = where[pos]
        lo = i
        while lo > 0 and i - lo < k and keys[lo - 1] == keys[i]:
            lo -= 1
        hi = i
        while hi < len(rows) - 1 and hi - i < k and keys[hi + 1] == keys[i]:
            hi += 1
        before.append(" ".join(str(r.text) for r in rows[lo:i]))
        after.append(" ".join(str(r.text) for r in rows[i + 1:hi + 1]))
    return before, after
