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
        """The project's redactor (``PrivacyMixin.redactor``) when redacting, else None."""
        return self.redactor() if redact else None  # type: ignore[attr-defined]

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


    # -- Excel workbook ---------------------------------------------------------------------
    def export_excel(self, path: str | Path | None = None, coder: str | None = None,
                     redact: bool = False) -> Any:
        """Write the workbook (default ``exports/<project>.xlsx``): summary, codes ×
        documents, codes × each attribute, co-occurrence, themes, quotes, agreement (with
        several coders), FOI answers and tallies, codebook. ``coder`` shows one coder's
        codings (a name, or the consensus coder). Returns an ``Exported``; its ``missing``
        lists the parts left out, with why."""
        import datetime

        from qualkit.export.excel import write_workbook
        from qualkit.export.quotes_files import Exported
        from qualkit.export.workbook import assemble

        coders = self.coders()
        if coder is not None and coder not in coders:
            raise QualkitError(f"no coder {coder!r} in this project (coders: "
                               f"{', '.join(coders) or 'none yet'})")
        path = Path(path) if path else self._exports() / f"{self.root.name}.xlsx"
        parts = self._workbook_parts(coder)
        red = self._redactor(redact)
        if red is not None:
            parts = _redacted_parts(parts, red)
        book = assemble(parts["codings"], parts["segments"], parts["documents"],
                        self.codeframe().codes, project=self.root.name, coder=coder,
                        coders=coders, exported=datetime.date.today().isoformat(),
                        codeframe=self.codeframe().name, themes=parts["themes"],
                        quotes=parts["quotes"], agreement=parts["agreement"],
                        foi_answers=parts["foi_answers"], foi_tally=parts["foi_tally"],
                        omitted=parts["omitted"])
        write_workbook(path, book)
        self._kept(red)
        quotes = 0 if parts["quotes"] is None else len(parts["quotes"])
        return Exported(path, quotes, red.report if red else None,
                        [f"{k}: {v}" for k, v in parts["omitted"].items()])

    def _workbook_parts(self, coder: str | None) -> dict[str, Any]:
        omitted: dict[str, str] = {}
        codings = self.codings()
        shown = codings if coder is None else codings[codings["coder"] == coder]
        if shown.empty:
            omitted["codings"] = ("no codings yet" + (f" by {coder}" if coder else "") +
                                  ": code segments with `qualkit code` first")
        quotes = self.quotes(None, 5, coder) if len(shown) else None
        themes = None
        try:
            themes = self.theme_run().themes
        except QualkitError as e:
            omitted["themes"] = str(e)
        agreement = None
        humans = self.coders(kind="human")
        if len(humans) >= 2:
            try:
                agreement = self.agreement(coders=humans)
            except QualkitError as e:
                omitted["agreement"] = str(e)
        else:
            omitted["agreement"] = "fewer than two coders so far"
        documents = self.documents()
        answers = self.foi_answers()
        tally = self._report_tally(documents, "authority_type") if len(answers) else None
        return {"codings": codings, "segments": self.segments(), "documents": documents,
                "themes": themes, "quotes": quotes, "agreement": agreement,
                "foi_answers": answers if len(answers) else None, "foi_tally": tally,
                "omitted": omitted}


def _redacted_parts(parts: dict[str, Any], red: Any) -> dict[str, Any]:
    """The workbook's frames with text redacted and documents named by pseudonym."""
    from qualkit.export.redaction import redact_quotes

    out = dict(parts)
    segs = parts["segments"].copy()
    segs["text"] = [red.text(t, d) for t, d in zip(segs["text"], segs["document"])]
    segs["speaker"] = [red.speaker(s if isinstance(s, str) else None) for s in segs["speaker"]]
    out["segments"] = segs
    for key in ("codings", "documents", "foi_answers", "segments"):
        frame = out[key]
        if frame is not None and "document" in frame.columns:
            frame = frame.copy()
            frame["document"] = [red.document(d) for d in frame["document"]]
            if "path" in frame.columns:
                frame["path"] = ""
            out[key] = frame
    if parts["quotes"] is not None:
        out["quotes"] = redact_quotes(parts["quotes"], red)
    return out
