"""Agreement tables by code and by document: the pure layer behind ``p.agreement``.

One row per reported code (or per document) with the columns of :data:`COLUMNS`. By code, the
units are the active segments and each code is judged on its own (applied or not); a final row
``"(all codes)"`` pools every (segment, code) pair as one unit. By document, the units are the
(segment, code) pairs of that document; every document of ``units`` gets a row, so documents
nobody double-coded show up with ``n_units`` 0 and a note rather than vanishing.

Column meanings (statistics use only the ``n_units`` units with values from two or more coders):
``n_coders`` coders contributing values to those units; ``percent_agreement`` observed pairwise
agreement (0..1); ``cohen_kappa`` only when exactly two coders contribute; ``krippendorff_alpha``
nominal, missing values allowed; ``alpha_low``/``alpha_high`` its 95 % unit-bootstrap interval
(see :mod:`.bootstrap`); ``gwet_ac1``; ``brennan_prediger``; ``prevalence`` the share of observed
unit-coder values that are "applied"; ``note`` why any statistic is blank (:func:`explain_nan`).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np

from ..models import QualkitError
from . import inputs
from .bootstrap import alpha_interval
from .matrix import Presence, build_presence
from .notes import explain_nan
from .stats import (alpha_from_counts, brennan_prediger, cohen_kappa, gwet_ac1,
                    percent_agreement)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

ALL_CODES = "(all codes)"
STATS = ["n_units", "n_coders", "percent_agreement", "cohen_kappa", "krippendorff_alpha",
         "alpha_low", "alpha_high", "gwet_ac1", "brennan_prediger", "prevalence", "note"]
COLUMNS = ["code_id", *STATS]
DOCUMENT_COLUMNS = ["document", *STATS]
DEFAULT_SEED = 20110101


def unit_stats(x: np.ndarray, bootstrap: int = 1000, seed: int = DEFAULT_SEED) -> dict:
    """Every statistic for a units-by-coders array of 1.0 / 0.0 / NaN (missing)."""
    x = np.asarray(x, dtype=float)
    x = x.reshape(-1, x.shape[-1])
    seen = ~np.isnan(x)
    keep = seen.sum(axis=1) >= 2
    x, seen = x[keep], seen[keep]
    contributing = np.flatnonzero(seen.any(axis=0))
    row = {"n_units": int(len(x)), "n_coders": int(len(contributing))}
    vc = np.column_stack([(x == 0).sum(axis=1), (x == 1).sum(axis=1)])
    alpha = alpha_from_counts(vc)
    low, high = alpha_interval(vc, bootstrap, seed) if not math.isnan(alpha) else (math.nan,) * 2
    kappa = math.nan
    if len(contributing) == 2:
        a, b = x[:, contributing[0]], x[:, contributing[1]]
        kappa = cohen_kappa(a, b)  # two contributors: every kept unit has both values
    total = vc.sum()
    row.update(percent_agreement=percent_agreement(vc), cohen_kappa=kappa,
               krippendorff_alpha=alpha, alpha_low=low, alpha_high=high,
               gwet_ac1=gwet_ac1(vc, q=2), brennan_prediger=brennan_prediger(vc, q=2),
               prevalence=float(vc[:, 1].sum() / total) if total else math.nan)
    row["note"] = explain_nan(row, bootstrap)
    return row


def prepare(units: "pd.DataFrame", codings: "pd.DataFrame", done: "pd.DataFrame",
            parents: Mapping[str, str | None], codes: Iterable[str],
            coders: Iterable[str] | None, level: str, require_done: bool,
            everyone: bool = False) -> Presence:
    """Check the request and build the presence values; raise QualkitError on bad input."""
    inputs.check_columns(units=units, codings=codings, done=done)
    inputs.check_choice("level", level, inputs.LEVELS)
    chosen = inputs.resolve_coders(codings, done, coders)
    reported = inputs.resolve_codes(codes, parents, level)
    presence = build_presence(units, codings, done, parents, reported, chosen, level,
                              require_done)
    seen = presence.observed.sum(axis=1)
    enough = len(chosen) if everyone else 2
    if not (seen >= enough).any():
        raise QualkitError(inputs.no_overlap_message(chosen, require_done, everyone))
    return presence


def agreement_by_code(units, codings, done, parents, codes, coders=None, level="all",
                      require_done=True, bootstrap=1000, seed=DEFAULT_SEED) -> "pd.DataFrame":
    """One row per reported code plus ``"(all codes)"``; columns :data:`COLUMNS`."""
    import pandas as pd

    p = prepare(units, codings, done, parents, codes, coders, level, require_done)
    rows = [{"code_id": code, **unit_stats(p.values[:, j, :], bootstrap, seed)}
            for j, code in enumerate(p.codes)]
    rows.append({"code_id": ALL_CODES, **unit_stats(p.values, bootstrap, seed)})
    return pd.DataFrame(rows, columns=COLUMNS)


def agreement_by_document(units, codings, done, parents, codes, coders=None, level="all",
                          require_done=True, bootstrap=1000,
                          seed=DEFAULT_SEED) -> "pd.DataFrame":
    """One row per document of ``units`` (first-seen order); units are (segment, code) pairs."""
    import pandas as pd

    p = prepare(units, codings, done, parents, codes, coders, level, require_done)
    documents = list(dict.fromkeys(p.documents))
    rows = [{"document": d, **unit_stats(p.values[p.documents == d], bootstrap, seed)}
            for d in documents]
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)


def agreement(units, codings, done, parents, codes, coders=None, by="code", level="all",
              require_done=True, bootstrap=1000, seed=DEFAULT_SEED) -> "pd.DataFrame":
    """Inter-coder agreement table ``by="code"`` or ``by="document"`` (see the module doc).

    ``units``: DataFrame[segment_id, document(, text)], the active segments; ``codings``:
    DataFrame[segment_id, document, code_id, coder]; ``done``: DataFrame[document, coder];
    ``parents``: code id -> parent id or None; ``codes``: code ids to report, in order;
    ``coders``: names to compare (default: all in codings/done); ``level``: "all" or "top";
    ``require_done``: only documents marked done count as observed; ``bootstrap``: draws for
    the alpha interval (0: none); ``seed``: the bootstrap's seed.
    """
    inputs.check_choice("by", by, inputs.BY)
    front = agreement_by_code if by == "code" else agreement_by_document
    return front(units, codings, done, parents, codes, coders=coders, level=level,
                 require_done=require_done, bootstrap=bootstrap, seed=seed)
