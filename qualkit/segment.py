"""Segmentation: documents into sentences or speaker turns, with character offsets.

Invariants, for every segment: ``document_text[start:end] == text``; a segment never crosses
a speaker turn; ids are stable across re-runs of unchanged text (they hash the document name,
unit, speaker, text and the text's occurrence number, not offsets, so an edit elsewhere in the
document leaves them alone).

Units come from ``ingest.transcript``: speech units are cut into sentences (or kept whole as
turns); a non-speech unit (``[Interruption – phone rings]``, ``END OF TRANSCRIPT``) is one
segment flagged ``nonspeech``, and so is a sentence that holds only annotations. Each segment
carries its unit's ``party``, decided at ingest (``ingest.parties``); nothing here decides it.

spaCy is imported inside ``_nlp``: a blank English pipeline with the rule-based sentencizer
(no model download), or a pipeline the user installed and named in the project settings.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .ingest.annotations import is_speech
from .models import QualkitError, Segment, Turn

# bump when segmentation rules change: documents are then re-segmented on the next ingest
SEGMENTER_VERSION = 6  # 6: PDF page breaks run on, slide markers, bare name lines, "Interviewed by"
UNITS = ("sentence", "turn")
SHORT_POLICIES = ("merge", "flag", "keep")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_OPENERS = "[({“‘\"'"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class SegmentSettings:
    unit: str = "sentence"
    short_words: int = 3  # a sentence with fewer words than this is a short fragment
    short_policy: str = "merge"  # merge into a neighbour in the same turn | flag | keep
    spacy_model: str | None = None  # an installed spaCy pipeline; None = blank English
    interviewers: tuple[str, ...] = ()  # speakers who are interviewers (see ingest.parties)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise QualkitError(f"unknown segment unit {self.unit!r}; use one of {UNITS}")
        object.__setattr__(self, "interviewers", tuple(self.interviewers or ()))
        if self.short_policy not in SHORT_POLICIES:
            raise QualkitError(
                f"unknown short_policy {self.short_policy!r}; use one of {SHORT_POLICIES}"
            )

    def as_dict(self) -> dict[str, object]:
        """What segmentation and parties depend on, as stored with each document."""
        return {"version": SEGMENTER_VERSION, "unit": self.unit, "short_words": self.short_words,
                "short_policy": self.short_policy, "spacy_model": self.spacy_model,
                "interviewers": sorted(self.interviewers)}

    def fingerprint(self) -> str:
        return (f"v{SEGMENTER_VERSION}|{self.unit}|{self.short_words}|{self.short_policy}|"
                f"{self.spacy_model or ''}|{','.join(sorted(self.interviewers))}")


def parse_fingerprint(fingerprint: str | None) -> dict[str, object]:
    """A stored fingerprint back into ``SegmentSettings.as_dict()`` form ({} if unreadable)."""
    parts = (fingerprint or "").split("|")
    if len(parts) != 6 or not parts[0].startswith("v") or not parts[2].isdigit():
        return {}
    return {"version": int(parts[0][1:]) if parts[0][1:].isdigit() else parts[0][1:],
            "unit": parts[1], "short_words": int(parts[2]), "short_policy": parts[3],
            "spacy_model": parts[4] or None,
            "interviewers": [n for n in parts[5].split(",") if n]}


def describe_changes(old: dict[str, object], new: dict[str, object]) -> list[str]:
    """In words, what differs between two ``as_dict()`` settings."""
    if not old:
        return ["segmentation settings not recorded (an older qualkit)"]
    out = []
    for key, value in new.items():
        if old.get(key) != value:
            if key == "version":
                out.append(f"qualkit's segmentation rules (version {old.get(key)} → {value})")
            else:
                out.append(f"segment.{key} ({_shown(old.get(key))} → {_shown(value)})")
    return out


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "none" if value is None else str(value)


@lru_cache(maxsize=4)
def _nlp(model: str | None):
    import spacy

    if model is None:
        nlp = spacy.blank("en")
        # "CiN." (Children in Need), "SEMH." ... end sentences too: spaCy splits a final "."
        # after a lower-case letter or two capitals, not after lower-case + capital
        suffixes = [*nlp.Defaults.suffixes, r"(?<=[a-z][A-Z])\."]
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    else:
        try:
            nlp = spacy.load(model)
        except OSError as e:
            raise QualkitError(
                f"spaCy pipeline {model!r} is not installed; install it or remove "
                "segment.spacy_model from qualkit.yaml"
            ) from e
    if not ({"sentencizer", "senter", "parser"} & set(nlp.pipe_names)):
        nlp.add_pipe("sentencizer")
    return nlp


def segment_id(document: str, unit: str, speaker: str | None, text: str, occurrence: int) -> str:
    key = "\x1f".join((document, unit, speaker or "", text, str(occurrence)))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Blank-line separated paragraphs inside [start, end), stripped, non-empty."""
    pos = start
    for m in _PARAGRAPH_BREAK.finditer(text, start, end):
        s, e = _strip_span(text, pos, m.start())
        if e > s:
            yield s, e
        pos = m.end()
    s, e = _strip_span(text, pos, end)
    if e > s:
        yield s, e


