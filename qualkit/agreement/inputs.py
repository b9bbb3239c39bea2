"""Checks and resolution of what the caller asked for, before any number is computed.

Inter-coder agreement is easy to get silently wrong: a misspelt coder name, a code id that is not
in the codeframe or two coders who never finished the same document all produce a table of NaNs
that looks like a result. Each of those is a mistake the user can fix, so it is raised here as a
one-line :class:`~qualkit.models.QualkitError` naming the thing and the reason.

Decisions: the default coders are every coder found in ``codings`` or ``done``, sorted; a code is
"known" when it is a key of ``parents`` (the codeframe hierarchy); with ``level="top"`` the
reported codes are the distinct top-level ancestors of ``codes``, in first-seen order.
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Iterable, Mapping

from ..models import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LEVELS = ("all", "top")
BY = ("code", "document")
REQUIRED = {
    "units": ("segment_id", "document"),
    "codings": ("segment_id", "document", "code_id", "coder"),
    "done": ("document", "coder"),
}


def check_columns(**frames: "pd.DataFrame") -> None:
    """Each named frame has the columns the agreement layer reads."""
    for name, frame in frames.items():
        missing = [c for c in REQUIRED[name] if c not in frame.columns]
        if missing:
            raise QualkitError(f"{name} lacks column(s) {', '.join(missing)}; "
                               f"expected {', '.join(REQUIRED[name])}")


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise QualkitError(f"{name}={value!r} is not one of: {', '.join(allowed)}")


def known_coders(codings: "pd.DataFrame", done: "pd.DataFrame") -> list[str]:
    return sorted({str(c) for c in codings["coder"]} | {str(c) for c in done["coder"]})


def resolve_coders(codings: "pd.DataFrame", done: "pd.DataFrame",
                   coders: Iterable[str] | None) -> list[str]:
    """The coders to compare: as given (duplicates dropped) or every known coder."""
    known = known_coders(codings, done)
    chosen = known if coders is None else list(dict.fromkeys(coders))
    unknown = [c for c in chosen if c not in known]
    if unknown:
        listed = ", ".join(known) if known else "(none)"
        raise QualkitError(f"unknown coder {', '.join(map(repr, unknown))}; known coders: {listed}")
    if len(chosen) < 2:
        got = ", ".join(chosen) if chosen else "(none)"
        raise QualkitError(f"agreement needs at least two coders; got: {got}")
    return chosen


def ancestors(code: str, parents: Mapping[str, str | None]) -> list[str]:
    """The chain of parents of ``code``, nearest first (a cycle is cut, never followed twice)."""
    chain: list[str] = []
    parent = parents.get(code)
    while parent is not None and parent not in chain and parent != code:
        chain.append(parent)
        parent = parents.get(parent)
    return chain


def top_of(code: str, parents: Mapping[str, str | None]) -> str:
    chain = ancestors(code, parents)
    return chain[-1] if chain else code


def resolve_codes(codes: Iterable[str], parents: Mapping[str, str | None], level: str) -> list[str]:
    """The code ids that get a row: ``codes`` itself, or their top-level codes for level="top"."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise QualkitError("no codes to report on: pass the codeframe's code ids as codes")
    unknown = [c for c in codes if c not in parents]
    if unknown:
        hint = difflib.get_close_matches(unknown[0], list(parents), n=1)
        tail = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise QualkitError(f"unknown code id {', '.join(map(repr, unknown))}: not in the "
                           f"codeframe{tail}")
    if level == "top":
        return list(dict.fromkeys(top_of(c, parents) for c in codes))
    return codes


def no_overlap_message(coders: list[str], require_done: bool, everyone: bool = False) -> str:
    who = "all" if everyone else "at least two"
    if require_done:
        return (f"no document marked done by {who} of: {', '.join(coders)} — mark documents "
                "done with `d` in the TUI or `qualkit done`")
    return f"no document coded by {who} of: {', '.join(coders)}"
