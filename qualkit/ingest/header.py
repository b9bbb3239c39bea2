"""The header researchers write above an interview: who, when, where, how long, the marks used.

Decided:
- A header is read only at the top of a transcript and only as far as the dialogue: it ends
  where the first speaker turn that is speech begins. Everything above that is the header:
  kept in the document, never segmented.
- Its fields become document attributes (``attributes.csv`` wins on a clash). A field is
  ``Key: value``, ``Key — value``, ``Key - value``, ``Key<TAB>value``, ``Key | value`` or a
  key alone on its line with the value on the next (a Word header table reads that way), for
  keys a researcher uses in headers (``HEADER_KEYS``: interviewer, participant, date, site,
  mode, duration, transcriber, audio file, key...). Lines of a transcription key
  (``[inaudible] = could not be heard``) belong to the ``key`` field.
- ``Interviewer: Joanna Pryce`` looks like a turn. It is a header field when its value is
  short and not a sentence (no ``?``/``!``, no full stop after a word), it is in the header's
  first block (a blank line after header fields ends the fields a speaker label can give) AND
  the header also has a field that is not a speaker (a date, a mode...), so
  ``Interviewer: Hello`` followed by dialogue stays speech.
- A title line ``Interview with Ken Thompson, 9-6-89`` (oral histories) names the participant;
  ``Interviewed by NAME`` / ``Conducted by NAME`` (alone, after such a title, or after the
  participant's name: ``Ken Thompson interviewed by Michael Mahoney``) names the interviewer.
- ``Interviewer: Michael Mahoney`` above the first turn is a header field, whatever else the
  header holds, when that label heads no other turn and its value is a name of 2-5 words (a
  speaker who never speaks again under that label was being named, not heard).
- An explicit front-matter block (``---`` lines around ``key: value`` lines) at the very top
  is read as the header, whatever its keys.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualkit.ingest.speakers import looks_like_name
from qualkit.models import Turn

MAX_LINES = 40
SPEAKER_KEYS = {
    "interviewer": "interviewer", "interviewers": "interviewer", "interviewed by": "interviewer",
    "conducted by": "interviewer",
    "researcher": "interviewer", "facilitator": "interviewer", "moderator": "interviewer",
    "interviewee": "participant", "interviewees": "participant", "participant": "participant",
    "participants": "participant", "respondent": "participant", "respondents": "participant",
}
_OTHER_KEYS = """date|date of interview|interview date|time|start time|end time|duration|length|
mode|method|medium|format|location|venue|site|area|region|local authority|la|authority|council|
organisation|organization|trust|icb|service|team|sector|role|job title|position|project|study|
title|interview|interview id|id|participant id|ref|reference|transcriber|transcribed by|
transcription|transcript|recording|audio|audio file|recording file|file name|filename|key|
transcription key|notation|conventions|transcription conventions|language|consent|group|
focus group|number of participants|attendees|present|speakers|pseudonym|gender|age|note-taker|
notetaker|observer|notes"""
# keys whose attribute name would clash with a built-in column, or that read better renamed
_RENAME = {"role": "participant_role", "job title": "participant_role",
           "position": "participant_role", "format": "mode", "method": "mode",
           "medium": "mode", "length": "duration", "date of interview": "date",
           "interview date": "date", "venue": "location", "transcribed by": "transcriber",
           "recording file": "audio_file", "file name": "audio_file", "filename": "audio_file",
           "transcription key": "key", "notation": "key", "conventions": "key",
           "transcription conventions": "key", "organization": "organisation",
           "note-taker": "notetaker"}
HEADER_KEYS = {**{k.strip(): _RENAME.get(k.strip(), k.strip().replace(" ", "_"))
                  for k in _OTHER_KEYS.replace("\n", "").split("|")}, **SPEAKER_KEYS}

_FIELD = re.compile(r"^[ \t]*\**(?P<key>[A-Za-z][A-Za-z /'’()-]{0,30}?)\**[ \t]*"
                    r"(?::|[ \t][—–-][ \t]|\t|\|)[ \t]*(?P<value>.*?)[ \t|]*$")
_KEY_ALONE = re.compile(r"^[ \t]*\**(?P<key>[A-Za-z][A-Za-z /'’()-]{0,30}?)\**[ \t]*:?[ \t]*$")
_TITLES = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Rev|St|Sr|Jr|Cllr|Ltd|Co|Inc|etc)\.")
_NAME = (r"[A-Z][\w'’.-]*(?:[ \t]+(?:(?:de|da|van|von|der|den|du|la|le)[ \t]+)?"
         r"[A-Z][\w'’.-]*){0,4}")
_INTERVIEW = r"(?i:(?:an?[ \t]+)?(?:oral[ \t]+history[ \t]+)?interview)"
_INTERVIEW_WITH = re.compile(rf"^[ \t]*{_INTERVIEW}[ \t]+(?i:with)[ \t]+(?P<name>{_NAME})")
_BY = re.compile(rf"\b(?i:(?:interviewed|conducted)[ \t]+by)[ \t]*:?[ \t]+(?P<name>{_NAME})")
_NOTATION = re.compile(r"^[ \t]*(?:[\[(].{0,40}?[\])]|\.{3}|…|[-–—/*#]+)[ \t]*[=:–—-]")


@dataclass
class Header:
    start: int = 0
    end: int = 0  # the header is text[start:end]; end == 0 means no header
    fields: dict[str, str] = field(default_factory=dict)  # attribute name -> value
    speaker_names: dict[str, list[str]] = field(default_factory=dict)  # party -> names


def key_name(key: str) -> str | None:
    """The attribute name for a header key, or None when it is not a header key."""
    k = " ".join(key.lower().replace("’", "'").strip(" *").split())
    k = re.sub(r"\(s\)$", "s", k)
    return HEADER_KEYS.get(k)


def metadata_like(value: str) -> bool:
    """A short value that is not a sentence: a name, a job title, a date."""
    v = value.strip()
    if not v or len(v.split()) > 10 or re.search(r"[?!…]", v):
        return False
    v = _TITLES.sub("", v)  # "Dr. Jane Smith", "K. Osei" are names, not sentences
    return not re.search(r"[^\s.]{2}\.(?:\s|$)", v)


def _lines(text: str, start: int) -> list[tuple[int, int, str]]:
    out, pos = [], start
    while pos < len(text) and len(out) < MAX_LINES:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        out.append((pos, end, text[pos:end]))
        pos = end + 1
    return out


def front_matter(text: str) -> Header | None:
    """A ``---`` block of ``key: value`` lines at the very top."""
    lines = _lines(text, 0)
    first = next((i for i, (_, _, ln) in enumerate(lines) if ln.strip()), None)
    if first is None or lines[first][2].strip() != "---":
        return None
    fields: dict[str, str] = {}
    for s, e, line in lines[first + 1:]:
        if line.strip() in ("---", "..."):
            return with_names(Header(0, min(len(text), e + 1), fields))
        m = re.match(r"^[ \t]*([\w][\w .'-]{0,40}?)[ \t]*:[ \t]*(.*?)[ \t]*$", line)
        if m:
            name = key_name(m[1]) or "_".join(m[1].lower().split())
            _add(fields, name, m[2].strip("'\""))
        elif not line.strip() or line.startswith((" ", "\t", "-")):
            continue
        else:
            return None
    return None


def find_header(text: str, turns: list[Turn]) -> Header:
    """The header at the top of ``text`` (see the module docstring); ``end == 0`` if none."""
    fm = front_matter(text)
    if fm is not None:
        return fm
    label_at = {text.rfind("\n", 0, t.start) + 1: t for t in turns}
    lines = _lines(text, 0)
    fields: dict[str, str] = {}
    evidence, speaker_fields, in_key, gap = False, 0, False, False
    last_field_end, dialogue = 0, None
    i = 0
    while i < len(lines):
        s, e, line = lines[i]
        i += 1
        if not line.strip():
            in_key, gap = False, bool(fields)
            continue
        turn = label_at.get(s)
        if turn is not None:
            got = _turn_field(text, turn, turns, gap)
            if got is not None:
                name, named, value_end = got
                _add(fields, name, text[turn.start:value_end])
                speaker_fields += name in SPEAKER_KEYS.values()
                evidence |= named or name not in SPEAKER_KEYS.values()
                if turn.start > e:  # the value is on the next line: skip it
                    i += 1
                last_field_end = max(e, value_end)
                continue
            dialogue = s
            break
        titled = title_fields(line)
        if titled:
            for name, value in titled:
                _add(fields, name, value)
            evidence, last_field_end = True, e
            continue
        m = _FIELD.match(line)
        name = key_name(m["key"]) if m else None
        if m and name and m["value"] and len(m["value"].split()) <= 25:
            _add(fields, name, m["value"])
            evidence |= name not in SPEAKER_KEYS.values()
            in_key, last_field_end = name == "key", e
            continue
        alone = _KEY_ALONE.match(line)
        name = key_name(alone["key"]) if alone else None
        nxt = next((j for j in range(i, len(lines)) if lines[j][2].strip()), None)
        if name and nxt is not None and lines[nxt][0] not in label_at \
                and len(lines[nxt][2].split()) <= 20 and not key_name(lines[nxt][2]):
            _add(fields, name, lines[nxt][2].strip())
            evidence |= name not in SPEAKER_KEYS.values()
            in_key, last_field_end, i = name == "key", lines[nxt][1], nxt + 1
            continue
        if in_key or (fields and _NOTATION.match(line)):
            _add(fields, "key", line.strip())
            last_field_end = e
    if not fields or not (evidence or (speaker_fields >= 2 and dialogue is not None)):
        return Header()
    end = dialogue if dialogue is not None else min(len(text), last_field_end + 1)
    return with_names(Header(0, end, fields))


def _turn_field(text: str, turn: Turn, turns: list[Turn], gap: bool
                ) -> tuple[str, bool, int] | None:
    """(attribute, named outright, end of value) when a turn above the dialogue is a field."""
    name = key_name(turn.speaker or "")
    value_end = text.find("\n", turn.start)
    value_end = len(text) if value_end < 0 else value_end
    value = text[turn.start:value_end]
    named = name in SPEAKER_KEYS.values() and _names_someone(turn, turns, value)
    if name and (named or (not gap and metadata_like(value))):
        return name, named, value_end
    return None


def title_fields(line: str) -> list[tuple[str, str]]:
    """(party, name) from a title line: ``Interview with X``, ``Interviewed by Y``,
    ``Interview conducted by Y``, ``X interviewed by Y``; [] for any other line."""
    out: list[tuple[str, str]] = []
    titled = _INTERVIEW_WITH.match(line)
    by = _BY.search(line)
    if titled:
        end = by.start() if by and by.start() < titled.end("name") else titled.end("name")
        out.append(("participant", _name(line[titled.start("name"):end])))
    if by:
        before = line[:by.start()].strip(" \t,;:-–—(")
        if titled or not before or re.fullmatch(_INTERVIEW, before):
            out.append(("interviewer", _name(by["name"])))
        elif re.fullmatch(_NAME, before) and looks_like_name(before):
            out += [("participant", _name(before)), ("interviewer", _name(by["name"]))]
    return [(party, name) for party, name in out if name]


def _name(value: str) -> str:
    """A name as written, without the full stop or comma of the sentence it ends."""
    value = value.strip(" \t,;")
    words = value.split()
    if words and value.endswith(".") and len(words[-1]) > 2:
        value = value[:-1]
    return value


def _names_someone(turn: Turn, turns: list[Turn], value: str) -> bool:
    """``Interviewer: Michael Mahoney`` above the dialogue: a label heading no other turn,
    followed by a name of 2-5 words (brackets aside: ``JP (Joanna Pryce)``)."""
    if sum((t.speaker or "").casefold() == (turn.speaker or "").casefold() for t in turns) != 1:
        return False
    bare = " ".join(re.sub(r"\([^()]*\)", " ", value).split())
    return 2 <= len(bare.split()) <= 5 and looks_like_name(bare)


def fields_from_notes(notes: list[str]) -> Header:
    """Header fields from the NOTE blocks of a WebVTT file (not part of the document text)."""
    fields: dict[str, str] = {}
    for note in notes:
        for line in note.split("\n"):
            m = _FIELD.match(line)
            name = key_name(m["key"]) if m else None
            if m and name and m["value"]:
                _add(fields, name, m["value"])
    return with_names(Header(0, 0, fields))


def _add(fields: dict[str, str], name: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    fields[name] = f"{fields[name]}; {value}" if name in fields and value not in fields[name] \
        else fields.get(name, value)


def with_names(header: Header) -> Header:
    """Names given for the interviewer and the participants: ``JP (Joanna Pryce)`` gives both
    ``JP`` and ``Joanna Pryce``; ``Dana Whitlock, Tom Healey`` gives each."""
    for party in ("interviewer", "participant"):
        value = header.fields.get(party, "")
        names = [n.strip(" .") for n in re.split(r"[;,/()]|\band\b|&", value) if n.strip(" .")]
        if names:
            header.speaker_names[party] = names
    return header
