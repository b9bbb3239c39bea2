"""What a privacy scan or a redaction found, by kind and by document, without showing it.

Why offsets and counts only: the report is printed in terminals, pasted into ethics
correspondence and saved beside exports. Quoting the identifiers it found would leak them a
second time, so a row says where (character offsets) and how many, never what.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualkit.privacy.detect import KINDS, find_identifiers
from qualkit.privacy.redact import Redaction

if TYPE_CHECKING:
    import pandas as pd

SCAN_COLUMNS = ["document", "kind", "count", "examples"]


def _kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)


@dataclass
class RedactionReport:
    """Counts of identifiers per document and kind; add documents as they are redacted."""

    by_document: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, document: str, counts: Redaction | Mapping[str, int]) -> None:
        """Add one document's counts (a ``Redaction`` or kind -> count); repeats accumulate."""
        counts = counts.counts if isinstance(counts, Redaction) else counts
        mine = Counter(self.by_document.get(document, {}))
        mine.update({k: int(v) for k, v in counts.items() if v})
        self.by_document[document] = {k: mine[k] for k in sorted(mine, key=_kind_order)}

    @property
    def by_kind(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for counts in self.by_document.values():
            total.update(counts)
        return {k: total[k] for k in sorted(total, key=_kind_order)}

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per document and kind found: document, kind, count."""
        import pandas as pd

        rows = [(doc, kind, n) for doc, counts in self.by_document.items()
                for kind, n in counts.items()]
        return pd.DataFrame(rows, columns=["document", "kind", "count"])


def scan(documents: Mapping[str, str], names: Iterable[str | Sequence[str]] = (),
         kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Identifiers in each document: columns document, kind, count, examples.

    ``examples`` lists the ``(start, end)`` offsets of every finding of that kind in that
    document, in text order. Documents keep the order given; kinds follow ``KINDS``. Kinds not
    found give no row, so an empty frame means nothing was found.
    """
    import pandas as pd

    names = list(names)
    kinds = None if kinds is None else list(kinds)
    rows = []
    for doc, text in documents.items():
        where: dict[str, list[tuple[int, int]]] = {}
        for f in find_identifiers(text, names=names, kinds=kinds):
            where.setdefault(f.kind, []).append((f.start, f.end))
        for kind in sorted(where, key=_kind_order):
            rows.append((doc, kind, len(where[kind]), where[kind]))
    return pd.DataFrame(rows, columns=SCAN_COLUMNS)
