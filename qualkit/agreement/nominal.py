"""Agreement on a group of mutually exclusive codes, as one nominal variable.

Some codeframes hold a choice, not a checklist: the children of "stance" are "supports",
"opposes", "neutral", and a coder applies exactly one of them to a segment. Per-code presence
statistics would count that group as several binary variables; Krippendorff's nominal alpha
over the group treats it as one variable whose values are the codes, as his worked examples
do. Each coder's value for a segment is the group code they applied (a sub-code counts as its
group member); missing when they did not observe the segment, and "(none)" when they observed
it and applied none of the group. A coder who applied two codes of the group to one segment
has broken the group's rule: that is an error naming the segment, not a silent choice.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..models import QualkitError
from .compare import prepare
from .stats import (alpha_from_counts, brennan_prediger, gwet_ac1, percent_agreement)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

NONE = "(none)"
NOMINAL_COLUMNS = ["group", "n_units", "n_coders", "categories", "percent_agreement",
                   "krippendorff_alpha", "gwet_ac1", "brennan_prediger"]


def group_agreement(units: "pd.DataFrame", codings: "pd.DataFrame", done: "pd.DataFrame",
                    parents: Mapping[str, str | None], group: Iterable[str],
                    coders: Iterable[str] | None = None, require_done: bool = True,
                    name: str = "") -> dict:
    """One row (a dict with ``NOMINAL_COLUMNS``) of nominal agreement over ``group``."""
    members = list(dict.fromkeys(group))
    if len(members) < 2:
        raise QualkitError("a group needs at least two codes to choose between")
    presence = prepare(units, codings, done, parents, members, coders, "all", require_done)
    applied = presence.applied()  # (segments, members, coders)
    several = np.argwhere(applied.sum(axis=1) > 1)
    if len(several):
        seg, coder = several[0]
        raise QualkitError(f"{presence.coders[coder]} applied more than one code of the group "
                           f"({', '.join(members)}) to segment {presence.segment_ids[seg]}: "
                           "these codes are not mutually exclusive")
    categories = members + [NONE]
    counts = np.zeros((len(presence.segment_ids), len(categories)))
    for k in range(len(presence.coders)):
        seen = presence.observed[:, k]
        chosen = np.where(applied[:, :, k].any(axis=1), applied[:, :, k].argmax(axis=1),
                          len(members))
        np.add.at(counts, (np.flatnonzero(seen), chosen[seen]), 1)
    pairable = counts[counts.sum(axis=1) >= 2]
    used = int((pairable.sum(axis=0) > 0).sum())
    q = len(categories)
    return {"group": name or ", ".join(members), "n_units": len(pairable),
            "n_coders": len(presence.coders), "categories": used,
            "percent_agreement": percent_agreement(pairable) if len(pairable) else math.nan,
            "krippendorff_alpha": alpha_from_counts(pairable),
            "gwet_ac1": gwet_ac1(pairable, q=q), "brennan_prediger": brennan_prediger(pairable, q=q)}
