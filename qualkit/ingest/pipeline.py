"""Ingest: files and folders into documents, segments and FOI answers in the store.

One file's failure never stops the batch: it is reported with its name and reason, and the
file's document (if any) is left as it was. That holds for unexpected errors too (a bug in a
reader, spaCy refusing a text): the file is skipped with the error named and the traceback
kept in ``IngestReport.errors`` for ``--debug``. Only a store that cannot be written (locked,
read-only, disk full) or Ctrl-C ends the batch, since every later file would fail the same way.
Each document is written in one transaction, so the store never holds a document whose
segments belong to another version of it. Size limits (``limits.py``) are applied per file.
"""
from __future__ import annotations

import hashlib
import json
import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Progress, ReadError, ReadResult, Segment, Step
from ..segment import SegmentSettings, answer_segments, segment_document
from ..store import Store, StoreError
from .attributes import ATTRIBUTES_FILE, AttributeTable, load_attributes
from .discover import SUPPORTED, discover as find_files
from .limits import Limits, check_file_size, check_segment_count, split_long_units

__all__ = ["IngestReport", "Ingester", "SUPPORTED", "KINDS", "content_hash"]
KINDS = ("transcript", "foi")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files of types qualkit does not read
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, traceback) of bugs
    segments_added: int = 0
    segments_removed: int = 0
    carried: int = 0  # codings moved to identical segments after a document changed
    orphaned: list[tuple[str, str, str]] = field(default_factory=list)  # (document, id, text)

    @property
    def ok(self) -> bool:
        return not self.skipped

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "segments_added": self.segments_added,
            "segments_removed": self.segments_removed,
            "codings_carried": self.carried,
            "codings_orphaned": len(self.orphaned),
        }


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
            self._tables[folder] = table
        return dict(self._tables[folder].for_file(path.name))

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
        if self._unchanged(existing, digest, kind_hint):
            self.store.set_attributes(existing["id"], attributes)
            report.unchanged.append(shown)
            return
        result = read_file(path, self.limits, data=raw)
        report.warnings.extend(f"{shown}: {w}" for w in result.warnings)
        kind = kind_hint or self._guess_kind(result)
        segments, answers = self._analyse(name, kind, result, shown, report)
        check_segment_count(len(segments), self.limits)
        meta = dict(result.meta)
        meta["segmentation"] = self.settings.fingerprint()
        meta["turns"] = len(result.turns)
        meta["longest_unit"] = _longest_unit(result)
        meta["paragraph_chars"] = self.limits.paragraph_chars
        with self.store.transaction():
            doc_id = self.store.upsert_document(
                name=name, path=shown, kind=kind, format=result.format,
                encoding=result.encoding, content_hash=digest, text=result.text, meta=meta,
            )
            self.store.set_attributes(doc_id, attributes)
            change = self.store.replace_segments(doc_id, segments)
            self.store.replace_foi_answers(doc_id, answers)
        (report.updated if existing is not None else report.added).append(shown)
        report.segments_added += change.added
        report.segments_removed += change.removed
        report.carried += change.carried
        report.orphaned.extend((name, sid, text) for sid, text in change.orphaned)

    def _unchanged(self, existing, digest: str, kind_hint: str | None) -> bool:
        """Same bytes, same segmentation settings, same kind, and no cut that the paragraph
        limit would now make differently."""
        if existing is None or existing["content_hash"] != digest:
            return False
        meta = json.loads(existing["meta"])
        limit = self.limits.paragraph_chars
        old_limit = meta.get("paragraph_chars", limit)
        recut = old_limit != limit and meta.get("longest_unit", 0) > min(old_limit, limit)
        return (meta.get("segmentation") == self.settings.fingerprint()
                and kind_hint in (None, existing["kind"]) and not recut)

    @staticmethod
    def _guess_kind(result: ReadResult) -> str:
        if result.format in ("vtt", "srt"):
            return "transcript"
        from qualkit.foi.parse import looks_like_foi

        # before speaker turns: "School census: Yes" lines in a letter look like turns
        return "foi" if looks_like_foi(result.text) else "transcript"

    def _analyse(self, name: str, kind: str, result: ReadResult, shown: str,
                 report: IngestReport) -> tuple[list[Segment], list]:
        if kind == "transcript":
            turns, cuts = split_long_units(result.text, result.turns, self.limits)
            report.warnings.extend(f"{shown}: {w}" for w in cuts)
            check_segment_count(len(turns), self.limits, what="speaker turns")
            return segment_document(name, result.text, turns, self.settings), []
        from qualkit.foi.parse import parse_letter

        letter = parse_letter(result.text)
        if letter.problems:
            report.warnings.append(f"{shown}: {_fold_problems(letter.problems)}")
        spans = [(ft.question, ft.start, ft.end) for ft in letter.free_text]
        return answer_segments(name, result.text, spans), list(letter.answers)


def _longest_unit(result: ReadResult) -> int:
    """Characters in the longest turn (the whole text when there are no turns)."""
    if not result.turns:
        return len(result.text.strip())
    return max(t.end - t.start for t in result.turns)


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
