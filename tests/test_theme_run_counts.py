"""The outlier count a themes run stores (shown by `qualkit status`) is the one the run shows
(`qualkit themes`, ThemeRun.outliers): segments still outside every theme after reassignment.
It stored the count before reassignment (462 in status beside 203 in themes on the sample)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import write
from qualkit.themes import fit as fit_module
from qualkit.themes.fit import ThemeParams, ThemeResult
from qualkit.themes.runs import run_themes


def test_stored_outliers_are_those_left_after_reassignment(project, monkeypatch):
    write(project.root / "transcripts" / "a.txt",
          "P1: The trust never answered. We asked twice. Then we gave up on it.\n")
    project.ingest()
    segs = project.segments()[["segment_id", "document", "text"]]
    ids = list(segs["segment_id"])
    assert len(ids) >= 3

    def fake_fit(vectors, texts, segment_ids, documents, params, **kw):
        themes = pd.DataFrame([{"theme_id": 0, "size": len(ids) - 1, "keywords": ["trust"],
                                "representative": [texts[0]], "doc_share": 1.0,
                                "resembles_code": None, "score": 0.5, "label": ""}])
        # every segment was an HDBSCAN outlier; all but the last were then reassigned
        theme = [0] * (len(ids) - 1) + [-1]
        assignments = pd.DataFrame({"segment_id": segment_ids, "theme_id": theme,
                                    "probability": 0.0})
        return ThemeResult(themes, assignments, list(segment_ids), "bertopic")

    monkeypatch.setattr(fit_module, "fit_themes", fake_fit)
    run = run_themes(project.store, segs, np.zeros((len(ids), 4), dtype="float32"), {},
                     ThemeParams(), {}, "fake")
    summary = json.loads(project.store.theme_run(run.run_id)["summary"])
    assert len(run.outliers) == 1
    assert summary["outliers"] == 1 and summary["reassigned"] == len(ids) - 1
