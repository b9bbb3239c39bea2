"""Speakers and parties: one name per speaker in a document, and who is interviewing.

Decided once, at ingest, here and nowhere else (themes, agreement and exports read the stored
``party`` column; the written role stays in ``role`` as written):

- Names: labels that differ only in case are one speaker (``PARTICIPANT``/``Participant``),
  shown in the form least shouted and most used. Unnumbered aliases used side by side in a
  document are one speaker: ``I``/``Int``/``Interviewer`` are "Interviewer";
  ``R``/``Resp``/``Respondent``/``Participant``/``Interviewee`` are "Participant". A speaker
  written one way only keeps that name (``INTERVIEWER``, ``I``); numbered labels (``P1``,
  ``Respondent 2``) are kept as written.
- Party (interviewer | participant | unknown), first rule that applies:
  1. the analyst's choice (``qualkit speakers --set``), for that document or for every one;
  2. a name listed in ``segment.interviewers``;
  3. the label or the written role: Interviewer/I/Q/Researcher/Facilitator/Moderator, or a role
     such as "(Researcher)", is the interviewer; Participant/Respondent/P3/R2/A, or a role
     such as "(Participant, Head of SEND)", is a participant;
  4. the document's header: ``Interviewer: JP (Joanna Pryce)`` names JP and Joanna Pryce;
     a speaker written by one part of a name the header gives (``Thompson:`` for "Ken
     Thompson") or by its initials (``MSM:`` for "Michael S. Mahoney", ``MM:`` too) is that
     person, unless that part names people on both sides;
  5. once a document has an interviewer, every other speaker in it is a participant (a job
     role such as "(Head of SEND)" says who they are, not which side of the table); and
     when the header names the participants and every speaker but one is one of them, that
     one is the interviewer (``MSM:`` asking Thompson in an oral history);
  6. otherwise "unknown" (e.g. a Teams VTT with two names and no header): said at ingest, so
     the analyst can name the interviewer.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qualkit.ingest.speakers import infer_role

INTERVIEWER, PARTICIPANT, UNKNOWN = "interviewer", "participant", "unknown"
PARTIES = (INTERVIEWER, PARTICIPANT, UNKNOWN)
_ALIASES = {"i": "Interviewer", "int": "Interviewer", "interviewer": "Interviewer",
            "r": "Participant", "resp": "Participant", "respondent": "Participant",
            "participant": "Participant", "interviewee": "Participant"}
_ROLE_INTERVIEWER = re.compile(r"\b(?:interviewer|researcher|facilitator|moderator)\b", re.I)
_ROLE_PARTICIPANT = re.compile(r"\b(?:participant|respondent|interviewee)\b", re.I)


@dataclass(frozen=True)
class Decision:
    party: str
    reason: str  # in words, for `qualkit speakers`


def fold(name: str) -> str:
    return " ".join(name.casefold().split())


def name_forms(name: str) -> set[str]:
    """A name folded, and "Grey, Tom" (as Teams writes it) also as "tom grey"."""
    forms = {fold(name)}
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts) and len(name.split()) <= 5:
        forms.add(fold(f"{parts[1]} {parts[0]}"))
    return forms


def canonical_names(labels: Iterable[str]) -> dict[str, str]:
    """Each label as written -> the one name this document uses for that speaker."""
    labels = list(labels)
    counts = Counter(labels)
    groups: dict[str, list[str]] = {}
    for label in dict.fromkeys(labels):
        alias = _ALIASES.get(fold(label))
        groups.setdefault(fold(alias) if alias else fold(label), []).append(label)
    out: dict[str, str] = {}
    for key, forms in groups.items():
        if len(forms) == 1:  # one way of writing it: kept as written
            name = forms[0]
        elif key in ("interviewer", "participant"):
            name = key.capitalize()
        else:  # least shouted, then most used, then first seen
            name = min(forms, key=lambda f: (f.isupper() and len(f) > 1, -counts[f],
                                             forms.index(f)))
        for f in forms:
            out[f] = name
    return out


def _written(speaker: str, roles: Iterable[str | None]) -> str | None:
    """The party a label or a written role says, if any."""
    roles = [r for r in roles if r]
    for role in roles:
        if _ROLE_INTERVIEWER.search(role):
            return INTERVIEWER
        if _ROLE_PARTICIPANT.search(role):
            return PARTICIPANT
    for form in [speaker, *roles]:
        if (inferred := infer_role(form.strip())) is not None:
            return inferred
    return None


def _header_forms(header_names: dict[str, list[str]]) -> dict[str, str]:
    """Folded names from the header -> party; also the first and last word and the initials
    of a longer name when they name nobody on the other side."""
    heads = {fold(n): party for party, names in header_names.items() for n in names}
    parts: dict[str, set[str]] = {}
    for party, names in header_names.items():
        for n in names:
            words = fold(n).split()
            if len(words) >= 2:
                initials = {"".join(w[0] for w in words), words[0][0] + words[-1][0]}
                for w in {words[0], words[-1], *initials}:
                    parts.setdefault(w, set()).add(party)
    for word, sides in parts.items():
        if len(sides) == 1 and word not in heads:
            heads[word] = next(iter(sides))
    return heads


def decide_parties(speakers: dict[str, set[str | None]], header_names: dict[str, list[str]],
                   interviewers: Iterable[str] = (),
                   overrides: dict[str, str] | None = None) -> dict[str, Decision]:
    """The party of each speaker of one document (``speakers``: name -> written roles and
    labels as written); see the module docstring for the rules."""
    named = {fold(n) for n in interviewers}
    chosen = {fold(k): v for k, v in (overrides or {}).items()}
    heads = _header_forms(header_names)
    out: dict[str, Decision] = {}
    for speaker, roles in speakers.items():
        forms = name_forms(speaker) | {fold(r) for r in roles if r}
        if name_forms(speaker) & set(chosen):
            party = chosen[next(iter(sorted(name_forms(speaker) & set(chosen))))]
            out[speaker] = Decision(party, "set by you (speakers --set)")
        elif forms & named:
            out[speaker] = Decision(INTERVIEWER, "named in segment.interviewers")
        elif (written := _written(speaker, roles)) is not None:
            out[speaker] = Decision(written, "its label or written role")
        elif forms & set(heads):
            out[speaker] = Decision(heads[next(iter(forms & set(heads)))],
                                    "named in the header")
    has_interviewer = any(d.party == INTERVIEWER for d in out.values())
    left = [k for k in speakers if k not in out]
    if not has_interviewer and len(left) == 1 and len(out) >= 1 and all(
            d.party == PARTICIPANT and d.reason == "named in the header" for d in out.values()):
        out[left[0]] = Decision(INTERVIEWER, "the one speaker the header does not name")
    for speaker in speakers:
        if speaker not in out:
            out[speaker] = (Decision(PARTICIPANT, "another speaker interviews")
                            if has_interviewer else
                            Decision(UNKNOWN, "no interviewer named"))
    return out
