"""GUIDs other tools gave our codes, coders and sources, kept from REFI-QDA imports.

NVivo, ATLAS.ti, MAXQDA and QualCoder know a code by its GUID, not by its name. A project that
came in as a .qdpx and goes back out must carry the same GUIDs, or the other tool sees every
code as new. The first GUID seen for a thing is kept (a later import cannot silently re-point a
code); a code renamed or re-parented in qualkit keeps its id, so it keeps its GUID too.
"""
from __future__ import annotations

from collections.abc import Mapping

from qualkit.store.connection import Connection, StoreError, now

GUID_KINDS = ("code", "coder", "source")


class GuidsMixin(Connection):
    def keep_guids(self, kind: str, guids: Mapping[str, str], origin: str = "") -> int:
        """Remember ``guids`` (key -> GUID) for ``kind``; keys already known keep theirs.
        Returns how many were new."""
        if kind not in GUID_KINDS:
            raise StoreError(f"unknown GUID kind {kind!r}; use one of {', '.join(GUID_KINDS)}")
        rows = [(kind, k, g, origin, now()) for k, g in guids.items() if k and g]
        with self.transaction() as c:
            before = c.total_changes
            c.executemany("INSERT OR IGNORE INTO refi_guids(kind, key, guid, origin, kept_at) "
                          "VALUES (?, ?, ?, ?, ?)", rows)
            return c.total_changes - before

    def kept_guids(self, kind: str) -> dict[str, str]:
        """Key -> GUID of every ``kind`` kept from imports."""
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT key, guid FROM refi_guids WHERE kind = ? ORDER BY key", (kind,))}
