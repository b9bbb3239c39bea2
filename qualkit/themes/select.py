"""Which segments candidate themes are found in, from plain frames.

By default themes are found in what participants said: interviewer turns and flagged short
fragments are left out (``include_interviewer=True`` / ``include_short=True`` put them back).
Filters narrow the set further: one speaker role or speaker, one FOI question, one document
kind, or attribute values (``where={"authority_type": "unitary"}``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from qualkit.models import QualkitError

if TYPE_CHECKING:
    import pandas as pd

FILTERS = ("kind", "role", "speaker", "question", "where", "include_interviewer",
           "include_short")


def is_interviewer(segs: "pd.DataFrame") -> "pd.Series":
    """Interviewer turns: role "interviewer" (set for the settings' `interviewers`), or a
    label or written role that reads as one (Interviewer, I, Q, Researcher, Facilitator...)."""
    import pandas as pd

    from qualkit.ingest.speakers import infer_role

    def one(speaker: object, role: object) -> bool:
        return any(isinstance(v, str) and infer_role(v.strip()) == "interviewer"
                   for v in (role, speaker))

    flags = [one(sp, ro) for sp, ro in zip(segs["speaker"], segs["role"])]
    return pd.Series(flags, index=segs.index, dtype=bool)


def select_segments(segments: "pd.DataFrame", documents: "pd.DataFrame",
                    kind: str | None = None, role: str | None = None,
                    speaker: str | None = None, question: str | None = None,
                    where: dict[str, str] | None = None, include_interviewer: bool = False,
                    include_short: bool = False) -> "pd.DataFrame":
    """The segments (with their documents' kind and attributes) that pass the filters."""
    attrs = documents.drop(columns=[c for c in ("path", "n_segments", "format")
                                    if c in documents.columns])
    segs = segments.merge(attrs, on="document", how="left")
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
        if name not in attrs.columns or name == "document":
            have = ", ".join(c for c in attrs.columns if c not in ("document", "kind")) or "none"
            raise QualkitError(f"no document attribute {name!r} to filter on (attributes: "
                               f"{have})")
        keep &= segs[name].astype("string").fillna("").str.lower() == str(value).lower()
    return segs[keep].reset_index(drop=True)
