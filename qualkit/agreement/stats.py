"""Agreement coefficients on reliability data: units by coders, missing values allowed.

Most functions take *value counts*: an array ``(units, categories)`` whose cell ``[u, c]`` is how
many coders gave category ``c`` to unit ``u`` (for code presence the categories are 0 = not
applied, 1 = applied). Units with fewer than two values say nothing about agreement and are
skipped by every coefficient.

- Krippendorff's alpha (nominal) comes from the ``krippendorff`` package; Cohen's kappa from
  scikit-learn. Both are *undefined* when every value is the same category (expected
  disagreement 0): they return NaN then, never raise.
- Observed agreement, Gwet's AC1 and Brennan–Prediger have no well-kept Python library, so they
  are written here, each with its formula and source, and are checked in the tests against
  hand-computed values.

Observed (percent) agreement is the multi-rater form used by Fleiss and Gwet: for each unit with
``m_u >= 2`` values, the share of ordered pairs of its values that agree,
``sum_c n_uc (n_uc - 1) / (m_u (m_u - 1))``, averaged over those units. With two coders it is
the plain share of units on which they agree.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np


def _pairable(vc: np.ndarray) -> np.ndarray:
    vc = np.asarray(vc, dtype=float)
    return vc[vc.sum(axis=1) >= 2]


def varies(vc: np.ndarray) -> bool:
    """True when the pairable values use at least two categories (alpha/kappa are defined)."""
    totals = _pairable(vc).sum(axis=0)
    return int((totals > 0).sum()) >= 2


def percent_agreement(vc: np.ndarray) -> float:
    """Mean over units (``m_u >= 2``) of ``sum_c n_uc (n_uc - 1) / (m_u (m_u - 1))``."""
    vc = _pairable(vc)
    if not len(vc):
        return math.nan
    m = vc.sum(axis=1)
    return float(np.mean((vc * (vc - 1)).sum(axis=1) / (m * (m - 1))))


def gwet_ac1(vc: np.ndarray, q: int | None = None) -> float:
    """Gwet's AC1 for any number of coders with missing values.

    ``AC1 = (p_a - p_e) / (1 - p_e)`` with ``p_a`` the observed agreement above,
    ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` and ``pi_k`` the mean over units with at least
    one value of ``n_uk / m_u``; ``q`` is the number of categories (the columns of ``vc``).
    Gwet, K. L. (2008) "Computing inter-rater reliability and its variance in the presence of
    high agreement", *Br J Math Stat Psychol* 61, 29–48; multi-rater form with missing values in
    Gwet (2014) *Handbook of Inter-Rater Reliability*, 4th ed., ch. 4 (as in the irrCAC package).
    """
    vc = np.asarray(vc, dtype=float)
    q = vc.shape[1] if q is None else q
    rated = vc[vc.sum(axis=1) >= 1]
    p_a = percent_agreement(vc)
    if math.isnan(p_a) or q < 2:
        return math.nan
    pi = (rated / rated.sum(axis=1, keepdims=True)).mean(axis=0)
    p_e = float((pi * (1 - pi)).sum() / (q - 1))
    return (p_a - p_e) / (1 - p_e)


def brennan_prediger(vc: np.ndarray, q: int | None = None) -> float:
    """Brennan–Prediger coefficient: ``(p_a - 1/q) / (1 - 1/q)``, chance = uniform over q.

    Brennan, R. L. & Prediger, D. J. (1981) "Coefficient kappa: some uses, misuses, and
    alternatives", *Educational and Psychological Measurement* 41, 687–699; with several coders
    and missing values ``p_a`` is the observed agreement above (Gwet 2014, ch. 4). For code
    presence ``q = 2`` and it equals ``2 p_a - 1``.
    """
    vc = np.asarray(vc, dtype=float)
    q = vc.shape[1] if q is None else q
    p_a = percent_agreement(vc)
    if math.isnan(p_a) or q < 2:
        return math.nan
    return (p_a - 1 / q) / (1 - 1 / q)


def alpha_from_counts(vc: np.ndarray) -> float:
    """Nominal Krippendorff's alpha from value counts (``krippendorff`` package); NaN if undefined."""
    vc = _pairable(vc)
    if not len(vc) or not varies(vc):
        return math.nan
    import krippendorff

    return float(krippendorff.alpha(value_counts=vc, value_domain=list(range(vc.shape[1])),
                                    level_of_measurement="nominal"))


def nominal_alpha(reliability_data: Sequence[Sequence[Any]]) -> float:
    """Nominal Krippendorff's alpha of a coders-by-units table (NaN or None = missing).

    Values may be numbers or strings (any hashable category). Returns NaN when no unit has two
    values or when all values are one category.
    """
    rows = [[None if _missing(v) else v for v in row] for row in reliability_data]
    categories = sorted({v for row in rows for v in row if v is not None}, key=repr)
    index = {v: i for i, v in enumerate(categories)}
    n_units = max((len(r) for r in rows), default=0)
    vc = np.zeros((n_units, max(len(categories), 2)))
    for row in rows:
        for u, v in enumerate(row):
            if v is not None:
                vc[u, index[v]] += 1
    return alpha_from_counts(vc)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two coders' 0/1 values on the same units (scikit-learn); NaN if undefined."""
    a = np.asarray(a, dtype=int)
    b = np.asarray(b, dtype=int)
    if not len(a) or len(np.unique(np.concatenate([a, b]))) < 2:
        return math.nan
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b, labels=[0, 1]))
