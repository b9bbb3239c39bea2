"""Candidate themes: choose segments (``select``), reduce (``reduce``, ``spectral``), cluster
(``cluster``), name (``keywords``), all fitted by ``fit`` and stored as runs by ``runs``.

Importing this package is cheap: ``fit_themes``, ``ThemeParams`` and the caches are loaded from
``qualkit.themes.fit`` on first use (that module needs numpy and pandas; bertopic, umap and
hdbscan load only inside the fit itself).
"""
from __future__ import annotations

from typing import Any

_FIT_NAMES = {"ASSIGNMENT_COLUMNS", "THEME_COLUMNS", "ArrayCache", "DictArrayCache",
              "NpyDirCache", "ThemeParams", "ThemeResult", "fit_themes", "normalise",
              "reduce_cached", "vectors_hash"}


def __getattr__(name: str) -> Any:
    if name in _FIT_NAMES:
        from qualkit.themes import fit

        return getattr(fit, name)
    raise AttributeError(f"module 'qualkit.themes' has no attribute {name!r}")
