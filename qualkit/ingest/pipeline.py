"""Ingest: files and folders into documents, segments and FOI answers in the store.

One file's failure never stops the batch: it is reported with its name and reason, and the
file's document (if any) is left as it was. That holds for unexpected errors too (a bug in a
reader, spaCy refusing a text): the file is skipped with the error named and the traceback
kept in ``IngestReport.errors`` for ``--debug``. Only a store that cannot be written (locked,
read-only, disk full) or Ctrl-C ends the batch, since every later file would fail the same way.
Each document is written in one transaction, so the store never holds a document whose
segments belong to another version of it. Files come from ``discover.py`` (nothing dropped in
silence); size limits (``limits.py``) are applied per file.

A transcript goes through ``transcript.build_transcript`` (header, non-speech, timestamps,
one name per speaker), then ``parties.decide_parties``, then ``segment_document``. Its
header fields join its attributes (``attributes.csv`` wins). When its segments change, codings
follow their text (``carry.relocate``). A document whose file is unchanged is read again only
when the settings segmentation depends on changed, and the report says which changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import traceback
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..models import Progress, ReadError, ReadResult, Segment, Step
from ..segment import (SEGMENTER_VERSION, SegmentSettings, answer_segments, describe_changes,
                       parse_fingerprint, segment_document)
from ..store import Store, StoreError
from .attributes import ATTRIBUTES_FILE, AttributeTable, load_attributes
from .discover import SUPPORTED, discover as find_files
from .limits import Limits, check_file_size, check_segment_count, split_long_units
from .report import BUILT_IN, IngestReport, Moved, namespaced

__all__ = ["IngestReport", "Ingester", "SUPPORTED", "KINDS", "content_hash"]
KINDS = ("transcript", "foi")


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class Ingester:
    def __init__(self, store: Store, root: Path, settings: SegmentSettings,
                 limits: Limits | None = None):
        self.store = store
        self.root = root.resolve()
        self.settings = settings
        self.limits = limits or Limits()
        self._tables: dict[Path, AttributeTable] = {}

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def attributes_for(self, path: Path, report: IngestReport) -> dict[str, str]:
        folder = path.parent
        if folder not in self._tables:
            csv_path = folder / ATTRIBUTES_FILE
            table = (load_attributes(csv_path, self.display(csv_path))
                     if os.path.lexists(csv_path) else AttributeTable())
            report.warnings.extend(table.problems)
            for column in table.columns:
                if column.strip().lower() in BUILT_IN - {"kind"}:
                    report.warnings.append(
                        f"{self.display(csv_path)}: column {column!r} is also a built-in "
                        f"column; its values are kept as attribute {namespaced(column)!r} "
                        f"(e.g. --where {namespaced(column)}=...)")
            self._tables[folder] = table
        return {namespaced(k) if k != "kind" else k: v
                for k, v in self._tables[folder].for_file(path.name).items()}

    def run(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        paths = list(paths)
        report = IngestReport()
        found = find_files(paths, self.display)
        report.skipped.extend(found.skipped)
        report.warnings.extend(found.warnings)
        report.ignored.extend(found.ignored)
        files = found.files
        for i, path in enumerate(files, start=1):
            shown = self.display(path)
            try:
                self.ingest_one(path, shown, report)
            except ReadError as e:
                report.skipped.append((shown, e.reason))
            except StoreError:
                raise  # the store cannot be written: every later file would fail the same way
            except OSError as e:
                report.skipped.append((shown, f"cannot read ({e.strerror or e})"))
            except Exception as e:  # a bug, or a library refusing the text (MemoryError too)
                report.skipped.append((shown, f"qualkit could not process this file "
                                              f"({type(e).__name__}: {_first_line(e)}); "
                                              "please report it"))
                report.errors.append((shown, traceback.format_exc()))
            if progress:
                progress(Step("ingest", i, len(files), shown))
        self._report_gone(paths, report)
        return report

    def _report_gone(self, paths: Iterable[Path], report: IngestReport) -> None:
        """Documents from the folders just read whose file is no longer there: kept, said."""
        folders = [Path(os.path.realpath(p)) for p in paths if p.is_dir()]
        for row in self.store.documents():
            path = Path(row["path"])
            path = path if path.is_absolute() else self.root / path
            if not path.exists() and any(f in path.parents for f in folders):
                report.warnings.append(
                    f"{row['path']}: file is gone; its document and codings are kept")

    def ingest_one(self, path: Path, shown: str, report: IngestReport) -> None:
        from .readers import read_file

        name = path.name
        existing = self.store.document_row(name)
        if existing is not None and existing["path"] != shown:
            raise ReadError(
                f"a different file with the same name is already in the project "
                f"({existing['path']}); rename one of them"
            )
        check_file_size(path.stat().st_size, self.limits)
        raw = path.read_bytes()
        digest = content_hash(raw)
        attributes = self.attributes_for(path, report)
        kind_hint = attributes.pop("kind", "").strip().lower() or None
        if kind_hint and kind_hint not in KINDS:
            report.warnings.append(f"{shown}: unknown kind {kind_hint!r} in attributes.csv "
                                   f"(use transcript or foi); guessing from the text")
            kind_hint = None
        if existing is not None and existing["content_hash"] == digest:
            meta = json.loads(existing["meta"])
            if kind_hint in (None, existing["kind"]):
                why = (stale(meta.get("segmentation"), existing["kind"], self.settings)
                       or self._recut(meta))
                if why is None:
                    header = meta.get("header", {}).get("fields", {})
                    self.store.set_attributes(existing["id"], _merged(header, attributes))
                    report.unchanged.append(shown)
                    return
                report.resegmented.setdefault(why, []).append(shown)
        result = read_file(path, self.limits, data=raw)
        report.warnings.extend(f"{shown}: {w}" for w in result.warnings)
        kind = kind_hint or self._guess_kind(result)
        meta = dict(result.meta)
        segments, answers, header = self._analyse(name, kind, result, shown, report, meta)
        check_segment_count(len(segments), self.limits)
        meta["paragraph_chars"] = self.limits.paragraph_chars
        meta["segmentation"] = fingerprint(kind, self.settings)
        meta["turns"] = len(result.turns)
        relocate = partial(_relocate, result.text, segments)
        with self.store.transaction():
            doc_id = self.store.upsert_document(
                name=name, path=shown, kind=kind, format=result.format,
                encoding=result.encoding, content_hash=digest, text=result.text, meta=meta,
            )
            self.store.set_attributes(doc_id, _merged(header, attributes))
            change = self.store.replace_segments(doc_id, segments, relocate)
            self.store.replace_foi_answers(doc_id, answers)
        (report.updated if existing is not None else report.added).append(shown)
        report.segments_added += change.added
        report.segments_removed += change.removed
        report.carried += change.carried
        report.orphaned.extend((name, sid, text) for sid, text in change.orphaned)
        report.moved.extend(Moved(name, code, coder, text, targets, note)
                            for _sid, text, code, coder, targets, note in change.moved)

    def _recut(self, meta: dict[str, Any]) -> str | None:
        """Why an unchanged file must be read again because the paragraph limit changed and
        cuts (or would cut) one of its units, or None."""
        limit = self.limits.paragraph_chars
        old = meta.get("paragraph_chars", limit)
        if old != limit and meta.get("longest_unit", 0) > min(old, limit):
            return f"limits.paragraph_chars ({old:,} → {limit:,})"
        return None

    @staticmethod
    def _guess_kind(result: ReadResult) -> str:
        if result.format in ("vtt", "srt"):
            return "transcript"
        from qualkit.foi.parse import looks_like_foi

        # before speaker turns: "School census: Yes" lines in a letter look like turns
        return "foi" if looks_like_foi(result.text) else "transcript"

    def _analyse(self, name: str, kind: str, result: ReadResult, shown: str,
                 report: IngestReport, meta: dict[str, Any]
                 ) -> tuple[list[Segment], list, dict[str, str]]:
        """Segments, FOI answers and header fields of one document; fills ``meta``."""
        if kind == "transcript":
            return self._transcript(name, result, shown, report, meta)
        from qualkit.foi.parse import parse_letter, stored_answers

        letter = parse_letter(result.text)
        if letter.problems:
            report.warnings.append(f"{shown}: {_fold_problems(letter.problems)}")
        spans = [(ft.question, ft.start, ft.end) for ft in letter.free_text]
        return answer_segments(name, result.text, spans), stored_answers(letter), {}

    def _transcript(self, name: str, result: ReadResult, shown: str, report: IngestReport,
                    meta: dict[str, Any]) -> tuple[list[Segment], list, dict[str, str]]:
        from .parties import UNKNOWN, decide_parties
        from .transcript import build_transcript

        t = build_transcript(result)
        decisions = decide_parties(t.labels, t.header.speaker_names, self.settings.interviewers,
                                   self.store.speaker_overrides(name))
        units = [replace(u, party=decisions[u.speaker].party if u.speaker else UNKNOWN)
                 for u in t.units]
        meta["longest_unit"] = max((u.end - u.start for u in units), default=0)
        units, cuts = split_long_units(result.text, units, self.limits)
        report.warnings.extend(f"{shown}: {w}" for w in cuts)
        check_segment_count(len(units), self.limits, what="speaker turns")
        meta["header"] = {"start": t.header.start, "end": t.header.end,
                          "fields": t.header.fields}
        meta["annotations"] = [[a.start, a.end, a.kind] for a in t.annotations]
        meta["parties"] = {k: [d.party, d.reason] for k, d in decisions.items()}
        meta["speaker_labels"] = {k: sorted(v) for k, v in t.labels.items()}
        unknown = [k for k, d in decisions.items() if d.party == UNKNOWN]
        if unknown:
            report.warnings.append(
                f"{shown}: no interviewer identified among "
                f"{' and '.join(repr(k) for k in decisions)}; their "
                f"party is 'unknown' (name the interviewer with `qualkit speakers --set NAME "
                f"interviewer`, or in segment.interviewers)")
        return segment_document(name, result.text, units, self.settings), [], t.header.fields


def pending_changes(documents: Iterable[Any], settings: SegmentSettings) -> dict[str, list[str]]:
    """What changed in the segmentation settings since each document was read -> the
    documents the next ingest will read again because of it."""
    out: dict[str, list[str]] = {}
    for row in documents:
        meta = json.loads(row["meta"] or "{}")
        why = stale(meta.get("segmentation"), row["kind"], settings)
        if why is not None:
            out.setdefault(why, []).append(row["name"])
    return out


def fingerprint(kind: str, settings: SegmentSettings) -> str:
    """What a document's segments depend on: an FOI letter's only on qualkit's rules."""
    return settings.fingerprint() if kind == "transcript" else f"v{SEGMENTER_VERSION}|foi"


