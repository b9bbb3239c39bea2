"""REFI-QDA exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder, as Project methods.

Reading and writing the files is ``qualkit.export.refi*`` (plain data); here the project's
frames are gathered for export, and an import is brought in: new codes appended to the
codeframe file, sources written as text and ingested, coded spans mapped onto segments.
"""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

from qualkit.models import QualkitError


class RefiMixin:
    store: Any
    root: Path
    last_redaction: Any = None  # the RedactionReport of the last redacted export_qdpx

    # -- REFI-QDA exchange (NVivo, ATLAS.ti, MAXQDA, QualCoder) ----------------------------
    def refi_project(self, coder: str | None = None, redactor: Any = None) -> Any:
        """The project as REFI-QDA plain data (``qualkit.export.refi_model.RefiProject``):
        every document's text, attributes, the codes, every coder's codings (or ``coder``'s)
        and memos. With a ``redactor`` (``self.redactor()``) texts, memos and document names
        are redacted and every span moved onto the redacted text."""
        from qualkit.export.refi_bridge import redacted_inputs, refi_from_frames

        attrs: dict[str, dict[str, str]] = {}
        for r in self.store.attributes():
            attrs.setdefault(r["document"], {})[r["name"]] = r["value"] or ""
        documents = [{"name": r["name"], "text": self.store.document_text(r["name"]),
                      "content_hash": r["content_hash"], "ingested_at": r["ingested_at"],
                      "attributes": attrs.get(r["name"], {})} for r in self.store.documents()]
        memos = [dict(r) for r in self.store.memos()]
        if coder is not None:
            memos = [m for m in memos if m["coder"] in (coder, None)]
        segments = self.segments(include_retired=True).to_dict("records")
        codings = self.codings(coder).to_dict("records")
        if redactor is not None:
            documents, segments, memos = redacted_inputs(redactor, documents, segments, memos)
            codings = [{**c, "memo": redactor.text(c["memo"]) if isinstance(c.get("memo"), str)
                        else c.get("memo")} for c in codings]
        out = refi_from_frames(self.root.name, self.codeframe().codes, documents, segments,
                               codings, memos)
        # the GUIDs other tools gave these things, so a round trip keeps their identity; a
        # redacted text is another source, so it keeps the GUID qualkit mints for it
        out.code_guids = self.store.kept_guids("code")
        out.coder_guids = self.store.kept_guids("coder")
        if redactor is None:
            sources = self.store.kept_guids("source")
            out.documents = [replace(d, guid=sources.get(d.name)) for d in out.documents]
        return out

    def export_qdpx(self, path: str | Path, coder: str | None = None,
                    redact: bool = False) -> list[str]:
        """Write a REFI-QDA project (.qdpx); returns warnings about what was left out.
        ``redact``: names and identifiers replaced in texts and memos, spans moved with the
        text, documents named "Document N" (``self.last_redaction`` holds the report)."""
        from qualkit.export.refi import write_qdpx

        red = self.redactor() if redact else None  # type: ignore[attr-defined]
        warnings = write_qdpx(path, self.refi_project(coder, red))
        if red is not None:
            self.save_pseudonym_map(red.pmap)  # type: ignore[attr-defined]
        self.last_redaction = red.report if red is not None else None
        return warnings

    def export_qdc(self, path: str | Path) -> list[str]:
        """Write the codebook as REFI-QDA (.qdc)."""
        from qualkit.export.refi import write_qdc

        return write_qdc(path, self.codeframe().codes)

    def import_refi(self, path: str | Path) -> dict[str, Any]:
        """Bring in a .qdc (codes) or .qdpx (codes, text sources, coders' codings, memos)
        from another tool. New codes are appended to the codeframe file; sources become text
        files under ``imported/<file stem>/`` and are ingested; each coded span codes the
        segments it covers. Returns what happened, with warnings."""
        from qualkit.export.refi import read_qdc, read_qdpx

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".qdc", ".qdpx"):
            raise QualkitError(f"{path}: not a REFI-QDA file (.qdc codebook or .qdpx project)")
        kept = self.store.kept_guids("code")  # a code seen before is known by its GUID
        known = {cid: kept.get(cid) for cid in self.codeframe().ids}
        project, warnings = (read_qdc if suffix == ".qdc" else read_qdpx)(path, known)
        added = self._add_codes(project.codes)
        self.store.keep_guids("code", project.code_guids, origin=path.name)
        self.store.keep_guids("coder", project.coder_guids, origin=path.name)
        result: dict[str, Any] = {"codes_added": added, "documents": 0, "codings": 0,
                                  "segments_coded": 0, "memos": 0, "warnings": list(warnings)}
        if suffix == ".qdpx" and project.documents:
            result.update(self._import_sources(path, project, result["warnings"]))
        elif suffix == ".qdpx":
            result["memos"] = self._import_memos(project, {}, {}, result["warnings"])
        return result

    def _add_codes(self, codes: list[Any]) -> list[str]:
        from qualkit.codeframe import append_codes

        have = set(self.codeframe().ids)
        new = [c for c in codes if c.id not in have]
        if new:
            append_codes(self.codeframe_path, new)
            self.codeframe()  # bring the store's codes in line
        return [c.id for c in new]

    def _import_sources(self, path: Path, project: Any, warnings: list[str]) -> dict[str, Any]:
        from qualkit.export.refi_bridge import as_stored, file_name
        from qualkit.files import atomic_write

        folder = self.root / "imported" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        taken: set[str] = set()
        names: dict[str, tuple[str, Any]] = {}
        keys = sorted({k for d in project.documents for k in d.attributes} - {"file", "kind"})
        table = io.StringIO()
        writer = csv.writer(table, lineterminator="\n")
        writer.writerow(["file", "kind", *keys])
        for doc in project.documents:
            text, move = as_stored(doc.text)
            name = file_name(doc.name, taken)
            atomic_write(folder / name, text.encode("utf-8"))
            names[doc.name] = (name, move)
            writer.writerow([name, "transcript", *[doc.attributes.get(k, "") for k in keys]])
        atomic_write(folder / "attributes.csv", table.getvalue().encode("utf-8"))
        report = self.ingest([folder])
        warnings.extend(f"{p}: {why}" for p, why in report.skipped)
        self.store.keep_guids("source", {names[d.name][0]: d.guid for d in project.documents
                                         if d.guid}, origin=path.name)
        segs = self.segments()
        by_doc = {d: g.to_dict("records") for d, g in segs.groupby("document")}
        result = self._import_codings(project, names, by_doc, warnings)
        result["memos"] = self._import_memos(project, names, by_doc, warnings)
        return result

    def _import_memos(self, project: Any, names: dict[str, tuple[str, Any]],
                      by_doc: dict[str, list[dict]], warnings: list[str]) -> int:
        """The other tool's notes as memos: on the project, a document, a code, or each
        segment a noted selection covers; several notes of one author on one target are
        joined. A note without an author is kept under the coder "imported"."""
        from qualkit.export.refi_bridge import segments_for_span

        texts: dict[tuple[str, str, str], list[str]] = {}
        lost = 0
        for m in project.memos:
            targets = [m.target_id] if m.target_type in ("project", "code") else []
            if m.target_type == "document" and m.target_id in names:
                targets = [names[m.target_id][0]]
            elif m.target_type == "segment" and m.document in names:
                name, move = names[m.document]
                targets = segments_for_span(by_doc.get(name, []), move(m.start), move(m.end))
            if not targets or not m.text.strip():
                lost += bool(m.text.strip())
                continue
            for target in targets:
                texts.setdefault((m.target_type, target, m.coder or "imported"),
                                 []).append(m.text.strip())
        for (kind, target, coder), parts in texts.items():
            self.store.set_memo(kind, target, coder, "\n\n".join(parts))
        if lost:
            warnings.append(f"{lost} notes refer to nothing qualkit imported (a skipped source "
                            "or a selection that covers no segment) and were not imported")
        return len(texts)

    def _import_codings(self, project: Any, names: dict[str, tuple[str, Any]],
                        by_doc: dict[str, list[dict]], warnings: list[str]) -> dict[str, Any]:
        from qualkit.agreement.bundle import MergePlan, item_hash
        from qualkit.export.refi_bridge import segments_for_span

        plans: dict[str, MergePlan] = {}
        unplaced = 0
        for c in project.codings:
            name, move = names.get(c.document, (None, None))
            ids = segments_for_span(by_doc.get(name, []), move(c.start), move(c.end)) \
                if name else []
            if not ids:
                unplaced += 1
                continue
            plan = plans.setdefault(c.coder, MergePlan(coder=c.coder, kind="human"))
            plan.codings.extend((sid, c.code_id, c.created or "", c.memo, "refi")
                                for sid in ids)
        if unplaced:
            warnings.append(f"{unplaced} coded spans cover no segment (too short, or text "
                            "qualkit does not segment, such as a header) and were not imported")
        counts = [self.store.apply_merge(plan, "refi-import", item_hash)
                  for plan in plans.values()]
        return {"documents": len(names), "codings": len(project.codings) - unplaced,
                "segments_coded": sum(c["codings"] for c in counts)}

