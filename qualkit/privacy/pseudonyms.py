"""Stable pseudonyms for people: the same person gets the same label in every document.

Why a map and not a counter per document: a quote exported today and another exported next
month must call the same child "[Person 3]", or readers would count two children where there is
one. So the map is project state: a plain dataclass the store persists (``to_dict``/``from_dict``)
and every redaction reads and extends.

Decisions:
- Names are keyed case- and whitespace-insensitively ("ellie  HART" is "Ellie Hart"). One person
  may have several aliases ("Ellie Hart", "Ellie"); register them together with ``add_person``.
- New people are numbered after the highest "Person N" already in the map, so numbers are never
  reused even if an entry is edited away. A label written by hand (e.g. "Child A") is kept.
- Speakers are labelled by role, not by number of person: the interviewer is "Interviewer", a
  participant "Participant N" (numbered separately), and a written role ("SENCO") stays as
  written. Speaker labels live apart from text names, so a child mentioned in passing never
  shares a number with an adult who spoke.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qualkit.ingest.speakers import infer_role
from qualkit.models import QualkitError


def name_key(name: str) -> str:
    """How a name is compared: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()


def _next_label(labels: Any, stem: str) -> str:
    numbers = [int(m[1]) for lab in labels if (m := re.fullmatch(rf"{stem} (\d+)", lab))]
    return f"{stem} {max(numbers, default=0) + 1}"


@dataclass
class PseudonymMap:
    """Person key -> label ("Person 1"), alias key -> person key, speaker key -> role label."""

    people: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    speakers: dict[str, str] = field(default_factory=dict)
    stem: str = "Person"

    def _person(self, name: str) -> str:
        key = name_key(name)
        return self.aliases.get(key, key)

    def add_person(self, *names: str) -> str:
        """Register one person under all their names; returns their label (existing or new)."""
        keys = [name_key(n) for n in names if name_key(n)]
        if not keys:
            raise QualkitError("privacy: a person needs at least one non-empty name")
        known = [self._person(k) for k in keys if self._person(k) in self.people]
        person = known[0] if known else keys[0]
        if person not in self.people:
            self.people[person] = _next_label(self.people.values(), self.stem)
        for key in keys:
            if key != person:
                self.aliases[key] = person
        return self.people[person]

    def register(self, names: Any) -> None:
        """Register every entry of a settings list: a string is a person, a list their aliases."""
        for entry in names:
            self.add_person(*([entry] if isinstance(entry, str) else entry))

    def pseudonym(self, name: str) -> str:
        """The label for ``name`` ("Person 1"), assigning the next number to a new person."""
        person = self._person(name)
        if person not in self.people:
            return self.add_person(name)
        return self.people[person]

    def to_dict(self) -> dict[str, Any]:
        return {"stem": self.stem, "people": dict(self.people), "aliases": dict(self.aliases),
                "speakers": dict(self.speakers)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PseudonymMap:
        try:
            return cls(people=dict(data.get("people", {})), aliases=dict(data.get("aliases", {})),
                       speakers=dict(data.get("speakers", {})),
                       stem=str(data.get("stem", "Person")))
        except (AttributeError, TypeError, ValueError) as exc:
            raise QualkitError(f"privacy: the pseudonym map is not a mapping of names ({exc})")


def pseudonymise_speaker(speaker: str | None, party_or_role: str | None,
                         pmap: PseudonymMap) -> str | None:
    """The label that replaces a speaker's name: "Interviewer", "Participant 2" or the role.

    ``party_or_role`` is "interviewer", "participant" (also assumed when None) or a role written
    in the transcript ("SENCO"). A speaker already labelled by role ("P3", "Interviewer") is kept.
    The first label given to a speaker is kept for good, in ``pmap.speakers``.
    """
    if speaker is None or not speaker.strip():
        return speaker
    if infer_role(" ".join(speaker.split())) is not None:
        return speaker
    key = name_key(speaker)
    if key in pmap.speakers:
        return pmap.speakers[key]
    role = " ".join((party_or_role or "participant").split())
    if role.casefold() == "interviewer":
        label = "Interviewer"
    elif role.casefold() == "participant":
        label = _next_label(pmap.speakers.values(), "Participant")
    else:
        label = role
    pmap.speakers[key] = label
    return label