def _units_of(text: str, turns: list[Turn]) -> list[Turn]:
    """The turns to segment; a document without turns is one speakerless unit."""
    if turns:
        return [t for t in turns if t.end > t.start]
    s, e = _strip_span(text, 0, len(text))
    return [Turn(s, e)] if e > s else []


def _sentence_spans(text: str, units: list[Turn], nlp) -> list[list[tuple[int, int]]]:
    """For each unit, its sentence spans (absolute offsets)."""
    pieces: list[tuple[int, int, int]] = []  # (unit index, start, end) of each paragraph
    for i, u in enumerate(units):
        pieces.extend((i, s, e) for s, e in _paragraphs(text, u.start, u.end))
    out: list[list[tuple[int, int]]] = [[] for _ in units]
    docs = nlp.pipe(text[s:e] for _, s, e in pieces)
    for (i, s, _e), doc in zip(pieces, docs):
        spans = [(s + sent.start_char, s + sent.end_char) for sent in doc.sents]
        for a, b in _move_openers(text, spans):
            a, b = _strip_span(text, a, b)
            if b > a:
                out[i].append((a, b))
    return out


def _move_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentencizer leaves an opening bracket or quote after a full stop with the sentence
    before ("cases. [laughs] The"): hand it to the sentence it opens."""
    spans = list(spans)
    for j in range(len(spans) - 1):
        a, b = spans[j]
        cut = b
        while cut > a and (text[cut - 1] in _OPENERS or text[cut - 1].isspace()):
            cut -= 1
        # only a run that starts with a space opens something: "no.'" closes a quote
        if cut < b and text[cut].isspace() and text[cut:b].strip() and cut > a:
            spans[j] = (a, cut)
            spans[j + 1] = (cut, spans[j + 1][1])
    return spans


def _merge_short(spans: list[tuple[int, int]], text: str, min_words: int) -> list[tuple[int, int]]:
    """Merge fragments shorter than ``min_words`` into the previous span (or the next one)."""
    merged: list[tuple[int, int]] = []
    pending_start: int | None = None  # a leading fragment waiting for the next span
    for a, b in spans:
        if pending_start is not None:
            a, pending_start = pending_start, None
        if word_count(text[a:b]) < min_words:
            if merged:
                merged[-1] = (merged[-1][0], b)
                continue
            pending_start = a
            continue
        merged.append((a, b))
    if pending_start is not None:  # the whole unit was short fragments
        merged.append((pending_start, spans[-1][1]))
    return merged


def _flags(text: str, unit: Turn, settings: SegmentSettings) -> str:
    if unit.nonspeech or not is_speech(text):
        return "nonspeech"
    if settings.short_policy != "keep" and word_count(text) < settings.short_words:
        return "short"
    return ""


def segment_document(
    document: str,
    text: str,
    turns: list[Turn],
    settings: SegmentSettings = SegmentSettings(),
) -> list[Segment]:
    """Cut one document into segments under ``settings``."""
    units = _units_of(text, turns)
    speech = [u for u in units if not u.nonspeech]
    if settings.unit == "turn":
        cut = {id(u): [(u.start, u.end)] for u in speech}
    else:
        spans = _sentence_spans(text, speech, _nlp(settings.spacy_model))
        if settings.short_policy == "merge":
            spans = [_merge_short(s, text, settings.short_words) if s else s for s in spans]
        cut = {id(u): s for u, s in zip(speech, spans)}
    segments: list[Segment] = []
    seen: Counter[tuple[str | None, str]] = Counter()
    for unit in units:
        for a, b in cut.get(id(unit), [(unit.start, unit.end)]):
            seg_text = text[a:b]
            key = (unit.speaker, seg_text)
            occurrence = seen[key]
            seen[key] += 1
            segments.append(
                Segment(
                    id=segment_id(document, settings.unit, unit.speaker, seg_text, occurrence),
                    document=document,
                    unit=settings.unit,
                    start=a,
                    end=b,
                    text=seg_text,
                    speaker=unit.speaker,
                    role=unit.role,
                    timestamp=unit.timestamp,
                    seq=len(segments),
                    flags=_flags(seg_text, unit, settings),
                    party=unit.party,
                )
            )
    return segments


def answer_segments(document: str, text: str, spans: list[tuple[str | None, int, int]]) -> list[Segment]:
    """Segments for the free text of an FOI letter: one per (question, start, end) span."""
    segments: list[Segment] = []
    seen: Counter[tuple[str | None, str]] = Counter()
    for question, start, end in sorted(spans, key=lambda s: (s[1], s[2])):
        a, b = _strip_span(text, start, end)
        if b <= a:
            continue
        seg_text = text[a:b]
        occurrence = seen[(question, seg_text)]
        seen[(question, seg_text)] += 1
        segments.append(
            Segment(
                id=segment_id(document, "answer", question, seg_text, occurrence),
                document=document,
                unit="answer",
                start=a,
                end=b,
                text=seg_text,
                question=question,
                seq=len(segments),
            )
        )
    return segments
