"""Candidate themes over a project: choose segments, fit (themes.py), store the run.

By default themes are found in what participants said: interviewer turns and flagged short
fragments are left out (``include_interviewer=True`` / ``include_short=True`` put them back).
Filters narrow the set further: one speaker role or speaker, one FOI question, one document
kind, or attribute values (``where={"authority_type": "unitary"}``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from .models import QualkitError

if TYPE_CHECKING:
    import pandas as pd

    from .project import Project

FILTERS = ("kind", "role", "speaker", "question", "where", "include_interviewer",
           "include_short")


class _StoreCache:
    """The themes ArrayCache protocol over the project store."""

    def __init__(self, store: Any):
        self.store = store

    def get(self, key: str) -> Any:
        return self.store.get_array(key)

    def put(self, key: str, arr: Any) -> None:
        self.store.put_array(key, arr)


def is_interviewer(segs: "pd.DataFrame") -> "pd.Series":
    """Interviewer turns: role "interviewer" (set for the settings' `interviewers`), or a
    label or written role that reads as one (Interviewer, I, Q, Researcher, Facilitator...)."""
    from .ingest.speakers import infer_role

    def one(speaker: object, role: object) -> bool:
        return any(isinstance(v, str) and infer_role(v.strip()) == "interviewer"
                   for v in (role, speaker))

    import pandas as pd

    flags = [one(sp, ro) for sp, ro in zip(segs["speaker"], segs["role"])]
    return pd.Series(flags, index=segs.index, dtype=bool)


def select_segments(p: "Project", kind: str | None = None, role: str | None = None,
                    speaker: str | None = None, question: str | None = None,
                    where: dict[str, str] | None = None, include_interviewer: bool = False,
                    include_short: bool = False) -> "pd.DataFrame":
    segs = p.segments()
    docs = p.documents()
    segs = segs.merge(docs.drop(columns=["path", "n_segments", "format"]), on="document",
                      how="left")
    keep = segs["text"].str.strip() != ""
    if not include_interviewer and role is None:
        keep &= ~is_interviewer(segs)
    if not include_short:
        keep &= segs["flags"].fillna("") != "short"
    if kind is not None:
        keep &= segs["kind"] == kind
    if role is not None:
        written = segs["role"].fillna("").str.lower() == role.lower()
        keep &= is_interviewer(segs) if role.lower() == "interviewer" else written
    if speaker is not None:
        keep &= segs["speaker"].fillna("").str.lower() == speaker.lower()
    if question is not None:
        keep &= segs["question"].fillna("") == question
    for name, value in (where or {}).items():
        if name not in segs.columns:
            raise QualkitError(f"no document attribute {name!r} to filter on")
        keep &= segs[name].astype("string").fillna("").str.lower() == str(value).lower()
    return segs[keep].reset_index(drop=True)


def run_themes(p: "Project", progress: Callable[[int, int], None] | None = None,
               **options: Any) -> "pd.DataFrame":
    """Fit candidate themes and store the run; see ``Project.themes``."""
    from .themes import ThemeParams, fit_themes
    from .vectors import code_vectors, get_project_embedder, vectors_for

    names = {f.name for f in fields(ThemeParams)}
    unknown = set(options) - names - set(FILTERS)
    if unknown:
        raise QualkitError(f"unknown theme option(s): {', '.join(sorted(unknown))}")
    defaults = {k: v for k, v in p.settings["themes"].items() if k in names}
    params = ThemeParams(**{**defaults, **{k: v for k, v in options.items() if k in names}})
    filters = {k: v for k, v in options.items() if k in FILTERS}
    segs = select_segments(p, **filters)
    if segs.empty:
        raise QualkitError("no segments to find themes in (ingest documents first, or "
                           "loosen the filters)")
    embedder = get_project_embedder(p)
    vectors, _ = vectors_for(p, list(segs["text"]), progress, embedder=embedder)
    code_ids, cvecs = code_vectors(p, embedder=embedder)
    run_id = p.store.start_run("themes", {"params": params.__dict__, "filters": filters,
                                          "model": embedder.model_id,
                                          "segments": len(segs)})
    try:
        result = fit_themes(vectors, list(segs["text"]), list(segs["segment_id"]),
                            list(segs["document"]), params, cache=_StoreCache(p.store),
                            code_vectors=dict(zip(code_ids, cvecs)))
    except Exception as e:
        p.store.finish_run(run_id, {"error": str(e)}, status="failed")
        raise
    themes = result.themes
    p.store.save_themes(
        run_id, themes.to_dict("records"),
        [(r.segment_id, int(r.theme_id), None if r.probability != r.probability
          else float(r.probability)) for r in result.assignments.itertuples(index=False)],
    )
    p.store.finish_run(run_id, {"method": result.method, "themes": len(themes),
                                "outliers": len(result.outliers),
                                "messages": result.messages,
                                "timings": {k: round(v, 2) for k, v in result.timings.items()}})
    themes = themes.copy()
    themes.attrs.update(run_id=run_id, method=result.method, messages=list(result.messages),
                        outliers=list(result.outliers), segments=len(segs))
    return themes
