"""A themes run: fit candidate themes on chosen segments and store the run with its metadata.

``run_themes`` takes plain data (the selected segments, their vectors, code vectors, params)
and a store to write to; it returns a :class:`~qualkit.models.ThemeRun`. ``read_run`` builds the
same dataclass back from the store, so the CLI, the TUI and exports read runs one way.
"""
from __future__ import annotations

import json
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from qualkit.models import QualkitError, ThemeRun

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from qualkit.themes.fit import ThemeParams

def make_params(defaults: dict[str, Any], options: dict[str, Any]) -> "ThemeParams":
    """ThemeParams from the settings' ``themes:`` block overridden by call options."""
    from qualkit.themes.fit import ThemeParams
    from qualkit.themes.select import FILTERS

    names = {f.name for f in fields(ThemeParams)}
    unknown = set(options) - names - set(FILTERS)
    if unknown:
        raise QualkitError(f"unknown theme option(s): {', '.join(sorted(unknown))}")
    base = {k: v for k, v in defaults.items() if k in names}
    return ThemeParams(**{**base, **{k: v for k, v in options.items() if k in names}})


def run_themes(store: Any, segs: "pd.DataFrame", vectors: "np.ndarray",
               code_vectors: dict[str, "np.ndarray"], params: "ThemeParams",
               filters: dict[str, Any], model_id: str) -> ThemeRun:
    """Fit candidate themes on ``segs`` (segment_id, document, text) and store the run."""
    from qualkit.themes.fit import fit_themes

    if segs.empty:
        raise QualkitError("no segments to find themes in (ingest documents first, or "
                           "loosen the filters)")
    run_params = {"params": params.__dict__, "filters": filters, "model": model_id,
                  "segments": len(segs)}
    run_id = store.start_run("themes", run_params)
    try:
        result = fit_themes(vectors, list(segs["text"]), list(segs["segment_id"]),
                            list(segs["document"]), params, cache=_StoreCache(store),
                            code_vectors=code_vectors)
    except BaseException as e:
        store.finish_run(run_id, {"error": str(e) or type(e).__name__}, status="failed")
        raise
    store.save_themes(
        run_id, result.themes.to_dict("records"),
        [(r.segment_id, int(r.theme_id), None if r.probability != r.probability
          else float(r.probability)) for r in result.assignments.itertuples(index=False)],
    )
    # outliers as the run shows them (`qualkit themes`, ThemeRun.outliers): those left out
    # after reassignment; result.outliers also holds the reassigned ones
    left = int((result.assignments["theme_id"] == -1).sum())
    store.finish_run(run_id, {"method": result.method, "themes": len(result.themes),
                              "outliers": left,
                              "reassigned": len(result.outliers) - left,
                              "messages": result.messages,
                              "timings": {k: round(v, 2) for k, v in result.timings.items()}})
    return read_run(store, run_id)


def read_run(store: Any, run_id: int | None = None) -> ThemeRun:
    """A stored themes run (the latest successful one when ``run_id`` is None)."""
    import pandas as pd

    from qualkit.themes.fit import THEME_COLUMNS

    row = store.theme_run(run_id)
    if row is None:
        raise QualkitError("no themes yet: run `qualkit themes` first" if run_id is None
                           else f"no themes run with id {run_id}")
    params = json.loads(row["params"])
    summary = json.loads(row["summary"])
    themes = pd.DataFrame([_theme_row(r) for r in store.themes(row["id"])],
                          columns=THEME_COLUMNS)
    outliers = [r["segment_id"] for r in store.theme_members(row["id"]) if r["theme_id"] == -1]
    return ThemeRun(run_id=row["id"], started=row["started"], status=row["status"],
                    params=params.get("params", {}), filters=params.get("filters", {}),
                    model_id=params.get("model", ""), segments=int(params.get("segments", 0)),
                    method=summary.get("method", ""), messages=list(summary.get("messages", [])),
                    outliers=outliers, themes=themes)


def _theme_row(r: Any) -> dict[str, Any]:
    return {"theme_id": r["theme_id"], "size": r["size"], "keywords": json.loads(r["keywords"]),
            "representative": json.loads(r["representative"]), "doc_share": r["doc_share"],
            "resembles_code": r["resembles_code"], "score": r["score"], "label": r["label"]}


class _StoreCache:
    """The themes ArrayCache protocol over the store."""

    def __init__(self, store: Any):
        self.store = store

    def get(self, key: str) -> Any:
        return self.store.get_array(key)

    def put(self, key: str, arr: Any) -> None:
        self.store.put_array(key, arr)
