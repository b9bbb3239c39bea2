"""Which segments candidate themes are found in, from plain frames.

By default themes are found in what participants said: segments whose ``party`` is
"interviewer", non-speech segments (``[Interruption – phone rings]``, ``END OF TRANSCRIPT``)
and flagged short fragments are left out (``include_interviewer=True`` /
``include_short=True`` put the interviewer and the short ones back; non-speech never comes
back). Who is the interviewer is decided once, at ingest (``ingest.parties``); this module
only reads the stored ``party`` column. Filters narrow the set further: one party
(``party=``, or ``role=`` as before), speaker, FOI question, document kind, or attribute
values (``where={"authority_type": "unitary"}``; an attribute renamed ``attr_<name>``
because it clashes with a built-in column may be given by either name).
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from qualkit.models import QualkitError

if TYPE_CHECKING:
    import pandas as pd

FILTERS = ("kind", "role", "party", "speaker", "question", "where", "include_interviewer",
           "include_short")
PARTIES = ("interviewer", "participant", "unknown")


def is_interviewer(segs: "pd.DataFrame") -> "pd.Series":
    """Segments whose stored party is "interviewer"."""
    return segs["party"].fillna("") == "interviewer"


def _party(role: str | None, party: str | None) -> str | None:
    chosen = (party or role or "").strip().lower() or None
    if chosen is not None and chosen not in PARTIES:
        raise QualkitError(f"no party {chosen!r}: choose interviewer, participant or unknown "
                           "(`qualkit speakers` shows each speaker's party)")
    return chosen


def _attribute(name: str, columns: list[str]) -> str:
    if name in columns and name not in ("document", "kind"):
        return name
    if f"attr_{name}" in columns:
        return f"attr_{name}"
    have = [c for c in columns if c not in ("document", "kind")]
    close = difflib.get_close_matches(name, have, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise QualkitError(f"no document attribute {name!r} to filter on ({hint}attributes: "
                       f"{', '.join(have) or 'none'})")


def select_segments(segments: "pd.DataFrame", documents: "pd.DataFrame",
                    kind: str | None = None, role: str | None = None,
                    speaker: str | None = None, question: str | None = None,
                    where: dict[str, str] | None = None, include_interviewer: bool = False,
                    include_short: bool = False, party: str | None = None) -> "pd.DataFrame":
    """The segments (with their documents' kind and attributes) that pass the filters."""
    chosen = _party(role, party)
    attrs = documents.drop(columns=[c for c in ("path", "n_segments", "format")
                                    if c in documents.columns])
    attrs = attrs.drop(columns=[c for c in attrs.columns
                                if c in segments.columns and c != "document"])
    segs = segments.merge(attrs, on="document", how="left")
    keep = (segs["text"].str.strip() != "") & (segs["flags"].fillna("") != "nonspeech")
    if not include_interviewer and chosen is None:
        keep &= ~is_interviewer(segs)
    if not include_short:
        keep &= segs["flags"].fillna("") != "short"
    if kind is not None:
        keep &= segs["kind"] == kind
    if chosen is not None:
        keep &= segs["party"].fillna("") == chosen
    if speaker is not None:
        keep &= segs["speaker"].fillna("").str.lower() == speaker.lower()
    if question is not None:
        keep &= segs["question"].fillna("") == question
    for name, value in (where or {}).items():
        column = _attribute(name, list(attrs.columns))
        keep &= segs[column].astype("string").fillna("").str.lower() == str(value).lower()
    return segs[keep].reset_index(drop=True)
