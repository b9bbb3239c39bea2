"""Privacy as Project methods: the project's pseudonym map (kept in the store, so a person is
"Person 3" in every export, every time), the project's redactor, and scans for identifiers.

One redactor serves exports and screens alike (``redactor``), so a document is "Document 3"
and a child "[Person 2]" in a shared screen, a quotes file and a REFI-QDA export. Screens are
redacted when asked (``--redact``) or when ``privacy.redact_screens`` is on (``screen_redactor``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

PMAP_KEY = "pseudonym_map"


class PrivacyMixin:
    store: Any
    settings: dict[str, Any]

    @property
    def privacy_names(self) -> list[Any]:
        """People's names (or alias lists) from ``privacy.names`` in qualkit.yaml."""
        return list(self.settings["privacy"]["names"] or [])

    def pseudonym_map(self) -> Any:
        """The stored ``PseudonymMap``, with the settings' names registered."""
        from qualkit.privacy import PseudonymMap

        pmap = PseudonymMap.from_dict(self.store.get_setting(PMAP_KEY, {}) or {})
        pmap.register(self.privacy_names)
        return pmap

    def save_pseudonym_map(self, pmap: Any) -> None:
        """Keep the map, so the pseudonyms given now are the ones given next time."""
        self.store.set_setting(PMAP_KEY, pmap.to_dict())

    def privacy_scan(self, documents: list[str] | None = None,
                     kinds: list[str] | None = None) -> "pd.DataFrame":
        """Identifiers found per document (all, or ``documents``): document, kind, count,
        examples (offsets only)."""
        from qualkit.privacy import scan

        names = [r["name"] for r in self.store.documents()]
        wanted = names if documents is None else [n for n in names if n in set(documents)]
        texts = {n: self.store.document_text(n) for n in wanted}
        return scan(texts, self.privacy_names, kinds=kinds)

    def identifier_warnings(self, documents: list[str]) -> dict[str, dict[str, int]]:
        """For each of ``documents`` holding a child's identifier (NHS number, UPN) or a name
        listed in ``privacy.names``: kind -> count (never the values). Empty when none."""
        if not documents:
            return {}
        df = self.privacy_scan(documents, kinds=["nhs_number", "upn", "name"])
        out: dict[str, dict[str, int]] = {}
        for r in df.to_dict("records"):
            out.setdefault(r["document"], {})[r["kind"]] = int(r["count"])
        return out

    # -- the project's redactor (exports and screens) -----------------------------------------
    def redactor(self) -> Any:
        """A ``PrivacyRedactor`` for speakers' names, ``privacy.names`` and every identifier
        kind, numbering every document, over the stored pseudonym map (saved now; call
        ``save_pseudonym_map(red.pmap)`` after use to keep labels given while it ran)."""
        from qualkit.export.redaction import make_redactor, speaker_names

        segs = self.segments(include_retired=True)  # type: ignore[attr-defined]
        names = self.privacy_names + speaker_names(sorted(set(segs["speaker"].dropna())))
        red = make_redactor(names, pmap=self.pseudonym_map(),
                            documents=list(self.documents()["document"]))[0]  # type: ignore
        self.save_pseudonym_map(red.pmap)
        return red

    @property
    def redact_screens(self) -> bool:
        """``privacy.redact_screens`` in qualkit.yaml: redact whatever the CLI and app show."""
        return bool(self.settings["privacy"].get("redact_screens"))

    def screen_redactor(self, redact: bool = False) -> Any:
        """The redactor for what is shown on screen when ``redact`` or the setting asks for
        one; else None (text shown as written)."""
        return self.redactor() if redact or self.redact_screens else None
