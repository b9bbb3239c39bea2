"""Bootstrap interval for Krippendorff's alpha: resample units with replacement.

Method (decided here, shown to users in the docs): draw ``draws`` samples of the pairable units
with replacement, each as large as the original (a unit-level, "cluster" bootstrap: a unit keeps
all its coders' values together), compute nominal alpha on each, and report the 2.5th and 97.5th
percentiles (``numpy.percentile``, linear interpolation) as a 95 % interval. The generator is
``numpy.random.default_rng(seed)``, seeded afresh for every row, so a code's interval does not
change when other codes are added to the report. This differs from Hayes & Krippendorff's (2007)
macro, which resamples pairable values rather than units.

A resample in which every value is one category has no alpha; such draws are dropped. When fewer
than half of the draws have an alpha (a rare code, a handful of units), no interval is given:
percentiles of the remaining draws would overstate agreement.

Speed: resampling N units is the same as drawing, for each distinct *kind* of unit (its value
counts), a multinomial count with probabilities ``kind count / N``. Code-presence data from a few
coders has only a handful of kinds, so 1000 draws cost a few small matrix products instead of
1000 calls on N rows. Alpha for weighted kinds uses Krippendorff's (2011) nominal formula,
``alpha = 1 - (n - 1) * sum_u w_u D_u / (n^2 - sum_c n_c^2)`` with
``D_u = (m_u^2 - sum_c n_uc^2) / (m_u - 1)`` — the same number the ``krippendorff`` package gives
on the expanded units (checked in the tests).
"""
from __future__ import annotations

import math

import numpy as np

MIN_DEFINED_SHARE = 0.5


def weighted_alpha(kinds: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Nominal alpha of each weighting (rows of ``weights``) of the unit kinds ``kinds``."""
    kinds = np.asarray(kinds, dtype=float)
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    m = kinds.sum(axis=1)
    disagreement = (m ** 2 - (kinds ** 2).sum(axis=1)) / (m - 1)
    n_c = weights @ kinds
    n = n_c.sum(axis=1)
    expected = n ** 2 - (n_c ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * (weights @ disagreement) / expected
    return np.where(expected > 0, alpha, np.nan)


def alpha_interval(vc: np.ndarray, draws: int = 1000, seed: int = 0,
                   confidence: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of nominal alpha; (NaN, NaN) when it cannot be given."""
    vc = np.asarray(vc, dtype=float)
    vc = vc[vc.sum(axis=1) >= 2]
    if draws <= 0 or not len(vc):
        return math.nan, math.nan
    kinds, counts = np.unique(vc, axis=0, return_counts=True)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(vc), counts / counts.sum(), size=draws)
    alphas = weighted_alpha(kinds, weights)
    alphas = alphas[~np.isnan(alphas)]
    if len(alphas) < MIN_DEFINED_SHARE * draws:
        return math.nan, math.nan
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(alphas, [tail, 100 - tail])
    return float(low), float(high)