def stale(stored: str | None, kind: str, settings: SegmentSettings) -> str | None:
    """Why a document read under ``stored`` must be read again now, or None."""
    if stored == fingerprint(kind, settings):
        return None
    if kind != "transcript":
        old = (stored or "v?").split("|")[0][1:]
        if old == str(SEGMENTER_VERSION):
            return None
        return f"qualkit's segmentation rules (version {old} → {SEGMENTER_VERSION})"
    return "; ".join(describe_changes(parse_fingerprint(stored), settings.as_dict()))


def _merged(header: dict[str, str], attributes: dict[str, str]) -> dict[str, str]:
    """Header fields under the attributes from attributes.csv (which win)."""
    return {**{namespaced(k): v for k, v in header.items()}, **attributes}


def _relocate(text: str, segments: list[Segment], codings: list[dict]) -> dict:
    from .carry import relocate

    return relocate(text, segments, codings)


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    line = text[0] if text else ""
    return line if len(line) <= 160 else line[:157] + "..."


def _fold_problems(problems: list[str]) -> str:
    """One line per letter: 'q1_...: answer unclear' problems become a count of questions."""
    unclear = [p.split(":")[0] for p in problems if p.endswith("answer unclear")]
    other = [p for p in problems if not p.endswith("answer unclear")]
    if unclear:
        other.append(f"{len(unclear)} question{'s' * (len(unclear) != 1)} unclear "
                     f"({', '.join(unclear)})")
    return "; ".join(other)
