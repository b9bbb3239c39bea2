"""Privacy as Project methods: the project's pseudonym map (kept in the store, so a person is
"Person 3" in every export, every time) and a scan of the documents for identifiers."""
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

    def privacy_scan(self) -> "pd.DataFrame":
        """Identifiers found per document: document, kind, count, examples (offsets only)."""
        from qualkit.privacy import scan

        texts = {r["name"]: self.store.document_text(r["name"]) for r in self.store.documents()}
        return scan(texts, self.privacy_names)
