"""The slow half of a filter, run in a worker: which segments a candidate theme holds, and
each segment's score for the code in ``suggested:CODE>SCORE`` (suggestions for every
segment of the view, so this is the one filter that may take seconds on a big project)."""
from __future__ import annotations

from typing import Any

from qualkit.tui.filters import Filter, FilterError


def fill_filter(project: Any, session: Any, f: Filter) -> Filter:
    theme = f.get("theme")
    if theme is not None:
        parts = [int(x) for x in theme.split(":")]
        run_id, number = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
        try:
            members = project.theme_members(run_id)
        except Exception as e:  # noqa: BLE001 (no run yet: one clear line)
            raise FilterError(f"filter theme: no themes run to filter by ({e})") from None
        f.theme_members = set(members.loc[members["theme_id"] == number, "segment_id"])
    if f.suggested is not None:
        code, _ = f.suggested
        narrowed = Filter([t for t in f.terms if t[0] != "suggested"], f.theme_members)
        ids = [session.ids[i] for i in narrowed.rows(session)]
        df = project.suggest(segment_ids=ids, k=f.suggest_k(len(session.code_ids())),
                             coder=session.coder) if ids else None
        scores: dict[str, float] = {}
        if df is not None:
            hit = df[df["code_id"] == code]
            scores = dict(zip(hit["segment_id"], hit["score"].astype(float)))
        f.scores = scores
    return f
