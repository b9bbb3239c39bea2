"""Inter-coder agreement: pure statistics on plain DataFrames, no Project, no SQL.

Why a package of its own: agreement numbers end up in methods sections, so they must be
reproducible from the same inputs by a script, a notebook or the CLI, and be checked against
published worked examples. The store and the CLI only gather the inputs (active segments,
codings, documents marked done, the codeframe's parents) and call :func:`agreement` or
:func:`disagreements`.

Importing this package loads numpy only; pandas, scikit-learn and krippendorff are imported
when a table is computed.
"""
from __future__ import annotations

from .compare import (ALL_CODES, COLUMNS, DOCUMENT_COLUMNS, agreement, agreement_by_code,
                      agreement_by_document, unit_stats)
from .disagree import disagreements
from .nominal import NOMINAL_COLUMNS, group_agreement
from .notes import explain_nan
from .stats import (brennan_prediger, cohen_kappa, gwet_ac1, nominal_alpha,
                    percent_agreement)

__all__ = ["ALL_CODES", "COLUMNS", "DOCUMENT_COLUMNS", "agreement", "agreement_by_code",
           "agreement_by_document", "brennan_prediger", "cohen_kappa", "disagreements",
           "explain_nan", "group_agreement", "gwet_ac1", "NOMINAL_COLUMNS", "nominal_alpha", "percent_agreement", "unit_stats"]
