"""Why a statistic in an agreement row is blank, in words a researcher can act on.

A NaN in a reliability table is easily misread as "no agreement" or as a bug. Every row of the
agreement tables therefore carries a ``note`` built here from the row itself; it is empty when
every statistic has a value. Reasons are joined with "; ".
"""
from __future__ import annotations

import math
from typing import Any, Mapping


def _blank(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    return value is None or (isinstance(value, float) and math.isnan(value))


def explain_nan(row: Mapping[str, Any], bootstrap: int | None = None) -> str:
    """The reasons the blank statistics of ``row`` (a dict or a DataFrame row) are blank.

    ``bootstrap`` is the number of draws asked for (None: unknown), used to tell "no interval
    requested" from "too few resamples varied".
    """
    if not row.get("n_units"):
        return "no segment here was observed by two or more of the coders compared"
    reasons = []
    prevalence = row.get("prevalence")
    if _blank(row, "krippendorff_alpha") and prevalence in (0, 0.0):
        reasons.append("no variation: every coder applied it nowhere (kappa and alpha undefined)")
    elif _blank(row, "krippendorff_alpha") and prevalence in (1, 1.0):
        reasons.append("no variation: every coder applied it everywhere (kappa and alpha "
                       "undefined)")
    if _blank(row, "cohen_kappa") and row.get("n_coders") != 2:
        reasons.append(f"cohen_kappa needs exactly two coders ({row.get('n_coders')} here)")
    if not _blank(row, "krippendorff_alpha") and _blank(row, "alpha_low"):
        if bootstrap is not None and bootstrap <= 0:
            reasons.append("no alpha interval: bootstrap=0")
        else:
            reasons.append("no alpha interval: under half of the bootstrap resamples varied")
    return "; ".join(reasons)
