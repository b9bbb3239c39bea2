"""Exports as Project methods: illustrative quotes, the draft report (and the Excel workbook).

Each gathers the project's frames and vectors, calls the pure writers in ``qualkit.export``,
and applies the project's redactor when asked (``redact=True``): speakers' names, the names in
``privacy.names`` and every identifier kind, with pseudonyms from the stored map.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualkit.models import QualkitError

if TYPE_CHECKING:
    import pandas as pd


class ExportsMixin:
    root: Path
    settings: dict[str, Any]

    # -- quotes and report --------------------------------------------------------------------
    def _redactor(self, redact: bool) -> Any:
        """A redactor for speakers' names and ``privacy: names``, numbering every document,
        over the project's stored pseudonym map (kept again after the export, so a person
        keeps their pseudonym from one export to the next); None when not redacting."""
        if not redact:
            return None
        from qualkit.export.redaction import make_redactor, speaker_names

        speakers = sorted(set(self.segments(include_retired=True)["speaker"].dropna()))
        names = list(self.settings["privacy"]["names"]) + speaker_names(speakers)
        red = make_redactor(names, pmap=self.pseudonym_map(),
                            documents=list(self.documents()["document"]))[0]
        self.save_pseudonym_map(red.pmap)
        return red

    def _kept(self, red: Any) -> Any:
        """Store the pseudonyms an export added (speakers met while writing)."""
        if red is not None:
            self.save_pseudonym_map(red.pmap)
        return red

    def _exports(self) -> Path:
        folder = self.root / "exports"
        folder.mkdir(exist_ok=True)
        return folder

    def _quote_inputs(self, code_ids: list[str] | None) -> dict[str, Any]:
        from qualkit.export.quotes import check_code_ids

        known = self.codeframe().ids
        check_code_ids(code_ids, known)
        codings, segs = self.codings(), self.segments()
        coded = segs[segs["segment_id"].isin(set(codings["segment_id"]))].reset_index(drop=True)
        vectors = self.vectors(list(coded["text"]))[0] if len(coded) else []
        return {"codings": codings, "segments": coded, "vectors": vectors,
                "known_codes": known, "context_from": segs}

    def quotes(self, code_ids: list[str] | None = None, per_code: int = 5,
               coder: str | None = None, context: bool | int = False, redact: bool = False
               ) -> "pd.DataFrame":
        """Illustrative quotes per code, typical and spread over documents and speakers:
        code_id, rank, segment_id, document, speaker, role, start, end, text, context_before,
        context_after, typicality. ``redact``: names, identifiers, speakers and documents
        replaced (start/end still index the original document)."""
        from qualkit.export.quotes import select_quotes
        from qualkit.export.redaction import redact_quotes

        code_ids = [code_ids] if isinstance(code_ids, str) else code_ids
        found = select_quotes(**self._quote_inputs(code_ids), per_code=per_code,
                              code_ids=code_ids, coder=coder, context=context)
        red = self._redactor(redact)
        out = redact_quotes(found, red)
        self._kept(red)
        return out

    def export_quotes(self, path: str | Path | None = None, fmt: str | None = None,
                      code_ids: list[str] | None = None, per_code: int = 5,
                      coder: str | None = None, context: bool | int = False,
                      redact: bool = False) -> Any:
        """Write quotes as md, docx or csv (default ``exports/quotes.<fmt>``); returns an
        ``Exported`` (path, quotes, redaction report)."""
        from qualkit.export.quotes_files import Exported, format_of, write_quotes

        chosen = format_of(path or f"quotes.{fmt or 'md'}", fmt)
        path = Path(path) if path else self._exports() / f"quotes.{chosen}"
        found = self.quotes(code_ids, per_code, coder, context)
        red = self._redactor(redact)
        write_quotes(path, found, self.codeframe().codes, chosen, red)
        self._kept(red)
        asked = [code_ids] if isinstance(code_ids, str) else code_ids or []
        missing = [c for c in asked if c not in set(found["code_id"])]
        return Exported(path, len(found), red.report if red else None, missing)

    def export_report(self, path: str | Path | None = None, fmt: str | None = None,
                      coder: str | None = None, redact: bool = False, per_code: int = 3,
                      by: str | None = "authority_type") -> Any:
        """Write a draft report (md with charts beside it, or docx): one section per
        top-level code, the FOI tables and charts, quotes. Returns an ``Exported``."""
        import datetime

        from qualkit.export.quotes_files import Exported
        from qualkit.export.report import ReportData, build_report, report_format, write_report

        fmt = report_format(path, fmt)
        path = Path(path) if path else self._exports() / f"report.{fmt}"
        codings = self.codings(coder)
        docs = self.documents()
        tally = self._report_tally(docs, by)
        if len(codings) == 0 and tally is None:
            who = f" by coder {coder!r}" if coder else ""
            raise QualkitError(f"nothing to report yet: no codings{who} and no FOI answers")
        found = self.quotes(None, per_code + 2, coder) if len(codings) else None
        data = ReportData(self.codeframe().codes, codings, docs, found, tally, by,
                          coder=coder, generated=datetime.date.today().isoformat(),
                          per_code=per_code)
        red = self._redactor(redact)
        report = build_report(data, red)
        write_report(path, report, fmt)
        self._kept(red)
        shown = sum(len(g.quotes) for s in report.sections for g in s.quotes)
        return Exported(path, shown, red.report if red else None)

    def _report_tally(self, docs: "pd.DataFrame", by: str | None) -> "pd.DataFrame | None":
        foi = docs[docs["kind"] == "foi"]
        if len(foi) == 0 or len(self.foi_answers()) == 0:
            return None
        usable = by if by in foi.dropna(axis=1, how="all").columns else None
        return self.foi_tally(by=usable)

